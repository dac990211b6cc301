package org.brightchain.net.netty;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most one line per interval for one kind of event, so a flood of refused or timed-out
 * connections costs one line, not one per connection. The next line logged says how many were left
 * out. Thread-safe.
 */
final class LogLimiter {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong next;
  private final AtomicLong suppressed = new AtomicLong();

  LogLimiter(Logger log, long interval, TimeUnit unit) {
    this.log = log;
    this.intervalNanos = unit.toNanos(interval);
    this.next = new AtomicLong(System.nanoTime());
  }

  /** Logs at INFO, unless a line was logged less than an interval ago. */
  void info(String format, Object... args) {
    long now = System.nanoTime();
    long at = next.get();
    if (now - at < 0 || !next.compareAndSet(at, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    if (!log.isInfoEnabled()) {
      return;
    }
    long more = suppressed.getAndSet(0);
    if (more == 0) {
      log.info(format, args);
    } else {
      Object[] all = Arrays.copyOf(args, args.length + 1);
      all[args.length] = more;
      log.info(format + " (and {} more like it not logged)", all);
    }
  }
}
