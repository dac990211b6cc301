package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import org.brightchain.net.config.UPNPConfig;

/**
 * A port mapping granted by a gateway.
 *
 * @param method the mapper that made it
 * @param protocol TCP or UDP
 * @param internalPort the port on this host
 * @param externalAddress the gateway's public address
 * @param externalPort the port on the public address
 * @param expiresAt when the lease ends unless renewed
 */
public record PortMapping(
    String method,
    UPNPConfig.Protocol protocol,
    int internalPort,
    String externalAddress,
    int externalPort,
    Instant expiresAt) {

  /** Validates. */
  public PortMapping {
    notNull(method, "method");
    notNull(protocol, "protocol");
    checkPort(internalPort, "internalPort");
    notNull(externalAddress, "externalAddress");
    checkPort(externalPort, "externalPort");
    notNull(expiresAt, "expiresAt");
  }
}
