package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Set;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.Values;

/**
 * {@code node:announce}: how to reach a node. Sent by a node about itself when a connection opens;
 * a node may also pass on what it knows of others (then {@code nodeId} differs from the message's
 * sender, and the receiver treats the address only as a hint to dial).
 *
 * @param nodeId the node announced
 * @param address its address; empty means "the address you see this connection come from"
 * @param httpPort its REST port
 * @param wsPort its WebSocket port
 * @param capabilities its capabilities by wire name
 * @param version its software version
 * @param region its region, or {@code null}
 */
public record NodeAnnounce(
    NodeId nodeId,
    String address,
    int httpPort,
    int wsPort,
    Set<String> capabilities,
    String version,
    String region)
    implements EventPayload {

  /** Validates and copies. */
  public NodeAnnounce {
    notNull(nodeId, "nodeId");
    HostNames.checkOrEmpty(address, "address");
    checkPort(httpPort, "httpPort");
    checkPort(wsPort, "wsPort");
    capabilities = Values.capabilities(capabilities);
    Values.text(version, "version", 64);
    if (region != null) {
      Values.text(region, "region", 64);
    }
  }

  @Override
  public WSEventType type() {
    return WSEventType.NODE_ANNOUNCE;
  }
}
