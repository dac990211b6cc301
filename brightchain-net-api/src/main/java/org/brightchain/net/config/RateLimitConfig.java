package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.time.Duration;

/**
 * Per-peer rate limits, as the design's {@code RateLimitConfig}.
 *
 * @param window the counting window (default 10 s)
 * @param maxRequests requests or messages allowed per window (default 100)
 * @param blacklistThreshold windows over the limit before the peer is blacklisted (default 3)
 * @param blacklistDuration how long a blacklisted peer is refused (default 5 min)
 */
public record RateLimitConfig(
    Duration window, int maxRequests, int blacklistThreshold, Duration blacklistDuration) {

  /** Validates. */
  public RateLimitConfig {
    Durations.positive(window, "window");
    checkArgument(maxRequests > 0, "maxRequests: %s (expected: > 0)", maxRequests);
    checkArgument(
        blacklistThreshold > 0, "blacklistThreshold: %s (expected: > 0)", blacklistThreshold);
    Durations.positive(blacklistDuration, "blacklistDuration");
  }

  /** BrightChain's defaults: 100 per 10 s; 3 violations block for 5 minutes. */
  public static RateLimitConfig defaults() {
    return new RateLimitConfig(Duration.ofSeconds(10), 100, 3, Duration.ofMinutes(5));
  }
}
