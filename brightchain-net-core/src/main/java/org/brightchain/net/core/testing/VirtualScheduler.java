package org.brightchain.net.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import org.brightchain.net.spi.Scheduler;

/**
 * A {@link Scheduler} and {@link Clock} on virtual time, for tests and simulations: nothing runs
 * until the test calls {@link #runUntilIdle()} or {@link #advance(Duration)}, and time moves only
 * when the test moves it. Many nodes may share one instance; their tasks then interleave in one
 * deterministic order.
 *
 * <p>Thread-safe: tasks may be submitted from any thread, and run on the thread that calls {@code
 * runUntilIdle} or {@code advance}.
 */
public final class VirtualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;
  private Thread runner;
  private final Clock clock = new VirtualClock();

  /** Virtual time starting at {@code start}. */
  public VirtualScheduler(Instant start) {
    this.nowNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
  }

  /** Virtual time starting at 2026-01-01T00:00:00Z. */
  public VirtualScheduler() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A clock reading this scheduler's virtual time. */
  public Clock clock() {
    return clock;
  }

  /** The current virtual time. */
  public synchronized Instant now() {
    return Instant.ofEpochSecond(0, nowNanos);
  }

  @Override
  public void execute(Runnable task) {
    enqueue(task, 0);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    Task t = enqueue(task, Math.max(0, delay.toNanos()));
    return () -> {
      synchronized (this) {
        t.cancelled = true;
        queue.remove(t);
      }
    };
  }

  @Override
  public synchronized boolean inScheduler() {
    return Thread.currentThread() == runner;
  }

  private synchronized Task enqueue(Runnable task, long delayNanos) {
    Task t = new Task(nowNanos + delayNanos, sequence++, task);
    queue.add(t);
    return t;
  }

  /**
   * Runs every task that is due now, including tasks they submit for now, until none is left.
   *
   * @return the number of tasks run
   */
  public int runUntilIdle() {
    return runUntil(currentNanos());
  }

  /** Moves time forward by {@code d}, running every task due on the way, in time order. */
  public int advance(Duration d) {
    long target;
    synchronized (this) {
      target = nowNanos + d.toNanos();
    }
    return runUntil(target);
  }

  /** Number of tasks waiting, due or not. */
  public synchronized int pending() {
    return queue.size();
  }

  private synchronized long currentNanos() {
    return nowNanos;
  }

  private int runUntil(long targetNanos) {
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.atNanos > targetNanos) {
          nowNanos = Math.max(nowNanos, targetNanos);
          return ran;
        }
        queue.poll();
        nowNanos = Math.max(nowNanos, next.atNanos);
        runner = Thread.currentThread();
      }
      try {
        next.task.run();
      } finally {
        synchronized (this) {
          runner = null;
        }
      }
      ran++;
      if (ran > 10_000_000) {
        throw new IllegalStateException(
            "more than 10 million tasks: a task keeps rescheduling itself at zero delay?");
      }
    }
  }

  private static final class Task implements Comparable<Task> {
    final long atNanos;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Task(long atNanos, long seq, Runnable task) {
      this.atNanos = atNanos;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(atNanos, o.atNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final class VirtualClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("virtual clock is UTC");
    }

    @Override
    public Instant instant() {
      return now();
    }

    @Override
    public long millis() {
      synchronized (VirtualScheduler.this) {
        return Math.floorDiv(nowNanos, 1_000_000L);
      }
    }
  }
}
