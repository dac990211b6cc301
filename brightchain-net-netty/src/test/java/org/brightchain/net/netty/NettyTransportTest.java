package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link NettyTransport} alone, with a fake node, against raw WebSocket ends on real sockets. */
class NettyTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeNode node = new FakeNode();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private NettyTransport transport;
  private org.brightchain.net.spi.Transport.BoundAddresses bound;

  @AfterEach
  void stop() throws Exception {
    if (transport != null) {
      transport.stop().get(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private NettyTransport start() throws Exception {
    transport =
        new NettyTransport(new TransportSettings("127.0.0.1", 0, 0, 1 << 20, 1 << 20, WAIT));
    bound = transport.start(node).get(10, TimeUnit.SECONDS);
    return transport;
  }

  @Test
  void anOutboundConnectionsParametersAreTheOnesItWasDialledWith() throws Exception {
    start();
    RawWebSocket.Server peer = new RawWebSocket.Server();
    closing.add(peer);
    Map<String, String> dialled = Map.of("resume", "42", "format", "json", "types", "node:leave");
    PeerConnection c =
        transport.connect("127.0.0.1", peer.port(), dialled).get(10, TimeUnit.SECONDS);
    assertTrue(c.outbound());
    assertEquals(dialled, c.parameters(), "what this node dialled with (PeerConnection javadoc)");
    assertEquals(List.of(c), node.opened, "the node hears of the same connection");
    assertEquals(dialled, node.opened.get(0).parameters());
    Await.until(WAIT, () -> peer.accepted.size() == 1, () -> peer.accepted);
    assertEquals(
        "/ws?format=json&resume=42&types=node%3Aleave",
        peer.accepted.get(0).target(), "the same parameters went out as the query");

    PeerConnection none =
        transport.connect("127.0.0.1", peer.port(), Map.of()).get(10, TimeUnit.SECONDS);
    assertEquals(Map.of(), none.parameters());
  }

  @Test
  void stopSendsExactlyOneClose1001ToEveryWebSocketAndEndsEventStreams() throws Exception {
    start();
    // The node admits event streams; it never closes anything itself, as a node whose scheduler
    // has not registered its connections yet.
    node.answer =
        r -> org.brightchain.net.spi.RestResponse.json(200, "{\"ticket\":\"0123456789abcdef\"}");
    List<RawWebSocket> inbound = new ArrayList<>();
    int wsPort = bound.ws().getPort();
    for (int i = 0; i < 5; i++) {
      RawWebSocket s = RawWebSocket.connect(wsPort, i % 2 == 0 ? "/ws" : "/ws?format=json");
      closing.add(s);
      inbound.add(s);
    }
    // One whose other end closes first: the node's answer is its only close frame.
    RawWebSocket first = RawWebSocket.connect(wsPort, "/ws");
    closing.add(first);
    RawWebSocket.Server peer = new RawWebSocket.Server();
    closing.add(peer);
    transport.connect("127.0.0.1", peer.port(), Map.of()).get(10, TimeUnit.SECONDS);
    Await.until(WAIT, () -> peer.accepted.size() == 1, () -> peer.accepted);
    RawWebSocket outbound = peer.accepted.get(0).socket();
    java.net.Socket stream = new java.net.Socket("127.0.0.1", wsPort);
    closing.add(stream);
    stream
        .getOutputStream()
        .write(
            "GET /events HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Await.until(WAIT, () -> node.opened.size() == 8, () -> node.opened);

    first.close(1001, "going away");
    Await.until(WAIT, () -> !first.closes().isEmpty(), first::toString);
    transport.stop().get(10, TimeUnit.SECONDS);

    List<RawWebSocket> all = new ArrayList<>(inbound);
    all.add(first);
    all.add(outbound);
    for (RawWebSocket s : all) {
      Await.until(WAIT, s.ended::isDone, s::toString);
      assertEquals(1, s.closes().size(), s.toString());
      assertEquals(1001, s.closes().get(0).closeCode(), s.toString());
    }
    assertEquals("node shutting down", inbound.get(0).closes().get(0).closeReason());
    assertEquals("node shutting down", outbound.closes().get(0).closeReason());
    // The event stream ends as a chunked response does, not cut off.
    stream.setSoTimeout(10_000);
    String sse =
        new String(
            stream.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(sse.startsWith("HTTP/1.1 200 "), sse);
    assertTrue(sse.endsWith("0\r\n\r\n"), "the last chunk: " + sse);
  }
}
