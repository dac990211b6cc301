package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * The REST handler on an {@link EmbeddedChannel}, with a fake node: what the node is handed, what
 * is written back and when, and what never reaches the node.
 */
class RestRequestHandlerTest {
  private static final int MAX_HEADER_BYTES = 8192;

  private final FakeNode node = new FakeNode();

  private RestRequestHandler handler(boolean serveRest) {
    return new RestRequestHandler(
        node,
        new EventStreamUpgrade(node, EmbeddedChannels.connections(1 << 20)),
        new TransportDiagnostics(),
        MAX_HEADER_BYTES,
        serveRest);
  }

  private static FullHttpRequest request(
      HttpMethod method, String uri, String body, String... headers) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, method, uri, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    HttpUtil.setContentLength(r, r.content().readableBytes());
    return r;
  }

  private static FullHttpResponse response(EmbeddedChannel ch) {
    Object o = ch.readOutbound();
    assertNotNull(o, "a response was written");
    return assertInstanceOf(FullHttpResponse.class, o);
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void aRequestReachesTheNodeAndItsAnswerIsWrittenWithItsStatusAndHeaders() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    ch.writeInbound(
        request(
            HttpMethod.POST,
            "/blocks/ab?x=1&x=2&y=%20z",
            "{\"a\":1}",
            "X-Custom",
            "first",
            "x-custom",
            "second",
            "Content-Type",
            "application/json"));

    RestRequest seen = node.requests.get(0);
    assertEquals("POST", seen.method());
    assertEquals("/blocks/ab", seen.path());
    assertEquals(Map.of("x", "1", "y", " z"), seen.query(), "first values of the query");
    assertEquals("first", seen.headers().get("x-custom"), "names in lower case, first value");
    assertEquals("application/json", seen.header("Content-Type"));
    assertEquals("{\"a\":1}", new String(seen.body(), StandardCharsets.UTF_8));
    assertEquals(EmbeddedChannels.REMOTE, seen.remoteAddress());
    assertFalse(ch.config().isAutoRead(), "reading pauses while the node serves");
    assertNull(ch.readOutbound(), "nothing written before the node answers");

    node.answers
        .get(0)
        .complete(
            new RestResponse(
                201,
                "text/plain",
                "made".getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "5")));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals(201, r.status().code());
    assertEquals("text/plain", r.headers().get("Content-Type"));
    assertEquals("4", r.headers().get("Content-Length"));
    assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
    assertEquals("5", r.headers().get("Retry-After"));
    assertEquals("keep-alive", r.headers().get("Connection"));
    assertEquals("made", body(r));
    assertTrue(ch.config().isAutoRead(), "reading resumes once answered");
    assertTrue(ch.isOpen(), "kept alive");
  }

  @Test
  void aRequestAskingToCloseIsAnsweredThenClosed() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    ch.writeInbound(request(HttpMethod.GET, "/node/info", "", "Connection", "close"));
    node.answers.get(0).complete(RestResponse.json(200, "{}"));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals("close", r.headers().get("Connection"));
    r.release();
    assertFalse(ch.isOpen());
  }

  @Test
  void headIsAnsweredWithTheHeadersOfGetAndNoBody() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    ch.writeInbound(request(HttpMethod.HEAD, "/node/info", ""));
    node.answers.get(0).complete(RestResponse.json(200, "{\"a\":1}"));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals("7", r.headers().get("Content-Length"));
    assertEquals("", body(r));
  }

  @Test
  void aNodeThatFailsIsAnswered500() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    ch.writeInbound(request(HttpMethod.GET, "/node/info", ""));
    node.answers.get(0).completeExceptionally(new IllegalStateException("boom"));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals(500, r.status().code());
    assertTrue(body(r).contains("\"internal_error\""));
    assertTrue(ch.isOpen());
  }

  @Test
  void pipelinedRequestsAnsweredOutOfOrderAreWrittenInOrder() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    for (int i = 0; i < 3; i++) {
      ch.writeInbound(request(HttpMethod.GET, "/n/" + i, ""));
    }
    assertEquals(3, node.requests.size());
    node.answers.get(2).complete(RestResponse.json(200, "\"2\""));
    node.answers.get(1).complete(RestResponse.json(200, "\"1\""));
    ch.runPendingTasks();
    assertNull(ch.readOutbound(), "the first is not answered yet: nothing is written");
    node.answers.get(0).complete(RestResponse.json(200, "\"0\""));
    ch.runPendingTasks();
    assertEquals(
        List.of("\"0\"", "\"1\"", "\"2\""),
        List.of(body(response(ch)), body(response(ch)), body(response(ch))));
  }

  @Test
  void pastThePipeliningBoundNothingMoreReachesTheNodeAndTheConnectionClosesOnceAnswered() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    for (int i = 0; i < RestRequestHandler.MAX_PIPELINED + 3; i++) {
      ch.writeInbound(request(HttpMethod.GET, "/node/info", ""));
    }
    assertEquals(RestRequestHandler.MAX_PIPELINED, node.requests.size());
    assertTrue(ch.isOpen(), "open until those in progress are answered");
    node.answers.forEach(a -> a.complete(RestResponse.json(200, "{}")));
    ch.runPendingTasks();
    ch.runPendingTasks(); // the close, queued after the last write
    assertFalse(ch.isOpen());
    int answered = 0;
    for (Object o; (o = ch.readOutbound()) != null; answered++) {
      ((FullHttpResponse) o).release();
    }
    assertEquals(RestRequestHandler.MAX_PIPELINED, answered);
  }

  @Test
  void aRequestTheDecoderFailedOnIsAnswered431Or414Or400AndClosed() {
    Map<Throwable, Integer> statuses =
        Map.of(
            new TooLongHttpHeaderException("headers"), 431,
            new TooLongHttpLineException("line"), 414,
            new IllegalArgumentException("garbage"), 400);
    statuses.forEach(
        (cause, status) -> {
          EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
          FullHttpRequest bad = request(HttpMethod.GET, "/bad", "");
          bad.setDecoderResult(DecoderResult.failure(cause));
          ch.writeInbound(bad);
          FullHttpResponse r = response(ch);
          assertEquals(status, r.status().code(), cause.toString());
          assertEquals("close", r.headers().get("Connection"));
          String text = body(r);
          if (status == 431) {
            assertTrue(text.contains("larger than " + MAX_HEADER_BYTES + " bytes"), text);
          }
          assertFalse(ch.isOpen(), cause.toString());
        });
    assertTrue(node.requests.isEmpty(), "none reached the node");
  }

  @Test
  void aMalformedUriIsAnswered400AndClosed() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true));
    ch.writeInbound(request(HttpMethod.GET, "/bad%zz", ""));
    FullHttpResponse r = response(ch);
    assertEquals(400, r.status().code());
    assertTrue(body(r).contains("malformed request URI"));
    assertFalse(ch.isOpen());
    assertTrue(node.requests.isEmpty());
  }

  @Test
  void aPortForTheWebSocketOnlyAnswers404() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(false));
    ch.writeInbound(request(HttpMethod.GET, "/node/info", ""));
    FullHttpResponse r = response(ch);
    assertEquals(404, r.status().code());
    assertTrue(body(r).contains("/ws only"));
    assertTrue(node.requests.isEmpty());
    assertTrue(ch.isOpen());
  }

  // ------------------------------------------------------------------ event streams

  /** The pipeline an event stream starts from: idle handler, aggregator, REST handler. */
  private EmbeddedChannel streamChannel() {
    EmbeddedChannel ch = EmbeddedChannels.channel();
    ch.pipeline()
        .addLast(
            TransportChannelInitializer.IDLE, new IdleStateHandler(60, 0, 0, TimeUnit.SECONDS));
    ch.pipeline().addLast(new JsonLimitAggregator(1024));
    ch.pipeline().addLast(handler(true));
    return ch;
  }

  @Test
  void anAdmittedEventStreamIsHandedToTheNodeAndOnlyStreamsFromThen() {
    EmbeddedChannel ch = streamChannel();
    ch.writeInbound(
        request(
            HttpMethod.GET,
            "/events?token=abc&lastEventId=5&format=bin",
            "",
            "Last-Event-ID",
            "7"));
    RestRequest admission = node.requests.get(0);
    assertEquals("/events", admission.path());
    // The node sees the stream's parameters (to check its filter), never the token.
    assertEquals(Map.of("lastEventId", "5", "format", "bin"), admission.query());
    assertEquals(
        "Bearer abc", admission.header("authorization"), "the token of a browser's EventSource");
    assertFalse(ch.config().isAutoRead());

    node.answers.get(0).complete(RestResponse.json(200, "{\"ticket\":\"0123456789abcdef\"}"));
    ch.runPendingTasks();
    HttpResponse head = assertInstanceOf(HttpResponse.class, ch.readOutbound());
    assertEquals(200, head.status().code());
    assertEquals("text/event-stream; charset=utf-8", head.headers().get("Content-Type"));
    assertTrue(HttpUtil.isTransferEncodingChunked(head));
    assertTrue(ch.config().isAutoRead());

    PeerConnection sse = node.opened.get(0);
    assertEquals("sse-in-1", sse.id());
    assertTrue(sse.receiveOnly());
    assertEquals(
        Map.of("ticket", "0123456789abcdef", "lastEventId", "5", "format", "json", "resume", "7"),
        sse.parameters());
    assertNull(ch.pipeline().get(TransportChannelInitializer.IDLE), "no idle timeout on a stream");
    assertNull(ch.pipeline().get(JsonLimitAggregator.class));
    assertNull(ch.pipeline().get(RestRequestHandler.class));

    ByteBuf more = Unpooled.copiedBuffer("GET /more HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(more);
    assertNull(ch.readInbound());
    assertEquals(0, more.refCnt(), "what the client sends now is discarded");

    sse.send(
        new Frame(
            Frame.Type.TEXT, "{\"x\":1}".getBytes(StandardCharsets.UTF_8), 3, "block:temperature"));
    assertEquals("id: 3\nevent: block:temperature\ndata: {\"x\":1}\n\n", chunk(ch));
    ch.advanceTimeBy(15, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertEquals(": keep-alive\n\n", chunk(ch), "a comment every 15 s");

    ch.close();
    assertEquals(List.of(new FakeNode.Closed(sse, 1001, "stream closed")), node.closed);
  }

  private static String chunk(EmbeddedChannel ch) {
    DefaultHttpContent c = assertInstanceOf(DefaultHttpContent.class, ch.readOutbound());
    try {
      return c.content().toString(StandardCharsets.UTF_8);
    } finally {
      c.release();
    }
  }

  @Test
  void anEventStreamTheNodeRefusesGetsTheNodesAnswerAndIsClosed() {
    EmbeddedChannel ch = streamChannel();
    ch.writeInbound(request(HttpMethod.GET, "/events", ""));
    node.answers.get(0).complete(RestResponse.json(401, "{\"error\":\"unauthorized\"}"));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals(401, r.status().code());
    assertEquals("close", r.headers().get("Connection"));
    r.release();
    assertFalse(ch.isOpen());
    assertTrue(node.opened.isEmpty());
  }

  @Test
  void anAdmissionWithoutATicketIsAnswered500() {
    EmbeddedChannel ch = streamChannel();
    ch.writeInbound(request(HttpMethod.GET, "/events", ""));
    node.answers.get(0).complete(RestResponse.json(200, "{\"ticket\":\"not hex\"}"));
    ch.runPendingTasks();
    FullHttpResponse r = response(ch);
    assertEquals(500, r.status().code());
    r.release();
    assertFalse(ch.isOpen());
    assertTrue(node.opened.isEmpty());
  }
}
