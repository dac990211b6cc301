package org.brightchain.net.spi;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How a node talks to the world: it serves REST and WebSocket, and dials peers. The node never
 * opens a socket itself; it goes through this interface. {@code brightchain-net-netty} provides the
 * real one; core ships an in-memory one for tests and simulation.
 *
 * <p>Must be safe for concurrent use.
 */
public interface Transport {

  /**
   * Binds the listeners and starts serving through {@code handler}.
   *
   * @return completes with the bound addresses, or exceptionally if a port cannot be bound
   */
  CompletableFuture<BoundAddresses> start(TransportHandler handler);

  /**
   * Opens a WebSocket connection to {@code ws://host:port/ws}. On success the handler's {@link
   * TransportHandler#connectionOpened} has been called before the future completes.
   */
  default CompletableFuture<PeerConnection> connect(String host, int port) {
    return connect(host, port, java.util.Map.of());
  }

  /**
   * Like {@link #connect(String, int)}, adding {@code parameters} to the query of the WebSocket URL
   * (the node uses {@code resume}).
   */
  CompletableFuture<PeerConnection> connect(
      String host, int port, java.util.Map<String, String> parameters);

  /** Bytes received so far, all connections and requests together. */
  long bytesIn();

  /** Bytes sent so far. */
  long bytesOut();

  /** Closes every listener and connection. Idempotent. */
  CompletableFuture<Void> stop();

  /**
   * The addresses a started transport listens on.
   *
   * @param http the REST listener
   * @param ws the WebSocket listener (equal to {@code http} when shared)
   */
  record BoundAddresses(InetSocketAddress http, InetSocketAddress ws) {}
}
