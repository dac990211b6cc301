package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The header deadline and the size limit of the request decoder on an {@link EmbeddedChannel} whose
 * clock moves only when the test advances it.
 */
class HeaderDeadlineDecoderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(30);
  private static final int MAX_HEADER_BYTES = 1024;

  private final TransportDiagnostics diagnostics = new TransportDiagnostics();

  /** The encoder for the decoder's own 408, then the decoder; the clock stands still. */
  private EmbeddedChannel channel(boolean webSocket) {
    return channel(webSocket, REQUEST_DEADLINE);
  }

  private EmbeddedChannel channel(boolean webSocket, Duration requestDeadline) {
    return EmbeddedChannels.channel(
        new HttpResponseEncoder(),
        new HeaderDeadlineDecoder(
            diagnostics, DEADLINE, 4096, MAX_HEADER_BYTES, webSocket, requestDeadline));
  }

  /** Headers of a request with a body of {@code length} bytes. */
  private static String post(int length) {
    return "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: "
        + length
        + "\r\n\r\n";
  }

  /** Sends one byte of body a second for {@code d}. */
  private static void trickle(EmbeddedChannel ch, Duration d) {
    for (long s = 0; s < d.toSeconds(); s++) {
      send(ch, "a");
      advance(ch, Duration.ofSeconds(1));
    }
  }

  /** Reads what the decoder passed on, releasing it; the number of messages. */
  private static int drain(EmbeddedChannel ch) {
    int n = 0;
    for (Object o; (o = ch.readInbound()) != null; n++) {
      ReferenceCountUtil.release(o);
    }
    return n;
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private static void advance(EmbeddedChannel ch, Duration d) {
    ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    ch.runScheduledPendingTasks();
  }

  /** Reads the decoded request and its end, which a complete request without a body gives. */
  private static HttpRequest readRequest(EmbeddedChannel ch) {
    HttpRequest r = assertInstanceOf(HttpRequest.class, ch.readInbound());
    Object end = ch.readInbound();
    assertInstanceOf(LastHttpContent.class, end);
    ReferenceCountUtil.release(end);
    return r;
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheDeadlineWithoutAnAnswer() {
    EmbeddedChannel ch = channel(false);
    advance(ch, DEADLINE.minusMillis(1));
    assertTrue(ch.isOpen(), "not before the deadline");
    advance(ch, Duration.ofMillis(1));
    assertFalse(ch.isOpen());
    assertEquals("", EmbeddedChannels.written(ch), "nothing to answer");
    assertEquals(1, diagnostics.headerTimeouts());
  }

  @Test
  void aPartialRequestIsAnswered408AtTheDeadlineAndClosed() {
    EmbeddedChannel ch = channel(false);
    send(ch, "GET /node/info HTTP/1.1\r\nHost: x\r\n");
    // Sending more does not extend the deadline, unlike a read timeout.
    advance(ch, Duration.ofSeconds(9));
    send(ch, "X-Slow: a");
    advance(ch, Duration.ofSeconds(1));
    String written = EmbeddedChannels.written(ch);
    assertTrue(written.startsWith("HTTP/1.1 408 "), written);
    assertTrue(written.contains("request headers not completed within 10000 ms"), written);
    assertFalse(ch.isOpen());
    assertEquals(1, diagnostics.headerTimeouts());
  }

  @Test
  void completeHeadersStopTheDeadlineAndAKeepAliveConnectionHasNoneBetweenRequests() {
    EmbeddedChannel ch = channel(false);
    send(ch, "GET /node/info HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals("/node/info", readRequest(ch).uri());
    advance(ch, DEADLINE.multipliedBy(5));
    assertTrue(ch.isOpen(), "idle between requests: the idle timeout governs");

    // The next request's deadline runs from its first byte (blank lines are not a request).
    send(ch, "\r\n");
    advance(ch, DEADLINE);
    assertTrue(ch.isOpen());
    send(ch, "GET /second HTTP/1.1\r\n");
    advance(ch, DEADLINE.minusMillis(1));
    assertTrue(ch.isOpen());
    advance(ch, Duration.ofMillis(1));
    assertTrue(EmbeddedChannels.written(ch).startsWith("HTTP/1.1 408 "));
    assertFalse(ch.isOpen());
    assertEquals(1, diagnostics.headerTimeouts());
  }

  @Test
  void aWebSocketUpgradeKeepsItsDeadlineUntilTheHandshakeIsDone() {
    String upgrade =
        "GET /ws?format=json HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    EmbeddedChannel ws = channel(true);
    send(ws, upgrade);
    ReferenceCountUtil.release(readRequest(ws));
    advance(ws, DEADLINE);
    String written = EmbeddedChannels.written(ws);
    assertTrue(
        written.startsWith("HTTP/1.1 408 ")
            && written.contains("WebSocket handshake not completed"),
        written);
    assertFalse(ws.isOpen());

    EmbeddedChannel rest = channel(false);
    send(rest, upgrade);
    ReferenceCountUtil.release(readRequest(rest));
    advance(rest, DEADLINE);
    assertTrue(rest.isOpen(), "a listener without the WebSocket endpoint treats it as any request");
  }

  @Test
  void anEventStreamHasNoDeadline() {
    EmbeddedChannel ch = channel(false);
    send(ch, "GET /events HTTP/1.1\r\nHost: x\r\n");
    ch.pipeline().get(HeaderDeadlineDecoder.class).streaming();
    advance(ch, DEADLINE.multipliedBy(2));
    assertTrue(ch.isOpen());
    assertEquals(0, diagnostics.headerTimeouts());
  }

  @Test
  void theLineAndHeadersTogetherOverTheLimitFailTheRequest() {
    EmbeddedChannel ch = channel(false);
    // Each under its own limit in Netty's decoder, together over the limit.
    String line = "GET /" + "a".repeat(600) + " HTTP/1.1\r\n";
    send(ch, line + "Host: x\r\nX-Pad: " + "b".repeat(500) + "\r\n\r\n");
    HttpRequest r = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertTrue(r.decoderResult().isFailure());
    assertInstanceOf(TooLongHttpHeaderException.class, r.decoderResult().cause());
    ReferenceCountUtil.release(r);
    advance(ch, DEADLINE);
    assertEquals(
        0,
        diagnostics.headerTimeouts(),
        "a failed request has no deadline: it is answered and closed further on");
  }

  // ---------------------------------------------------------------- the request deadline

  @Test
  void aBodyTrickledPastTheRequestDeadlineIsAnswered408AndClosed() {
    EmbeddedChannel ch = channel(false);
    send(ch, post(1000));
    // Each byte would reset a read timeout; it does not move this deadline.
    trickle(ch, REQUEST_DEADLINE.minusSeconds(1));
    assertTrue(ch.isOpen(), "not before the deadline");
    send(ch, "a");
    advance(ch, Duration.ofSeconds(1));
    String written = EmbeddedChannels.written(ch);
    assertTrue(written.startsWith("HTTP/1.1 408 "), written);
    assertTrue(written.contains("\"error\":\"request_timeout\""), written);
    assertTrue(written.contains("request not completed within 30000 ms"), written);
    assertTrue(written.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), written);
    assertFalse(ch.isOpen());
    assertEquals(1, diagnostics.requestTimeouts());
    assertEquals(0, diagnostics.headerTimeouts(), "the headers were in time");
    drain(ch);
  }

  @Test
  void aCompleteRequestStopsTheRequestDeadlineAndEachLaterRequestHasItsOwn() {
    EmbeddedChannel ch = channel(false);
    send(ch, post(3));
    advance(ch, Duration.ofSeconds(5));
    send(ch, "abc");
    assertEquals(2, drain(ch), "the request and its body");
    // The node may take its time to answer, and the connection may idle between requests.
    advance(ch, REQUEST_DEADLINE.multipliedBy(3));
    assertTrue(ch.isOpen());
    assertEquals(0, diagnostics.requestTimeouts());

    // The next request's deadline runs from its first byte.
    send(ch, post(1000));
    trickle(ch, REQUEST_DEADLINE.minusSeconds(1));
    assertTrue(ch.isOpen());
    advance(ch, Duration.ofSeconds(1));
    assertTrue(EmbeddedChannels.written(ch).startsWith("HTTP/1.1 408 "));
    assertFalse(ch.isOpen());
    assertEquals(1, diagnostics.requestTimeouts());
  }

  @Test
  void theFirstRequestsDeadlineRunsFromTheConnectionOpening() {
    EmbeddedChannel ch = channel(false);
    advance(ch, Duration.ofSeconds(9));
    send(ch, post(1000));
    trickle(ch, REQUEST_DEADLINE.minusSeconds(10));
    assertTrue(ch.isOpen());
    advance(ch, Duration.ofSeconds(1));
    assertTrue(EmbeddedChannels.written(ch).startsWith("HTTP/1.1 408 "));
    assertEquals(1, diagnostics.requestTimeouts());
  }

  @Test
  void aRequestDeadlineShorterThanTheHeaderDeadlineBoundsTheHeadersToo() {
    Duration shorter = Duration.ofSeconds(4);
    EmbeddedChannel partial = channel(false, shorter);
    send(partial, "GET /node/info HTTP/1.1\r\nHost: x\r\n");
    advance(partial, shorter.minusMillis(1));
    assertTrue(partial.isOpen());
    advance(partial, Duration.ofMillis(1));
    String written = EmbeddedChannels.written(partial);
    assertTrue(written.startsWith("HTTP/1.1 408 "), written);
    assertTrue(written.contains("request not completed within 4000 ms"), written);
    assertFalse(partial.isOpen());

    EmbeddedChannel silent = channel(false, shorter);
    advance(silent, shorter);
    assertFalse(silent.isOpen());
    assertEquals("", EmbeddedChannels.written(silent), "nothing to answer");
    assertEquals(2, diagnostics.requestTimeouts());
    assertEquals(0, diagnostics.headerTimeouts());
  }

  @Test
  void aWebSocketUpgradeOrAnEventStreamIsNotCutByTheRequestDeadlineOnceItsRequestIsComplete() {
    Duration shorter = Duration.ofSeconds(4);
    EmbeddedChannel ws = channel(true, shorter);
    send(ws, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    assertEquals(2, drain(ws));
    advance(ws, shorter);
    assertTrue(ws.isOpen(), "the request is complete: the handshake has the header deadline");
    advance(ws, DEADLINE.minus(shorter));
    assertTrue(EmbeddedChannels.written(ws).contains("WebSocket handshake not completed"));

    EmbeddedChannel events = channel(false, shorter);
    send(events, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(2, drain(events));
    events.pipeline().get(HeaderDeadlineDecoder.class).streaming();
    advance(events, REQUEST_DEADLINE.multipliedBy(2));
    assertTrue(events.isOpen());
    assertEquals(0, diagnostics.requestTimeouts());
  }
}
