package org.brightchain.net.core.internal.channel;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on another executor (which may run many at once): what code
 * confined to "its own thread" needs when it is given a shared executor. Once closed, tasks not yet
 * started are dropped. Safe for use from any thread.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean draining;
  private volatile boolean closed;

  /** Tasks run on {@code delegate}, one at a time. */
  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (closed) {
        return;
      }
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (this) {
        draining = false;
        tasks.clear();
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null || closed) {
          draining = false;
          tasks.clear();
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        log.warn("task failed", e);
      }
    }
  }

  /** Drops the tasks not yet started; later tasks are ignored. */
  public void close() {
    synchronized (this) {
      closed = true;
      tasks.clear();
    }
  }
}
