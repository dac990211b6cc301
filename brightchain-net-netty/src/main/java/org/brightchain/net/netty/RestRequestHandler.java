package org.brightchain.net.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.brightchain.net.spi.TransportHandler;

/**
 * Hands complete HTTP requests to the node and writes its answers. Reading pauses while a request
 * is being served, so pipelined requests are answered in order. {@code GET /events} goes to the
 * {@link EventStreamUpgrade}.
 */
final class RestRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /**
   * Most pipelined requests in progress at once on one connection, the bound {@code
   * HttpServerCodec} keeps by default; past it, the connection is closed once those are answered.
   */
  static final int MAX_PIPELINED = 128;

  private final TransportHandler handler;
  private final EventStreamUpgrade events;
  private final TransportDiagnostics diagnostics;
  private final int maxHeaderBytes;
  private final boolean serveRest;

  /** Completes when the answer to the latest request so far has been written. */
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

  private int inProgress;
  private boolean closing;

  /**
   * @param handler the node, which answers the requests
   * @param events opens event streams
   * @param diagnostics logs requests turned away
   * @param maxHeaderBytes the header size limit, for the answer to a request over it
   * @param serveRest false on a port that serves the WebSocket endpoint only: every request is
   *     answered 404
   */
  RestRequestHandler(
      TransportHandler handler,
      EventStreamUpgrade events,
      TransportDiagnostics diagnostics,
      int maxHeaderBytes,
      boolean serveRest) {
    this.handler = handler;
    this.events = events;
    this.diagnostics = diagnostics;
    this.maxHeaderBytes = maxHeaderBytes;
    this.serveRest = serveRest;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      // Normally answered by ConnectionLimitHandler already.
      diagnostics.malformedRequest(ctx.channel().remoteAddress(), req.decoderResult().cause());
      HttpResponses.decodeFailure(ctx, req.decoderResult().cause(), maxHeaderBytes);
      return;
    }
    if (closing) {
      return; // past the pipelining bound: the rest is not read
    }
    if (inProgress >= MAX_PIPELINED) {
      closing = true;
      diagnostics.malformedRequest(
          ctx.channel().remoteAddress(), "more than " + MAX_PIPELINED + " pipelined requests");
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
      HttpResponses.write(
          ctx,
          RestResponse.json(
              404,
              "{\"error\":\"not_found\",\"message\":\"this port serves the WebSocket endpoint /ws only\"}"),
          keepAlive,
          head);
      return;
    }
    Map<String, String> query = QueryParameters.firstValues(uri.parameters());
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    if (uri.path().equals("/events") && req.method().equals(HttpMethod.GET)) {
      events.admit(ctx, req, query, headers);
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
        handler
            .handle(request)
            .handle((response, err) -> err != null ? HttpResponses.nodeFailed() : response);
    writeInOrder(ctx, answer, keepAlive, head);
  }

  /** Pipelined requests may be answered out of order by the node; writes them in order. */
  private void writeInOrder(
      ChannelHandlerContext ctx,
      CompletableFuture<RestResponse> answer,
      boolean keepAlive,
      boolean head) {
    CompletableFuture<Void> previous = lastWrite;
    CompletableFuture<Void> written = new CompletableFuture<>();
    lastWrite = written;
    inProgress++;
    previous
        .thenCombine(answer, (v, r) -> r)
        .thenAccept(
            r ->
                ctx.executor()
                    .execute(
                        () -> {
                          inProgress--;
                          HttpResponses.write(ctx, r, keepAlive, head);
                          ctx.channel().config().setAutoRead(true);
                          written.complete(null);
                        }));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause); // the WebSocket frame handler, last in line, decides
  }
}
