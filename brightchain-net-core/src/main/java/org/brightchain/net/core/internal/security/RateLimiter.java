package org.brightchain.net.core.internal.security;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.brightchain.net.config.RateLimitConfig;

/**
 * A per-key rate limiter with a blacklist, after the design's {@link RateLimitConfig}: at most
 * {@code maxRequests} per {@code window}; {@code blacklistThreshold} windows over the limit within
 * {@code blacklistDuration} get the key refused for {@code blacklistDuration}. Keys are opaque
 * strings; callers use e.g. {@code "node:<hex id>"} and {@code "addr:<ip>"}.
 *
 * <h2>Model: fixed windows anchored at the key's own requests</h2>
 *
 * <p>A key's window opens at the first request that finds no open window (the key's first request,
 * the first one at or after the previous window's end, or the first one after its blacklisting
 * ended or it was forgiven) and lasts exactly {@code window}: {@code [start, start + window)}.
 * Within a window the first {@code maxRequests} units of cost are {@link Outcome#ALLOWED}; later
 * requests are {@link Outcome#LIMITED}, with {@code retryAfter} the time left in the window. A
 * limited request consumes nothing. So a tracked key never gets more than {@code maxRequests}
 * allowed in one of its windows. Since windows are anchored rather than sliding, a key can get up
 * to {@code 2 * maxRequests} in an arbitrary interval of length {@code window} that straddles two
 * of its windows (the usual fixed-window burst, bounded); this also assumes no blacklisting shorter
 * than a window, since a blacklisting closes the current window and a new one opens when it ends.
 *
 * <p>A <em>violation</em> is a window in which the key went over the limit, recorded once, at the
 * first limited request of that window. When the key has {@code blacklistThreshold} violations
 * younger than {@code blacklistDuration} (that is, {@code now - violation < blacklistDuration}),
 * the request that made the last one is answered {@link Outcome#BLACKLISTED} and the key is
 * blacklisted until {@code now + blacklistDuration}. While blacklisted, every request is answered
 * BLACKLISTED (with {@code retryAfter} the time left) and counts nothing; the key's window state
 * and violations are dropped, so afterwards it starts afresh.
 *
 * <h2>Memory bound</h2>
 *
 * <p>Window state is held for at most {@code maxTrackedKeys} keys, in a Caffeine cache bounded by
 * size (W-TinyLFU: a flood of one-request sources mostly fails admission instead of displacing keys
 * that keep sending) and expiring each entry once it is useless: when its window has ended and its
 * last violation is older than {@code blacklistDuration}. A key whose state is evicted starts
 * afresh on its next request (a fresh window, no violations): that is the price of the bound. Each
 * tracked key costs about 200 bytes including a short key string such as {@code "addr:10.1.2.3"}
 * (measured: 1,000,000 sources into a 100,000-key limiter retain about 20 MiB), plus {@code 8 *
 * blacklistThreshold} bytes once it has a violation.
 *
 * <p>Blacklisted keys live apart, in a map of at most {@code maxBlacklistedKeys} entries that the
 * window cache's evictions never touch: a flood of new sources cannot flush it, because only keys
 * that earned a blacklisting (or were blacklisted by hand) enter it. When it is full, expired
 * entries are swept; if none has expired, an automatic blacklisting is <em>refused</em> (counted in
 * {@link Stats#refusedBlacklistings()}) rather than displacing an older one, so an attacker burning
 * through sources cannot buy the release of blacklisted ones; the refused key stays limited by its
 * window and is blacklisted at a later violation once there is room. A {@linkplain
 * #blacklist(String, Duration) manual blacklisting} is never refused: when full it displaces the
 * entry due to end soonest.
 *
 * <h2>Thread safety and cost</h2>
 *
 * <p>Safe for concurrent use from any number of threads (Netty event loops). {@link
 * #acquire(String, int)} does a lock-free read of the blacklist, then updates the key's state
 * atomically inside the cache's {@code compute} for that key, which serialises requests of the same
 * key only; no lock spans keys. A blacklisting takes the blacklist's per-bin lock for that key
 * inside that compute (always in that order). Sweeping a full blacklist is done by one thread at a
 * time, at most once per expiry of an entry, and never while holding a key's lock.
 *
 * <p>Time comes from the injected {@code nanoTime} source (as {@link System#nanoTime()}: only
 * differences matter), which also drives the cache's expiry; tests pass a fake clock.
 */
public final class RateLimiter {
  /** Durations are capped at this many nanoseconds (about 73 years) so sums cannot overflow. */
  private static final long MAX_NANOS = Long.MAX_VALUE / 4;

