package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.brightchain.net.spi.ConnectionLimits;
import org.junit.jupiter.api.Test;

/**
 * The front of a server pipeline on {@link EmbeddedChannel}s: the request decoder, the aggregator
 * and the connection limit handler answer what the node must never see.
 */
class ConnectionLimitHandlerTest {
  private static final int MAX_HEADER_BYTES = 1024;

  private final ConnectionSlots slots = new ConnectionSlots(1);

  private EmbeddedChannel channel() {
    TransportDiagnostics diagnostics = new TransportDiagnostics();
    return EmbeddedChannels.channel(
        new HttpResponseEncoder(),
        new HeaderDeadlineDecoder(
            diagnostics,
            Duration.ofSeconds(10),
            4096,
            MAX_HEADER_BYTES,
            true,
            ConnectionLimits.DEFAULT_REQUEST_TIMEOUT),
        new JsonLimitAggregator(1024),
        new ConnectionLimitHandler(slots, diagnostics, MAX_HEADER_BYTES));
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  @Test
  void headersOverTheLimitAreAnswered431AndGarbage400() {
    EmbeddedChannel big = channel();
    send(
        big,
        "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Pad: "
            + "p".repeat(2 * MAX_HEADER_BYTES)
            + "\r\n\r\n");
    String written = EmbeddedChannels.written(big);
    assertTrue(written.startsWith("HTTP/1.1 431 "), written);
    assertTrue(written.contains("larger than " + MAX_HEADER_BYTES + " bytes"), written);
    assertFalse(big.isOpen());

    EmbeddedChannel garbage = channel();
    send(garbage, "\u0001\u0002 nonsense\r\n\r\n");
    assertTrue(EmbeddedChannels.written(garbage).startsWith("HTTP/1.1 400 "));
    assertFalse(garbage.isOpen());
    assertNull(garbage.readInbound(), "nothing passes on");
  }

  @Test
  void longLivedConnectionsPastTheCapAreAnswered503AndASlotFreesOnClose() {
    EmbeddedChannel first = channel();
    send(first, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
    ReferenceCountUtil.release(assertInstanceOf(FullHttpRequest.class, first.readInbound()));
    assertEquals(1, slots.open());

    EmbeddedChannel second = channel();
    send(second, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(EmbeddedChannels.written(second).startsWith("HTTP/1.1 503 "));
    assertFalse(second.isOpen());

    // A REST request is not long-lived: never counted.
    EmbeddedChannel rest = channel();
    send(rest, "GET /node/info HTTP/1.1\r\nHost: x\r\n\r\n");
    ReferenceCountUtil.release(assertInstanceOf(FullHttpRequest.class, rest.readInbound()));

    first.close();
    assertEquals(0, slots.open());
    EmbeddedChannel third = channel();
    send(third, "GET /ws/sub HTTP/1.1\r\nHost: x\r\n\r\n");
    ReferenceCountUtil.release(assertInstanceOf(FullHttpRequest.class, third.readInbound()));
    assertEquals(1, slots.open());
  }
}
