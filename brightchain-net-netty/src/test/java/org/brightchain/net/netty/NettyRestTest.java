package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.brightchain.net.BlockId;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.InMemoryBlockStore;
import org.brightchain.net.core.internal.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API over real HTTP: answers, errors, limits, and that the node keeps serving. */
class NettyRestTest {
  private static final BlockId STORED = BlockId.of("12".repeat(64));
  private static BrightChainNode node;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() {
    InMemoryBlockStore blocks = new InMemoryBlockStore();
    blocks.put(STORED, new byte[] {1, 2, 3, 4});
    node =
        BrightChainNode.builder()
            .host("127.0.0.1")
            .httpPort(0)
            .maxBodyBytes(64 * 1024)
            .blockStore(blocks)
            .build();
    node.start().join();
    base = "http://127.0.0.1:" + node.httpAddress().getPort();
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<byte[]> send(
      String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(10));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.header("Authorization", "Bearer " + node.operatorToken()); // who may call what: SecurityTest
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(HttpResponse<byte[]> r) throws Exception {
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
        r.headers().toString());
    return (Map<String, Object>) Json.parse(r.body());
  }

  private static void assertError(HttpResponse<byte[]> r, int status, String code)
      throws Exception {
    assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    Map<String, Object> body = json(r);
    assertEquals(code, body.get("error"));
    assertTrue(body.get("message") instanceof String s && !s.isBlank());
    assertFalse(
        new String(r.body(), StandardCharsets.UTF_8).contains("Exception"), "no stack trace leaks");
    // The node keeps serving the next request.
    assertEquals(200, send("GET", "/node/info", null, null).statusCode());
  }

  private static void assertFalse(boolean b, String m) {
    org.junit.jupiter.api.Assertions.assertFalse(b, m);
  }

  @Test
  void readEndpointsAnswerTheirJson() throws Exception {
    Map<String, Object> info = json(send("GET", "/node/info", null, null));
    assertEquals(node.nodeId().hex(), info.get("nodeId"));
    assertEquals((long) node.httpAddress().getPort(), info.get("httpPort"));
    Map<String, Object> status = json(send("GET", "/node/status", null, null));
    assertEquals("online", status.get("status"));
    assertTrue(((Map<?, ?>) status.get("metrics")).containsKey("bandwidth"));
    assertTrue(((Map<?, ?>) status.get("health")).containsKey("regionDistribution"));
    assertTrue(json(send("GET", "/node/peers", null, null)).get("peers") instanceof java.util.List);
  }

  @Test
  void blocksAreServedAsBytesOr404() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/blocks/" + STORED.hex(), null, null);
    assertEquals(200, r.statusCode());
    assertEquals("application/octet-stream", r.headers().firstValue("content-type").orElseThrow());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, r.body());
    assertError(send("GET", "/blocks/" + "34".repeat(64), null, null), 404, "not_found");
    assertError(send("GET", "/blocks/not-hex", null, null), 400, "bad_request");
  }

  @Test
  void postedTemperatureChangesMetadata() throws Exception {
    String id = "56".repeat(32);
    assertError(send("GET", "/blocks/" + id + "/metadata", null, null), 404, "not_found");
    HttpResponse<byte[]> r =
        send(
            "POST",
            "/blocks/" + id + "/temperature",
            "application/json",
            "{\"temperature\":\"cold\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode());
    assertEquals("cold", json(r).get("temperature"));
    assertEquals(
        "cold", json(send("GET", "/blocks/" + id + "/metadata", null, null)).get("temperature"));
  }

  @Test
  void badInputGetsPreciseErrors() throws Exception {
    String path = "/blocks/" + "78".repeat(64) + "/temperature";
    assertError(
        send(
            "POST", path, "application/json", "{\"temperature\":".getBytes(StandardCharsets.UTF_8)),
        400,
        "bad_request");
    assertError(
        send(
            "POST",
            path,
            "application/json",
            "{\"temperature\":\"lukewarm\"}".getBytes(StandardCharsets.UTF_8)),
        400,
        "bad_request");
    assertError(
        send(
            "POST",
            path,
            "text/plain",
            "{\"temperature\":\"hot\"}".getBytes(StandardCharsets.UTF_8)),
        415,
        "unsupported_media_type");
    assertError(send("GET", "/no/such/route", null, null), 404, "not_found");
    HttpResponse<byte[]> wrongMethod = send("DELETE", "/node/info", null, null);
    assertEquals("GET, HEAD", wrongMethod.headers().firstValue("allow").orElseThrow());
    assertError(wrongMethod, 405, "method_not_allowed");
    assertError(send("GET", path, null, null), 405, "method_not_allowed");
    byte[] big = new byte[100 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    assertError(send("POST", "/sync/metadata", "application/json", big), 413, "payload_too_large");
  }

  @Test
  void anOversizeUploadGetsItsAnswerEvenWhileStillSending() throws Exception {
    // The node answers 413 as soon as the body passes the limit; the client is still sending.
    // Closing at once would reset the connection and could destroy the answer.
    byte[] big = new byte[4 << 20];
    java.util.Arrays.fill(big, (byte) ' ');
    for (int i = 0; i < 20; i++) {
      assertError(
          send("POST", "/sync/metadata", "application/json", big), 413, "payload_too_large");
    }
  }

  @Test
  void malformedHttpGets400AndOtherClientsAreUndisturbed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpAddress().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("GARBAGE\r\n\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 404"), answer);
    }
    try (Socket s = new Socket("127.0.0.1", node.httpAddress().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /node/info HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 4"), "oversize header refused: " + answer);
    }
    assertEquals(200, send("GET", "/node/status", null, null).statusCode());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpAddress().getPort())) {
      String req =
          "GET /node/info HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /node/peers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + node.operatorToken()
              + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int first = answer.indexOf("HTTP/1.1 200");
      int second = answer.indexOf("HTTP/1.1 404");
      int third = answer.indexOf("HTTP/1.1 200", second);
      assertTrue(first >= 0 && second > first && third > second, answer);
      assertTrue(answer.contains("\"peers\""));
    }
  }
}
