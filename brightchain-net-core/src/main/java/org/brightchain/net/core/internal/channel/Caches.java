package org.brightchain.net.core.internal.channel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Bounded caches whose entries expire on the node's clock (so virtual time expires them too). */
public final class Caches {
  private Caches() {}

  /**
   * A cache of at most {@code maximumSize} entries, each dropped {@code ttl} after it was written,
   * maintained on the calling thread.
   */
  public static <K, V> Cache<K, V> expiring(int maximumSize, Duration ttl, Clock clock) {
    return Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(ttl)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }
}
