package org.brightchain.net.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.TransportHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a WebSocket pipeline, server or client side: turns complete data frames into
 * {@link Frame}s for the node and reports the connection's life. Sees frames, never bytes.
 */
final class WebSocketFrameHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final TransportHandler handler;
  private final ConnectionFactory connections;
  private final Duration idleTimeout;
  private final boolean outbound;
  private final CompletableFuture<PeerConnection> opened;
  private final Map<String, String> dialled;
  private NettyPeerConnection connection;

  /** The handler of an accepted connection, or of a dialled one without parameters. */
  WebSocketFrameHandler(
      TransportHandler handler,
      ConnectionFactory connections,
      Duration idleTimeout,
      boolean outbound,
      CompletableFuture<PeerConnection> opened) {
    this(handler, connections, idleTimeout, outbound, opened, Map.of());
  }

  /**
   * @param handler the node, which hears of the connection and its frames
   * @param connections makes the connection once the handshake is done
   * @param idleTimeout the pipeline's idle timeout, for the log line when it passes
   * @param outbound whether this end dialled
   * @param opened completed with the connection once open, or failed (dialling only; else null)
   * @param dialled the parameters this end dialled with, which an outbound connection reports as
   *     its own (an accepted one reports the query of its handshake)
   */
  WebSocketFrameHandler(
      TransportHandler handler,
      ConnectionFactory connections,
      Duration idleTimeout,
      boolean outbound,
      CompletableFuture<PeerConnection> opened,
      Map<String, String> dialled) {
    this.handler = handler;
    this.connections = connections;
    this.idleTimeout = idleTimeout;
    this.outbound = outbound;
    this.opened = opened;
    this.dialled = Map.copyOf(dialled);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
      Map<String, String> params =
          QueryParameters.firstValues(new QueryStringDecoder(hc.requestUri()).parameters());
      Frame.Type preferred =
          "json".equals(params.get("format")) ? Frame.Type.TEXT : Frame.Type.BINARY;
      open(ctx, preferred, params);
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      open(ctx, Frame.Type.BINARY, dialled);
    } else if (evt instanceof IdleStateEvent) {
      if (connection != null && !connection.closing()) {
        log.info("{}: nothing received for {}, closing", connection, idleTimeout);
        connection.close(1001, "idle timeout");
      } else {
        ctx.close();
      }
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail(new java.util.concurrent.TimeoutException("WebSocket handshake timed out"));
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void open(ChannelHandlerContext ctx, Frame.Type preferred, Map<String, String> params) {
    connection = connections.webSocket(ctx.channel(), outbound, preferred, params);
    // After the upgrade the channel carries frames only: drop the HTTP-only handlers, which
    // would otherwise cost every idle connection their memory.
    for (Class<? extends io.netty.channel.ChannelHandler> h :
        List.of(RestRequestHandler.class, JsonLimitAggregator.class)) {
      if (ctx.pipeline().get(h) != null) {
        ctx.pipeline().remove(h);
      }
    }
    if (connections.stopping()) {
      // Opened as the transport stops: closed at once, and the node never hears of it.
      NettyPeerConnection c = connection;
      connection = null;
      c.close(1001, NettyTransport.SHUTDOWN_REASON);
      fail(new java.io.IOException("the transport is stopping"));
      return;
    }
    handler.connectionOpened(connection);
    if (opened != null) {
      opened.complete(connection);
    }
  }

  private void fail(Throwable e) {
    if (opened != null) {
      opened.completeExceptionally(e);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (connection == null) {
        return; // nothing before the handshake completes
      }
      if (msg instanceof TextWebSocketFrame t) {
        handler.frameReceived(
            connection, new Frame(Frame.Type.TEXT, ByteBufUtil.getBytes(t.content())));
      } else if (msg instanceof BinaryWebSocketFrame b) {
        handler.frameReceived(connection, Frame.binary(ByteBufUtil.getBytes(b.content())));
      } else if (msg instanceof CloseWebSocketFrame c) {
        connection.closeCode = c.statusCode() < 0 ? 1005 : c.statusCode();
        connection.closeReason = c.reasonText();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (connection != null) {
      handler.connectionClosed(connection, connection.closeCode, connection.closeReason);
    } else {
      fail(new java.io.IOException("connection closed before the WebSocket handshake completed"));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (connection == null) {
      fail(cause);
      ctx.close();
      return;
    }
    WebSocketErrorHandler.Close close = WebSocketErrorHandler.closeFor(cause);
    if (close != null) {
      log.info(
          "{}: {} ({}), closing with {}",
          connection,
          close.reason(),
          LogText.safe(cause.getMessage()),
          close.code());
      connection.close(close.code(), close.reason());
    } else {
      log.debug("{}: {}", connection, LogText.safe(cause));
      ctx.close();
    }
  }
}
