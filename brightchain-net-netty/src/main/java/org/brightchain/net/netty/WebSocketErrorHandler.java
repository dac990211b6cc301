package org.brightchain.net.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the WebSocket frame decoder and turns its errors into the close code RFC 6455
 * asks for (1009 too big, 1002 protocol error, 1007 bad UTF-8) before anything else closes the
 * connection silently.
 */
@ChannelHandler.Sharable
final class WebSocketErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketErrorHandler.class);
  static final WebSocketErrorHandler INSTANCE = new WebSocketErrorHandler();

  private WebSocketErrorHandler() {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    int code;
    String reason;
    if (cause instanceof CorruptedWebSocketFrameException c) {
      code = c.closeStatus().code();
      reason = c.closeStatus().reasonText();
    } else if (cause instanceof TooLongFrameException) {
      code = 1009;
      reason = "message too big";
    } else {
      ctx.fireExceptionCaught(cause);
      return;
    }
    log.info(
        "WebSocket from {}: {} ({}), closing with {}",
        ctx.channel().remoteAddress(),
        reason,
        cause.getMessage(),
        code);
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(code, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
