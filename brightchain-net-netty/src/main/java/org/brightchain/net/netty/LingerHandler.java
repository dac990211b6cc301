package org.brightchain.net.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * First in the pipeline of a connection closing after an error answer ({@link
 * HttpResponses#lingeringClose}): swallows what the client still sends, and closes when the client
 * is done sending or anything goes wrong.
 */
@ChannelHandler.Sharable
final class LingerHandler extends ChannelInboundHandlerAdapter {
  static final LingerHandler INSTANCE = new LingerHandler();

  private LingerHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close(); // the client is done too
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
