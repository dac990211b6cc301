package org.brightchain.net.spi;

import java.util.List;
import org.brightchain.net.config.NatConfig;

/**
 * Creates {@link PortMapper}s; found through {@link java.util.ServiceLoader} when the builder is
 * not given one. {@code brightchain-net-netty} provides UPnP IGD, NAT-PMP and PCP. The provider
 * with the highest {@link #priority()} wins; one that fails to load is logged and skipped.
 */
public interface PortMapperProvider {

  /** A short unique name, for logs. */
  String name();

  /** Higher wins when several are found. */
  default int priority() {
    return 0;
  }

  /**
   * New mappers, one per method this provider implements, fastest first: the order in which {@link
   * org.brightchain.net.config.NatMode#AUTO} tries them. Called once per node start; the node
   * closes them when it stops.
   *
   * @param config timeouts, gateway address and description
   * @param bindHost the address the node's listeners are bound to ({@code 0.0.0.0} for all); the
   *     mappers forward to this host's address on the gateway's LAN
   */
  List<PortMapper> create(NatConfig config, String bindHost);
}
