package org.brightchain.net.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.DeliveryStats;
import org.brightchain.net.core.InMemoryMetadataStore;
import org.brightchain.net.spi.MetadataStore;

/**
 * One node of the batching benchmark ({@link BatchBench}), in a JVM of its own: the stock node
 * built with {@link BrightChainNode#builder()} on loopback, its default transport (Netty), with the
 * batching under test, reconciliation off (so that only batches carry updates) and the rate limit
 * raised as in {@link BenchNode} (one message per update, in the unbatched case, is far above the
 * default 100 per 10 s); with {@code --heartbeat-timeout-s T}, heartbeats every {@code max(T, 5)}
 * seconds that may take {@code T} seconds to be answered. Everything else (frame and queue limits,
 * the handshake, signatures) is the default.
 *
 * <p>Its metadata store is the default in-memory one, wrapped to count the changes made to it and
 * to note the time ({@link System#nanoTime()}, which on Linux is one clock for every process of the
 * machine) of the change that completes an expected count.
 *
 * <p>Prints {@code READY <port> <nodeId>} once listening, then answers commands on standard input,
 * one line each:
 *
 * <ul>
 *   <li>{@code connect <port>}: dials the node at 127.0.0.1:port, waits until it is an active peer;
 *       {@code CONNECTED <peerId>}.
 *   <li>{@code await-peer}: waits until some peer is active; {@code PEER <peerId>}.
 *   <li>{@code prepare <count>}: makes the ids of the next {@code count} blocks to update (SHA-256
 *       of a random salt and a counter, as 64 hex digits); {@code PREPARED}.
 *   <li>{@code send <window> <max-unacked>}: the host updates the temperature of each prepared
 *       block once, as fast as it can, with at most {@code window} updates handed to the node and
 *       not yet applied here, and (unless {@code max-unacked} is 0) pausing while the node has
 *       {@code max-unacked} batches or more sent and not yet acknowledged ({@link
 *       BrightChainNode#deliveryStats()}); then {@link BrightChainNode#flush()}. {@code SENT
 *       t0=<ns> issued=<ns> flushed=<ns> paused=<ns>}.
 *   <li>{@code await-acks <timeout-s>}: waits until every batch sealed since {@code send} is
 *       acknowledged or abandoned; {@code ACKED t=<ns> ...} with the counters since {@code send}.
 *   <li>{@code expect <count>}: from now, the {@code count}-th change to the metadata store prints
 *       {@code APPLIED t=<ns> ...} with the counters since {@code expect}; answers {@code ARMED} at
 *       once.
 *   <li>{@code progress}: {@code PROGRESS changes=<n> ...}, the counters so far.
 *   <li>{@code quit} (or the end of input): stops the node and exits.
 * </ul>
 *
 * A command that fails answers {@code ERR <message>}.
 *
 * <pre>java -cp brightchain-bench.jar org.brightchain.net.benchmarks.BatchNode
 *     --max-size N --interval-ms I [--retry-attempts R] [--retry-delay-ms D]
 *     [--heartbeat-timeout-s T]</pre>
 */
public final class BatchNode {
  private static final DataTemperature[] TEMPERATURES = DataTemperature.values();

  private final BrightChainNode node;
  private final CountingStore store;
  private final int maxSize;
  private final byte[] salt = new byte[16];
  private long nextBlock;
  private BlockId[] prepared = new BlockId[0];

  /** Counters at the start of the last {@code send}. */
  private Snapshot sendStart;

  private BatchNode(BrightChainNode node, CountingStore store, int maxSize) {
    this.node = node;
    this.store = store;
    this.maxSize = maxSize;
    new SecureRandom().nextBytes(salt);
  }

