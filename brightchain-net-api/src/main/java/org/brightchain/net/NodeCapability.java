package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * What a node offers to the network (BrightChain's {@code NodeCapability}).
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum NodeCapability {
  /** Stores blocks. */
  STORAGE("storage"),
  /** Relays messages for other nodes. */
  ROUTING("routing"),
  /** Takes part in quorum decisions. */
  QUORUM("quorum"),
  /** Helps new nodes join. */
  BOOTSTRAP("bootstrap"),
  /** Keeps block metadata. */
  METADATA("metadata"),
  /** Tracks block temperature. */
  TEMPERATURE("temperature");

  private static final WireNames<NodeCapability> NAMES =
      new WireNames<>(NodeCapability.class, NodeCapability::wireName);
  private final String wireName;

  NodeCapability(String wireName) {
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
  public static NodeCapability fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
