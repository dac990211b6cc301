package org.brightchain.net.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.brightchain.net.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the WebSocket frame decoder and turns its errors into the close code RFC 6455
 * asks for (1009 too big, 1002 protocol error, 1007 bad UTF-8) before anything else closes the
 * connection silently. Netty's UTF-8 check of text messages runs further on, and its error reaches
 * the {@link WebSocketFrameHandler}, which closes with the same codes ({@link #closeFor}).
 */
@ChannelHandler.Sharable
final class WebSocketErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketErrorHandler.class);
  static final WebSocketErrorHandler INSTANCE = new WebSocketErrorHandler();

  private WebSocketErrorHandler() {}

  /** A close code and its reason. */
  record Close(int code, String reason) {}

  /**
   * The close RFC 6455 gives a WebSocket decoding error (protocol.md section 11): 1007 {@code
   * invalid payload data} for a text message that is not UTF-8, 1009 {@code message too big}, 1002
   * {@code protocol error} for any other malformed frame; null for an error that is not about
   * frames.
   */
  static Close closeFor(Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException c) {
      int code = c.closeStatus() == null ? 1002 : c.closeStatus().code();
      if (code == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()) {
        return new Close(1007, "invalid payload data");
      } else if (code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
        return new Close(1009, "message too big");
      }
      return new Close(1002, "protocol error");
    } else if (cause instanceof TooLongFrameException) {
      return new Close(1009, "message too big");
    } else if (cause instanceof CorruptedFrameException) {
      return new Close(1002, "protocol error");
    }
    return null;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Close close =
        cause instanceof CorruptedWebSocketFrameException || cause instanceof TooLongFrameException
            ? closeFor(cause)
            : null;
    if (close == null) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    log.info(
        "WebSocket from {}: {} ({}), closing with {}",
        ctx.channel().remoteAddress(),
        close.reason(),
        LogText.safe(cause.getMessage()),
        close.code());
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(close.code(), close.reason()))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
