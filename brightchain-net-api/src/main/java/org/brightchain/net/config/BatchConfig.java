package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.time.Duration;

/**
 * How block updates are batched, as the design's {@code BatchConfig}.
 *
 * @param maxSize most updates per batch; a full batch is sent at once (default 100)
 * @param interval time between batches (default 1 s)
 * @param retryAttempts times an unacknowledged batch is sent again (default 3)
 * @param retryDelay time between those attempts (default 2 s)
 */
public record BatchConfig(int maxSize, Duration interval, int retryAttempts, Duration retryDelay) {

  /** Validates. */
  public BatchConfig {
    checkArgument(maxSize > 0 && maxSize <= 10_000, "maxSize: %s (expected: 1-10000)", maxSize);
    Durations.positive(interval, "interval");
    checkArgument(retryAttempts >= 0, "retryAttempts: %s (expected: >= 0)", retryAttempts);
    Durations.nonNegative(retryDelay, "retryDelay");
  }

  /** BrightChain's defaults: 100 updates, every second, 3 retries 2 s apart. */
  public static BatchConfig defaults() {
    return new BatchConfig(100, Duration.ofSeconds(1), 3, Duration.ofSeconds(2));
  }
}