  private final long windowNanos;
  private final int maxRequests;
  private final int threshold;
  private final long banNanos;
  private final int maxBlacklistedKeys;
  private final LongSupplier nanoTime;

  private final Cache<String, KeyState> windows;
  private final Map<String, KeyState> windowMap;

  /** Blacklisted key to the {@code nanoTime} its blacklisting ends. */
  private final ConcurrentHashMap<String, Long> bans = new ConcurrentHashMap<>();

  /** Entries in {@link #bans}, counted exactly so the bound holds under concurrency. */
  private final AtomicInteger banCount = new AtomicInteger();

  /** No entry of {@link #bans} ends before this time (as far as sweeps need to know). */
  private final AtomicLong nextSweep;

  private final ReentrantLock sweepLock = new ReentrantLock();

  private final LongAdder limited = new LongAdder();
  private final LongAdder blacklistedDecisions = new LongAdder();
  private final LongAdder blacklistings = new LongAdder();
  private final LongAdder refusedBlacklistings = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  /**
   * A limiter tracking at most {@code maxTrackedKeys} keys' windows and, apart from them, at most
   * as many blacklisted keys.
   *
   * @param config the limits
   * @param maxTrackedKeys bound on keys with window state, > 0
   * @param nanoTime the time source, in nanoseconds ({@code System::nanoTime} in production)
   */
  public RateLimiter(RateLimitConfig config, int maxTrackedKeys, LongSupplier nanoTime) {
    this(config, maxTrackedKeys, maxTrackedKeys, nanoTime);
  }

