/**
 * The node's implementation, below the API of {@code org.brightchain.net.core}.
 *
 * <p><b>Internal, not API:</b> the packages under this one are exported only to the project's own
 * modules; names and behaviour may change in any release. {@code docs/architecture.md} maps them.
 */
package org.brightchain.net.core.internal;
