package org.brightchain.net.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;

/**
 * The pipeline of an accepted connection, for a listener that serves REST, the WebSocket endpoint,
 * or both. After the shared prefix: the two halves of {@code HttpServerCodec} (its request decoder
 * extended with the header size limit and absolute deadlines for the headers and the whole request,
 * answering 431 and 408) → (a guard that lets one close frame out) → the WebSocket error handler →
 * an aggregator bounded by {@link TransportSettings#maxBodyBytes()} that answers 413 → (the check
 * of WebSocket opening handshakes, answering 400) → the long-lived connection cap → ({@code
 * WebSocketServerProtocolHandler}: handshake, control frames, frame size limit → {@code
 * WebSocketFrameAggregator}: message size limit) → the REST handler → the WebSocket frame handler.
 *
 * <p>A connection over an address cap gets only the byte counter, an HTTP codec and a handler that
 * answers 429.
 */
final class ServerChannelInitializer extends TransportChannelInitializer {
  /** Longest a refused connection waits for its request. */
  private static final long REFUSED_LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final TransportParts parts;
  private final TransportSettings settings;
  private final TransportHandler handler;
  private final EventStreamUpgrade events;
  private final WebSocketServerProtocolConfig webSocketConfig;
  private final WebSocketUpgradeCheck upgradeCheck;
  private final boolean rest;

  /**
   * @param rest whether this listener serves REST (else every request is answered 404)
   * @param webSocket whether this listener serves the WebSocket endpoint
   */
  ServerChannelInitializer(
      TransportParts parts, TransportHandler handler, boolean rest, boolean webSocket) {
    super(parts.bytes(), parts.settings().idleTimeout());
    this.parts = parts;
    this.settings = parts.settings();
    this.handler = handler;
    this.events = new EventStreamUpgrade(handler, parts.connections());
    this.webSocketConfig = webSocket ? webSocketConfig(settings) : null;
    this.upgradeCheck = new WebSocketUpgradeCheck(parts.diagnostics());
    this.rest = rest;
  }

  private static WebSocketServerProtocolConfig webSocketConfig(TransportSettings settings) {
    return WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(TransportSettings.WEBSOCKET_PATH)
        .checkStartsWith(true)
        .maxFramePayloadLength(settings.maxFrameBytes())
        .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
        .allowExtensions(false)
        .dropPongFrames(true)
        // Close codes are chosen by WebSocketErrorHandler and the node.
        .sendCloseFrame(null)
        .decoderConfig(
            WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build())
        .build();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    parts.channels().add(ch);
    AddressAdmission.Verdict verdict = parts.admission().admit(ch);
    if (verdict.admitted()) {
      serve(ch.pipeline());
    } else if (verdict.refusal() != null) {
      refuse(ch.pipeline(), verdict.refusal());
    }
  }

  private void serve(ChannelPipeline p) {
    int maxHeaderBytes = settings.limits().maxHeaderBytes();
    addPrefix(p);
    // The encoder goes first so that the decoder's own 408 passes through it.
    p.addLast(new HttpResponseEncoder());
    p.addLast(
        new HeaderDeadlineDecoder(
            parts.diagnostics(),
            settings.limits().headerTimeout(),
            MAX_INITIAL_LINE,
            maxHeaderBytes,
            webSocketConfig != null,
            settings.limits().requestTimeout()));
    if (webSocketConfig != null) {
      // Ahead of everything that writes close frames; the WebSocket encoder goes before it.
      p.addLast(new CloseFrameGuard());
    }
    // The WebSocket decoder takes the decoder's place, right before this handler.
    p.addLast(WebSocketErrorHandler.INSTANCE);
    p.addLast(new JsonLimitAggregator(settings.maxBodyBytes()));
    if (webSocketConfig != null) {
      p.addLast(upgradeCheck);
    }
    p.addLast(new ConnectionLimitHandler(parts.slots(), parts.diagnostics(), maxHeaderBytes));
    if (webSocketConfig != null) {
      p.addLast(new WebSocketServerProtocolHandler(webSocketConfig));
      p.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
    }
    p.addLast(new RestRequestHandler(handler, events, parts.diagnostics(), maxHeaderBytes, rest));
    p.addLast(
        new WebSocketFrameHandler(
            handler, parts.connections(), settings.idleTimeout(), false, null));
  }

  /** The pipeline of a connection over a cap: answers its first request 429, and closes. */
  private void refuse(ChannelPipeline p, String refusal) {
    p.addLast(bytes());
    p.addLast(new HttpServerCodec(MAX_INITIAL_LINE, settings.limits().maxHeaderBytes(), MAX_CHUNK));
    p.addLast(
        new RefusedConnectionHandler(
            refusal, Math.min(REFUSED_LINGER_NANOS, settings.limits().headerTimeout().toNanos())));
  }
}
