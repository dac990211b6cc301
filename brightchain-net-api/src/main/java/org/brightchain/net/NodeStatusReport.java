package org.brightchain.net;

import static org.brightchain.net.internal.Checks.notNull;

/**
 * The answer of {@code GET /node/status}: the node's status, its own metrics, the network health it
 * sees and whether it is reachable from outside its NAT gateway.
 *
 * @param nodeId the reporting node
 * @param status its operating status
 * @param metrics its counters
 * @param health the network as it sees it
 * @param reachability its port mapping on the NAT gateway, if any
 */
public record NodeStatusReport(
    NodeId nodeId,
    NodeStatus status,
    NodeMetrics metrics,
    NetworkHealth health,
    Reachability reachability) {

  /** Validates. */
  public NodeStatusReport {
    notNull(nodeId, "nodeId");
    notNull(status, "status");
    notNull(metrics, "metrics");
    notNull(health, "health");
    notNull(reachability, "reachability");
  }

  /** A report of a node without port mapping ({@link Reachability.State#UNMAPPED}). */
  public NodeStatusReport(
      NodeId nodeId, NodeStatus status, NodeMetrics metrics, NetworkHealth health) {
    this(nodeId, status, metrics, health, Reachability.unmapped("", ""));
  }
}
