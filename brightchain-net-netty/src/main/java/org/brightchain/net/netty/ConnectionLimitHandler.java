package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.brightchain.net.spi.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a WebSocket handshake or an event stream with 503 when the node already holds its maximum
 * of long-lived connections, before any of it is set up. Also answers requests the HTTP decoder
 * failed on (431 for headers too large, 414, 400) before the WebSocket handler could take one with
 * truncated headers for a handshake.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimitHandler.class);

  private final ConnectionSlots slots;
  private final TransportDiagnostics diagnostics;
  private final int maxHeaderBytes;

  /** Whether this channel holds a slot: one per channel, given back when it closes. */
  private boolean counted;

  ConnectionLimitHandler(
      ConnectionSlots slots, TransportDiagnostics diagnostics, int maxHeaderBytes) {
    this.slots = slots;
    this.diagnostics = diagnostics;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      ReferenceCountUtil.release(msg);
      if (!ctx.channel().isActive()) {
        return; // cut short by the close itself: nobody to answer
      }
      diagnostics.malformedRequest(ctx.channel().remoteAddress(), cause);
      HttpResponses.decodeFailure(ctx, cause, maxHeaderBytes);
      return;
    }
    if (!counted && msg instanceof FullHttpRequest req && longLived(req)) {
      if (!slots.tryOpen()) {
        ReferenceCountUtil.release(msg);
        log.info(
            "connection limit {} reached: refusing {}", slots.max(), ctx.channel().remoteAddress());
        HttpResponses.errorAndClose(
            ctx,
            503,
            "unavailable",
            "this node has reached its connection limit; try another node or later");
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
      slots.closed();
    }
    super.channelInactive(ctx);
  }
}
