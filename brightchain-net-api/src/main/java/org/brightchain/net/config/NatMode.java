package org.brightchain.net.config;

import org.brightchain.net.internal.WireNames;

/**
 * Which port-mapping method a node uses to become reachable through its NAT gateway. Each constant
 * has a {@linkplain #wireName() wire name}, as accepted by the runnable node's {@code --nat}
 * option.
 */
public enum NatMode {
  /** Tries PCP, then NAT-PMP, then UPnP IGD, and uses the first that maps. */
  AUTO("auto"),
  /** UPnP Internet Gateway Device only. */
  UPNP("upnp"),
  /** NAT-PMP (RFC 6886) only. */
  NATPMP("natpmp"),
  /** PCP (RFC 6887) only. */
  PCP("pcp"),
  /** No port mapping: the node is reachable only where its local address is. */
  NONE("none");

  private static final WireNames<NatMode> NAMES = new WireNames<>(NatMode.class, NatMode::wireName);
  private final String wireName;

  NatMode(String wireName) {
    this.wireName = wireName;
  }

  /** The value as written on the command line and in JSON. */
  public String wireName() {
    return wireName;
  }

  /**
   * The constant with this wire name.
   *
   * @throws IllegalArgumentException naming the accepted values if there is none
   */
  public static NatMode fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
