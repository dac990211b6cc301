package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.NodeEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes over real sockets on loopback, Netty found through ServiceLoader. */
class NettyNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<BrightChainNode> nodes = new ArrayList<>();

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

  private static boolean active(BrightChainNode on, NodeId peer) {
    return on.peer(peer).map(p -> p.status() == PeerStatusType.ACTIVE).orElse(false);
  }

  @Test
  void threeChainedNodesListEachOtherActiveAndShareTemperatures() {
    BrightChainNode a = start(local().region("eu"));
    BrightChainNode b = start(local().addBootstrapNode("127.0.0.1", a.wsAddress().getPort()));
    List<SignedMessage> heardByC = new CopyOnWriteArrayList<>();
    BrightChainNode c =
        start(
            local()
                .addBootstrapNode("127.0.0.1", b.wsAddress().getPort())
                .addListener(
                    new NodeEventListener() {
                      @Override
                      public void messageReceived(SignedMessage m) {
                        heardByC.add(m);
                      }
                    }));
    for (BrightChainNode x : nodes) {
      for (BrightChainNode y : nodes) {
        if (x != y) {
          Await.until(
              WAIT,
              () -> active(x, y.nodeId()),
              () -> x.nodeId().shortId() + " sees " + y.nodeId().shortId() + ": " + x.peers());
        }
      }
    }
    BlockId block = BlockId.of("cd".repeat(64));
    a.updateTemperature(block, DataTemperature.FROZEN).join();
    for (BrightChainNode n : List.of(b, c)) {
      Await.until(
          WAIT,
          () -> n.metadata(block).map(m -> m.temperature() == DataTemperature.FROZEN).orElse(false),
          () -> "temperature on " + n);
      assertEquals(a.nodeId(), n.metadata(block).orElseThrow().updatedBy());
    }
    // (The metadata may reach C first through the reconciliation that follows each connection.)
    Await.until(
        WAIT,
        () ->
            heardByC.stream()
                .anyMatch(
                    m -> m.payload().data() instanceof org.brightchain.net.message.BatchUpdate),
        () -> "the batch at C");
    long copies =
        heardByC.stream()
            .filter(m -> m.payload().data() instanceof org.brightchain.net.message.BatchUpdate)
            .count();
    assertEquals(1, copies, "C applies the batch once although it may arrive twice");
    assertEquals(3, a.health().activeNodes());
  }

  @Test
  void aStoppedNodeIsSeenOfflineAndTheOthersCarryOn() {
    BrightChainNode a = start(local());
    BrightChainNode b = start(local().addBootstrapNode("127.0.0.1", a.wsAddress().getPort()));
    Await.until(WAIT, () -> active(a, b.nodeId()), a::peers);
    NodeId bid = b.nodeId();
    b.stop().join();
    Await.until(
        WAIT,
        () -> a.peer(bid).map(p -> p.status() == PeerStatusType.OFFLINE).orElse(false),
        a::peers);
    BlockId block = BlockId.of("ef".repeat(32));
    assertEquals(
        DataTemperature.HOT, a.updateTemperature(block, DataTemperature.HOT).join().temperature());
  }

  @Test
  void aBootstrapNodeThatStartsLateIsReached() {
    BrightChainNode probe = start(local());
    int port = probe.wsAddress().getPort();
    probe.stop().join(); // the port is now free and nobody listens
    BrightChainNode b = start(local().addBootstrapNode("127.0.0.1", port));
    BrightChainNode a = start(BrightChainNode.builder().host("127.0.0.1").httpPort(port));
    Await.until(Duration.ofSeconds(15), () -> active(b, a.nodeId()), b::peers);
    PeerInfo seen = b.peer(a.nodeId()).orElseThrow();
    assertEquals(port, seen.wsPort());
  }

  @Test
  void separateWebSocketPortServesTheChannel() throws Exception {
    int wsPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      wsPort = s.getLocalPort(); // httpPort(0) with wsPort(0) would mean one shared listener
    }
    BrightChainNode a = start(local().wsPort(wsPort));
    assertFalse(a.httpAddress().getPort() == a.wsAddress().getPort());
    BrightChainNode b = start(local().addBootstrapNode("127.0.0.1", a.wsAddress().getPort()));
    Await.until(WAIT, () -> active(a, b.nodeId()) && active(b, a.nodeId()), a::peers);
  }

  @Test
  void aTakenPortFailsStartWithAClearError() {
    BrightChainNode a = start(local());
    BrightChainNode clash =
        BrightChainNode.builder().host("127.0.0.1").httpPort(a.httpAddress().getPort()).build();
    nodes.add(clash);
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class, () -> clash.start().join());
    assertInstanceOf(java.net.BindException.class, e.getCause());
    assertTrue(
        e.getCause().getMessage().contains(String.valueOf(a.httpAddress().getPort())),
        e.getCause().getMessage());
  }
}
