package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline (after the HTTP codec) of a connection refused at accept for being over a
 * per-address or per-subnet cap: answers its first request with 429 and closes. A client that sends
 * no request within {@code lingerNanos} is closed without an answer. Nothing reaches the node.
 *
 * <p>Waiting for the request, rather than writing the 429 at accept and closing, lets an HTTP
 * client read the answer: closing a socket with its request unread makes the kernel reset the
 * connection, and the client may lose the response before it reads it.
 */
final class RefusedConnectionHandler extends ChannelInboundHandlerAdapter {
  private final String message;
  private final long lingerNanos;
  private ScheduledFuture<?> timer;
  private boolean answered;

  RefusedConnectionHandler(String message, long lingerNanos) {
    this.message = message;
    this.lingerNanos = lingerNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      schedule(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    schedule(ctx);
    ctx.fireChannelActive();
  }

  private void schedule(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> ctx.close(), lingerNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (answered || !(msg instanceof HttpRequest req)) {
        return;
      }
      answered = true;
      if (req.decoderResult().isFailure()) {
        ctx.close();
      } else {
        HttpResponses.errorAndClose(ctx, 429, "too_many_connections", message);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
