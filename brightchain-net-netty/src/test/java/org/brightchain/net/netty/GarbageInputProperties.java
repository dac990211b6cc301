package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.WSMessage;

/**
 * Generated garbage against a real node: REST bodies to every POST endpoint (with and without a
 * session) never get a 5xx, and frames on an authenticated WebSocket never break the connection or
 * the node. The figure line starts with {@code SECURITY}.
 */
class GarbageInputProperties {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static BrightChainNode node;
  private static WebSocket ws;
  private static NettyWebSocketTest.Client client;
  private static NodeIdentity me;
  private static final AtomicInteger BODIES = new AtomicInteger();
  private static final AtomicInteger FRAMES = new AtomicInteger();
  private static final AtomicInteger FIVE_HUNDREDS = new AtomicInteger();

  @BeforeContainer
  static void start() {
    node =
        BrightChainNode.builder()
            .host("127.0.0.1")
            .httpPort(0)
            .maxFrameBytes(64 * 1024)
            .rateLimit(
                new RateLimitConfig(Duration.ofSeconds(10), 10_000_000, 3, Duration.ofMinutes(5)))
            .build();
    node.start().join();
    client = new NettyWebSocketTest.Client();
    ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + node.wsAddress().getPort() + "/ws?format=json"),
                client)
            .join();
    me = NodeIdentity.generate();
    NettyWebSocketTest.handshake(ws, client, me, true);
  }

  @AfterContainer
  static void report() throws Exception {
    // After everything, the same connection still carries a good message, and REST answers.
    BlockId block = BlockId.of("42".repeat(64));
    long now = System.currentTimeMillis();
    ws.sendText(
            JsonCodec.toJson(
                MessageSigning.sign(
                    me,
                    WSMessage.of(
                        new BlockTemperatureUpdate(block, DataTemperature.HOT), now, me.nodeId()))),
            true)
        .join();
    Await.until(
        WAIT,
        () -> node.metadata(block).isPresent(),
        () -> "the connection still works; closed: " + client.closed.getNow(null));
    assertEquals(
        200,
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.httpAddress().getPort() + "/node/status"))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode());
    assertEquals(0, FIVE_HUNDREDS.get());
    System.out.printf(
        Locale.ROOT,
        "SECURITY garbage: %d generated bodies to every POST endpoint and %d generated frames -> %d answers 5xx; the connection and the node still serve%n",
        BODIES.get(),
        FRAMES.get(),
        FIVE_HUNDREDS.get());
    node.close();
  }

  @Provide
  Arbitrary<String> paths() {
    String b = "ab".repeat(64);
    return Arbitraries.of(
        "/blocks/" + b + "/temperature",
        "/blocks/" + b + "/location",
        "/blocks/not-hex/temperature",
        "/sync/request",
        "/sync/metadata",
        "/sync/temperature",
        "/events",
        "/peers/announce",
        "/peers/disconnect",
        "/auth/challenge",
        "/auth/verify");
  }

  /**
   * JSON-shaped and shapeless text: fragments, wrong types, deep nesting, odd numbers and escapes.
   */
  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> atoms =
        Arbitraries.oneOf(
            Arbitraries.of(
                "null",
                "true",
                "false",
                "0",
                "-0",
                "1e999",
                "-1",
                "9007199254740993",
                "1.5",
                "\"\"",
                "\"\\ud800\"",
                "\"\\u0000\"",
                "[]",
                "{}"),
            Arbitraries.strings()
                .ofMaxLength(40)
                .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
            Arbitraries.longs().map(n -> Long.toString(n)));
    Arbitrary<String> keys =
        Arbitraries.of(
            "nodeId",
            "temperature",
            "blockIds",
            "entries",
            "updates",
            "address",
            "wsPort",
            "challenge",
            "publicKey",
            "signature",
            "payload",
            "type",
            "data",
            "timestamp",
            "sender",
            "action",
            "x");
    Arbitrary<String> objects =
        Combinators.combine(keys.list().ofMaxSize(6), atoms.list().ofMaxSize(6))
            .as(
                (ks, vs) -> {
                  StringBuilder sb = new StringBuilder("{");
                  for (int i = 0; i < Math.min(ks.size(), vs.size()); i++) {
                    sb.append(i == 0 ? "" : ",")
                        .append('"')
                        .append(ks.get(i))
                        .append("\":")
                        .append(vs.get(i));
                  }
                  return sb.append('}').toString();
                });
    Arbitrary<String> nested =
        Arbitraries.integers().between(1, 200).map(d -> "[".repeat(d) + "]".repeat(d));
    Arbitrary<String> raw = Arbitraries.strings().all().ofMaxLength(300);
    Arbitrary<String> truncated = objects.map(o -> o.substring(0, o.length() / 2));
    return Arbitraries.oneOf(objects, objects, atoms, nested, raw, truncated);
  }

  @Property(tries = 400)
  void garbageBodiesNeverGet5xx(
      @ForAll("paths") String path, @ForAll("bodies") String body, @ForAll boolean withSession)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (withSession) {
      b.header("Authorization", "Bearer " + node.operatorToken());
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    BODIES.incrementAndGet();
    if (r.statusCode() >= 500) {
      FIVE_HUNDREDS.incrementAndGet();
    }
    assertTrue(
        r.statusCode() < 500, () -> r.statusCode() + " for " + path + " " + body + ": " + r.body());
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
        r.headers().toString());
  }

  @Property(tries = 400)
  void garbageFramesNeverBreakTheConnection(
      @ForAll("bodies") String text, @ForAll byte[] binary, @ForAll boolean asText) {
    if (asText) {
      // The client refuses to encode unpaired surrogates; invalid UTF-8 is tested at the codec.
      ws.sendText(
              new String(
                  text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  java.nio.charset.StandardCharsets.UTF_8),
              true)
          .join();
    } else {
      ws.sendBinary(
              ByteBuffer.wrap(
                  binary.length > 4096 ? java.util.Arrays.copyOf(binary, 4096) : binary),
              true)
          .join();
    }
    FRAMES.incrementAndGet();
    assertTrue(!client.closed.isDone(), () -> "closed with " + client.closed.getNow(null));
  }
}
