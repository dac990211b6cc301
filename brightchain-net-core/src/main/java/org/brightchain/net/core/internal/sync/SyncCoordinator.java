package org.brightchain.net.core.internal.sync;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciliations this node starts: with a peer it dialled (on connect), with a peer that
 * missed batches (until one succeeds), every interval with a random peer, and when the host asks.
 * One run per peer at a time; a run drives a {@link Reconciler} over {@code block:sync} requests,
 * merges the entries the peer sends, then pushes what the peer lacks. Scheduler-confined.
 */
public final class SyncCoordinator {
  private static final Logger log = LoggerFactory.getLogger(SyncCoordinator.class);

  /** Wait before reconciling again with a peer that is owed it, after a failure. */
  public static final Duration SYNC_RETRY = Duration.ofSeconds(5);

  /**
   * Reconciliation settings between nodes: 64 KiB messages, and up to 8,192 of them, so that a node
   * that lacks millions of blocks (a new one) can still be given all their ids; a conversation is
   * bounded by its timeouts rather than by its length.
   */
  public static final SyncSettings SYNC_SETTINGS = SyncSettings.defaults().withMaxMessages(8192);

  /** Entry budget of one metadata:sync message, estimated bytes. */
  public static final int SYNC_CHUNK_BYTES = 512 * 1024;

  /** Sends a request to a connected peer and completes with its answer. */
  @FunctionalInterface
  public interface PeerRequester {
    /** Fails with {@link ConnectException} if the peer is not connected. */
    CompletableFuture<Envelope> request(NodeId peer, EventPayload payload, Duration timeout);
  }

  private final SyncConfig config;
  private final Duration requestTimeout;
  private final long chunkBytes;
  private final Scheduler scheduler;
  private final Clock clock;
  private final SnapshotCache snapshots;
  private final MetadataChanges changes;
  private final NodeCounters counters;
  private final PeerRequester requester;
  private final Predicate<NodeId> connected;
  private final Supplier<List<NodeId>> connectedPeers;
  private final SplittableRandom random;
  private final BooleanSupplier running;
  private final Map<NodeId, Run> runs = new HashMap<>();

  /** Peers that missed batches: reconciled until it succeeds (or they disconnect). */
  private final Set<NodeId> owed = new HashSet<>();

  /** Peers that lost batches while a reconciliation with them was running. */
  private final Set<NodeId> again = new HashSet<>();

  private Scheduler.Cancellable timer;

  /** A reconciliation this node started. */
  private final class Run {
    final NodeId peer;
    final String session;
    final CompletableFuture<SyncReport> future = new CompletableFuture<>();
    final Instant started = clock.instant();
    SyncSnapshot snap;
    Reconciler reconciler;
    long received;
    long changed;
    long sent;
    Scheduler.Cancellable deadline;

    Run(NodeId peer, String session) {
      this.peer = peer;
      this.session = session;
    }
  }

  /**
   * A coordinator. {@code connected} tells whether a peer has an open identified connection, {@code
   * connectedPeers} lists them (background reconciliation picks one).
   */
  public SyncCoordinator(
      SyncConfig config,
      Duration requestTimeout,
      int maxFrameBytes,
      Scheduler scheduler,
      Clock clock,
      SnapshotCache snapshots,
      MetadataChanges changes,
      NodeCounters counters,
      PeerRequester requester,
      Predicate<NodeId> connected,
      Supplier<List<NodeId>> connectedPeers,
      SplittableRandom random,
      BooleanSupplier running) {
    this.config = config;
    this.requestTimeout = requestTimeout;
    this.chunkBytes = chunkBytes(maxFrameBytes);
    this.scheduler = scheduler;
    this.clock = clock;
    this.snapshots = snapshots;
    this.changes = changes;
    this.counters = counters;
    this.requester = requester;
    this.connected = connected;
    this.connectedPeers = connectedPeers;
    this.random = random;
    this.running = running;
  }

