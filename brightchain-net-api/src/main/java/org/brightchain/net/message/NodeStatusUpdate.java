package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.NodeId;
import org.brightchain.net.NodeStatus;

/**
 * {@code node:status}: a node's operating status changed.
 *
 * @param nodeId the node concerned
 * @param status its new status
 */
public record NodeStatusUpdate(NodeId nodeId, NodeStatus status) implements EventPayload {

  /** Validates. */
  public NodeStatusUpdate {
    notNull(nodeId, "nodeId");
    notNull(status, "status");
  }

  @Override
  public WSEventType type() {
    return WSEventType.NODE_STATUS;
  }
}
