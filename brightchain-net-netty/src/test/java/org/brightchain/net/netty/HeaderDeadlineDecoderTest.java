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
  private static final int MAX_HEADER_BYTES = 1024;

  private final TransportDiagnostics diagnostics = new TransportDiagnostics();

  /** The encoder for the decoder's own 408, then the decoder; the clock stands still. */
  private EmbeddedChannel channel(boolean webSocket) {
    return EmbeddedChannels.channel(
        new HttpResponseEncoder(),
        new HeaderDeadlineDecoder(diagnostics, DEADLINE, 4096, MAX_HEADER_BYTES, webSocket));
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
}
