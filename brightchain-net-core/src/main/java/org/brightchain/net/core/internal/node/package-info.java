/**
 * The node's composition root: {@link org.brightchain.net.core.internal.node.NodeEngine} builds
 * every component, wires them together and runs their lifecycle; {@link
 * org.brightchain.net.core.internal.node.HostWrites} takes the host's changes; the discovery bridge
 * runs the discovery providers.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.node;
