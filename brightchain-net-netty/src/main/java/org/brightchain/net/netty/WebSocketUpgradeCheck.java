package org.brightchain.net.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Refuses a WebSocket opening handshake that RFC 6455 section 4.2.1 says the server must not
 * accept, before Netty's handshaker (which upgrades any key, and answers other faults in plain
 * text) and before the request takes a connection slot: an {@code Upgrade} without the token {@code
 * websocket}, a {@code Connection} without the token {@code Upgrade}, a {@code
 * Sec-WebSocket-Version} other than exactly 13 (then the answer names the version this node speaks,
 * section 4.4), or a {@code Sec-WebSocket-Key} that is not the base64 of exactly 16 bytes. Each is
 * answered with the node's JSON 400 {@code bad_request} and the connection is closed.
 *
 * <p>Requests the HTTP decoder failed on pass on, to be answered by {@link ConnectionLimitHandler}.
 * Stateless: one serves every channel.
 */
@ChannelHandler.Sharable
final class WebSocketUpgradeCheck extends ChannelInboundHandlerAdapter {
  /** The only version of the protocol this node speaks. */
  static final String VERSION = "13";

  private final TransportDiagnostics diagnostics;

  WebSocketUpgradeCheck(TransportDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest req
        && req.decoderResult().isSuccess()
        && HeaderDeadlineDecoder.isHandshake(req)) {
      String fault = fault(req.headers());
      if (fault != null) {
        ReferenceCountUtil.release(msg);
        diagnostics.malformedRequest(ctx.channel().remoteAddress(), "WebSocket upgrade: " + fault);
        Map<String, String> headers =
            fault.startsWith("Sec-WebSocket-Version")
                ? Map.of(HttpHeaderNames.SEC_WEBSOCKET_VERSION.toString(), VERSION)
                : Map.of();
        HttpResponses.errorAndClose(ctx, 400, "bad_request", fault, headers);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** What is wrong with an opening handshake's {@code headers}; null if nothing. */
  static String fault(HttpHeaders headers) {
    if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      return "Upgrade must be websocket";
    }
    if (!headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return "Connection must include Upgrade";
    }
    List<String> versions = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (versions.size() != 1 || !versions.get(0).trim().equals(VERSION)) {
      return "Sec-WebSocket-Version must be " + VERSION;
    }
    if (!isKey(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
      return "Sec-WebSocket-Key must be the base64 of 16 bytes";
    }
    return null;
  }

  /** Whether {@code values} is one value, the canonical base64 of exactly 16 bytes. */
  static boolean isKey(List<String> values) {
    if (values.size() != 1) {
      return false;
    }
    String key = values.get(0).trim();
    if (key.length() != 24) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // Decoding ignores the bits after the last byte: only the canonical form is the key.
    return bytes.length == 16 && Base64.getEncoder().encodeToString(bytes).equals(key);
  }
}
