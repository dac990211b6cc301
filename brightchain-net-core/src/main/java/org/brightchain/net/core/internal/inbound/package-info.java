/**
 * Everything that arrives: the {@link org.brightchain.net.core.internal.inbound.InboundPipeline}
 * (rate limit → decode → de-duplication → replay window → signature), the handshake that binds a
 * connection to a proven peer, and the dispatcher that applies each event type.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.inbound;
