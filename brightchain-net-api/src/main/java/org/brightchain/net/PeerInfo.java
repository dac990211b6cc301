package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import java.util.Set;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.Values;

/**
 * What a node knows of one peer, as listed by {@code GET /node/peers}.
 *
 * @param nodeId the peer's node id
 * @param address host name or IP address the peer is reached at
 * @param httpPort the peer's REST port
 * @param wsPort the peer's WebSocket port
 * @param lastSeen when a message from the peer was last received (millisecond precision)
 * @param capabilities the peer's capabilities, by {@linkplain NodeCapability#wireName() wire name};
 *     unknown names from newer peers are kept
 * @param status the peer's state in the peer table
 * @param region the peer's region, or {@code null} if it did not say
 * @param rttMs the last round-trip time measured by heartbeat, in milliseconds, or {@code null}
 *     before the first one
 */
public record PeerInfo(
    NodeId nodeId,
    String address,
    int httpPort,
    int wsPort,
    Instant lastSeen,
    Set<String> capabilities,
    PeerStatusType status,
    String region,
    Long rttMs) {

  /** Validates and copies. */
  public PeerInfo {
    notNull(nodeId, "nodeId");
    HostNames.checkOrEmpty(address, "address");
    checkPort(httpPort, "httpPort");
    checkPort(wsPort, "wsPort");
    lastSeen = Values.millis(lastSeen, "lastSeen");
    capabilities = Values.capabilities(capabilities);
    notNull(status, "status");
    if (region != null) {
      Values.text(region, "region", 64);
    }
    if (rttMs != null) {
      Values.safeInteger(rttMs, "rttMs");
    }
  }

  /** A copy with another status and last-seen time. */
  public PeerInfo withStatus(PeerStatusType newStatus, Instant seen) {
    return new PeerInfo(
        nodeId, address, httpPort, wsPort, seen, capabilities, newStatus, region, rttMs);
  }

  /** A copy with a new round-trip time. */
  public PeerInfo withRtt(long rtt) {
    return new PeerInfo(
        nodeId, address, httpPort, wsPort, lastSeen, capabilities, status, region, rtt);
  }
}
