/**
 * The node's peers: the {@link org.brightchain.net.core.internal.peer.PeerTable} (status, eviction,
 * saving to the data directory), the {@link org.brightchain.net.core.internal.peer.Dialer} (who to
 * dial, eclipse caps, backoff) and {@link org.brightchain.net.core.internal.peer.Heartbeats}
 * (liveness and round-trip times).
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.peer;
