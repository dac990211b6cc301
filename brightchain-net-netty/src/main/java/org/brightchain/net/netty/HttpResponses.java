package org.brightchain.net.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import org.brightchain.net.spi.RestResponse;

/**
 * Writes HTTP responses: the node's answers, and the JSON errors the transport answers itself
 * before a request reaches the node.
 */
final class HttpResponses {
  private HttpResponses() {}

  /** The answer when the node failed to answer. */
  static RestResponse nodeFailed() {
    return RestResponse.json(
        500,
        "{\"error\":\"internal_error\",\"message\":\"the node failed to handle this request\"}");
  }

  /**
   * Writes the node's answer {@code r}; closes the connection after it unless {@code keepAlive}.
   * The answer to a HEAD request ({@code head}) has the headers of {@code r} and no body.
   */
  static void write(ChannelHandlerContext ctx, RestResponse r, boolean keepAlive, boolean head) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    res.headers().set("X-Content-Type-Options", "nosniff");
    r.headers().forEach((k, v) -> res.headers().set(k, v));
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  static FullHttpResponse json(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }

  /** Writes {@code {"error": code, "message": message}} and closes the connection. */
  static void errorAndClose(ChannelHandlerContext ctx, int status, String code, String message) {
    errorAndClose(ctx, status, code, message, java.util.Map.of());
  }

  /** {@link #errorAndClose(ChannelHandlerContext, int, String, String)} with more headers. */
  static void errorAndClose(
      ChannelHandlerContext ctx,
      int status,
      String code,
      String message,
      java.util.Map<String, String> headers) {
    FullHttpResponse r =
        json(status, "{\"error\":\"" + code + "\",\"message\":\"" + escape(message) + "\"}");
    headers.forEach((k, v) -> r.headers().set(k, v));
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Like {@link #errorAndClose}, for a client that may still be sending a body it was entitled to
   * send (an oversize upload): the answer is not lost to a reset ({@link #lingeringClose}).
   */
  static void errorAndLinger(ChannelHandlerContext ctx, int status, String code, String message) {
    FullHttpResponse r =
        json(status, "{\"error\":\"" + code + "\",\"message\":\"" + escape(message) + "\"}");
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(f -> lingeringClose(ctx.channel()));
  }

  /** How long a refused connection may keep sending before it is cut. */
  static final long LINGER_MS = 2000;

  /**
   * Closes after an error answer without losing it: a client still sending its body (an oversize
   * upload, say) would otherwise get a reset, and a reset can destroy the answer before the client
   * reads it. So: stop writing (FIN), swallow what still comes, and close when the client does or
   * after {@link #LINGER_MS}.
   */
  static void lingeringClose(io.netty.channel.Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    if (!(ch instanceof io.netty.channel.socket.DuplexChannel d)) {
      ch.close();
      return;
    }
    ch.pipeline().addFirst("linger-discard", LingerHandler.INSTANCE);
    ch.config().setAutoRead(true);
    d.shutdownOutput()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ch.close();
              }
            });
    ch.eventLoop()
        .schedule(
            () -> {
              ch.close();
            },
            LINGER_MS,
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Answers a request the HTTP decoder could not take: 431 for headers over the size limit, 414 for
   * a request line over its limit, 400 for anything else; then closes the connection.
   */
  static void decodeFailure(ChannelHandlerContext ctx, Throwable cause, int maxHeaderBytes) {
    if (cause instanceof TooLongHttpHeaderException) {
      errorAndClose(
          ctx,
          431,
          "headers_too_large",
          "request line and headers larger than " + maxHeaderBytes + " bytes");
    } else if (cause instanceof TooLongHttpLineException) {
      errorAndClose(ctx, 414, "uri_too_long", "request line too long");
    } else {
      errorAndClose(ctx, 400, "bad_request", "malformed HTTP request");
    }
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
