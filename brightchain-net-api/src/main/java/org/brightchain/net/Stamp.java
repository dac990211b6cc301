package org.brightchain.net;

import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import org.brightchain.net.internal.Values;

/**
 * When and by whom a value was written: the version of one field of a block's metadata.
 *
 * <p>Stamps are ordered by time, then by node id, so two stamps from different nodes are never
 * equal and every node picks the same winner (last writer wins).
 *
 * @param at when the value was written (millisecond precision)
 * @param by the node that wrote it
 */
public record Stamp(Instant at, NodeId by) implements Comparable<Stamp> {

  /**
   * The stamp of a value nobody wrote (a default): earlier than every real stamp, so any write wins
   * over it.
   */
  public static final Stamp NEVER =
      new Stamp(Instant.EPOCH, NodeId.of("0".repeat(NodeId.HEX_LENGTH)));

  /** Validates and truncates {@code at} to milliseconds. */
  public Stamp {
    at = Values.millis(at, "at");
    notNull(by, "by");
  }

  /** A stamp from milliseconds since the epoch. */
  public static Stamp of(long epochMillis, NodeId by) {
    return new Stamp(Instant.ofEpochMilli(epochMillis), by);
  }

  /** True if this stamp is strictly later than {@code other}. */
  public boolean isAfter(Stamp other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Stamp o) {
    int c = at.compareTo(o.at);
    return c != 0 ? c : by.compareTo(o.by);
  }
}
