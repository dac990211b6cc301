package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * How much redundancy a block asks for (BrightChain's {@code DurabilityLevel}).
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum DurabilityLevel {
  /** No redundancy; temporary data. */
  EPHEMERAL("ephemeral"),
  /** One parity block; general purpose. */
  STANDARD("standard"),
  /** Two or more parity blocks. */
  ENHANCED("enhanced"),
  /** The most redundancy offered. */
  MAXIMUM("maximum");

  private static final WireNames<DurabilityLevel> NAMES =
      new WireNames<>(DurabilityLevel.class, DurabilityLevel::wireName);
  private final String wireName;

  DurabilityLevel(String wireName) {
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
  public static DurabilityLevel fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
