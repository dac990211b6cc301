/**
 * The brightchain-net node engine. Start at {@link org.brightchain.net.core.BrightChainNode}.
 *
 * <p>API: {@code org.brightchain.net.core} (the node, its builder, stores and results), {@code
 * org.brightchain.net.core.crypto} (identity and signing) and {@code
 * org.brightchain.net.core.testing} (in-memory network and virtual time). Everything under {@code
 * org.brightchain.net.core.internal} is implementation, exported only to the project's own modules.
 */
module org.brightchain.net.core {
  requires transitive org.brightchain.net.api;
  requires com.google.protobuf;
  requires org.bouncycastle.provider;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires org.dnsjava;

  exports org.brightchain.net.core;
  exports org.brightchain.net.core.crypto;
  exports org.brightchain.net.core.testing;
  exports org.brightchain.net.core.internal.wire to
      org.brightchain.net.netty;
  exports org.brightchain.net.core.internal.discovery to
      org.brightchain.net.netty;
  exports org.brightchain.net.core.internal.security to
      org.brightchain.net.netty;

  uses org.brightchain.net.spi.TransportProvider;
  uses org.brightchain.net.spi.DiscoveryProvider;
  uses org.brightchain.net.spi.NodePlugin;
  uses org.brightchain.net.spi.PortMapperProvider;

  provides org.brightchain.net.spi.DiscoveryProvider with
      org.brightchain.net.core.internal.discovery.DnsSeedDiscovery;
}
