/** The Netty transport of brightchain-net: REST over HTTP/1.1 and the WebSocket event channel. */
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

  exports org.brightchain.net.netty;

  provides org.brightchain.net.spi.TransportProvider with
      org.brightchain.net.netty.NettyTransportProvider;
}
