package org.brightchain.net.spi;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One open WebSocket connection, as the transport presents it to the node.
 *
 * <p>Must be safe for concurrent use.
 */
public interface PeerConnection {

  /** A short id unique within this node's lifetime, for logs. */
  String id();

  /** The remote end of the socket. */
  InetSocketAddress remoteAddress();

  /** True if this node opened the connection. */
  boolean outbound();

  /**
   * The frame type the other end asked for when it connected (a WebSocket client can ask for JSON
   * with the query parameter {@code format=json}); binary otherwise.
   */
  Frame.Type preferredFrameType();

  /**
   * Parameters the other end gave when it connected: the query of the WebSocket URL (for example
   * {@code format}, {@code resume}, {@code types}, {@code blocks}), or of the event-stream request,
   * with {@code Last-Event-ID} as {@code resume}. For outbound connections, the parameters this
   * node dialled with (what it asked the other end for).
   */
  default java.util.Map<String, String> parameters() {
    return java.util.Map.of();
  }

  /**
   * True if the other end can only receive (a server-sent event stream): the node never waits for
   * it to announce or resume.
   */
  default boolean receiveOnly() {
    return false;
  }

  /**
   * Queues a frame for sending. The future completes when the frame was written, or exceptionally
   * if the connection closed first.
   */
  CompletableFuture<Void> send(Frame frame);

  /** Closes with a WebSocket close code (RFC 6455 section 7.4) and a short reason. Idempotent. */
  void close(int code, String reason);

  /** True until the connection closes. */
  boolean isOpen();
}
