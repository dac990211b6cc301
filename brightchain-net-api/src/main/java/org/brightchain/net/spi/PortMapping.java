package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.internal.Values;

/**
 * A port mapping granted by a gateway: connections to {@code externalAddress:externalPort} reach
 * {@code internalAddress:internalPort} until the lease ends.
 *
 * @param method the mapper that made it ({@code upnp}, {@code natpmp}, {@code pcp})
 * @param protocol TCP or UDP
 * @param internalAddress this host's address on the gateway's LAN
 * @param internalPort the port on this host
 * @param externalAddress the gateway's public address
 * @param externalPort the port on the public address (the gateway may grant another than asked)
 * @param lifetime the lease granted, counted from when the gateway answered; never zero (leases are
 *     never permanent)
 * @param gateway the address of the gateway that granted it
 */
public record PortMapping(
    String method,
    UPNPConfig.Protocol protocol,
    String internalAddress,
    int internalPort,
    String externalAddress,
    int externalPort,
    Duration lifetime,
    String gateway) {

  /** Validates. */
  public PortMapping {
    Values.text(notNull(method, "method"), "method", 32);
    notNull(protocol, "protocol");
    Values.text(internalAddress, "internalAddress", 64);
    checkArgument(
        internalPort > 0 && internalPort <= 65535,
        "internalPort: %s (expected: 1-65535)",
        internalPort);
    Values.text(externalAddress, "externalAddress", 64);
    checkArgument(!externalAddress.isEmpty(), "externalAddress: empty");
    checkArgument(
        externalPort > 0 && externalPort <= 65535,
        "externalPort: %s (expected: 1-65535)",
        externalPort);
    notNull(lifetime, "lifetime");
    checkArgument(
        !lifetime.isNegative() && !lifetime.isZero(), "lifetime: %s (expected: > 0)", lifetime);
    Values.text(gateway, "gateway", 64);
  }

  /** This mapping with another external address (the gateway's public address changed). */
  public PortMapping withExternalAddress(String address) {
    return new PortMapping(
        method, protocol, internalAddress, internalPort, address, externalPort, lifetime, gateway);
  }
}
