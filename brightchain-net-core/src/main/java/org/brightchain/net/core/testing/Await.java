package org.brightchain.net.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, in real time, for a condition that other threads make true: for tests that run nodes on
 * real sockets or in other processes. It polls the condition every few milliseconds until it holds
 * or the timeout passes, then fails with a description of what was awaited and what was seen last.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), () -> b.peers().size() == 1, () -> "B's peers: " + b.peers());
 * }</pre>
 *
 * <p>A test on {@link VirtualScheduler} needs no waiting: it advances virtual time instead.
 */
public final class Await {
  private static final long POLL_NANOS = 10_000_000;

  private Await() {}

  /**
   * Returns once {@code condition} is true; throws {@link AssertionError} naming {@code what}
   * (evaluated only on failure) if it is still false after {@code timeout}.
   */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<?> what) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(what, "what");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not true within " + timeout + ": " + what.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new AssertionError("interrupted while waiting for: " + what.get());
      }
    }
  }

  /** {@link #until(Duration, BooleanSupplier, Supplier)} with a fixed description. */
  public static void until(Duration timeout, BooleanSupplier condition, String what) {
    Objects.requireNonNull(what, "what");
    until(timeout, condition, () -> what);
  }
}
