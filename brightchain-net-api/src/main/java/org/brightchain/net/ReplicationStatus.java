package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * How well a block is replicated against its durability target.
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum ReplicationStatus {
  /** Replication not started. */
  PENDING("pending"),
  /** At or above its target number of copies. */
  REPLICATED("replicated"),
  /** Fewer copies than its target. */
  UNDER_REPLICATED("under_replicated"),
  /** Replication failed. */
  FAILED("failed");

  private static final WireNames<ReplicationStatus> NAMES =
      new WireNames<>(ReplicationStatus.class, ReplicationStatus::wireName);
  private final String wireName;

  ReplicationStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The value as written on the wire. */
  public String wireName() {
    return wireName;
  }

  /**
   * The constant with this wire name.
   *
   * @throws IllegalArgumentException naming the accepted values if there is none
   */
  public static ReplicationStatus fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
