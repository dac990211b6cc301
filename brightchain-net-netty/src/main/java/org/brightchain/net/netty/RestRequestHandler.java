package org.brightchain.net.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;

/**
 * Hands complete HTTP requests to the node and writes its answers. Reading pauses while a
 * request is being served, so pipelined requests are answered in order.
 */
final class RestRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final NettyTransport transport;
  private final boolean serveRest;
  /**
   * Most pipelined requests in progress at once on one connection, the bound {@code
   * HttpServerCodec} keeps by default; past it, the connection is closed once those are answered.
   */
  static final int MAX_PIPELINED = 128;
  /** Completes when the answer to the latest request so far has been written. */
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
  private int inProgress;
  private boolean closing;

  RestRequestHandler(NettyTransport transport, boolean serveRest) {
    this.transport = transport;
    this.serveRest = serveRest;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      // Normally answered by ConnectionLimitHandler already.
      transport.malformedRequest(ctx.channel().remoteAddress(), req.decoderResult().cause());
      HttpResponses.decodeFailure(ctx, req.decoderResult().cause(), transport.settings().limits().maxHeaderBytes());
      return;
    }
    if (closing) {
      return; // past the pipelining bound: the rest is not read
    }
    if (inProgress >= MAX_PIPELINED) {
      closing = true;
      transport.malformedRequest(ctx.channel().remoteAddress(), "more than " + MAX_PIPELINED + " pipelined requests");
      lastWrite.whenComplete((v, e) -> ctx.executor().execute(ctx::close));
      return;
    }
    QueryStringDecoder uri;
    try {
      uri = new QueryStringDecoder(req.uri());
      uri.path();
    } catch (IllegalArgumentException e) {
      HttpResponses.errorAndClose(ctx, 400, "bad_request", "malformed request URI");
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean head = req.method().equals(HttpMethod.HEAD);
    if (!serveRest) {
      write(ctx, RestResponse.json(404, "{\"error\":\"not_found\",\"message\":\"this port serves the WebSocket endpoint /ws only\"}"), keepAlive, head);
      return;
    }
    Map<String, String> query = WebSocketFrameHandler.firstValues(uri.parameters());
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    if (uri.path().equals("/events") && req.method().equals(HttpMethod.GET)) {
      // Browsers' EventSource cannot set headers: a token may come as a query parameter.
      String token = query.get("token");
      if (token != null && !headers.containsKey("authorization")) {
        headers.put("authorization", "Bearer " + token);
      }
      Map<String, String> params = streamParameters(req, query);
      RestRequest admission =
          new RestRequest("GET", "/events", Map.of(), headers, new byte[0], (InetSocketAddress) ctx.channel().remoteAddress());
      ctx.channel().config().setAutoRead(false);
      transport
          .handler()
          .handle(admission)
          .whenComplete(
              (r, err) ->
                  ctx.executor()
                      .execute(
                          () -> {
                            String ticket = r == null || r.status() != 200 ? null : ticketOf(r.body());
                            if (ticket == null) {
                              write(ctx, r != null && r.status() != 200 ? r : RestResponse.json(500, "{\"error\":\"internal_error\",\"message\":\"the node failed to handle this request\"}"), false, false);
                              return;
                            }
                            params.put("ticket", ticket);
                            ctx.channel().config().setAutoRead(true);
                            openEventStream(ctx, params);
                          }));
      return;
    }
    RestRequest request =
        new RestRequest(
            req.method().name(),
            uri.path(),
            query,
            headers,
            ByteBufUtil.getBytes(req.content()),
            (InetSocketAddress) ctx.channel().remoteAddress());
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<RestResponse> answer =
        transport
            .handler()
            .handle(request)
            .handle(
                (response, err) ->
                    err != null
                        ? RestResponse.json(500, "{\"error\":\"internal_error\",\"message\":\"the node failed to handle this request\"}")
                        : response);
    // Pipelined requests may be answered out of order by the node; write them in order.
    CompletableFuture<Void> previous = lastWrite;
    CompletableFuture<Void> written = new CompletableFuture<>();
    lastWrite = written;
    inProgress++;
    previous.thenCombine(answer, (v, r) -> r)
        .thenAccept(
            r ->
                ctx.executor()
                    .execute(
                        () -> {
                          inProgress--;
                          write(ctx, r, keepAlive, head);
                          ctx.channel().config().setAutoRead(true);
                          written.complete(null);
                        }));
  }

  private static final java.util.regex.Pattern TICKET = java.util.regex.Pattern.compile("\"ticket\"\\s*:\\s*\"([0-9a-f]{16,128})\"");

  private static String ticketOf(byte[] body) {
    java.util.regex.Matcher m = TICKET.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  /** The stream's parameters: the query (minus any ticket: only the node issues those) and where to resume. */
  private static Map<String, String> streamParameters(FullHttpRequest req, Map<String, String> query) {
    Map<String, String> params = new LinkedHashMap<>(query);
    params.remove("ticket");
    params.remove("token");
    String lastEventId = req.headers().get("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      params.put("resume", lastEventId.trim());
    } else if (query.containsKey("lastEventId")) {
      params.put("resume", query.get("lastEventId"));
    }
    return params;
  }

  /** Turns this HTTP exchange into a server-sent event stream and hands it to the node. */
  private void openEventStream(ChannelHandlerContext ctx, Map<String, String> params) {
    params.put("format", "json");
    DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Accel-Buffering", "no");
    HttpUtil.setTransferEncodingChunked(res, true);
    // A stream receives nothing; the idle timeout is for connections that should be talking.
    if (ctx.pipeline().get("idle") != null) {
      ctx.pipeline().remove("idle");
    }
    // Nor does the header deadline apply to whatever the client sends now.
    HeaderDeadlineDecoder decoder = ctx.pipeline().get(HeaderDeadlineDecoder.class);
    if (decoder != null) {
      decoder.streaming();
    }
    // From here on the channel only streams: anything more the client sends is discarded.
    ctx.pipeline().addAfter(ctx.name(), "discard-after-stream", new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    });
    ctx.pipeline().remove(JsonLimitAggregator.class);
    ctx.pipeline().remove(this);
    ctx.writeAndFlush(res);
    EventStreamConnection sse =
        new EventStreamConnection(transport, transport.nextConnectionId(false).replace("ws-", "sse-"), ctx.channel(), params);
    transport.register(ctx.channel());
    // Opened first, then the close listener: the node hears of the two in that order.
    transport.handler().connectionOpened(sse);
    ctx.channel().closeFuture().addListener(f -> transport.handler().connectionClosed(sse, 1001, "stream closed"));
  }

  private static void write(ChannelHandlerContext ctx, RestResponse r, boolean keepAlive, boolean head) {
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

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause); // the WebSocket frame handler, last in line, decides
  }
}