  public static void main(String[] args) throws Exception {
    int maxSize = BatchConfig.defaults().maxSize();
    long intervalMs = BatchConfig.defaults().interval().toMillis();
    int retryAttempts = BatchConfig.defaults().retryAttempts();
    long retryDelayMs = BatchConfig.defaults().retryDelay().toMillis();
    long heartbeatTimeoutS = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--max-size" -> maxSize = Integer.parseInt(args[++i]);
        case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
        case "--retry-attempts" -> retryAttempts = Integer.parseInt(args[++i]);
        case "--retry-delay-ms" -> retryDelayMs = Long.parseLong(args[++i]);
        case "--heartbeat-timeout-s" -> heartbeatTimeoutS = Long.parseLong(args[++i]);
        default -> {
          System.err.println("unknown option: " + args[i]);
          System.exit(2);
        }
      }
    }
    CountingStore store = new CountingStore();
    BrightChainNode.Builder builder = BrightChainNode.builder();
    if (heartbeatTimeoutS > 0) {
      Duration t = Duration.ofSeconds(heartbeatTimeoutS);
      builder.heartbeat(t.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : t, t, 3);
    }
    BrightChainNode node =
        builder
            .host("127.0.0.1")
            .httpPort(0)
            .rateLimit(
                new RateLimitConfig(
                    Duration.ofSeconds(10), BenchNode.RATE_LIMIT, 3, Duration.ofMinutes(5)))
            .metadataStore(store)
            .batching(
                new BatchConfig(
                    maxSize,
                    Duration.ofMillis(intervalMs),
                    retryAttempts,
                    Duration.ofMillis(retryDelayMs)))
            .sync(SyncConfig.defaults().withOnConnect(false).withInterval(Duration.ZERO))
            .build();
    node.start().get();
    BatchNode b = new BatchNode(node, store, maxSize);
    b.say("READY " + node.wsAddress().getPort() + " " + node.nodeId());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split("\\s+");
      if (w[0].equals("quit")) {
        break;
      }
      try {
        b.command(w);
      } catch (Exception e) {
        e.printStackTrace();
        b.say("ERR " + w[0] + ": " + rootMessage(e));
      }
    }
    node.close();
    System.exit(0);
  }

  private void command(String[] w) throws Exception {
    switch (w[0]) {
      case "connect" -> {
        node.connect("127.0.0.1", Integer.parseInt(w[1])).get(30, TimeUnit.SECONDS);
        say("CONNECTED " + awaitPeer(Duration.ofSeconds(30)));
      }
      case "await-peer" -> say("PEER " + awaitPeer(Duration.ofSeconds(30)));
      case "prepare" -> {
        prepared = blockIds(salt, nextBlock, Integer.parseInt(w[1]));
        nextBlock += prepared.length;
        say("PREPARED " + prepared.length);
      }
      case "send" -> send(Integer.parseInt(w[1]), w.length > 2 ? Integer.parseInt(w[2]) : 0);
      case "await-acks" -> awaitAcks(Duration.ofSeconds(Long.parseLong(w[1])));
      case "expect" -> expect(Long.parseLong(w[1]));
      case "progress" ->
          say(
              "PROGRESS changes="
                  + store.changes()
                  + " "
                  + Snapshot.take(node).minus(Snapshot.ZERO));
      default -> say("ERR unknown command " + w[0]);
    }
  }

  // ------------------------------------------------------------------ sender

  /**
   * The host's loop: one temperature update per prepared block. The node applies each on its
   * scheduler, in order, so the completion of one means every earlier one is applied too; the loop
   * keeps the future of one update in {@code step} only and waits on the oldest when more than
   * {@code window} are outstanding.
   *
   * <p>With {@code maxUnacked}, updates not yet sealed into batches count too: the window shrinks
   * to {@code maxUnacked / 2} full batches, so that what waits in the node's queue cannot make more
   * than {@code 1.5 * maxUnacked} batches unacknowledged between two checks.
   */
  private void send(int window, int maxUnacked) throws Exception {
    BlockId[] ids = prepared;
    prepared = new BlockId[0];
    sendStart = Snapshot.take(node);
    boolean pace = maxUnacked > 0 && Snapshot.batching;
    if (pace) {
      window = (int) Math.min(window, Math.max(1, maxUnacked / 2) * (long) maxSize);
    }
    int step = Math.max(1, Math.min(1024, window / 4));
    ArrayDeque<Tracked> outstanding = new ArrayDeque<>();
    long paused = 0;
    long t0 = System.nanoTime();
    CompletableFuture<BlockMetadata> last = null;
    for (int i = 0; i < ids.length; i++) {
      while (!outstanding.isEmpty() && i - outstanding.peekFirst().index >= window) {
        outstanding.pollFirst().future.join();
      }
      if (pace && i % step == 0 && unacked() >= maxUnacked) {
        long p0 = System.nanoTime();
        do {
          LockSupport.parkNanos(50_000);
        } while (unacked() >= maxUnacked);
        paused += System.nanoTime() - p0;
      }
      last = node.updateTemperature(ids[i], TEMPERATURES[i & 3]);
      if (i % step == 0) {
        outstanding.addLast(new Tracked(i, last));
      }
    }
    for (Tracked t : outstanding) {
      t.future.join();
    }
    if (last != null) {
      last.join();
    }
    long issued = System.nanoTime();
    try {
      node.flush().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof UnsupportedOperationException)) {
        throw e;
      }
      // A node without batching sends every update at once: nothing to flush.
    }
    long flushed = System.nanoTime();
    say(
        "SENT t0="
            + t0
            + " issued="
            + issued
            + " flushed="
            + flushed
            + " paused="
            + paused
            + " updates="
            + ids.length);
  }

  /** Batches this node has sent and not yet seen acknowledged or given up. */
  private long unacked() {
    DeliveryStats s = node.deliveryStats();
    return s.batchesSent() - s.batchesAcked() - s.batchesAbandoned();
  }

  private record Tracked(int index, CompletableFuture<BlockMetadata> future) {}

  /**
   * Polls the delivery counters every millisecond until every batch sent is acknowledged or given
   * up.
   */
  private void awaitAcks(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      Snapshot d = Snapshot.take(node).minus(sendStart);
      DeliveryStats s = d.stats;
      if (!Snapshot.batching) {
        say("ACKED t=" + now + " " + d);
        return;
      }
      if (s.batchesSent() > 0 && s.batchesAcked() + s.batchesAbandoned() >= s.batchesSent()) {
        say("ACKED t=" + now + " " + d);
        return;
      }
      if (now > deadline) {
        say("ACKED t=-1 timeout " + d);
        return;
      }
      Thread.sleep(1);
    }
  }

  /** The ids of {@code count} blocks: SHA-256 of {@code salt} and the block's number. */
  static BlockId[] blockIds(byte[] salt, long first, int count) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    HexFormat hex = HexFormat.of();
    BlockId[] ids = new BlockId[count];
    byte[] n = new byte[8];
    for (int i = 0; i < count; i++) {
      long v = first + i;
      for (int k = 0; k < 8; k++) {
        n[k] = (byte) (v >>> (56 - 8 * k));
      }
      sha.update(salt);
      ids[i] = new BlockId(hex.formatHex(sha.digest(n)));
    }
    return ids;
  }

  // ------------------------------------------------------------------ receiver

  private void expect(long count) {
    Snapshot start = Snapshot.take(node);
    CountDownLatch done = store.arm(count);
    say("ARMED " + count);
    Thread waiter =
        new Thread(
            () -> {
              try {
                done.await();
                // Counters a little after the last change: the batch's acknowledgement and
                // bookkeeping follow it on the same thread.
                Thread.sleep(20);
                say("APPLIED t=" + store.doneAt() + " " + Snapshot.take(node).minus(start));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "applied-waiter");
    waiter.setDaemon(true);
    waiter.start();
  }

  // ------------------------------------------------------------------ common

  private String awaitPeer(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<PeerInfo> peers = node.peers();
      for (PeerInfo p : peers) {
        if (p.status() == PeerStatusType.ACTIVE) {
          return p.nodeId().toString();
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no active peer after " + timeout);
  }

  private synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /** Delivery counters, transport bytes and garbage collection at one moment. */
  record Snapshot(DeliveryStats stats, long bytesIn, long bytesOut, long gcCount, long gcMillis) {
    static final Snapshot ZERO =
        new Snapshot(new DeliveryStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0);

    /** False if the node has no delivery counters (a build before batching): they read as 0. */
    static volatile boolean batching = true;

    static Snapshot take(BrightChainNode node) {
      long count = 0;
      long millis = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        count += Math.max(0, gc.getCollectionCount());
        millis += Math.max(0, gc.getCollectionTime());
      }
      NodeMetrics.Bandwidth bw = node.metrics().bandwidth();
      DeliveryStats stats = ZERO.stats;
      if (batching) {
        try {
          stats = node.deliveryStats();
        } catch (UnsupportedOperationException e) {
          batching = false;
        }
      }
      return new Snapshot(stats, bw.in(), bw.out(), count, millis);
    }

    Snapshot minus(Snapshot o) {
      DeliveryStats a = stats;
      DeliveryStats b = o.stats;
      return new Snapshot(
          new DeliveryStats(
              a.updatesAccepted() - b.updatesAccepted(),
              a.updatesCoalesced() - b.updatesCoalesced(),
              a.batchesSent() - b.batchesSent(),
              a.batchesAcked() - b.batchesAcked(),
              a.batchRetries() - b.batchRetries(),
              a.batchesAbandoned() - b.batchesAbandoned(),
              a.batchesReceived() - b.batchesReceived(),
              a.batchDuplicates() - b.batchDuplicates(),
              a.updatesApplied() - b.updatesApplied(),
              a.syncsCompleted() - b.syncsCompleted(),
              a.syncsFailed() - b.syncsFailed(),
              a.syncEntriesReceived() - b.syncEntriesReceived()),
          bytesIn - o.bytesIn,
          bytesOut - o.bytesOut,
          gcCount - o.gcCount,
          gcMillis - o.gcMillis);
    }

    /** {@code key=value} pairs, as parsed by {@link BatchBench}. */
    @Override
    public String toString() {
      DeliveryStats s = stats;
      return String.format(
              Locale.ROOT,
              "accepted=%d coalesced=%d sent=%d acked=%d retries=%d abandoned=%d received=%d duplicates=%d applied=%d syncs=%d syncsFailed=%d syncEntries=%d bytesIn=%d bytesOut=%d gcs=%d gcMs=%d",
              s.updatesAccepted(),
              s.updatesCoalesced(),
              s.batchesSent(),
              s.batchesAcked(),
              s.batchRetries(),
              s.batchesAbandoned(),
              s.batchesReceived(),
              s.batchDuplicates(),
              s.updatesApplied(),
              s.syncsCompleted(),
              s.syncsFailed(),
              s.syncEntriesReceived(),
              bytesIn,
              bytesOut,
              gcCount,
              gcMillis)
          + (batching ? "" : " nostats");
    }
  }

  /**
   * The default in-memory store, counting the changes made to it (an update that leaves an entry as
   * it was does not count) and noting when the change that completes an expected count is made.
   */
  static final class CountingStore implements MetadataStore {
    private final InMemoryMetadataStore inner = new InMemoryMetadataStore();
    private final AtomicLong changes = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile long doneAt;
    private volatile CountDownLatch done = new CountDownLatch(0);

    /** From now, the {@code count}-th change opens the latch returned. */
    synchronized CountDownLatch arm(long count) {
      CountDownLatch l = new CountDownLatch(1);
      done = l;
      doneAt = 0;
      long base = changes.get();
      target = base + count;
      if (count <= 0) {
        doneAt = System.nanoTime();
        l.countDown();
      }
      return l;
    }

    long changes() {
      return changes.get();
    }

    long doneAt() {
      return doneAt;
    }

    @Override
    public Optional<BlockMetadata> get(BlockId id) {
      return inner.get(id);
    }

    @Override
    public BlockMetadata update(BlockId id, UnaryOperator<BlockMetadata> change) {
      BlockMetadata[] before = new BlockMetadata[1];
      BlockMetadata after =
          inner.update(
              id,
              current -> {
                before[0] = current;
                return change.apply(current);
              });
      if (after != before[0]) {
        long n = changes.incrementAndGet();
        if (n == target) {
          doneAt = System.nanoTime();
          done.countDown();
        }
      }
      return after;
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public List<BlockMetadata> scan(BlockId fromInclusive, int limit) {
      return inner.scan(fromInclusive, limit);
    }

    @Override
    public long totalLocations() {
      return inner.totalLocations();
    }
  }
}
