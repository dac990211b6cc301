/**
 * The Netty transport of brightchain-net: REST over HTTP/1.1, the WebSocket event channel, NAT port
 * mapping and LAN multicast discovery.
 */
module org.brightchain.net.netty {
  requires transitive org.brightchain.net.core;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.handler;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires static io.netty.transport.classes.epoll;
  requires org.slf4j;
  requires java.net.http;
  requires java.xml;
  // weupnp 0.1.4 has neither a module descriptor nor an Automatic-Module-Name: it is the automatic
  // module named after its jar file (see docs/nat.md).
  requires weupnp;

  exports org.brightchain.net.netty;
  // The multicast provider's table and counters, for diagnostics.
  exports org.brightchain.net.netty.discovery;

  provides org.brightchain.net.spi.TransportProvider with
      org.brightchain.net.netty.NettyTransportProvider;
  provides org.brightchain.net.spi.PortMapperProvider with
      org.brightchain.net.netty.nat.NatPortMapperProvider;
  provides org.brightchain.net.spi.DiscoveryProvider with
      org.brightchain.net.netty.discovery.MulticastDiscovery;
}
