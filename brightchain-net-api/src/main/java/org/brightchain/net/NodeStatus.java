package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * A node's own operating status (BrightChain's {@code NodeStatus}).
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum NodeStatus {
  /** Serving normally. */
  ONLINE("online"),
  /** Not serving. */
  OFFLINE("offline"),
  /** Running but not reachable by peers. */
  UNREACHABLE("unreachable"),
  /** Catching up with the network. */
  SYNCING("syncing"),
  /** Serving reads only, under maintenance. */
  MAINTENANCE("maintenance"),
  /** About to leave the network. */
  SHUTDOWN_SCHEDULED("shutdown_scheduled");

  private static final WireNames<NodeStatus> NAMES =
      new WireNames<>(NodeStatus.class, NodeStatus::wireName);
  private final String wireName;

  NodeStatus(String wireName) {
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
  public static NodeStatus fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
