package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * Text from outside reaches the transport's log lines escaped ({@code LogText.safe}): a peer or
 * client that puts line breaks, control characters or bidirectional overrides in what it sends
 * cannot split a log line or forge one.
 */
class LogSafetyTest {
  /** What an attacker sends: the end of a line, then a forged one, then a bidi override. */
  private static final String FORGED =
      "ok\r\n12:00:00.000 [main] WARN org.brightchain.net.core.BrightChainNode - FORGED\u202e";

  /** Every captured line that mentions the forgery carries it escaped, inside the real line. */
  private static void assertEscaped(LogCapture log, String where) {
    List<String> lines = log.lines().stream().filter(l -> l.contains("FORGED")).toList();
    assertFalse(lines.isEmpty(), where + ": logged nothing with the text: " + log.lines());
    for (String line : lines) {
      assertTrue(line.contains("ok\\r\\n12:00:00.000"), where + ": not escaped: " + line);
      assertFalse(line.startsWith("12:00:00.000 [main] WARN"), where + ": a forged line: " + line);
      assertFalse(line.contains("\u202e"), where + ": a raw bidi override: " + line);
    }
  }

  @Test
  void aMalformedRequestsDecoderCauseIsEscaped() {
    TransportDiagnostics diagnostics = new TransportDiagnostics();
    try (LogCapture log = new LogCapture()) {
      diagnostics.malformedRequest(
          new InetSocketAddress("192.0.2.1", 1), new IllegalArgumentException(FORGED));
      assertEscaped(log, "malformed request");
    }
  }

  @Test
  void aWebSocketDecoderErrorIsEscaped() {
    EmbeddedChannel ch = EmbeddedChannels.channel(WebSocketErrorHandler.INSTANCE);
    try (LogCapture log = new LogCapture()) {
      ch.pipeline()
          .fireExceptionCaught(
              new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, FORGED));
      assertEscaped(log, "WebSocketErrorHandler");
    }
    ReferenceCountUtil.release(ch.readOutbound());
  }

  @Test
  void aFrameErrorOnAnOpenConnectionIsEscaped() {
    EmbeddedChannel ch =
        EmbeddedChannels.channel(
            new WebSocketFrameHandler(
                new FakeNode(),
                EmbeddedChannels.connections(1 << 20),
                Duration.ofSeconds(60),
                false,
                null));
    ch.pipeline()
        .fireUserEventTriggered(new HandshakeComplete("/ws", EmptyHttpHeaders.INSTANCE, null));
    try (LogCapture log = new LogCapture()) {
      ch.pipeline().fireExceptionCaught(new CorruptedFrameException(FORGED));
      assertEscaped(log, "WebSocketFrameHandler");
    }
    ReferenceCountUtil.release(ch.readOutbound());
  }

  @Test
  void aRequestWithAControlCharacterInAHeaderNameIsLoggedEscaped() throws Exception {
    BrightChainNode node =
        BrightChainNode.builder().host("127.0.0.1").httpPort(0).nat(NatMode.NONE).build();
    node.start().join();
    try (LogCapture log = new LogCapture();
        Socket s = new Socket("127.0.0.1", node.httpAddress().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              "GET /node/info HTTP/1.1\r\nHost: x\r\nX-A\u0001\u001b[2J: v\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String head = RawWebSocket.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 400 "), head);
      Await.until(
          Duration.ofSeconds(5),
          () -> log.lines().stream().anyMatch(l -> l.contains("malformed HTTP")),
          log::lines);
      for (String line : log.lines()) {
        assertFalse(line.contains("\u0001") || line.contains("\u001b"), "raw control: " + line);
      }
    } finally {
      node.close();
    }
  }
}
