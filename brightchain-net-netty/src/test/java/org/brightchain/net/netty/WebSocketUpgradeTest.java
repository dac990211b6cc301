package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.internal.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opening handshake of RFC 6455 section 4.2.1 on a real socket: an upgrade request without a
 * key that is the base64 of exactly 16 bytes, without version 13, or without the Upgrade and
 * Connection tokens is refused with the node's JSON 400 and closed; a good one is upgraded.
 */
class WebSocketUpgradeTest {
  private static BrightChainNode node;

  @BeforeAll
  static void start() {
    node = BrightChainNode.builder().host("127.0.0.1").httpPort(0).nat(NatMode.NONE).build();
    node.start().join();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String upgrade(String key, String version, String upgrade, String connection) {
    StringBuilder sb = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (upgrade != null) {
      sb.append("Upgrade: ").append(upgrade).append("\r\n");
    }
    if (connection != null) {
      sb.append("Connection: ").append(connection).append("\r\n");
    }
    if (key != null) {
      sb.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    }
    if (version != null) {
      sb.append("Sec-WebSocket-Version: ").append(version).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private static String upgrade(String key, String version) {
    return upgrade(key, version, "websocket", "Upgrade");
  }

  /** What the node answered before it closed the connection: head, then body. */
  private static String[] answer(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.wsAddress().getPort()), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String head = RawWebSocket.readHead(in);
      if (head.startsWith("HTTP/1.1 101 ")) {
        return new String[] {head, ""};
      }
      // Refused: the body, then the end of the connection.
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {head, body};
    }
  }

  private static void assertRefused(String request, String mentions) throws Exception {
    String[] a = answer(request);
    String head = a[0];
    assertTrue(head.startsWith("HTTP/1.1 400 "), request + " -> " + head + a[1]);
    assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/json"), head);
    assertTrue(head.toLowerCase(Locale.ROOT).contains("connection: close"), head);
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(a[1].getBytes(StandardCharsets.UTF_8));
    assertEquals("bad_request", json.get("error"), a[1]);
    assertTrue(((String) json.get("message")).contains(mentions), a[1]);
  }

  @Test
  void aKeyThatIsNotTheBase64OfSixteenBytesIsRefusedWith400() throws Exception {
    byte[] fifteen = new byte[15];
    byte[] seventeen = new byte[17];
    for (String key :
        List.of(
            "abc",
            Base64.getEncoder().encodeToString(fifteen),
            Base64.getEncoder().encodeToString(seventeen),
            // 16 bytes without the padding, and with a non-canonical last character
            "AAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAB==",
            "!!!!!!!!!!!!!!!!!!!!!!==")) {
      assertRefused(upgrade(key, "13"), "Sec-WebSocket-Key");
    }
  }

  @Test
  void aMissingKeyIsRefusedWith400() throws Exception {
    assertRefused(upgrade(null, "13"), "Sec-WebSocket-Key");
  }

  @Test
  void aVersionOtherThan13IsRefusedWith400NamingTheVersionSpoken() throws Exception {
    for (String version : List.of("8", "7", "0", "13, 8", "abc")) {
      assertRefused(upgrade(RawWebSocket.KEY, version), "Sec-WebSocket-Version");
    }
    assertRefused(upgrade(RawWebSocket.KEY, null), "Sec-WebSocket-Version");
    String head = answer(upgrade(RawWebSocket.KEY, "8"))[0];
    assertTrue(
        head.toLowerCase(Locale.ROOT).contains("sec-websocket-version: 13"),
        "the version this node speaks (RFC 6455 section 4.4): " + head);
  }

  @Test
  void aRequestWithoutTheUpgradeTokensIsRefusedWith400() throws Exception {
    assertRefused(upgrade(RawWebSocket.KEY, "13", null, "Upgrade"), "Upgrade");
    assertRefused(upgrade(RawWebSocket.KEY, "13", "h2c", "Upgrade"), "Upgrade");
    assertRefused(upgrade(RawWebSocket.KEY, "13", "websocket", null), "Connection");
    assertRefused(upgrade(RawWebSocket.KEY, "13", "websocket", "keep-alive"), "Connection");
  }

  @Test
  void aGoodUpgradeIsAcceptedWhateverTheCaseOfItsTokens() throws Exception {
    assertTrue(answer(upgrade(RawWebSocket.KEY, "13"))[0].startsWith("HTTP/1.1 101 "));
    String[] a =
        answer(upgrade(" " + RawWebSocket.KEY + " ", "13", "WebSocket", "keep-alive, Upgrade"));
    assertTrue(a[0].startsWith("HTTP/1.1 101 "), a[0] + a[1]);
    assertTrue(a[0].contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "the accept of RFC 6455's example");
    // The node keeps serving.
    try (RawWebSocket ws = RawWebSocket.connect(node.wsAddress().getPort(), "/ws?format=json")) {
      org.brightchain.net.core.testing.Await.until(
          java.time.Duration.ofSeconds(10), () -> !ws.frames.isEmpty(), ws::toString);
      assertFalse(ws.ended.isDone());
    }
  }
}
