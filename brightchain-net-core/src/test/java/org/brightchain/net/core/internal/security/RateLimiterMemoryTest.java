package org.brightchain.net.core.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.internal.security.RateLimiter.Outcome;
import org.junit.jupiter.api.Test;

/**
 * A flood of a million distinct sources keeps the limiter within its bound, and does not flush the
 * blacklist or reset a hot abuser's window.
 */
class RateLimiterMemoryTest {
  private static final int SOURCES = 1_000_000;
  private static final int BOUND = 100_000;
  private static final int ATTACKERS = 1_000;
  private static final long MIB = 1024 * 1024;

  private static String address(int i) {
    return "addr:10." + ((i >>> 16) & 0xff) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
  }

  /**
   * Heap in use after a few full collections. (Runtime rather than MemoryMXBean: the tests compile
   * inside the core module, which does not read java.management.)
   */
  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  @Test
  void aMillionSourcesStayWithinTheBound() {
    RateLimitConfig config = RateLimitConfig.defaults(); // 100 per 10 s, 3 strikes, 5 minutes
    AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    long before = usedHeapAfterGc();
    RateLimiter limiter = new RateLimiter(config, BOUND, clock::get);

    // Before the flood: attackers over the limit in three windows, blacklisted.
    for (int w = 0; w < 3; w++) {
      for (int a = 0; a < ATTACKERS; a++) {
        for (int r = 0; r <= config.maxRequests(); r++) {
          limiter.acquire("addr:192.0.2." + a);
        }
      }
      clock.addAndGet(config.window().toNanos());
    }
    for (int a = 0; a < ATTACKERS; a++) {
      assertTrue(limiter.isBlacklisted("addr:192.0.2." + a));
    }
    // A hot abuser, over the limit in its current window and hammering throughout.
    String hot = "node:" + "ab".repeat(32);
    for (int r = 0; r <= config.maxRequests(); r++) {
      limiter.acquire(hot);
    }

    // The flood: a million new sources, 1 µs apart, one request each; one in a hundred sends 150.
    long maxTracked = 0;
    for (int i = 0; i < SOURCES; i++) {
      clock.addAndGet(1000);
      String key = address(i);
      int requests = i % 100 == 0 ? 150 : 1;
      for (int r = 0; r < requests; r++) {
        limiter.acquire(key);
      }
      if (i % 10 == 0) {
        assertEquals(Outcome.LIMITED, limiter.acquire(hot).outcome(), "hot abuser reset");
      }
      if (i % 1000 == 0) {
        maxTracked = Math.max(maxTracked, limiter.stats().trackedKeys());
      }
    }
    limiter.cleanUp();
    RateLimiter.Stats stats = limiter.stats();
    long after = usedHeapAfterGc();
    long retained = after - before;

    assertTrue(stats.trackedKeys() <= BOUND, "tracked: " + stats.trackedKeys());
    assertTrue(maxTracked <= BOUND + BOUND / 100, "tracked during the flood: " + maxTracked);
    for (int a = 0; a < ATTACKERS; a++) {
      assertTrue(limiter.isBlacklisted("addr:192.0.2." + a), "flushed");
    }
    assertEquals(ATTACKERS, stats.blacklistedKeys());
    assertTrue(stats.evictions() >= SOURCES - BOUND, "evictions: " + stats.evictions());
    assertTrue(retained < 64 * MIB, "retained: " + retained);
    System.out.printf(
        Locale.ROOT,
        "SECURITY blacklist memory: %,d distinct sources → %,d tracked (max %,d seen during the"
            + " flood), %.1f MiB retained, %,d bytes per tracked key (bound %,d keys); %,d"
            + " blacklisted before the flood still blacklisted; %,d evictions%n",
        SOURCES,
        stats.trackedKeys(),
        maxTracked,
        retained / (double) MIB,
        retained / Math.max(1, stats.trackedKeys() + stats.blacklistedKeys()),
        BOUND,
        stats.blacklistedKeys(),
        stats.evictions());
    Reference.reachabilityFence(limiter);
  }
}
