package org.brightchain.net.core.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.internal.security.RateLimiter.Decision;
import org.brightchain.net.core.internal.security.RateLimiter.Outcome;

/**
 * The limiter follows its documented model: fixed windows anchored at the key's requests, at most
 * {@code maxRequests} allowed in each, one violation per window over the limit, blacklisting after
 * {@code threshold} violations within {@code blacklistDuration}. Times are in milliseconds on a
 * fake clock starting anywhere; the window is one second.
 */
class RateLimiterPropertiesTest {
  private static final long MS = 1_000_000L;
  private static final long WINDOW_MS = 1000;

  /** Gaps between requests: mostly bursts, some pauses, some longer than a window. */
  @Provide
  Arbitrary<List<Integer>> gaps() {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0)),
            Tuple.of(4, Arbitraries.integers().between(0, 60)),
            Tuple.of(2, Arbitraries.integers().between(0, 2500)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(400);
  }

  private static RateLimitConfig config(int max, int threshold, long banMs) {
    return new RateLimitConfig(
        Duration.ofMillis(WINDOW_MS), max, threshold, Duration.ofMillis(banMs));
  }

  /** Request times in ms from the gaps. */
  private static long[] times(List<Integer> gaps) {
    long[] t = new long[gaps.size()];
    long now = 0;
    for (int i = 0; i < t.length; i++) {
      now += gaps.get(i);
      t[i] = now;
    }
    return t;
  }

  /** The documented model, written plainly. */
  static final class Model {
    final int max;
    final int threshold;
    final long banMs;
    Long windowStart;
    int used;
    boolean violated;
    final List<Long> violations = new ArrayList<>();
    Long bannedUntil;

    Model(int max, int threshold, long banMs) {
      this.max = max;
      this.threshold = threshold;
      this.banMs = banMs;
    }

    Decision decide(long t) {
      if (bannedUntil != null && t < bannedUntil) {
        return new Decision(Outcome.BLACKLISTED, Duration.ofMillis(bannedUntil - t));
      }
      bannedUntil = null;
      if (windowStart == null || t - windowStart >= WINDOW_MS) {
        windowStart = t;
        used = 0;
        violated = false;
      }
      if (used < max) {
        used++;
        return new Decision(Outcome.ALLOWED, Duration.ZERO);
      }
      if (!violated) {
        violated = true;
        violations.add(t);
        violations.removeIf(v -> t - v >= banMs);
        if (violations.size() >= threshold) {
          bannedUntil = t + banMs;
          windowStart = null;
          violations.clear();
          return new Decision(Outcome.BLACKLISTED, Duration.ofMillis(banMs));
        }
      }
      return new Decision(Outcome.LIMITED, Duration.ofMillis(windowStart + WINDOW_MS - t));
    }
  }

  @Property(tries = 300)
  void agreesWithTheDocumentedModel(
      @ForAll("gaps") List<Integer> gaps,
      @ForAll @IntRange(min = 1, max = 6) int max,
      @ForAll @IntRange(min = 1, max = 4) int threshold,
      @ForAll @LongRange(min = 1, max = 20_000) long banMs,
      @ForAll @LongRange(min = -(1L << 62), max = 1L << 62) long origin) {
    AtomicLong clock = new AtomicLong(origin);
    RateLimiter limiter = new RateLimiter(config(max, threshold, banMs), 10, clock::get);
    Model model = new Model(max, threshold, banMs);
    long[] t = times(gaps);
    for (int i = 0; i < t.length; i++) {
      clock.set(origin + t[i] * MS);
      int n = i;
      assertEquals(model.decide(t[i]), limiter.acquire("k"), () -> "request " + n + " at " + t[n]);
    }
  }

  /**
   * At most {@code max} ALLOWED in each window of the model (a window opens at the first request
   * that is not blacklisted and finds no open window; a blacklisting closes it), and so, if
   * blacklistings last at least a window, at most {@code 2 * max} in any interval of one window's
   * length.
   */
  @Property(tries = 300)
  void neverMoreThanMaxAllowedInAWindow(
      @ForAll("gaps") List<Integer> gaps,
      @ForAll @IntRange(min = 1, max = 6) int max,
      @ForAll @IntRange(min = 1, max = 4) int threshold,
      @ForAll @LongRange(min = 1, max = 20_000) long banMs) {
    AtomicLong clock = new AtomicLong();
    RateLimiter limiter = new RateLimiter(config(max, threshold, banMs), 10, clock::get);
    long[] t = times(gaps);
    List<Long> allowedAt = new ArrayList<>();
    Long windowStart = null;
    int allowedInWindow = 0;
    for (long ti : t) {
      clock.set(ti * MS);
      Decision d = limiter.acquire("k");
      if (d.outcome() == Outcome.BLACKLISTED) {
        windowStart = null;
        continue;
      }
      if (windowStart == null || ti - windowStart >= WINDOW_MS) {
        windowStart = ti;
        allowedInWindow = 0;
      }
      if (d.allowed()) {
        allowedInWindow++;
        allowedAt.add(ti);
        assertTrue(allowedInWindow <= max, () -> "window at " + ti);
      } else {
        // Nothing is refused while the window has room.
        assertEquals(max, allowedInWindow, () -> "limited with room at " + ti);
      }
    }
    if (banMs < WINDOW_MS) {
      return; // a blacklisting shorter than a window may end before the window it closed would
    }
    for (int i = 0, j = 0; j < allowedAt.size(); j++) {
      while (allowedAt.get(j) - allowedAt.get(i) >= WINDOW_MS) {
        i++;
      }
      assertTrue(j - i + 1 <= 2 * max, "sliding interval");
    }
  }

  /** A key that never has more than {@code max} requests in any second is never refused. */
  @Property(tries = 300)
  void aKeyWithinTheLimitIsNeverRefused(
      @ForAll("gaps") List<Integer> gaps,
      @ForAll @IntRange(min = 1, max = 6) int max,
      @ForAll @IntRange(min = 1, max = 4) int threshold) {
    AtomicLong clock = new AtomicLong();
    RateLimiter limiter = new RateLimiter(config(max, threshold, 60_000), 10, clock::get);
    // Push requests back so that any max + 1 consecutive ones span at least a window.
    long[] t = new long[gaps.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = (i == 0 ? 0 : t[i - 1]) + gaps.get(i);
      if (i >= max) {
        t[i] = Math.max(t[i], t[i - max] + WINDOW_MS);
      }
    }
    for (long ti : t) {
      clock.set(ti * MS);
      assertEquals(Decision.allow(), limiter.acquire("k"), () -> "at " + ti);
    }
    RateLimiter.Stats s = limiter.stats();
    assertEquals(0, s.limited());
    assertEquals(0, s.blacklistedDecisions());
    assertFalse(limiter.isBlacklisted("k"));
  }

  /** One burst over the limit in a window of its own: starts {@code gapMs} after the last one. */
  record Burst(int gapMs, List<Integer> offsets) {}

  @Provide
  Arbitrary<List<Burst>> bursts() {
    Arbitrary<List<Integer>> offsets =
        Arbitraries.integers().between(0, (int) WINDOW_MS - 1).list().ofMinSize(0).ofMaxSize(8);
    return Arbitraries.integers()
        .between((int) WINDOW_MS, 4000)
        .flatMap(gap -> offsets.map(o -> new Burst(gap, o)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  /**
   * A key over the limit in {@code threshold} distinct windows within {@code blacklistDuration} is
   * blacklisted at the last of them, not before, and stays so for {@code blacklistDuration}.
   */
  @Property(tries = 300)
  void thresholdViolationsWithinTheDurationBlacklist(
      @ForAll("bursts") List<Burst> bursts,
      @ForAll @IntRange(min = 1, max = 5) int max,
      @ForAll @IntRange(min = 0, max = 10_000) int slackMs) {
    int threshold = bursts.size();
    long span = 0;
    for (int i = 1; i < bursts.size(); i++) {
      span += bursts.get(i).gapMs();
    }
    // The first violation still counts at the last; the blacklisting outlasts the last burst.
    long banMs = span + WINDOW_MS + slackMs;
    AtomicLong clock = new AtomicLong(123_456_789L);
    RateLimiter limiter = new RateLimiter(config(max, threshold, banMs), 10, clock::get);
    long start = 0;
    for (int b = 0; b < bursts.size(); b++) {
      Burst burst = bursts.get(b);
      if (b > 0) {
        start += burst.gapMs();
      }
      // The window opens at the burst's start; max + 1 + extra requests within it.
      List<Integer> offsets = new ArrayList<>(burst.offsets());
      for (int i = 0; i <= max; i++) {
        offsets.add(0);
      }
      offsets.sort(null);
      boolean last = b == bursts.size() - 1;
      boolean blacklisted = false;
      for (int off : offsets) {
        clock.set(123_456_789L + (start + off) * MS);
        Decision d = limiter.acquire("k");
        if (d.outcome() == Outcome.BLACKLISTED) {
          if (!blacklisted) {
            assertEquals(Duration.ofMillis(banMs), d.retryAfter());
          }
          blacklisted = true;
        } else {
          assertFalse(blacklisted, "a blacklisted key got " + d);
        }
      }
      assertEquals(last, blacklisted, "burst " + b);
      assertEquals(last, limiter.isBlacklisted("k"));
    }
    // Blacklisted at the last burst's start (its first max + 1 requests are all at offset 0).
    clock.set(123_456_789L + (start + banMs) * MS - 1);
    assertTrue(limiter.isBlacklisted("k"));
    clock.addAndGet(1);
    assertFalse(limiter.isBlacklisted("k"));
    assertEquals(Decision.allow(), limiter.acquire("k"));
  }

  /** Violations further apart than {@code blacklistDuration} never add up to a blacklisting. */
  @Property(tries = 200)
  void violationsFurtherApartThanTheDurationNeverBlacklist(
      @ForAll @Size(min = 2, max = 12) List<@IntRange(min = 0, max = 5000) Integer> extraGaps,
      @ForAll @IntRange(min = 1, max = 5) int max,
      @ForAll @IntRange(min = 2, max = 4) int threshold,
      @ForAll @LongRange(min = 1, max = 5000) long banMs) {
    AtomicLong clock = new AtomicLong();
    RateLimiter limiter = new RateLimiter(config(max, threshold, banMs), 10, clock::get);
    long start = 0;
    for (int gap : extraGaps) {
      start += Math.max(WINDOW_MS, banMs) + gap;
      clock.set(start * MS);
      for (int i = 0; i <= max; i++) {
        assertNotEquals(Outcome.BLACKLISTED, limiter.acquire("k").outcome());
      }
    }
    assertEquals(extraGaps.size(), limiter.stats().limited());
  }
}
