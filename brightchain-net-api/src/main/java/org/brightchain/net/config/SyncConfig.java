package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.time.Duration;

/**
 * When a node reconciles its block metadata with its peers (range-based set reconciliation; see
 * {@code docs/sync.md}).
 *
 * @param onConnect reconcile with every peer as soon as a connection to it is established (the side
 *     that dialled starts); default on. This is what brings back what a peer missed while it was
 *     away.
 * @param interval time between background reconciliations, each with one connected peer chosen at
 *     random; {@link Duration#ZERO} turns them off; default 5 minutes
 * @param timeout longest a reconciliation this node starts may take before it is abandoned (and
 *     retried at the next occasion); default 10 minutes, enough to give a new node millions of
 *     blocks. Each message of it waits at most the request timeout for its answer.
 */
public record SyncConfig(boolean onConnect, Duration interval, Duration timeout) {

  /** Validates. */
  public SyncConfig {
    Durations.nonNegative(interval, "interval");
    Durations.positive(timeout, "timeout");
    checkArgument(
        interval.isZero() || interval.compareTo(Duration.ofSeconds(1)) >= 0,
        "interval: %s (expected: 0 or at least 1 s)",
        interval);
  }

  /** The defaults: on connect, every 5 minutes, 10 minutes timeout. */
  public static SyncConfig defaults() {
    return new SyncConfig(true, Duration.ofMinutes(5), Duration.ofMinutes(10));
  }

  /** A copy with another background interval. */
  public SyncConfig withInterval(Duration interval) {
    return new SyncConfig(onConnect, interval, timeout);
  }

  /** A copy with another timeout. */
  public SyncConfig withTimeout(Duration timeout) {
    return new SyncConfig(onConnect, interval, timeout);
  }

  /** A copy that does (or does not) reconcile on connect. */
  public SyncConfig withOnConnect(boolean onConnect) {
    return new SyncConfig(onConnect, interval, timeout);
  }
}
