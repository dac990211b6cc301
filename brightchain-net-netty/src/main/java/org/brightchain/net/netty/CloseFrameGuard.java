package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets at most one close frame out of a WebSocket connection, whoever writes it: the node closing
 * the connection, the WebSocket handlers answering a close frame or an error, the transport
 * stopping. RFC 6455 section 5.5.1 allows one close frame per side; without this guard a node that
 * closed while the other end's close frame was on its way answered that frame too, so the other end
 * received two. A later close frame is dropped and its write reported done, so whatever waits on it
 * to close the channel still does.
 *
 * <p>It sits right after the HTTP codec, ahead of every handler that writes close frames (a write
 * starts at the writer's place and goes toward the socket), and after the WebSocket frame encoder,
 * which Netty puts next to the codec. One per channel; runs on the channel's event loop.
 */
final class CloseFrameGuard extends ChannelOutboundHandlerAdapter {
  private boolean sent;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof CloseWebSocketFrame) {
      if (sent) {
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
        return;
      }
      sent = true;
    }
    ctx.write(msg, promise);
  }

  /** Whether a close frame went out on this channel. Event loop only. */
  boolean sent() {
    return sent;
  }
}
