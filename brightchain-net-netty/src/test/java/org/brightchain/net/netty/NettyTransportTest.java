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
    transport.start(node).get(10, TimeUnit.SECONDS);
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
}
