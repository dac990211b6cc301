/**
 * LAN discovery by UDP multicast: {@link org.brightchain.net.netty.discovery.MulticastDiscovery}, a
 * {@link org.brightchain.net.spi.DiscoveryProvider} found through {@link java.util.ServiceLoader}.
 * A node with {@link org.brightchain.net.config.DiscoverySettings#multicast()} set advertises
 * itself on the LAN and reports the nodes it hears as candidate peers ({@code
 * docs/discovery-multicast.md}). The provider's {@code heard()} and {@code counters()} are there
 * for diagnostics and tests; the rest of the package is internal.
 */
package org.brightchain.net.netty.discovery;