  /** Entry budget of one metadata:sync message: a third of the frame limit, at most 512 KiB. */
  public static long chunkBytes(int maxFrameBytes) {
    return Math.min(SYNC_CHUNK_BYTES, Math.max(4 * 1024, maxFrameBytes / 3));
  }

  /** Starts background reconciliation: every interval, with one connected peer at random. */
  public void start() {
    if (config.interval().isZero() || !running.getAsBoolean()) {
      return;
    }
    timer =
        scheduler.schedule(
            () -> {
              List<NodeId> candidates = connectedPeers.get();
              if (!candidates.isEmpty()) {
                syncWith(candidates.get(random.nextInt(candidates.size())));
              }
              start();
            },
            config.interval());
  }

  /** The node stops: running reconciliations fail, nothing more is owed. */
  public void stop() {
    if (timer != null) {
      timer.cancel();
    }
    owed.clear();
    again.clear();
    for (Run run : new ArrayList<>(runs.values())) {
      run.future.completeExceptionally(new ConnectException("node stopped"));
    }
    runs.clear();
  }

  /**
   * A connection this node dialled identified {@code peer}: whatever either side missed while apart
   * comes across now, asked again until it succeeds (or the peer leaves).
   */
  public void dialled(NodeId peer) {
    assert Confinement.onScheduler(scheduler);
    if (!config.onConnect()) {
      return;
    }
    owed.add(peer);
    if (runs.containsKey(peer)) {
      again.add(peer); // a run from before this connection read an older snapshot
    } else {
      syncWith(peer);
    }
  }

  /** Starts (or joins) a reconciliation with {@code peer}. */
  public CompletableFuture<SyncReport> syncWith(NodeId peer) {
    assert Confinement.onScheduler(scheduler);
    Run current = runs.get(peer);
    if (current != null) {
      return current.future;
    }
    if (!connected.test(peer)) {
      return CompletableFuture.failedFuture(
          new ConnectException("peer " + peer.shortId() + " is not connected"));
    }
    String session = "s" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    Run run = new Run(peer, session);
    runs.put(peer, run);
    run.deadline =
        scheduler.schedule(
            () ->
                run.future.completeExceptionally(
                    new TimeoutException(
                        "sync with " + peer.shortId() + ": not done within " + config.timeout())),
            config.timeout());
    run.future.whenComplete((r, err) -> ended(run, r, err));
    snapshots
        .current()
        .whenComplete(
            (snap, err) -> {
              if (run.future.isDone()) {
                return;
              }
              if (err != null) {
                run.future.completeExceptionally(err);
                return;
              }
              run.snap = snap;
              run.reconciler = Reconciler.initiator(snap.storage(), SYNC_SETTINGS);
              step(run, BlockSyncRequest.reconcile(session, base64(run.reconciler.initiate())));
            });
    return run.future;
  }

  private void ended(Run run, SyncReport r, Throwable err) {
    NodeId peer = run.peer;
    run.deadline.cancel();
    runs.remove(peer, run);
    if (err != null) {
      counters.syncsFailed.incrementAndGet();
      again.remove(peer); // the retry reads a fresh snapshot
      log.info("sync with {} failed: {}", peer.shortId(), LogText.safe(Errors.rootMessage(err)));
      if (owed.contains(peer) && running.getAsBoolean()) {
        scheduler.schedule(
            () -> {
              if (owed.contains(peer)) {
                soon(peer);
              }
            },
            SYNC_RETRY);
      }
    } else if (again.remove(peer) && running.getAsBoolean()) {
      counters.syncsCompleted.incrementAndGet();
      soon(peer); // batches were lost while it ran
    } else {
      owed.remove(peer);
      counters.syncsCompleted.incrementAndGet();
      log.debug("sync with {}: {}", peer.shortId(), r);
    }
  }

  /** Reconciles soon with a peer that may have missed batches, and again until it succeeds. */
  public void soon(NodeId peer) {
    assert Confinement.onScheduler(scheduler);
    if (peer == null) {
      return;
    }
    if (!connected.test(peer)) {
      owed.remove(peer); // reconciled when it connects again
      return;
    }
    owed.add(peer);
    if (runs.containsKey(peer)) {
      // The running one read its snapshot before this loss: reconcile once more after it.
      again.add(peer);
      return;
    }
    scheduler.execute(
        () -> {
          if (running.getAsBoolean()) {
            syncWith(peer);
          }
        });
  }