  /**
   * A limiter tracking at most {@code maxTrackedKeys} keys' windows and at most {@code
   * maxBlacklistedKeys} blacklisted keys.
   *
   * @param config the limits
   * @param maxTrackedKeys bound on keys with window state, > 0
   * @param maxBlacklistedKeys bound on blacklisted keys, > 0
   * @param nanoTime the time source, in nanoseconds ({@code System::nanoTime} in production)
   */
  public RateLimiter(
      RateLimitConfig config, int maxTrackedKeys, int maxBlacklistedKeys, LongSupplier nanoTime) {
    notNull(config, "config");
    checkArgument(maxTrackedKeys > 0, "maxTrackedKeys: %s (expected: > 0)", maxTrackedKeys);
    checkArgument(
        maxBlacklistedKeys > 0, "maxBlacklistedKeys: %s (expected: > 0)", maxBlacklistedKeys);
    this.nanoTime = notNull(nanoTime, "nanoTime");
    this.windowNanos = nanos(config.window());
    this.maxRequests = config.maxRequests();
    this.threshold = config.blacklistThreshold();
    this.banNanos = nanos(config.blacklistDuration());
    this.maxBlacklistedKeys = maxBlacklistedKeys;
    this.nextSweep = new AtomicLong(nanoTime.getAsLong() + MAX_NANOS);
    this.windows =
        Caffeine.newBuilder()
            .maximumSize(maxTrackedKeys)
            .expireAfter(new StateExpiry())
            .ticker(nanoTime::getAsLong)
            .executor(Runnable::run)
            .evictionListener(
                (String key, KeyState state, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions.increment();
                  }
                })
            .build();
    this.windowMap = windows.asMap();
  }

  /** The answer to a request. */
  public enum Outcome {
    /** Within the limit: serve it. */
    ALLOWED,
    /** Over the limit for the key's current window: refuse it, try again after the window. */
    LIMITED,
    /** The key is blacklisted: refuse it (and consider closing the connection). */
    BLACKLISTED
  }

  /**
   * The answer to a request.
   *
   * @param outcome what to do
   * @param retryAfter when the answer may change: zero if allowed, the time left in the window if
   *     limited, the time left in the blacklisting if blacklisted
   */
  public record Decision(Outcome outcome, Duration retryAfter) {
    private static final Decision ALLOW = new Decision(Outcome.ALLOWED, Duration.ZERO);

    /** Validates. */
    public Decision {
      notNull(outcome, "outcome");
      notNull(retryAfter, "retryAfter");
    }

    /** True if the request is allowed. */
    public boolean allowed() {
      return outcome == Outcome.ALLOWED;
    }

    static Decision allow() {
      return ALLOW;
    }

    static Decision limited(long nanos) {
      return new Decision(Outcome.LIMITED, Duration.ofNanos(nanos));
    }

    static Decision blacklisted(long nanos) {
      return new Decision(Outcome.BLACKLISTED, Duration.ofNanos(nanos));
    }
  }

  /**
   * Counters for metrics.
   *
   * @param limited LIMITED decisions so far
   * @param blacklistedDecisions BLACKLISTED decisions so far (including the one that blacklisted)
   * @param blacklistings keys blacklisted automatically so far
   * @param refusedBlacklistings automatic blacklistings refused because the blacklist was full
   * @param evictions keys' window state dropped to keep within {@code maxTrackedKeys}
   * @param trackedKeys keys with window state now (estimate; may include expired entries)
   * @param blacklistedKeys keys in the blacklist now (may include ones just ended)
   */
  public record Stats(
      long limited,
      long blacklistedDecisions,
      long blacklistings,
      long refusedBlacklistings,
      long evictions,
      long trackedKeys,
      int blacklistedKeys) {}

  /** Same as {@code acquire(key, 1)}. */
  public Decision acquire(String key) {
    return acquire(key, 1);
  }

  /**
   * Accounts for a request of {@code cost} units from {@code key} and decides it.
   *
   * @param key the source, e.g. {@code "addr:203.0.113.7"}
   * @param cost units the request uses, 1 to {@code maxRequests}
   */
  public Decision acquire(String key, int cost) {
    notNull(key, "key");
    checkArgument(
        cost > 0 && cost <= maxRequests, "cost: %s (expected: 1 to %s)", cost, maxRequests);
    long now = nanoTime.getAsLong();
    long banned = banRemaining(key, now);
    if (banned > 0) {
      blacklistedDecisions.increment();
      return Decision.blacklisted(banned);
    }
    if (banCount.get() >= maxBlacklistedKeys) {
      sweepIfDue(now);
    }
    Step step = new Step(now, cost);
    windowMap.compute(key, step);
    Decision d = step.decision;
    switch (d.outcome()) {
      case LIMITED -> limited.increment();
      case BLACKLISTED -> blacklistedDecisions.increment();
      default -> {}
    }
    return d;
  }

  /** True if {@code key} is blacklisted now. */
  public boolean isBlacklisted(String key) {
    notNull(key, "key");
    return banRemaining(key, nanoTime.getAsLong()) > 0;
  }

  /**
   * Blacklists {@code key} for {@code duration} from now, replacing any current blacklisting of it
   * (so this also shortens one), and drops its window state. If the blacklist is full, displaces
   * the entry due to end soonest.
   */
  public void blacklist(String key, Duration duration) {
    notNull(key, "key");
    notNull(duration, "duration");
    checkArgument(
        !duration.isNegative() && !duration.isZero(), "duration: %s (expected: > 0)", duration);
    long now = nanoTime.getAsLong();
    long until = now + nanos(duration);
    while (!putBan(key, until, true)) {
      if (!sweepIfDue(now)) {
        evictSoonestEnding();
      }
    }
    windows.invalidate(key);
  }

  /** Lifts any blacklisting of {@code key} and forgets its window and violations. */
  public void forgive(String key) {
    notNull(key, "key");
    if (bans.remove(key) != null) {
      banCount.decrementAndGet();
    }
    windows.invalidate(key);
  }

  /** The counters now. */
  public Stats stats() {
    sweepIfDue(nanoTime.getAsLong());
    return new Stats(
        limited.sum(),
        blacklistedDecisions.sum(),
        blacklistings.sum(),
        refusedBlacklistings.sum(),
        evictions.sum(),
        windows.estimatedSize(),
        banCount.get());
  }

  /** Runs pending cache maintenance (evictions, expiry) now. For tests. */
  void cleanUp() {
    windows.cleanUp();
  }

  // ------------------------------------------------------------------ blacklist

  /** Nanoseconds left in {@code key}'s blacklisting, or 0 if it is not blacklisted. */
  private long banRemaining(String key, long now) {
    Long until = bans.get(key);
    if (until == null) {
      return 0;
    }
    long left = until - now;
    if (left > 0) {
      return left;
    }
    if (bans.remove(key, until)) {
      banCount.decrementAndGet();
    }
    return 0;
  }

  /**
   * Blacklists {@code key} until {@code until}. A manual ban replaces a current one; an automatic
   * one only extends it. Returns false, changing nothing, if the key is not yet in the blacklist
   * and the blacklist is full.
   */
  private boolean putBan(String key, long until, boolean manual) {
    Long result =
        bans.compute(
            key,
            (k, old) -> {
              if (old != null) {
                return manual || until - old > 0 ? until : old;
              }
              return reserveBanSlot() ? until : null;
            });
    if (result == null) {
      return false;
    }
    nextSweep.accumulateAndGet(until, RateLimiter::earlier);
    return true;
  }

  private boolean reserveBanSlot() {
    for (; ; ) {
      int n = banCount.get();
      if (n >= maxBlacklistedKeys) {
        return false;
      }
      if (banCount.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Removes the blacklist's ended entries if one may have ended and no other thread is at it.
   * Returns true if it removed any.
   */
  private boolean sweepIfDue(long now) {
    if (now - nextSweep.get() < 0 || !sweepLock.tryLock()) {
      return false;
    }
    try {
      // Reset first: a ban added during the scan lowers the mark again itself.
      nextSweep.set(now + MAX_NANOS);
      boolean removed = false;
      for (Map.Entry<String, Long> e : bans.entrySet()) {
        long until = e.getValue();
        if (until - now <= 0) {
          if (bans.remove(e.getKey(), e.getValue())) {
            banCount.decrementAndGet();
            removed = true;
          }
        } else {
          nextSweep.accumulateAndGet(until, RateLimiter::earlier);
        }
      }
      return removed;
    } finally {
      sweepLock.unlock();
    }
  }

  /** Removes the blacklist entry due to end soonest (a linear scan; manual blacklisting only). */
  private void evictSoonestEnding() {
    Map.Entry<String, Long> soonest = null;
    for (Map.Entry<String, Long> e : bans.entrySet()) {
      if (soonest == null || e.getValue() - soonest.getValue() < 0) {
        soonest = e;
      }
    }
    if (soonest != null && bans.remove(soonest.getKey(), soonest.getValue())) {
      banCount.decrementAndGet();
    }
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  private static long nanos(Duration d) {
    return d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : d.toNanos();
  }

  // ------------------------------------------------------------------ windows

  /**
   * One key's window and recent violations. Mutated only inside the cache's {@code compute} for the
   * key, which serialises access.
   */
  static final class KeyState {
    long windowStart;
    int used;
    boolean violatedThisWindow;

    /** Times of the last {@code threshold} violations, a ring; null until the first. */
    long[] violations;

    int violationCount;
    int nextViolation;

    KeyState(long now) {
      windowStart = now;
    }

    void openWindow(long now) {
      windowStart = now;
      used = 0;
      violatedThisWindow = false;
    }

    /**
     * Records a violation at {@code now}; returns true if the key now has {@code threshold}
     * violations younger than {@code banNanos}.
     */
    boolean recordViolation(long now, int threshold, long banNanos) {
      if (violations == null) {
        violations = new long[threshold];
      }
      violations[nextViolation] = now;
      nextViolation = (nextViolation + 1) % threshold;
      if (violationCount < threshold) {
        violationCount++;
      }
      // Violations come in time order, so the oldest of the last `threshold` decides.
      return violationCount == threshold && now - violations[nextViolation] < banNanos;
    }

    /** When this state stops mattering: the window is over and no violation still counts. */
    long uselessAt(long windowNanos, long banNanos) {
      long end = windowStart + windowNanos;
      if (violationCount > 0) {
        int last = (nextViolation + violations.length - 1) % violations.length;
        long forgotten = violations[last] + banNanos;
        if (forgotten - end > 0) {
          end = forgotten;
        }
      }
      return end;
    }
  }

  /** The update of one request, run inside the cache's compute for its key. */
  private final class Step implements BiFunction<String, KeyState, KeyState> {
    private final long now;
    private final int cost;
    Decision decision;

    Step(long now, int cost) {
      this.now = now;
      this.cost = cost;
    }

    @Override
    public KeyState apply(String key, KeyState state) {
      // Checked again under the key's lock: a concurrent request may have blacklisted it.
      long banned = banRemaining(key, now);
      if (banned > 0) {
        decision = Decision.blacklisted(banned);
        return null;
      }
      if (state == null) {
        state = new KeyState(now);
      } else if (now - state.windowStart >= windowNanos) {
        state.openWindow(now);
      }
      if (state.used <= maxRequests - cost) {
        state.used += cost;
        decision = Decision.allow();
        return state;
      }
      long windowLeft = state.windowStart + windowNanos - now;
      if (!state.violatedThisWindow) {
        state.violatedThisWindow = true;
        if (state.recordViolation(now, threshold, banNanos)) {
          if (putBan(key, now + banNanos, false)) {
            blacklistings.increment();
            decision = Decision.blacklisted(banNanos);
            return null;
          }
          refusedBlacklistings.increment();
        }
      }
      decision = Decision.limited(windowLeft);
      return state;
    }
  }

  /** Expires a key's state when it stops mattering. */
  private final class StateExpiry implements Expiry<String, KeyState> {
    @Override
    public long expireAfterCreate(String key, KeyState state, long currentTime) {
      return Math.max(1, state.uselessAt(windowNanos, banNanos) - currentTime);
    }

    @Override
    public long expireAfterUpdate(
        String key, KeyState state, long currentTime, long currentDuration) {
      return Math.max(1, state.uselessAt(windowNanos, banNanos) - currentTime);
    }

    @Override
    public long expireAfterRead(
        String key, KeyState state, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
