package org.brightchain.net.netty;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on long-lived connections (WebSocket and event streams) a node holds at once: each one
 * takes a slot when it is set up and gives it back when it closes. Thread-safe.
 */
final class ConnectionSlots {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionSlots(int max) {
    this.max = max;
  }

  /** Takes a slot; false, taking nothing, if all are taken. */
  boolean tryOpen() {
    while (true) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #tryOpen}. */
  void closed() {
    open.decrementAndGet();
  }

  /** Slots taken now. */
  int open() {
    return open.get();
  }

  int max() {
    return max;
  }
}
