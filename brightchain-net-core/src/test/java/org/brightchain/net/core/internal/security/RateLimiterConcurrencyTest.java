package org.brightchain.net.core.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.internal.security.RateLimiter.Decision;
import org.brightchain.net.core.internal.security.RateLimiter.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Threads hammering one key together never get more than the limit per window in total. */
class RateLimiterConcurrencyTest {
  private static final int THREADS = 4;
  private static final String KEY = "node:5eed";

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  /** Runs {@code task} on all threads at once; returns the sum of their results. */
  private long together(Callable<Long> task) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return task.call();
              }));
    }
    go.countDown();
    long sum = 0;
    for (Future<Long> f : results) {
      sum += f.get();
    }
    return sum;
  }

  private static long countAllowed(RateLimiter limiter, String key, int requests, Outcome refusal) {
    long allowed = 0;
    for (int i = 0; i < requests; i++) {
      Decision d = limiter.acquire(key);
      if (d.allowed()) {
        allowed++;
      } else if (d.outcome() != refusal) {
        throw new AssertionError("expected " + refusal + ", got " + d);
      }
    }
    return allowed;
  }

  @Test
  void exactlyTheLimitPerWindowThenTheBlacklist() throws Exception {
    AtomicLong clock = new AtomicLong(42);
    int max = 200;
    RateLimiter limiter =
        new RateLimiter(
            new RateLimitConfig(Duration.ofSeconds(1), max, 3, Duration.ofSeconds(30)),
            1000,
            clock::get);
    // Three windows over the limit: max allowed in each, the third one blacklists.
    for (int w = 0; w < 3; w++) {
      // The third window's first refusal blacklists; so are all that follow.
      Outcome refusal = w < 2 ? Outcome.LIMITED : Outcome.BLACKLISTED;
      long allowed = together(() -> countAllowed(limiter, KEY, 2 * max, refusal));
      assertEquals(max, allowed, "window " + w);
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    assertTrue(limiter.isBlacklisted(KEY));
    assertEquals(1, limiter.stats().blacklistings());
    assertEquals(0, together(() -> countAllowed(limiter, KEY, 2 * max, Outcome.BLACKLISTED)));
    clock.addAndGet(Duration.ofSeconds(30).toNanos());
    assertEquals(max, together(() -> countAllowed(limiter, KEY, 2 * max, Outcome.LIMITED)));
  }

  @Test
  void exactlyTheLimitInEachOfManyWindows() throws Exception {
    AtomicLong clock = new AtomicLong();
    int max = 5000;
    RateLimiter limiter =
        new RateLimiter(
            new RateLimitConfig(Duration.ofSeconds(1), max, 1_000_000, Duration.ofSeconds(1)),
            1000,
            clock::get);
    for (int w = 0; w < 30; w++) {
      // A fresh key each time, so the threads also race to create its state.
      String key = KEY + ":" + w;
      long allowed =
          together(
              () -> {
                long n = 0;
                for (int i = 0; i < max / 2; i++) {
                  Decision d = limiter.acquire(key);
                  n += d.allowed() ? 1 : 0;
                }
                return n;
              });
      assertEquals(max, allowed, "key " + w + ", first window");
      allowed = together(() -> countAllowed(limiter, key, max / 2, Outcome.LIMITED));
      assertEquals(0, allowed, "key " + w + ", first window, over the limit");
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
    }
  }

  @Test
  void neverMoreThanTheLimitPerWindowWhileTimeMoves() throws Exception {
    AtomicLong clock = new AtomicLong(-7_000_000_000L);
    long start = clock.get();
    int max = 10;
    long windowNanos = 1_000_000;
    RateLimiter limiter =
        new RateLimiter(
            new RateLimitConfig(Duration.ofNanos(windowNanos), max, 1_000_000, Duration.ofHours(1)),
            1000,
            clock::get);
    // Every thread moves the clock 20 µs on every 64 requests: windows end while others run.
    long allowed =
        together(
            () -> {
              long n = 0;
              for (int i = 0; i < 100_000; i++) {
                if (i % 64 == 0) {
                  clock.addAndGet(20_000);
                }
                Decision d = limiter.acquire(KEY);
                if (d.allowed()) {
                  n++;
                } else {
                  assertEquals(Outcome.LIMITED, d.outcome());
                }
              }
              return n;
            });
    long elapsed = clock.get() - start;
    // Each window opens at a request at least a window after the previous one opened.
    long windows = elapsed / windowNanos + 1;
    assertTrue(allowed <= max * windows, allowed + " allowed in " + windows + " windows");
    assertTrue(allowed >= max * windows / 2, allowed + " allowed in " + windows + " windows");
  }
}
