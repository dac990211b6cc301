package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * Where a block can be had from, as seen by one node (BrightChain's {@code AvailabilityState}).
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum AvailabilityState {
  /** Stored here as the authoritative copy. */
  LOCAL("local"),
  /** On other nodes, not here. */
  REMOTE("remote"),
  /** Cached here; the authoritative copy is elsewhere. */
  CACHED("cached"),
  /** Its source nodes are unreachable. */
  ORPHANED("orphaned"),
  /** Not yet determined. */
  UNKNOWN("unknown");

  private static final WireNames<AvailabilityState> NAMES =
      new WireNames<>(AvailabilityState.class, AvailabilityState::wireName);
  private final String wireName;

  AvailabilityState(String wireName) {
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
  public static AvailabilityState fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
