package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Values;

/**
 * {@code node:leave}: a node says goodbye before it stops.
 *
 * @param nodeId the node leaving
 * @param reason a short human-readable reason, possibly empty
 */
public record NodeLeave(NodeId nodeId, String reason) implements EventPayload {

  /** Validates. */
  public NodeLeave {
    notNull(nodeId, "nodeId");
    Values.text(reason, "reason", 256);
  }

  @Override
  public WSEventType type() {
    return WSEventType.NODE_LEAVE;
  }
}
