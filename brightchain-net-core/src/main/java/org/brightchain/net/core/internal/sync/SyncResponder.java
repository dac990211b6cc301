package org.brightchain.net.core.internal.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.spi.Scheduler;

/**
 * The answering side of reconciliations other nodes (or REST clients) start: one session per
 * (asker, session id), each over a snapshot that holds every change made before it was asked for,
 * answered step by step with the entries the asker lacks. Bounded: 32 sessions, two per asker, each
 * ending after a minute idle. Scheduler-confined.
 */
public final class SyncResponder {
  /** A session this node answers ends after this long without a message. */
  public static final Duration SESSION_IDLE = Duration.ofSeconds(60);

  /** Most reconciliations one asker may have this node answer at once. */
  public static final int MAX_SESSIONS_PER_ASKER = 2;

  /** Most reconciliations this node answers at once. */
  public static final int MAX_SYNC_SESSIONS = 32;

  private final SnapshotCache snapshots;
  private final MetadataChanges changes;
  private final Scheduler scheduler;
  private final NodeCounters counters;
  private final long chunkBytes;
  private final Map<String, Session> sessions = new HashMap<>();

  /** Sessions asked for while the snapshot they need is read: the version it must reach. */
  private final Map<String, Long> awaitingSnapshot =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > 4 * MAX_SYNC_SESSIONS;
        }
      };

  /** One session this node answers. */
  private static final class Session {
    final SyncSnapshot snap;
    final Reconciler reconciler;
    final Set<ItemId> sent = new HashSet<>();
    Scheduler.Cancellable expiry;

    Session(SyncSnapshot snap) {
      this.snap = snap;
      this.reconciler = Reconciler.responder(snap.storage(), SyncCoordinator.SYNC_SETTINGS);
    }
  }

  /**
   * Answers from {@code snapshots}; each answer carries at most about {@code chunkBytes} of
   * entries.
   */
  public SyncResponder(
      SnapshotCache snapshots,
      MetadataChanges changes,
      Scheduler scheduler,
      NodeCounters counters,
      long chunkBytes) {
    this.snapshots = snapshots;
    this.changes = changes;
    this.scheduler = scheduler;
    this.counters = counters;
    this.chunkBytes = chunkBytes;
  }

  /**
   * Answers one step of a reconciliation started by {@code who} (a peer's node id, or an HTTP
   * session): the next message, and the entries found so far that the asker lacks; or {@code null}
   * if a new session needs a snapshot of a large store that is being read (ask again).
   *
   * @throws SyncException if the message is malformed or does not fit the session
   */
  public MetadataSync answer(String who, BlockSyncRequest r) throws SyncException {
    assert Confinement.onScheduler(scheduler);
    String key = who + "/" + r.session();
    Session s = sessions.get(key);
    if (s == null) {
      if (r.reconcile().isEmpty()) {
        return new MetadataSync(List.of(), r.session(), ""); // over, or never was: nothing more
      }
      s = open(who, key);
      if (s == null) {
        return null;
      }
    }
    return step(key, s, r);
  }

  private Session open(String who, String key) throws SyncException {
    // One asker holds at most two sessions: a new one replaces its oldest.
    String prefix = who + "/";
    String oldest = null;
    int mine = 0;
    for (String k : sessions.keySet()) {
      if (k.startsWith(prefix)) {
        mine++;
        oldest = oldest == null ? k : oldest;
      }
    }
    if (mine >= MAX_SESSIONS_PER_ASKER && oldest != null) {
      sessions.remove(oldest).expiry.cancel();
    }
    if (sessions.size() >= MAX_SYNC_SESSIONS) {
      throw new SyncException(
          "busy: " + MAX_SYNC_SESSIONS + " reconciliations in progress, try again later");
    }
    // The snapshot must hold every change made before the session was asked for.
    Long since = awaitingSnapshot.get(key);
    if (since == null) {
      since = changes.version();
      awaitingSnapshot.put(key, since);
    }
    CompletableFuture<SyncSnapshot> snap = snapshots.atLeast(since);
    if (!snap.isDone()) {
      return null; // a large store is being read: ask again when it is
    }
    awaitingSnapshot.remove(key);
    if (snap.isCompletedExceptionally()) {
      throw new SyncException("cannot read this node's metadata now; try again later");
    }
    Session s = new Session(snap.join());
    sessions.put(key, s);
    s.expiry = scheduler.schedule(() -> sessions.remove(key, s), SESSION_IDLE);
    return s;
  }

  /** {@link #answer}, waiting for the snapshot a new session needs instead of refusing. */
  public CompletableFuture<MetadataSync> answerWhenReady(String who, BlockSyncRequest r) {
    try {
      MetadataSync answer = answer(who, r);
      if (answer != null) {
        return CompletableFuture.completedFuture(answer);
      }
      Long since = awaitingSnapshot.get(who + "/" + r.session());
      return snapshots
          .atLeast(since == null ? changes.version() : since)
          .thenCompose(x -> answerWhenReady(who, r));
    } catch (SyncException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private MetadataSync step(String key, Session s, BlockSyncRequest r) throws SyncException {
    s.expiry.cancel();
    s.expiry = scheduler.schedule(() -> sessions.remove(key, s), SESSION_IDLE);
    String next = "";
    if (!r.reconcile().isEmpty()) {
      try {
        next =
            s.reconciler
                .reconcile(Base64.getDecoder().decode(r.reconcile()))
                .map(SyncCoordinator::base64)
                .orElse("");
      } catch (SyncException e) {
        sessions.remove(key);
        s.expiry.cancel();
        counters.syncsFailed.incrementAndGet();
        throw e;
      }
    }
    List<BlockMetadata> entries = new ArrayList<>();
    long bytes = 0;
    boolean more = false;
    for (ItemId id : s.reconciler.have()) {
      if (s.sent.contains(id)) {
        continue;
      }
      if (entries.size() >= MetadataSync.MAX_ENTRIES || bytes >= chunkBytes) {
        more = true;
        break;
      }
      s.sent.add(id);
      BlockId block = s.snap.blocks().get(id);
      BlockMetadata m = block == null ? null : changes.store().get(block).orElse(null);
      if (m != null) {
        entries.add(m);
        bytes += MetadataChanges.estimateBytes(m);
      }
    }
    if (s.reconciler.isComplete() && !more) {
      sessions.remove(key);
      s.expiry.cancel();
      counters.syncsCompleted.incrementAndGet();
    }
    return new MetadataSync(entries, r.session(), next);
  }

  /** The node stops: every session ends. */
  public void stop() {
    for (Session s : sessions.values()) {
      s.expiry.cancel();
    }
    sessions.clear();
    awaitingSnapshot.clear();
  }
}
