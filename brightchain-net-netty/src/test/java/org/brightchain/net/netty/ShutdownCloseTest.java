package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.SignedMessage;
import org.junit.jupiter.api.Test;

/**
 * What a stopping node sends on each of its WebSocket connections, seen from the other end with raw
 * clients that record every frame: exactly one close frame, 1001 {@code node shutting down} (or the
 * echo of the other end's own 1001), after {@code node:leave} on identified connections; never a
 * connection cut without one, never two. Nodes start and stop in-process on port 0, over and over,
 * with connections of every kind: identified or not, inbound and outbound, polite peers that close
 * themselves when they hear the goodbye, and connections opened just before the stop (which the
 * node's scheduler may not have registered yet).
 */
class ShutdownCloseTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int SHUTDOWNS = 20;

  /** One watched connection and what it was. */
  private record Watched(String kind, boolean identified, RawWebSocket socket) {}

  @Test
  void everyWebSocketConnectionGetsExactlyOneClose1001WhenTheNodeStops() throws Exception {
    List<Watched> all = new ArrayList<>();
    for (int round = 0; round < SHUTDOWNS; round++) {
      all.addAll(oneShutdown());
    }
    int none = 0;
    int twoOrMore = 0;
    List<String> wrong = new ArrayList<>();
    for (Watched w : all) {
      Await.until(WAIT, w.socket().ended::isDone, () -> w.kind() + " still open: " + w.socket());
      List<RawWebSocket.Frame> closes = w.socket().closes();
      if (closes.isEmpty()) {
        none++;
      } else if (closes.size() > 1) {
        twoOrMore++;
      }
      if (closes.size() != 1 || closes.get(0).closeCode() != 1001) {
        wrong.add(w.kind() + ": " + w.socket());
      } else if (w.identified() && !leaveBefore(w.socket())) {
        wrong.add(w.kind() + ", node:leave not before the close: " + w.socket());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "SECURITY shutdown: %d connections over %d shutdowns: exactly one close 1001 each"
            + " (none: %d, two or more: %d)%n",
        all.size(),
        SHUTDOWNS,
        none,
        twoOrMore);
    assertTrue(all.size() >= 100, "connections watched: " + all.size());
    assertEquals(List.of(), wrong, "connections without exactly one close 1001 after node:leave");
  }

  /** Whether a {@code node:leave} came before the first close frame. */
  private static boolean leaveBefore(RawWebSocket s) {
    for (RawWebSocket.Frame f : s.frames) {
      if (f.opcode() == RawWebSocket.CLOSE) {
        return false;
      }
      if ((f.opcode() == RawWebSocket.TEXT || f.opcode() == RawWebSocket.BINARY)
          && RawWebSocket.decode(f).payload().data() instanceof NodeLeave) {
        return true;
      }
    }
    return false;
  }

  /** Starts a node, opens connections of every kind to and from it, stops it. */
  private static List<Watched> oneShutdown() throws Exception {
    List<Watched> watched = new ArrayList<>();
    try (RawWebSocket.Server peer = new RawWebSocket.Server()) {
      BrightChainNode node =
          BrightChainNode.builder()
              .host("127.0.0.1")
              .httpPort(0)
              .nat(NatMode.NONE)
              .rateLimit(
                  new RateLimitConfig(Duration.ofSeconds(10), 1_000_000, 3, Duration.ofMinutes(5)))
              .addBootstrapNode("127.0.0.1", peer.port())
              .build();
      try {
        node.start().join();
        int port = node.wsAddress().getPort();

        // Inbound, identified: the handshake of protocol.md 9.1, as clients.
        for (int i = 0; i < 2; i++) {
          RawWebSocket s = RawWebSocket.connect(port, "/ws?format=json");
          watched.add(new Watched("inbound identified", true, s));
          Handshake.run(s::messages, s::sendJson, NodeIdentity.generate(), WAIT);
        }
        // Inbound, identified, and polite: it closes (1001) as soon as it hears the goodbye, so
        // the node's answer to that close is its only close frame.
        RawWebSocket polite = RawWebSocket.connect(port, "/ws?format=json");
        polite.onMessage =
            f -> {
              if (RawWebSocket.decode(f).payload().data() instanceof NodeLeave) {
                polite.close(1001, "going away");
              }
            };
        watched.add(new Watched("inbound identified, closing on node:leave", true, polite));
        Handshake.run(polite::messages, polite::sendJson, NodeIdentity.generate(), WAIT);

        // Inbound, never identified (binary and JSON).
        for (String query : List.of("", "?format=json")) {
          RawWebSocket s = RawWebSocket.connect(port, "/ws" + query);
          watched.add(new Watched("inbound unidentified", false, s));
          Await.until(WAIT, () -> !s.frames.isEmpty(), () -> "no challenge: " + s);
        }

        // Outbound, identified: the node dialled the raw server, which answers as a node.
        Await.until(WAIT, () -> !peer.accepted.isEmpty(), "the node dials its bootstrap node");
        RawWebSocket out = peer.accepted.get(0).socket();
        watched.add(new Watched("outbound identified", true, out));
        NodeIdentity peerId = NodeIdentity.generate();
        answerAsNode(out::messages, out::sendProto, peerId);
        Await.until(
            WAIT,
            () -> node.peer(peerId.nodeId()).isPresent(),
            () -> "outbound connection not identified: " + out);

        // Opened just before the stop: the node's scheduler may not have registered it yet.
        RawWebSocket late = RawWebSocket.connect(port, "/ws");
        watched.add(new Watched("inbound opened as the node stops", false, late));
      } finally {
        node.close();
      }
      // Read what is still on its way before the raw server closes the sockets it accepted.
      Await.until(
          WAIT,
          () ->
              watched.stream()
                  .allMatch(w -> !w.socket().closes().isEmpty() || !w.socket().endedBy.isEmpty()),
          () -> watched);
    }
    return watched;
  }

  /**
   * The accepting side of the handshake of protocol.md 9.1, as a node at no port: answers the
   * dialler's challenge, sends its own and announces itself.
   */
  private static void answerAsNode(
      Supplier<List<SignedMessage>> received, Consumer<SignedMessage> send, NodeIdentity id) {
    Await.until(
        WAIT,
        () -> Handshake.find(received.get(), Challenge.class) != null,
        () -> "no system:challenge: " + received.get());
    SignedMessage challenge = Handshake.find(received.get(), Challenge.class);
    NodeId node = challenge.nodeId();
    send.accept(Handshake.sign(id, Challenge.random(), null));
    send.accept(
        Handshake.sign(
            id, new AuthProof(((Challenge) challenge.payload().data()).challenge(), node), node));
    send.accept(
        Handshake.sign(
            id,
            new NodeAnnounce(id.nodeId(), "", 0, 0, java.util.Set.of(), "test-peer", null),
            null));
  }
}
