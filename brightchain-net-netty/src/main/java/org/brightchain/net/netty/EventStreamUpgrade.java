package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.TransportHandler;

/**
 * Turns {@code GET /events} into a server-sent event stream: asks the node to admit it (as a REST
 * request, which answers with a ticket or an error), then rebuilds the pipeline for streaming and
 * hands the node an {@link EventStreamConnection}. Stateless: one serves every channel of a
 * listener.
 */
final class EventStreamUpgrade {
  private static final Pattern TICKET =
      Pattern.compile("\"ticket\"\\s*:\\s*\"([0-9a-f]{16,128})\"");

  private final TransportHandler handler;
  private final ConnectionFactory connections;

  EventStreamUpgrade(TransportHandler handler, ConnectionFactory connections) {
    this.handler = handler;
    this.connections = connections;
  }

  /**
   * Admits the request {@code req}, read by the handler of {@code ctx}, and opens the stream if the
   * node agrees; reading pauses until it has answered.
   *
   * @param query the request's query parameters, first values
   * @param headers the request's headers, names in lower case, first values
   */
  void admit(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      Map<String, String> query,
      Map<String, String> headers) {
    // Browsers' EventSource cannot set headers: a token may come as a query parameter.
    String token = query.get("token");
    if (token != null && !headers.containsKey("authorization")) {
      headers.put("authorization", "Bearer " + token);
    }
    Map<String, String> params = streamParameters(req, query);
    // The node checks the stream's filter (types, blocks) before it gives a ticket; the token
    // stays out of what it sees as the query.
    Map<String, String> filter = new java.util.LinkedHashMap<>(query);
    filter.remove("token");
    RestRequest admission =
        new RestRequest(
            "GET",
            "/events",
            filter,
            headers,
            new byte[0],
            (InetSocketAddress) ctx.channel().remoteAddress());
    ctx.channel().config().setAutoRead(false);
    handler
        .handle(admission)
        .whenComplete(
            (r, err) ->
                ctx.executor()
                    .execute(
                        () -> {
                          String ticket =
                              r == null || r.status() != 200 ? null : ticketOf(r.body());
                          if (ticket == null) {
                            HttpResponses.write(
                                ctx,
                                r != null && r.status() != 200 ? r : HttpResponses.nodeFailed(),
                                false,
                                false);
                            return;
                          }
                          params.put("ticket", ticket);
                          ctx.channel().config().setAutoRead(true);
                          open(ctx, params);
                        }));
  }

  private static String ticketOf(byte[] body) {
    Matcher m = TICKET.matcher(new String(body, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  /**
   * The stream's parameters: the query (minus any ticket: only the node issues those) and where to
   * resume.
   */
  private static Map<String, String> streamParameters(
      FullHttpRequest req, Map<String, String> query) {
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

  /** Turns this HTTP exchange into an event stream and hands it to the node. */
  private void open(ChannelHandlerContext ctx, Map<String, String> params) {
    params.put("format", "json");
    DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Accel-Buffering", "no");
    HttpUtil.setTransferEncodingChunked(res, true);
    // A stream receives nothing; the idle timeout is for connections that should be talking.
    if (ctx.pipeline().get(TransportChannelInitializer.IDLE) != null) {
      ctx.pipeline().remove(TransportChannelInitializer.IDLE);
    }
    // Nor does the header deadline apply to whatever the client sends now.
    HeaderDeadlineDecoder decoder = ctx.pipeline().get(HeaderDeadlineDecoder.class);
    if (decoder != null) {
      decoder.streaming();
    }
    // From here on the channel only streams: anything more the client sends is discarded.
    ctx.pipeline().addAfter(ctx.name(), "discard-after-stream", DiscardInboundHandler.INSTANCE);
    ctx.pipeline().remove(JsonLimitAggregator.class);
    ctx.pipeline().remove(ctx.handler());
    ctx.writeAndFlush(res);
    EventStreamConnection sse = connections.eventStream(ctx.channel(), params);
    if (connections.stopping()) {
      sse.close(1001, NettyTransport.SHUTDOWN_REASON); // the node never hears of it
      return;
    }
    // Opened first, then the close listener: the node hears of the two in that order.
    handler.connectionOpened(sse);
    ctx.channel()
        .closeFuture()
        .addListener(f -> handler.connectionClosed(sse, 1001, "stream closed"));
  }
}
