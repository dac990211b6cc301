package org.brightchain.net.spi;

import java.time.Clock;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.EventPayload;

/** What a {@link NodePlugin} may do with its node. */
public interface PluginContext {

  /** The node's id. */
  NodeId nodeId();

  /** The node's clock. */
  Clock clock();

  /** The node's scheduler; run timers here. */
  Scheduler scheduler();

  /** Adds a listener for the node's events, removed when the plugin closes. */
  void addListener(NodeEventListener listener);

  /** Signs {@code payload} as this node and sends it to every connected peer. */
  void broadcast(EventPayload payload);
}
