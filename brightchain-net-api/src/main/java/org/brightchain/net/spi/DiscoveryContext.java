package org.brightchain.net.spi;

import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;

/** What a {@link DiscoveryProvider} sees of its node. */
public interface DiscoveryContext {

  /** This node's own advertisement, for providers that announce it. */
  NodeAdvertisement self();

  /** The node's scheduler, for timers. */
  Scheduler scheduler();

  /**
   * Reports a candidate peer at {@code host:wsPort}. The node decides whether to dial it; the
   * peer's identity is checked when it connects. {@code expected} may be null when unknown.
   */
  void candidate(String host, int wsPort, NodeId expected, String source);
}