  private void step(Run run, EventPayload message) {
    if (run.future.isDone()) {
      return;
    }
    requester
        .request(run.peer, message, stepTimeout())
        .whenComplete(
            (env, err) -> {
              if (err != null) {
                run.future.completeExceptionally(err);
                return;
              }
              try {
                answered(run, env);
              } catch (SyncException | RuntimeException e) {
                run.future.completeExceptionally(e);
              }
            });
  }

  private void answered(Run run, Envelope env) throws SyncException {
    if (run.future.isDone()) {
      return;
    }
    EventPayload data = env.message().payload().data();
    if (data instanceof Ack a) {
      if (!run.reconciler.isComplete() || !a.ok()) {
        throw new SyncException("peer answered " + (a.ok() ? "without sync data" : a.error()));
      }
      push(run, new ArrayList<>(run.reconciler.have()), 0);
      return;
    }
    if (!(data instanceof MetadataSync ms) || !ms.session().equals(run.session)) {
      throw new SyncException("unexpected answer " + data.type().wireName());
    }
    run.received += ms.entries().size();
    counters.syncEntriesReceived.addAndGet(ms.entries().size());
    run.changed += changes.mergeAll(ms.entries(), counters.messagesRejected::incrementAndGet);
    if (!run.reconciler.isComplete()) {
      if (ms.reconcile().isEmpty()) {
        throw new SyncException("peer stopped before the reconciliation ended");
      }
      Optional<byte[]> next = run.reconciler.reconcile(Base64.getDecoder().decode(ms.reconcile()));
      if (next.isPresent()) {
        step(run, BlockSyncRequest.reconcile(run.session, base64(next.get())));
        return;
      }
    }
    // Done: fetch the rest of what the peer found we lack, then send what it lacks.
    if (run.received < run.reconciler.need().size() && !ms.entries().isEmpty()) {
      step(run, new BlockSyncRequest(List.of(), run.session, ""));
      return;
    }
    push(run, new ArrayList<>(run.reconciler.have()), 0);
  }

  /** Sends the peer, chunk by chunk, the metadata of the items it lacks; then completes. */
  private void push(Run run, List<ItemId> have, int from) {
    if (run.future.isDone()) {
      return; // failed or timed out meanwhile
    }
    List<BlockMetadata> chunk = new ArrayList<>();
    int i = from;
    long bytes = 0;
    while (i < have.size() && chunk.size() < MetadataSync.MAX_ENTRIES && bytes < chunkBytes) {
      BlockId id = run.snap.blocks().get(have.get(i++));
      BlockMetadata m = id == null ? null : changes.store().get(id).orElse(null);
      if (m != null) {
        chunk.add(m);
        bytes += MetadataChanges.estimateBytes(m);
      }
    }
    if (chunk.isEmpty()) {
      run.future.complete(report(run));
      return;
    }
    run.sent += chunk.size();
    int next = i;
    requester
        .request(run.peer, new MetadataSync(chunk, run.session, ""), stepTimeout())
        .whenComplete(
            (env, err) -> {
              if (err != null) {
                run.future.completeExceptionally(err);
              } else {
                push(run, have, next);
              }
            });
  }

  private SyncReport report(Run run) {
    Duration elapsed = Duration.between(run.started, clock.instant());
    return new SyncReport(
        run.peer,
        run.snap.storage().size(),
        run.reconciler.messages(),
        run.reconciler.bytesSent(),
        run.reconciler.bytesReceived(),
        run.sent,
        run.received,
        run.changed,
        elapsed.isNegative() ? Duration.ZERO : elapsed);
  }

  /** How long one reconciliation message waits for its answer. */
  private Duration stepTimeout() {
    return requestTimeout.compareTo(config.timeout()) < 0 ? requestTimeout : config.timeout();
  }

  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
