package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Set;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.Values;

/**
 * How a node makes itself known on a local network, as the design's {@code NodeAdvertisement}.
 *
 * @param nodeId the advertising node
 * @param address the address to reach it at
 * @param port its WebSocket port
 * @param capabilities its capabilities by wire name
 * @param version the protocol/software version it runs
 */
public record NodeAdvertisement(
    NodeId nodeId, String address, int port, Set<String> capabilities, String version) {

  /** Validates and copies. */
  public NodeAdvertisement {
    notNull(nodeId, "nodeId");
    HostNames.checkOrEmpty(address, "address");
    checkPort(port, "port");
    capabilities = Values.capabilities(capabilities);
    Values.text(version, "version", 64);
  }
}
