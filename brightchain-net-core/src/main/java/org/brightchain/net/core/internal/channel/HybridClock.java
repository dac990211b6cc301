package org.brightchain.net.core.internal.channel;

import java.time.Clock;
import org.brightchain.net.Stamp;

/**
 * The node's hybrid logical clock: the stamps of the messages it signs and of the writes it makes.
 * Scheduler-confined.
 *
 * <p>A message stamp is the local time unless a message already signed or received carried a later
 * one, and is strictly greater than the previous one: every message gets distinct signed bytes, and
 * a change made after hearing of another is stamped after it, whatever the two clocks say. A
 * received stamp pulls the clock at most the allowed skew ahead of real time.
 */
public final class HybridClock {
  private final Clock clock;

  /** How far ahead of the local clock what the node hears may pull it, and its writes may go. */
  private final long maxSkewMs;

  private long last;

  /** A clock reading {@code clock}, pulled at most {@code maxSkewMs} ahead of it. */
  public HybridClock(Clock clock, long maxSkewMs) {
    this.clock = clock;
    this.maxSkewMs = maxSkewMs;
  }

  /** How far ahead of the local clock a stamp may be. */
  public long maxSkewMs() {
    return maxSkewMs;
  }

  /** The local time, in milliseconds. */
  public long now() {
    return clock.millis();
  }

  /** A strictly increasing stamp for the next message this node signs. */
  public long stamp() {
    last = Math.max(clock.millis(), last + 1);
    return last;
  }

  /** A stamp for a message that must not be earlier than {@code min}. */
  public long stampAtLeast(long min) {
    long s = stamp();
    if (s < min) {
      last = min; // a write just after a version from a peer whose clock is ahead
      return min;
    }
    return s;
  }

  /** Moves the clock past a received stamp, but never more than the skew ahead of real time. */
  public void observe(long ts) {
    last = Math.max(last, Math.min(ts, clock.millis() + maxSkewMs));
  }

  /**
   * The time of a write the host makes to a register whose current version is {@code current}: now,
   * or just after the current version if that is not earlier, so that the host's write supersedes
   * what the node holds. Per register, not per node: many writes in one millisecond to different
   * blocks share it, and the node's stamps do not run ahead of its clock. Never more than the skew
   * ahead. Since no stamp beyond the skew is ever accepted, a write made a millisecond or more
   * after another always supersedes it.
   */
  public long writeStamp(Stamp current) {
    long now = clock.millis();
    return current == null
        ? now
        : Math.min(Math.max(now, current.at().toEpochMilli() + 1), now + maxSkewMs);
  }
}
