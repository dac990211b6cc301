package org.brightchain.net.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Built-in {@link Scheduler}s. */
public final class Schedulers {
  private Schedulers() {}

  /**
   * A scheduler running every task on one daemon thread named {@code name}. A task that throws is
   * logged and does not stop the thread. Close it with {@link ThreadScheduler#shutdown()}.
   */
  public static ThreadScheduler singleThread(String name) {
    return new ThreadScheduler(name);
  }

  /** A {@link Scheduler} backed by one thread. */
  public static final class ThreadScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(ThreadScheduler.class);
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    ThreadScheduler(String name) {
      executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                thread = t;
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable task) {
      if (executor.isShutdown()) {
        return; // stopped: late work from transport threads is dropped
      }
      executor.execute(guard(task));
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      if (executor.isShutdown()) {
        return () -> {};
      }
      ScheduledFuture<?> f =
          executor.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    }

    @Override
    public boolean inScheduler() {
      return Thread.currentThread() == thread;
    }

    /** Stops the thread after the tasks already submitted; later tasks are dropped. */
    public void shutdown() {
      executor.shutdown();
    }

    private static Runnable guard(Runnable task) {
      return () -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("task failed", e);
        }
      };
    }
  }
}
