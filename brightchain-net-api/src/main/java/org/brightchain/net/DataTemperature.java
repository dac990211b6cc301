package org.brightchain.net;

import org.brightchain.net.internal.WireNames;

/**
 * How hot a block is: how often it is accessed, and so how widely it should be cached.
 * BrightChain's values, hottest first.
 *
 * <p>Each constant has a {@linkplain #wireName() wire name}, used in JSON and in the protocol
 * specification.
 */
public enum DataTemperature {
  /** Accessed often; keep many copies close to readers. */
  HOT("hot"),
  /** Accessed now and then. */
  WARM("warm"),
  /** Rarely accessed. */
  COLD("cold"),
  /** Archived; may be slow to reach. */
  FROZEN("frozen");

  private static final WireNames<DataTemperature> NAMES =
      new WireNames<>(DataTemperature.class, DataTemperature::wireName);
  private final String wireName;

  DataTemperature(String wireName) {
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
  public static DataTemperature fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
