package org.brightchain.net.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Releases whatever is read, for a channel that only writes from here on (an event stream): what
 * the client still sends goes nowhere.
 */
@ChannelHandler.Sharable
final class DiscardInboundHandler extends ChannelInboundHandlerAdapter {
  static final DiscardInboundHandler INSTANCE = new DiscardInboundHandler();

  private DiscardInboundHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
