package org.brightchain.net.core.internal.channel;

import org.brightchain.net.spi.Scheduler;

/**
 * Checks that scheduler-confined code runs on the node's scheduler. The check is a Java {@code
 * assert}: on in tests (Surefire runs with {@code -ea}), free in production.
 */
public final class Confinement {
  private Confinement() {}

  /** Fails (with assertions on) unless the caller runs on {@code scheduler}. */
  public static boolean onScheduler(Scheduler scheduler) {
    assert scheduler.inScheduler()
        : "scheduler-confined code called from " + Thread.currentThread().getName();
    return true;
  }
}
