package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * The state of a peer in a node's peer table, as the design names it.
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum PeerStatusType {
  /** Connected and identified. */
  ACTIVE("ACTIVE"),
  /** Known, connection being set up or heartbeats missed. */
  PENDING("PENDING"),
  /** Not connected. */
  OFFLINE("OFFLINE");

  private static final WireNames<PeerStatusType> NAMES =
      new WireNames<>(PeerStatusType.class, PeerStatusType::wireName);
  private final String wireName;

  PeerStatusType(String wireName) {
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
  public static PeerStatusType fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
