package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The channel's transport features over real sockets: event stream, limits, slow consumers. */
class NettyChannelTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<BrightChainNode> nodes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stopAll() {
    nodes.forEach(BrightChainNode::close);
  }

  private BrightChainNode start(BrightChainNode.Builder b) {
    BrightChainNode n = b.build();
    nodes.add(n);
    n.start().join();
    return n;
  }

  private static BrightChainNode.Builder local() {
    return BrightChainNode.builder().host("127.0.0.1").httpPort(0);
  }

  /** Reads server-sent events from a raw socket. */
  static final class EventReader implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final List<String[]> events = new CopyOnWriteArrayList<>(); // {id, event, data}
    final Thread thread;

    EventReader(BrightChainNode node, String query, String lastEventId) throws Exception {
      socket = new Socket("127.0.0.1", node.httpAddress().getPort());
      String req =
          "GET /events"
              + query
              + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
              + "Authorization: Bearer "
              + node.operatorToken()
              + "\r\n"
              + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      thread = new Thread(this::read, "sse-reader");
      thread.setDaemon(true);
      thread.start();
    }

    private void read() {
      try {
        String line;
        String id = "";
        String event = "";
        boolean body = false;
        while ((line = in.readLine()) != null) {
          if (!body) {
            if (line.isEmpty()) {
              body = true;
            }
            continue;
          }
          // Chunked framing: size lines are hex numbers; SSE lines start with a field name.
          if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            events.add(new String[] {id, event, line.substring(6)});
            id = "";
            event = "";
          }
        }
      } catch (java.io.IOException ignored) {
        // closed
      }
    }

    List<String[]> temperatureEvents() {
      return events.stream().filter(e -> e[1].equals("block:temperature")).toList();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void anEventStreamGetsTheBatchesOfTheBlocksItAskedFor() throws Exception {
    BrightChainNode a = start(local());
    BlockId wanted = BlockId.of("5e".repeat(32));
    try (EventReader stream =
        new EventReader(a, "?types=block:temperature&blocks=" + wanted.hex(), null)) {
      Await.until(WAIT, () -> !stream.events.isEmpty(), () -> "the node's announce on the stream");
      a.updateTemperature(BlockId.of("6f".repeat(32)), DataTemperature.COLD).join();
      a.flush().join();
      a.updateTemperature(wanted, DataTemperature.HOT).join();
      a.flush().join();
      Await.until(
          WAIT,
          () -> stream.events.stream().anyMatch(e -> e[2].contains("block:batch")),
          () -> stream.events.toString());
      List<String[]> batches =
          stream.events.stream().filter(e -> e[2].contains("block:batch")).toList();
      assertEquals(1, batches.size(), "only the batch that names the block");
      SignedMessage m = JsonCodec.fromJson(batches.get(0)[2], SignedMessage.class);
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
      org.brightchain.net.message.BatchUpdate b =
          (org.brightchain.net.message.BatchUpdate) m.payload().data();
      assertEquals(wanted, b.updates().get(0).blockId());
    }
  }

  @Test
  void anEventStreamDeliversEventsAndResumesWithLastEventId() throws Exception {
    BrightChainNode a = start(local());
    int port = a.httpAddress().getPort();
    String lastId;
    try (EventReader first = new EventReader(a, "?types=block:temperature", null)) {
      Await.until(WAIT, () -> !first.events.isEmpty(), () -> "the node's announce on the stream");
      for (int i = 1; i <= 3; i++) {
        a.publish(
                new BlockTemperatureUpdate(
                    BlockId.of(String.format("%064x", i)), DataTemperature.HOT))
            .join();
      }
      Await.until(WAIT, () -> first.temperatureEvents().size() == 3, first::temperatureEvents);
      for (String[] e : first.temperatureEvents()) {
        SignedMessage m = JsonCodec.fromJson(e[2], SignedMessage.class);
        assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
        assertTrue(Long.parseLong(e[0]) > 0, "each event has an id");
      }
      lastId = first.temperatureEvents().get(0)[0];
    }
    try (EventReader again = new EventReader(a, "?types=block:temperature", lastId)) {
      Await.until(WAIT, () -> again.temperatureEvents().size() == 2, again::temperatureEvents);
      assertEquals(
          List.of(String.format("%064x", 2), String.format("%064x", 3)),
          again.temperatureEvents().stream()
              .map(e -> e[2])
              .map(
                  d -> {
                    try {
                      return ((BlockTemperatureUpdate)
                              JsonCodec.fromJson(d, SignedMessage.class).payload().data())
                          .blockId()
                          .hex();
                    } catch (Exception ex) {
                      throw new AssertionError(ex);
                    }
                  })
              .toList());
    }
  }

  @Test
  void eventsPostedOverHttpAreCheckedAppliedAndRelayed() throws Exception {
    BrightChainNode a = start(local());
    BrightChainNode b = start(local().addBootstrapNode("127.0.0.1", a.wsAddress().getPort()));
    Await.until(
        WAIT, () -> a.peer(b.nodeId()).isPresent() && b.peer(a.nodeId()).isPresent(), a::peers);
    NodeIdentity client = NodeIdentity.generate();
    BlockId block = BlockId.of("77".repeat(32));
    SignedMessage m =
        MessageSigning.sign(
            client,
            WSMessage.of(
                new BlockTemperatureUpdate(block, DataTemperature.COLD),
                System.currentTimeMillis(),
                client.nodeId()));
    HttpResponse<String> r = post(a, JsonCodec.toJson(m));
    assertEquals(202, r.statusCode(), r.body());
    assertEquals(
        200, post(a, JsonCodec.toJson(m)).statusCode(), "a repeat is a duplicate, applied once");
    Await.until(WAIT, () -> b.metadata(block).isPresent(), () -> "relayed to b");
    // A forged signature on a message not seen before is refused.
    SignedMessage other =
        MessageSigning.sign(
            client,
            WSMessage.of(
                new BlockTemperatureUpdate(block, DataTemperature.HOT),
                System.currentTimeMillis() + 1,
                client.nodeId()));
    byte[] sig = other.signature();
    sig[3] ^= 1;
    SignedMessage forged =
        new SignedMessage(
            other.payload(), other.timestamp(), other.nodeId(), other.publicKey(), sig, null);
    HttpResponse<String> bad = post(a, JsonCodec.toJson(forged));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("bad signature"), bad.body());
  }

  private HttpResponse<String> post(BrightChainNode n, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + n.httpAddress().getPort() + "/events"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + n.operatorToken())
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void connectionsOverTheLimitAreRefusedWith503() throws Exception {
    CapturingTransportProvider made = new CapturingTransportProvider();
    BrightChainNode a = start(local().maxConnections(2).transportProvider(made));
    int port = a.httpAddress().getPort();
    try (EventReader one = new EventReader(a, "", null);
        EventReader two = new EventReader(a, "", null)) {
      Await.until(
          WAIT, () -> !one.events.isEmpty() && !two.events.isEmpty(), () -> "two streams open");
      try (Socket third = new Socket("127.0.0.1", port)) {
        third
            .getOutputStream()
            .write(
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
        assertTrue(answer.contains("\"error\":\"unavailable\""), answer);
      }
      // Plain REST is not a long-lived connection and still works.
      assertEquals(
          200,
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/node/info"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode());
    }
    // Closing frees the slots.
    NettyTransport transport = made.transport();
    Await.until(WAIT, () -> transport.openConnections() < 2, transport::openConnections);
    try (EventReader again = new EventReader(a, "", null)) {
      Await.until(WAIT, () -> !again.events.isEmpty(), () -> "a slot is free again");
    }
  }

  @Test
  void aStalledConsumerIsCutOffAtItsBoundInsteadOfGrowingTheHeap() throws Exception {
    int bound = 256 * 1024;
    CapturingTransportProvider made = new CapturingTransportProvider();
    BrightChainNode a =
        start(
            local()
                .slowConsumer(bound, TransportSettings.SlowConsumerPolicy.DISCONNECT)
                .transportProvider(made));
    NettyTransport transport = made.transport();
    int port = a.httpAddress().getPort();
    // A client that opens a stream and never reads from its socket.
    Socket stalled = new Socket("127.0.0.1", port);
    stalled.setReceiveBufferSize(4096);
    OutputStream out = stalled.getOutputStream();
    out.write(
        ("GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + a.operatorToken()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    Await.until(WAIT, () -> transport.openConnections() == 1, () -> "stream open");
    long before = transport.slowConsumerCloses();
    // Publish far more than the socket buffers and the bound can hold.
    BlockId block = BlockId.of("ab".repeat(64));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int sent = 0;
    while (transport.slowConsumerCloses() == before
        && System.nanoTime() < deadline
        && sent < 200_000) {
      a.publish(
              new BlockTemperatureUpdate(
                  block, sent % 2 == 0 ? DataTemperature.HOT : DataTemperature.COLD))
          .join();
      sent++;
    }
    assertEquals(before + 1, transport.slowConsumerCloses(), "cut off after " + sent + " events");
    assertTrue(
        transport.maxQueuedBytesSeen() <= bound + 4096,
        "queued bytes stayed within the bound: " + transport.maxQueuedBytesSeen());
    Await.until(WAIT, () -> transport.openConnections() == 0, () -> "closed");
    stalled.close();
    // The node is fine.
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/node/status"))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode());
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    BrightChainNode a = start(local().idleTimeout(Duration.ofMillis(300)));
    try (Socket s = new Socket("127.0.0.1", a.httpAddress().getPort())) {
      s.getOutputStream()
          .write("GET /node/info HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      byte[] all =
          s.getInputStream()
              .readAllBytes(); // returns when the node closes the idle keep-alive socket
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(new String(all, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
      assertTrue(ms >= 250 && ms < 9_000, "closed after about the idle timeout: " + ms + " ms");
    }
  }
}
