/** The brightchain-net node engine. Start at {@link org.brightchain.net.core.BrightChainNode}. */
module org.brightchain.net.core {
  requires transitive org.brightchain.net.api;
  requires com.google.protobuf;
  requires org.bouncycastle.provider;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires org.dnsjava;

  exports org.brightchain.net.core;
  exports org.brightchain.net.core.crypto;
  exports org.brightchain.net.core.wire;
  exports org.brightchain.net.core.testing;
  exports org.brightchain.net.core.security;
  exports org.brightchain.net.core.discovery;
  exports org.brightchain.net.core.sync;

  uses org.brightchain.net.spi.TransportProvider;
  uses org.brightchain.net.spi.DiscoveryProvider;
  uses org.brightchain.net.spi.NodePlugin;
  uses org.brightchain.net.spi.PortMapperProvider;

  provides org.brightchain.net.spi.DiscoveryProvider with
      org.brightchain.net.core.discovery.DnsSeedDiscovery;
}
