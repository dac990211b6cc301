/**
 * Port mapping on NAT gateways: UPnP IGD, NAT-PMP (RFC 6886) and PCP (RFC 6887) behind the {@link
 * org.brightchain.net.spi.PortMapper} SPI. Internal, not API: a node finds these mappers through
 * {@link org.brightchain.net.netty.nat.NatPortMapperProvider} and drives them itself ({@code
 * docs/nat.md}).
 *
 * <p>Every exchange with a gateway is bounded in time and size and trusts only the gateway: UDP
 * answers come from the gateway's port 5351 (the sockets are connected to it) and must match the
 * request (opcode, ports, PCP nonce); UPnP devices must be on a local subnet, at the address that
 * answered the search; XML is parsed without DTDs or external entities.
 */
package org.brightchain.net.netty.nat;
