/**
 * Extension points: small interfaces a host implements to plug into a node.
 *
 * <h2>Starting points</h2>
 *
 * <ul>
 *   <li>{@link org.brightchain.net.spi.BlockStore} and {@link
 *       org.brightchain.net.spi.MetadataStore}: storage stays the host's.
 *   <li>{@link org.brightchain.net.spi.NodeEventListener}: the host's view of what happens.
 *   <li>{@link org.brightchain.net.spi.NodePlugin}: host code running inside the node.
 *   <li>{@link org.brightchain.net.spi.Scheduler}: where work and timers run; tests inject virtual
 *       time here.
 *   <li>{@link org.brightchain.net.spi.Transport} and {@link
 *       org.brightchain.net.spi.TransportProvider}: the wire, provided by {@code
 *       brightchain-net-netty}.
 *   <li>{@link org.brightchain.net.spi.SignatureScheme}, {@link
 *       org.brightchain.net.spi.DiscoveryProvider} and {@link org.brightchain.net.spi.PortMapper}
 *       (made by a {@link org.brightchain.net.spi.PortMapperProvider}): crypto, peer sources and
 *       NAT traversal.
 * </ul>
 *
 * <p>Every implementation must be safe for concurrent use unless its javadoc says otherwise.
 */
package org.brightchain.net.spi;
