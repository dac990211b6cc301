package org.brightchain.net.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.InMemoryMetadataStore;
import org.brightchain.net.core.SyncResult;

/**
 * Reconciliation between two running nodes over real WebSocket connections on loopback: each holds
 * a million blocks, and they differ in a hundred (50 blocks only on each side). Prints one {@code
 * SYNC-NODES} line per run: reconciliation bytes and messages, metadata entries moved, all bytes on
 * the wire both ways (signatures, envelopes and entries included), and the time from {@code
 * node.sync(peer)} to its result (taking the snapshots included), against sending the full id list
 * (32 bytes a block).
 *
 * <pre>
 * scripts/bench-sync.sh --nodes                 # 1,000,000 blocks, 3 runs
 * scripts/bench-sync.sh --nodes --items 100000
 * </pre>
 */
public final class SyncNodesBench {
  private SyncNodesBench() {}

  public static void main(String[] args) throws Exception {
    int items = 1_000_000;
    int runs = 3;
    int onlyEach = 50;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--items" -> items = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only-each" -> onlyEach = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: SyncNodesBench [--items N] [--runs R] [--only-each D]");
          System.exit(2);
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "# %d cores, %d blocks per node, %d only on each side%n",
        Runtime.getRuntime().availableProcessors(),
        items,
        onlyEach);
    for (int run = 1; run <= runs; run++) {
      run(items, onlyEach, run);
    }
  }

  private static void run(int n, int onlyEach, long seed) throws Exception {
    Random r = new Random(seed);
    NodeId writer = NodeId.ofBytes(bytes(r, 32));
    InMemoryMetadataStore a = new InMemoryMetadataStore();
    InMemoryMetadataStore b = new InMemoryMetadataStore();
    long base = 1_700_000_000_000L;
    int common = n - onlyEach;
    DataTemperature[] temps = DataTemperature.values();
    for (int i = 0; i < common + 2 * onlyEach; i++) {
      BlockId id = BlockId.of(hex(bytes(r, 32)));
      BlockMetadata m =
          new BlockMetadata(
              id,
              1 + r.nextInt(1 << 20),
              temps[r.nextInt(4)],
              DurabilityLevel.STANDARD,
              List.of(),
              Instant.ofEpochMilli(base + (long) (r.nextDouble() * 30L * 86_400_000L)),
              writer);
      if (i < common || i % 2 == 0) {
        a.update(id, c -> m);
      }
      if (i < common || i % 2 == 1) {
        b.update(id, c -> m);
      }
    }
    SyncConfig manual =
        SyncConfig.defaults()
            .withOnConnect(false)
            .withInterval(Duration.ZERO)
            .withTimeout(Duration.ofMinutes(5));
    RateLimitConfig open =
        new RateLimitConfig(Duration.ofSeconds(10), BenchNode.RATE_LIMIT, 3, Duration.ofMinutes(5));
    try (BrightChainNode na =
            BrightChainNode.builder()
                .host("127.0.0.1")
                .httpPort(0)
                .metadataStore(a)
                .sync(manual)
                .rateLimit(open)
                .requestTimeout(Duration.ofMinutes(2))
                .build();
        BrightChainNode nb =
            BrightChainNode.builder()
                .host("127.0.0.1")
                .httpPort(0)
                .metadataStore(b)
                .sync(manual)
                .rateLimit(open)
                .requestTimeout(Duration.ofMinutes(2))
                .build()) {
      na.start().get();
      nb.start().get();
      nb.connect("127.0.0.1", na.wsAddress().getPort()).get();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (nb.peer(na.nodeId())
          .map(p -> p.status() != org.brightchain.net.PeerStatusType.ACTIVE)
          .orElse(true)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the nodes did not connect");
        }
        Thread.onSpinWait();
      }
      long wireBefore = nb.metrics().bandwidth().in() + nb.metrics().bandwidth().out();
      long t0 = System.nanoTime();
      SyncResult res = nb.sync(na.nodeId()).get();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long wire = nb.metrics().bandwidth().in() + nb.metrics().bandwidth().out() - wireBefore;
      boolean equal = a.size() == b.size() && a.size() == common + 2L * onlyEach;
      long recon = res.bytesSent() + res.bytesReceived();
      int d = 2 * onlyEach;
      System.out.printf(
          Locale.ROOT,
          "SYNC-NODES items=%d differences=%d recon_bytes=%d (%.1f B/diff, bound %d) messages=%d (bound %d) entries_sent=%d entries_received=%d wire_bytes=%d full_id_list=%d ratio=%.5f time_ms=%d equal=%s%n",
          n,
          d,
          recon,
          recon / (double) d,
          64L * d + 2048,
          res.messages(),
          ceilLog16(n) + 1,
          res.entriesSent(),
          res.entriesReceived(),
          wire,
          32L * n,
          wire / (32.0 * n),
          ms,
          equal);
      SyncResult again = nb.sync(na.nodeId()).get();
      System.out.printf(
          Locale.ROOT,
          "SYNC-NODES again: entries=%d recon_bytes=%d messages=%d%n",
          again.entriesSent() + again.entriesReceived(),
          again.bytesSent() + again.bytesReceived(),
          again.messages());
    }
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
    }
    return s.toString();
  }

  private static int ceilLog16(long x) {
    int k = 0;
    long p = 1;
    while (p < x) {
      p *= 16;
      k++;
    }
    return k;
  }
}
