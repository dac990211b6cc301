package org.brightchain.net.benchmarks;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.brightchain.net.core.internal.sync.ItemId;
import org.brightchain.net.core.internal.sync.Reconciler;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.core.internal.sync.SyncSettings;
import org.brightchain.net.core.internal.sync.SyncStorage;

/**
 * The reconciliation benchmark: two sets of a million items that differ in a hundred, reconciled in
 * memory, against sending the full id list (32 bytes an item). Prints one {@code SYNC} line per
 * run: bytes both ways, messages ("rounds"), time, and the bounds they are held to ({@code 64 * d +
 * 2048} bytes, {@code ceil(log16 N) + 1} messages).
 *
 * <p>Items are block-metadata-like: millisecond timestamps spread over 30 days, random 32-byte ids.
 * Each case runs with several seeds; the time is the reconciliation alone (both sides, one thread),
 * not building the sets.
 *
 * <pre>
 * scripts/bench-sync.sh                  # 1,000,000 items: 50 + 50, 100 + 0, 0 + 100, 500 + 500
 * scripts/bench-sync.sh --items 100000 --runs 5
 * </pre>
 */
public final class SyncBench {
  private static final long BASE = 1_700_000_000_000L;
  private static final long SPAN = 30L * 86_400_000L;

  private SyncBench() {}

  public static void main(String[] args) throws SyncException {
    int items = 1_000_000;
    int runs = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--items" -> items = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: SyncBench [--items N] [--runs R]");
          System.exit(2);
        }
      }
    }
    int[][] cases = {{50, 50}, {100, 0}, {0, 100}, {500, 500}};
    // One small warm-up so that the first measured run is not the JIT's.
    run(items / 10, 50, 50, 99, false);
    for (int[] c : cases) {
      for (int seed = 1; seed <= runs; seed++) {
        run(items, c[0], c[1], seed, true);
      }
    }
  }

  /**
   * Builds two sets of {@code n} items, where the initiator alone holds {@code onlyA} of its items
   * and the responder alone {@code onlyB} of its, and reconciles them.
   */
  private static void run(int n, int onlyA, int onlyB, long seed, boolean print)
      throws SyncException {
    Random r = new Random(seed);
    int common = n - Math.max(onlyA, onlyB);
    SyncStorage.Builder a = SyncStorage.builder(common + onlyA);
    SyncStorage.Builder b = SyncStorage.builder(common + onlyB);
    Set<ItemId> aOnly = new HashSet<>();
    Set<ItemId> bOnly = new HashSet<>();
    byte[] id = new byte[32];
    for (int i = 0; i < common; i++) {
      long t = BASE + (long) (r.nextDouble() * SPAN);
      r.nextBytes(id);
      a.add(t, id);
      b.add(t, id);
    }
    for (int i = 0; i < onlyA; i++) {
      r.nextBytes(id);
      a.add(BASE + (long) (r.nextDouble() * SPAN), id);
      aOnly.add(ItemId.of(id));
    }
    for (int i = 0; i < onlyB; i++) {
      r.nextBytes(id);
      b.add(BASE + (long) (r.nextDouble() * SPAN), id);
      bOnly.add(ItemId.of(id));
    }
    SyncStorage sa = a.build();
    SyncStorage sb = b.build();

    SyncSettings settings = SyncSettings.defaults().withSalt(seed);
    long start = System.nanoTime();
    Reconciler ra = Reconciler.initiator(sa, settings);
    Reconciler rb = Reconciler.responder(sb, settings);
    Optional<byte[]> msg = Optional.of(ra.initiate());
    long bytes = 0;
    int messages = 0;
    StringBuilder sizes = new StringBuilder();
    Reconciler next = rb;
    while (msg.isPresent()) {
      bytes += msg.get().length;
      messages++;
      sizes.append(sizes.length() == 0 ? "" : ",").append(msg.get().length);
      msg = next.reconcile(msg.get());
      next = next == ra ? rb : ra;
    }
    double ms = (System.nanoTime() - start) / 1e6;

    boolean correct =
        ra.have().equals(aOnly)
            && ra.need().equals(bOnly)
            && rb.have().equals(bOnly)
            && rb.need().equals(aOnly);
    if (!print) {
      return;
    }
    int d = onlyA + onlyB;
    int larger = Math.max(sa.size(), sb.size());
    long byteBound = 64L * d + 2048;
    int roundBound = ceilLog16(larger) + 1;
    long full = 32L * larger;
    System.out.printf(
        Locale.ROOT,
        "SYNC items=%d diffs=%d (%d+%d) bytes=%d (%.1f per diff; bound %d: %s) rounds=%d"
            + " (bound %d: %s) time=%.0fms fullIdList=%d (%.4f%%) messages=[%s] correct=%s%n",
        larger,
        d,
        onlyA,
        onlyB,
        bytes,
        d == 0 ? 0.0 : (bytes - 2048.0) / d,
        byteBound,
        bytes <= byteBound ? "ok" : "OVER",
        messages,
        roundBound,
        messages <= roundBound ? "ok" : "OVER",
        ms,
        full,
        100.0 * bytes / full,
        sizes,
        correct);
  }

  private static int ceilLog16(long x) {
    int k = 0;
    for (long p = 1; p < x; p <<= 4) {
      k++;
    }
    return k;
  }
}
