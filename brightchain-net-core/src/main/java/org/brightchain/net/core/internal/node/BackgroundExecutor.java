package org.brightchain.net.core.internal.node;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node's own thread for slow work off the scheduler (reading a large store for reconciliation),
 * started on first use and stopped with the node. Used when the host gave the node no executor of
 * its own.
 */
final class BackgroundExecutor implements Executor {
  private final String name;
  private ExecutorService executor;

  BackgroundExecutor(String name) {
    this.name = name;
  }

  @Override
  public synchronized void execute(Runnable task) {
    if (executor == null) {
      executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
    }
    executor.execute(task);
  }

  /** Stops the thread, interrupting work in progress. */
  synchronized void shutdownNow() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
