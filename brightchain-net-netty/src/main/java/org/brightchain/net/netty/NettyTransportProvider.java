package org.brightchain.net.netty;

import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportProvider;
import org.brightchain.net.spi.TransportSettings;

/**
 * Provides {@link NettyTransport}; registered for {@link java.util.ServiceLoader}, so a node built
 * with this module on its class path or module path uses Netty without further setup.
 */
public final class NettyTransportProvider implements TransportProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  @Override
  public String name() {
    return "netty";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Transport create(TransportSettings settings) {
    return new NettyTransport(settings);
  }
}
