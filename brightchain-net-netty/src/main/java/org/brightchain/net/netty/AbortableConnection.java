package org.brightchain.net.netty;

import org.brightchain.net.spi.PeerConnection;

/** A connection the transport can cut at once, without waiting for what is queued on it. */
interface AbortableConnection extends PeerConnection {
  /**
   * Closes at once; {@code code} and {@code reason} are reported as the close's (a WebSocket close
   * frame is tried, not awaited), where the protocol has them.
   */
  void abort(int code, String reason);
}
