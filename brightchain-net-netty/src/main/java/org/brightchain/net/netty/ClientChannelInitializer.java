package org.brightchain.net.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;

/**
 * The pipeline of a connection this node dials to a peer's WebSocket endpoint. After the shared
 * prefix: an HTTP client codec → a guard that lets one close frame out → the WebSocket error
 * handler → an aggregator for the handshake response → {@code WebSocketClientProtocolHandler}
 * (handshake, control frames, frame size limit) → {@code WebSocketFrameAggregator} (message size
 * limit) → the WebSocket frame handler, which completes {@code opened}.
 */
final class ClientChannelInitializer extends TransportChannelInitializer {
  /** Largest response headers accepted from a peer when dialling. */
  private static final int MAX_RESPONSE_HEADERS = 8192;

  /** Largest handshake response accepted. */
  private static final int MAX_HANDSHAKE_RESPONSE = 64 * 1024;

  private final TransportSettings settings;
  private final TransportHandler handler;
  private final ConnectionFactory connections;
  private final WebSocketClientProtocolConfig webSocketConfig;
  private final CompletableFuture<PeerConnection> opened;
  private final Map<String, String> parameters;

  /**
   * @param uri the peer's WebSocket endpoint, with this node's query parameters
   * @param parameters those parameters, which the connection reports as its own
   * @param opened completed with the connection once the handshake is done, or failed
   */
  ClientChannelInitializer(
      TransportParts parts,
      TransportHandler handler,
      URI uri,
      Map<String, String> parameters,
      CompletableFuture<PeerConnection> opened) {
    super(parts.bytes(), parts.settings().idleTimeout());
    this.settings = parts.settings();
    this.handler = handler;
    this.connections = parts.connections();
    this.opened = opened;
    this.parameters = Map.copyOf(parameters);
    this.webSocketConfig =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .maxFramePayloadLength(settings.maxFrameBytes())
            .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
            .allowExtensions(false)
            .dropPongFrames(true)
            .build();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    addPrefix(p);
    p.addLast(new HttpClientCodec(MAX_INITIAL_LINE, MAX_RESPONSE_HEADERS, MAX_CHUNK));
    // Ahead of everything that writes close frames; the WebSocket encoder goes before it.
    p.addLast(new CloseFrameGuard());
    p.addLast(WebSocketErrorHandler.INSTANCE);
    p.addLast(new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
    p.addLast(new WebSocketClientProtocolHandler(webSocketConfig));
    p.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
    p.addLast(
        new WebSocketFrameHandler(
            handler, connections, settings.idleTimeout(), true, opened, parameters));
  }
}
