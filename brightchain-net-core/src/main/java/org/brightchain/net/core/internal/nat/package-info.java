/**
 * NAT traversal's state machine ({@link org.brightchain.net.core.internal.nat.NatManager}): maps
 * the node's ports through the host's port mappers, renews and checks the mappings, and reports
 * reachability. The mappers themselves come from a {@code PortMapperProvider}. See {@code
 * docs/nat.md}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.nat;
