package org.brightchain.net.netty.nat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * What the mappers of one node share: its settings and one thread on which every exchange with the
 * gateway runs, one at a time (a home gateway is a small machine, and answers are easier to match
 * when requests do not overlap). The thread goes when the last mapper is closed.
 */
final class NatContext {
  final NatConfig config;
  final String bindHost;
  private final ExecutorService executor;
  private final AtomicInteger users;

  NatContext(NatConfig config, String bindHost, int users) {
    this.config = config;
    this.bindHost = bindHost;
    this.users = new AtomicInteger(users);
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "brightchain-nat");
              t.setDaemon(true);
              return t;
            });
  }

  /** A blocking gateway exchange. */
  @FunctionalInterface
  interface Exchange<T> {
    T run() throws PortMappingException;
  }

  /** Runs {@code work} on the gateway thread; fails with a {@link PortMappingException} only. */
  <T> CompletableFuture<T> run(String method, Exchange<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              f.complete(work.run());
            } catch (PortMappingException e) {
              f.completeExceptionally(e);
            } catch (RuntimeException e) {
              f.completeExceptionally(
                  new PortMappingException(Reason.PROTOCOL_ERROR, method, -1, "failed: " + e, e));
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(
          new PortMappingException(Reason.GATEWAY_ERROR, method, -1, "port mapper closed", e));
    }
    return f;
  }

  /** One mapper is done; the last one stops the thread. */
  void release() {
    if (users.decrementAndGet() == 0) {
      executor.shutdownNow();
    }
  }
}
