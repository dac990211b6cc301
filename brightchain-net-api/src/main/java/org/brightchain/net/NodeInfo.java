package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.Values;

/**
 * A node's description of itself, as served by {@code GET /node/info}.
 *
 * @param nodeId the node's id
 * @param publicKey the node's compressed public key (33 bytes for secp256k1)
 * @param version the software version
 * @param protocolVersion the wire protocol version
 * @param address the address the node advertises, empty when peers should use the address they see
 *     it at
 * @param httpPort the REST port
 * @param wsPort the WebSocket port
 * @param capabilities capabilities by wire name
 * @param region the operator-chosen region, or {@code null}
 * @param status the node's operating status
 * @param startedAt when the node started
 */
public record NodeInfo(
    NodeId nodeId,
    byte[] publicKey,
    String version,
    int protocolVersion,
    String address,
    int httpPort,
    int wsPort,
    Set<String> capabilities,
    String region,
    NodeStatus status,
    Instant startedAt) {

  /** Validates and copies. */
  public NodeInfo {
    notNull(nodeId, "nodeId");
    publicKey = notNull(publicKey, "publicKey").clone();
    Values.text(version, "version", 64);
    org.brightchain.net.internal.Checks.checkArgument(
        protocolVersion >= 0, "protocolVersion: %s (expected: >= 0)", protocolVersion);
    HostNames.checkOrEmpty(address, "address");
    checkPort(httpPort, "httpPort");
    checkPort(wsPort, "wsPort");
    capabilities = Values.capabilities(capabilities);
    if (region != null) {
      Values.text(region, "region", 64);
    }
    notNull(status, "status");
    startedAt = Values.millis(startedAt, "startedAt");
  }

  /** A copy of the public key. */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeInfo n
        && nodeId.equals(n.nodeId)
        && Arrays.equals(publicKey, n.publicKey)
        && version.equals(n.version)
        && protocolVersion == n.protocolVersion
        && address.equals(n.address)
        && httpPort == n.httpPort
        && wsPort == n.wsPort
        && capabilities.equals(n.capabilities)
        && java.util.Objects.equals(region, n.region)
        && status == n.status
        && startedAt.equals(n.startedAt);
  }

  @Override
  public int hashCode() {
    return nodeId.hashCode() * 31 + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "NodeInfo[nodeId="
        + nodeId
        + ", publicKey="
        + HexFormat.of().formatHex(publicKey)
        + ", version="
        + version
        + ", address="
        + address
        + ", httpPort="
        + httpPort
        + ", wsPort="
        + wsPort
        + ", region="
        + region
        + ", status="
        + status
        + "]";
  }
}
