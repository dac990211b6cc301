package org.brightchain.net.core.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.internal.security.RateLimiter.Decision;
import org.brightchain.net.core.internal.security.RateLimiter.Outcome;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final String KEY = "addr:203.0.113.7";

  /** An arbitrary, negative start: System.nanoTime() may be anything. */
  private final AtomicLong clock = new AtomicLong(-1_234_567_890_123L);

  /** 5 per second; 3 violations block for 60 s. */
  private final RateLimitConfig config =
      new RateLimitConfig(Duration.ofSeconds(1), 5, 3, Duration.ofSeconds(60));

  private final RateLimiter limiter = new RateLimiter(config, 1000, clock::get);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  private void allowTimes(String key, int n) {
    for (int i = 0; i < n; i++) {
      assertEquals(Decision.allow(), limiter.acquire(key), () -> "request " + n);
    }
  }

  /** Goes over the limit in the key's current window (opening one if needed). */
  private Decision violate(String key) {
    Decision d;
    do {
      d = limiter.acquire(key);
    } while (d.allowed());
    return d;
  }

  @Test
  void allowsUpToTheLimit() {
    allowTimes(KEY, 5);
    RateLimiter.Stats s = limiter.stats();
    assertEquals(0, s.limited());
    assertEquals(1, s.trackedKeys());
  }

  @Test
  void limitsAfterTheLimitUntilTheWindowEnds() {
    allowTimes(KEY, 2);
    advance(Duration.ofMillis(300));
    allowTimes(KEY, 3);
    advance(Duration.ofMillis(100));
    Decision d = limiter.acquire(KEY);
    assertEquals(new Decision(Outcome.LIMITED, Duration.ofMillis(600)), d);
    advance(Duration.ofMillis(599));
    assertEquals(
        new Decision(Outcome.LIMITED, Duration.ofMillis(1)), limiter.acquire(KEY), "still limited");
    assertEquals(2, limiter.stats().limited());
  }

  @Test
  void theWindowRollsOverAtItsEnd() {
    allowTimes(KEY, 5);
    advance(Duration.ofMillis(999));
    assertEquals(Outcome.LIMITED, limiter.acquire(KEY).outcome());
    advance(Duration.ofMillis(1));
    allowTimes(KEY, 5); // a new window (no violation in it)
    // A late request opens the next window at its own time, not on a fixed grid.
    advance(Duration.ofMillis(2500));
    allowTimes(KEY, 5);
    advance(Duration.ofMillis(700));
    assertEquals(new Decision(Outcome.LIMITED, Duration.ofMillis(300)), limiter.acquire(KEY));
  }

  @Test
  void costCountsUnits() {
    assertEquals(Decision.allow(), limiter.acquire(KEY, 3));
    assertEquals(Outcome.LIMITED, limiter.acquire(KEY, 3).outcome());
    assertEquals(Decision.allow(), limiter.acquire(KEY, 2));
    assertEquals(Outcome.LIMITED, limiter.acquire(KEY, 1).outcome());
    assertThrows(IllegalArgumentException.class, () -> limiter.acquire(KEY, 0));
    assertThrows(IllegalArgumentException.class, () -> limiter.acquire(KEY, 6));
  }

  @Test
  void aViolationCountsOncePerWindow() {
    // Two windows with many excess requests each: two violations, not blacklisted.
    for (int w = 0; w < 2; w++) {
      allowTimes(KEY, 5);
      for (int i = 0; i < 50; i++) {
        assertEquals(Outcome.LIMITED, limiter.acquire(KEY).outcome());
      }
      advance(Duration.ofSeconds(1));
    }
    assertFalse(limiter.isBlacklisted(KEY));
    assertEquals(100, limiter.stats().limited());
    // The third window over the limit is the third violation.
    allowTimes(KEY, 5);
    assertEquals(Outcome.BLACKLISTED, limiter.acquire(KEY).outcome());
  }

  @Test
  void blacklistsAfterTheThresholdWithRetryAfter() {
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    advance(Duration.ofSeconds(10));
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    advance(Duration.ofSeconds(10));
    assertEquals(new Decision(Outcome.BLACKLISTED, Duration.ofSeconds(60)), violate(KEY));
    assertTrue(limiter.isBlacklisted(KEY));
    advance(Duration.ofSeconds(15));
    for (int i = 0; i < 20; i++) {
      assertEquals(new Decision(Outcome.BLACKLISTED, Duration.ofSeconds(45)), limiter.acquire(KEY));
    }
    RateLimiter.Stats s = limiter.stats();
    assertEquals(21, s.blacklistedDecisions());
    assertEquals(1, s.blacklistings());
    assertEquals(1, s.blacklistedKeys());
    assertEquals(0, s.trackedKeys(), "window state is dropped while blacklisted");
  }

  @Test
  void violationsOlderThanTheBlacklistDurationAreForgotten() {
    violate(KEY);
    advance(Duration.ofSeconds(30));
    violate(KEY);
    advance(Duration.ofSeconds(30)); // the first is now 60 s old: forgotten
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    assertFalse(limiter.isBlacklisted(KEY));
    advance(Duration.ofSeconds(29)); // violations at 30, 60 and 89 s: 59 s apart
    assertEquals(Outcome.BLACKLISTED, violate(KEY).outcome());
  }

  @Test
  void theBlacklistingEndsAndTheKeyStartsAfresh() {
    violate(KEY);
    advance(Duration.ofSeconds(1));
    violate(KEY);
    advance(Duration.ofSeconds(1));
    assertEquals(Outcome.BLACKLISTED, violate(KEY).outcome());
    advance(Duration.ofSeconds(60).minusNanos(1));
    assertEquals(
        new Decision(Outcome.BLACKLISTED, Duration.ofNanos(1)), limiter.acquire(KEY), "not yet");
    advance(Duration.ofNanos(1));
    assertFalse(limiter.isBlacklisted(KEY));
    allowTimes(KEY, 5);
    // Fresh: the old violations are gone, so two more windows over the limit do not blacklist.
    assertEquals(Outcome.LIMITED, limiter.acquire(KEY).outcome());
    advance(Duration.ofSeconds(1));
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    assertFalse(limiter.isBlacklisted(KEY));
    assertEquals(0, limiter.stats().blacklistedKeys());
  }

  @Test
  void forgiveLiftsTheBlacklistingAndForgetsViolations() {
    violate(KEY);
    advance(Duration.ofSeconds(1));
    violate(KEY);
    limiter.forgive(KEY); // two violations forgotten
    advance(Duration.ofSeconds(1));
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    advance(Duration.ofSeconds(1));
    assertEquals(Outcome.LIMITED, violate(KEY).outcome());
    advance(Duration.ofSeconds(1));
    assertEquals(Outcome.BLACKLISTED, violate(KEY).outcome());
    limiter.forgive(KEY);
    assertFalse(limiter.isBlacklisted(KEY));
    allowTimes(KEY, 5);
    assertEquals(0, limiter.stats().blacklistedKeys());
  }

  @Test
  void manualBlacklisting() {
    allowTimes(KEY, 5);
    limiter.blacklist(KEY, Duration.ofSeconds(7));
    assertTrue(limiter.isBlacklisted(KEY));
    assertEquals(new Decision(Outcome.BLACKLISTED, Duration.ofSeconds(7)), limiter.acquire(KEY));
    // Replacing it may shorten it.
    limiter.blacklist(KEY, Duration.ofSeconds(2));
    advance(Duration.ofSeconds(2));
    assertFalse(limiter.isBlacklisted(KEY));
    allowTimes(KEY, 5); // the old window was dropped
    assertThrows(IllegalArgumentException.class, () -> limiter.blacklist(KEY, Duration.ZERO));
  }

  @Test
  void keysAreIndependent() {
    String a = "node:0a1b";
    String b = "addr:198.51.100.1";
    allowTimes(a, 5);
    assertEquals(Outcome.LIMITED, limiter.acquire(a).outcome());
    allowTimes(b, 5);
    limiter.blacklist(a, Duration.ofSeconds(5));
    assertEquals(Outcome.LIMITED, limiter.acquire(b).outcome());
    assertFalse(limiter.isBlacklisted(b));
    limiter.forgive(b);
    assertTrue(limiter.isBlacklisted(a));
    allowTimes(b, 5);
  }

  @Test
  void aFullBlacklistRefusesNewAutomaticEntriesUntilOneEnds() {
    RateLimiter small = new RateLimiter(config, 100, 2, clock::get);
    small.blacklist("a", Duration.ofSeconds(10));
    small.blacklist("b", Duration.ofSeconds(20));
    // "c" earns a blacklisting but there is no room: it stays merely limited.
    RateLimitConfig oneStrike =
        new RateLimitConfig(Duration.ofSeconds(1), 5, 1, Duration.ofMinutes(1));
    RateLimiter strict = new RateLimiter(oneStrike, 100, 2, clock::get);
    strict.blacklist("a", Duration.ofSeconds(10));
    strict.blacklist("b", Duration.ofSeconds(20));
    for (int i = 0; i < 5; i++) {
      assertTrue(strict.acquire("c").allowed());
    }
    assertEquals(Outcome.LIMITED, strict.acquire("c").outcome());
    assertFalse(strict.isBlacklisted("c"));
    assertEquals(1, strict.stats().refusedBlacklistings());
    assertTrue(strict.isBlacklisted("a"));
    assertTrue(strict.isBlacklisted("b"));
    // Once "a" has ended there is room again, and c's next violation blacklists it.
    advance(Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      assertTrue(strict.acquire("c").allowed());
    }
    assertEquals(Outcome.BLACKLISTED, strict.acquire("c").outcome());
    assertTrue(strict.isBlacklisted("b"));
    assertEquals(2, strict.stats().blacklistedKeys());
    // A manual blacklisting is never refused: it displaces the entry ending soonest ("b").
    small.blacklist("d", Duration.ofSeconds(30));
    assertFalse(small.isBlacklisted("a"), "ended");
    assertTrue(small.isBlacklisted("b"));
    small.blacklist("e", Duration.ofSeconds(30));
    assertFalse(small.isBlacklisted("b"), "displaced");
    assertTrue(small.isBlacklisted("d"));
    assertTrue(small.isBlacklisted("e"));
    assertEquals(2, small.stats().blacklistedKeys());
  }

  @Test
  void idleStateExpires() {
    allowTimes(KEY, 5);
    assertEquals(1, limiter.stats().trackedKeys());
    // Caffeine's timer wheel expires in ticks of about a second: leave a margin.
    advance(Duration.ofSeconds(3));
    limiter.cleanUp();
    assertEquals(0, limiter.stats().trackedKeys(), "no violation: gone with its window");
    violate(KEY);
    advance(Duration.ofSeconds(59));
    limiter.cleanUp();
    assertEquals(1, limiter.stats().trackedKeys(), "a violation is remembered");
    advance(Duration.ofSeconds(3));
    limiter.cleanUp();
    assertEquals(0, limiter.stats().trackedKeys(), "until it is forgotten");
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(config, 0, clock::get));
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(config, 1, 0, clock::get));
    assertThrows(NullPointerException.class, () -> limiter.acquire(null));
  }
}
