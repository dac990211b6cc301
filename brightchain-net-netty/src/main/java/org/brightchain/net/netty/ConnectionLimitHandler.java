package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.brightchain.net.spi.TransportSettings;

/**
 * Refuses a WebSocket handshake or an event stream with 503 when the node already holds its
 * maximum of long-lived connections, before any of it is set up.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private final NettyTransport transport;
  private boolean counted;

  ConnectionLimitHandler(NettyTransport transport) {
    this.transport = transport;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!counted && msg instanceof FullHttpRequest req && longLived(req)) {
      if (!transport.tryOpen()) {
        ReferenceCountUtil.release(msg);
        NettyTransport.log.info("connection limit {} reached: refusing {}", transport.settings().maxConnections(), ctx.channel().remoteAddress());
        HttpResponses.errorAndClose(ctx, 503, "unavailable", "this node has reached its connection limit; try another node or later");
        return;
      }
      counted = true;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean longLived(FullHttpRequest req) {
    if (!req.method().equals(HttpMethod.GET)) {
      return false;
    }
    String path = new QueryStringDecoder(req.uri()).path();
    // The WebSocket handler upgrades "/ws" and anything below it, so count all of those.
    return path.equals(TransportSettings.WEBSOCKET_PATH)
        || path.startsWith(TransportSettings.WEBSOCKET_PATH + "/")
        || path.equals("/events");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (counted) {
      counted = false;
      transport.closed();
    }
    super.channelInactive(ctx);
  }
}
