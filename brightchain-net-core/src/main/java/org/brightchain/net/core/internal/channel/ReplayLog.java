package org.brightchain.net.core.internal.channel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The node's bounded, sequence-numbered log of the events it sent to its peers (its own and the
 * ones it relayed), so that a peer coming back can be sent exactly what it missed.
 * Scheduler-confined.
 *
 * <p>Sequence numbers start at the node's start time in milliseconds times 1000 and grow by one per
 * event, so a restarted node's numbers are higher than any its previous run gave out, and a peer
 * resuming across the restart is told of the gap instead of being sent the wrong events.
 */
public final class ReplayLog {
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final int capacity;
  private long next;

  /** One logged event. */
  public record Entry(long sequence, Object event) {}

  public ReplayLog(int capacity, long startMillis) {
    this.capacity = capacity;
    this.next = Math.max(1, startMillis * 1000);
  }

  /** Appends an event; returns its sequence number. Drops the oldest beyond capacity. */
  public long append(Object event) {
    long seq = next++;
    entries.addLast(new Entry(seq, event));
    if (entries.size() > capacity) {
      entries.removeFirst();
    }
    return seq;
  }

  /** The sequence number the next event will get. */
  public long nextSequence() {
    return next;
  }

  /** The oldest sequence number still held, or {@link #nextSequence()} if empty. */
  public long oldest() {
    return entries.isEmpty() ? next : entries.peekFirst().sequence();
  }

  /** Entries with a sequence number above {@code after}, oldest first. */
  public List<Entry> after(long after) {
    List<Entry> out = new ArrayList<>();
    Iterator<Entry> it = entries.descendingIterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.sequence() <= after) {
        break;
      }
      out.add(e);
    }
    java.util.Collections.reverse(out);
    return out;
  }

  public int size() {
    return entries.size();
  }
}
