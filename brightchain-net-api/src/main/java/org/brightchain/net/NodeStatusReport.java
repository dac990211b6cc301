package org.brightchain.net;

import static org.brightchain.net.internal.Checks.notNull;

/**
 * The answer of {@code GET /node/status}: the node's status, its own metrics and the network
 * health it sees.
 *
 * @param nodeId the reporting node
 * @param status its operating status
 * @param metrics its counters
 * @param health the network as it sees it
 */
public record NodeStatusReport(
    NodeId nodeId, NodeStatus status, NodeMetrics metrics, NetworkHealth health) {

  /** Validates. */
  public NodeStatusReport {
    notNull(nodeId, "nodeId");
    notNull(status, "status");
    notNull(metrics, "metrics");
    notNull(health, "health");
  }
}
