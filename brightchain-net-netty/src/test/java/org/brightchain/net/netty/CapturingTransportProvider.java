package org.brightchain.net.netty;

import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportProvider;
import org.brightchain.net.spi.TransportSettings;

/**
 * Makes a {@link NettyTransport} from the settings the builder gives it, as {@link
 * NettyTransportProvider} does, and keeps it, so that a test can read the transport's counters of a
 * node it built: {@code builder.transportProvider(made)}, then {@code made.transport()}.
 */
final class CapturingTransportProvider implements TransportProvider {
  private volatile NettyTransport transport;

  @Override
  public String name() {
    return "netty-captured";
  }

  @Override
  public Transport create(TransportSettings settings) {
    NettyTransport t = new NettyTransport(settings);
    transport = t;
    return t;
  }

  /** The transport made last. */
  NettyTransport transport() {
    if (transport == null) {
      throw new IllegalStateException("no transport made yet: build the node first");
    }
    return transport;
  }
}
