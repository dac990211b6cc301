package org.brightchain.net.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The node's side of the transport seam: the transport calls these as things happen on the wire.
 * Implemented by the node, never by a host.
 *
 * <p>Calls may come from any transport thread; they return quickly and never throw.
 */
public interface TransportHandler {

  /** A WebSocket connection finished its handshake, inbound or outbound. */
  void connectionOpened(PeerConnection connection);

  /** A complete text or binary message arrived (already checked against the size limits). */
  void frameReceived(PeerConnection connection, Frame frame);

  /** The connection closed, for whatever reason; called once per opened connection. */
  void connectionClosed(PeerConnection connection, int code, String reason);

  /**
   * Serves one REST request. The transport has already refused requests it could not read
   * (malformed HTTP, body over the limit) with their 4xx.
   */
  CompletableFuture<RestResponse> handle(RestRequest request);
}
