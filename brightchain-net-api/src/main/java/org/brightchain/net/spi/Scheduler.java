package org.brightchain.net.spi;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Where a node runs its work and its timers. The node's state is only touched from tasks run by its
 * scheduler, one at a time, so implementations must run tasks serially (in submission order for
 * {@link #execute(Runnable)}).
 *
 * <p>The default runs on one daemon thread. Tests and simulations pass a virtual-time scheduler, so
 * that timeouts, retries and expiry are driven by advancing time instead of sleeping.
 *
 * <p>Must be safe for concurrent use: any thread may submit work.
 */
public interface Scheduler extends Executor {

  /** Runs {@code task} soon, after the tasks already submitted. */
  @Override
  void execute(Runnable task);

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, Duration delay);

  /** True when called from inside a task of this scheduler. */
  boolean inScheduler();

  /** A handle to a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run yet; harmless otherwise. */
    void cancel();
  }
}
