package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;
import org.brightchain.net.internal.Values;

/**
 * A port mapping to ask the gateway for, as the design's {@code UPNPConfig}.
 *
 * @param port the port to map (internal and requested external)
 * @param protocol TCP or UDP
 * @param description shown in the router's mapping table
 * @param ttl lease lifetime (default 3600 s); never zero, leases are never permanent
 * @param isPrivate whether the mapping is private to this host's LAN address ({@code private} in
 *     the design)
 */
public record UPNPConfig(
    int port, Protocol protocol, String description, Duration ttl, boolean isPrivate) {

  /** Validates. */
  public UPNPConfig {
    checkPort(port, "port");
    notNull(protocol, "protocol");
    Values.text(description, "description", 64);
    Durations.positive(ttl, "ttl");
  }

  /** A TCP mapping of {@code port} described as "BrightChain Node", leased for an hour. */
  public static UPNPConfig tcp(int port) {
    return new UPNPConfig(port, Protocol.TCP, "BrightChain Node", Duration.ofHours(1), true);
  }

  /** Transport protocol of a mapping. */
  public enum Protocol {
    /** TCP. */
    TCP,
    /** UDP. */
    UDP
  }
}
