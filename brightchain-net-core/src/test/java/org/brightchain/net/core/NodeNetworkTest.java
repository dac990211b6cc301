package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.brightchain.net.core.VirtualNet.statusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.SignedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nodes talking over the in-memory network on virtual time. */
class NodeNetworkTest {
  private final VirtualNet net = new VirtualNet();

  private static List<NodeId> peerIds(BrightChainNode node, PeerStatusType status) {
    return node.peers().stream()
        .filter(p -> p.status() == status)
        .map(PeerInfo::nodeId)
        .sorted()
        .collect(Collectors.toList());
  }

  private static List<NodeId> ids(BrightChainNode... nodes) {
    List<NodeId> out = new ArrayList<>();
    for (BrightChainNode n : nodes) {
      out.add(n.nodeId());
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static long temperatureUpdatesFor(RecordingListener l, BlockId block) {
    return l.received.stream()
        .map(SignedMessage::payload)
        .filter(
            p ->
                (p.data() instanceof BlockTemperatureUpdate t && t.blockId().equals(block))
                    || (p.data() instanceof org.brightchain.net.message.BatchUpdate b
                        && b.updates().stream()
                            .anyMatch(
                                u ->
                                    u.data() instanceof BlockTemperatureUpdate t
                                        && t.blockId().equals(block))))
        .count();
  }

  @Test
  void threeNodesChainedByBootstrapAllListTheOtherTwoAsActive() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    BrightChainNode c = net.startNode("10.0.0.3", "10.0.0.2");

    // C was only told about B; it learns of A through peer exchange.
    assertEquals(ids(b, c), peerIds(a, PeerStatusType.ACTIVE));
    assertEquals(ids(a, c), peerIds(b, PeerStatusType.ACTIVE));
    assertEquals(ids(a, b), peerIds(c, PeerStatusType.ACTIVE));
    assertEquals(2, a.peers().size());
    assertEquals(2, b.peers().size());
    assertEquals(2, c.peers().size());
    assertEquals(2, a.metrics().peers());
    assertEquals(3, c.health().activeNodes());
    // The learned peer's address is the one it is reachable at.
    assertEquals("10.0.0.1", c.peer(a.nodeId()).orElseThrow().address());
    assertEquals(VirtualNet.PORT, c.peer(a.nodeId()).orElseThrow().wsPort());
  }

  @Test
  void aTemperatureChangeOnOneNodeReachesTheOtherTwo() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    BrightChainNode c = net.startNode("10.0.0.3", "10.0.0.2");
    BlockId block = blockId(7);

    BlockMetadata local = net.await(a.updateTemperature(block, DataTemperature.HOT));

    net.await(a.flush());

    assertEquals(DataTemperature.HOT, local.temperature());
    for (BrightChainNode n : List.of(a, b, c)) {
      BlockMetadata m =
          n.metadata(block).orElseThrow(() -> new AssertionError(n + " has no metadata"));
      assertEquals(DataTemperature.HOT, m.temperature(), n.toString());
      assertEquals(a.nodeId(), m.updatedBy(), n.toString());
      assertEquals(local.updatedAt(), m.updatedAt(), n.toString());
    }

    // A later change from another node wins everywhere.
    net.vs.advance(Duration.ofMillis(5));
    net.await(c.updateTemperature(block, DataTemperature.COLD));
    net.await(c.flush());
    for (BrightChainNode n : List.of(a, b, c)) {
      BlockMetadata m = n.metadata(block).orElseThrow();
      assertEquals(DataTemperature.COLD, m.temperature(), n.toString());
      assertEquals(c.nodeId(), m.updatedBy(), n.toString());
    }
  }

  @Test
  void eachMessageIsAppliedOnceOnEveryNodeEvenThoughItIsRelayed() {
    RecordingListener la = new RecordingListener();
    RecordingListener lb = new RecordingListener();
    RecordingListener lc = new RecordingListener();
    BrightChainNode a = net.start(net.builder("10.0.0.1").addListener(la).build());
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(lb)
                .build());
    BrightChainNode c =
        net.start(
            net.builder("10.0.0.3")
                .addBootstrapNode("10.0.0.2", VirtualNet.PORT)
                .addListener(lc)
                .build());
    assertEquals(2, c.metrics().peers());
    BlockId block = blockId(42);
    long framesAtC = net.framesReceived("10.0.0.3");

    net.await(a.updateTemperature(block, DataTemperature.FROZEN));

    net.await(a.flush());

    // C got the event twice (from A, and relayed by B) but applied and reported it once.
    assertTrue(net.framesReceived("10.0.0.3") - framesAtC >= 2, "the event was not relayed");
    assertEquals(1, temperatureUpdatesFor(lb, block));
    assertEquals(1, temperatureUpdatesFor(lc, block));
    assertEquals(0, temperatureUpdatesFor(la, block), "a node does not receive its own message");
    assertEquals(DataTemperature.FROZEN, c.metadata(block).orElseThrow().temperature());
    assertEquals(b.metrics().operations().failed(), 0);
  }

  @Test
  void aStoppedNodeIsSeenOfflineAndTheRemainingNodesKeepWorking() {
    RecordingListener lb = new RecordingListener();
    RecordingListener lc = new RecordingListener();
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(lb)
                .build());
    BrightChainNode c =
        net.start(
            net.builder("10.0.0.3")
                .addBootstrapNode("10.0.0.2", VirtualNet.PORT)
                .addListener(lc)
                .build());
    assertEquals(PeerStatusType.ACTIVE, statusOf(c, a));

    net.await(a.stop());

    assertEquals(PeerStatusType.OFFLINE, statusOf(b, a));
    assertEquals(PeerStatusType.OFFLINE, statusOf(c, a));
    for (RecordingListener l : List.of(lb, lc)) {
      assertEquals(
          1,
          l.received.stream()
              .filter(
                  m ->
                      m.payload().data() instanceof NodeLeave leave
                          && leave.nodeId().equals(a.nodeId()))
              .count(),
          "node:leave received once");
      assertTrue(
          l.peerChanges.stream()
              .anyMatch(
                  p -> p.nodeId().equals(a.nodeId()) && p.status() == PeerStatusType.OFFLINE));
    }
    assertEquals(0, net.openConnections("10.0.0.1"));
    assertEquals(1, b.metrics().peers());
    assertEquals(1, c.metrics().peers());

    // B and C still talk to each other, also after B's redial attempts of A have failed a while.
    net.vs.advance(Duration.ofMinutes(5));
    BlockId block = blockId(99);
    net.await(b.updateTemperature(block, DataTemperature.HOT));
    net.await(b.flush());
    assertEquals(DataTemperature.HOT, c.metadata(block).orElseThrow().temperature());
    assertEquals(b.nodeId(), c.metadata(block).orElseThrow().updatedBy());
    assertEquals(PeerStatusType.OFFLINE, statusOf(b, a));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, c));
    assertEquals(PeerStatusType.ACTIVE, statusOf(c, b));
  }

  @Test
  void aBootstrapNodeThatIsDownAtFirstIsConnectedOnceItStarts() {
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    assertTrue(b.peers().isEmpty());
    net.vs.advance(Duration.ofSeconds(30)); // several failed attempts, backing off
    assertTrue(b.peers().isEmpty());
    assertEquals(0, net.openConnections("10.0.0.2"));

    BrightChainNode a = net.startNode("10.0.0.1");
    assertTrue(a.peers().isEmpty(), "nobody dials A before B's next attempt");

    net.vs.advance(Duration.ofSeconds(61)); // past the longest backoff
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, a));
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(1, net.openConnections("10.0.0.1"));
    assertEquals(1, net.openConnections("10.0.0.2"));

    // Once connected, B stops redialling.
    int opened = net.connectionsOpened("10.0.0.2");
    net.vs.advance(Duration.ofMinutes(10));
    assertEquals(opened, net.connectionsOpened("10.0.0.2"));
  }

  @ParameterizedTest(name = "smaller id dials first: {0}")
  @ValueSource(booleans = {true, false})
  void twoNodesDialingEachOtherAtOnceEndWithExactlyOneConnection(boolean smallerIdDialsFirst) {
    NodeIdentity x = NodeIdentity.generate(SignatureSchemes.secp256k1(), new SecureRandom());
    NodeIdentity y = NodeIdentity.generate(SignatureSchemes.secp256k1(), new SecureRandom());
    NodeIdentity smaller = x.nodeId().compareTo(y.nodeId()) < 0 ? x : y;
    NodeIdentity larger = smaller == x ? y : x;
    NodeIdentity first = smallerIdDialsFirst ? smaller : larger;
    NodeIdentity second = smallerIdDialsFirst ? larger : smaller;
    BrightChainNode a = net.start(net.builder("10.0.0.1").identity(first).build());
    BrightChainNode b = net.start(net.builder("10.0.0.2").identity(second).build());

    a.connect("10.0.0.2", VirtualNet.PORT);
    b.connect("10.0.0.1", VirtualNet.PORT);
    net.vs.runUntilIdle();

    assertEquals(2, net.connectionsOpened("10.0.0.1"), "both dials went through");
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, a));
    assertEquals(1, net.openConnections("10.0.0.1"));
    assertEquals(1, net.openConnections("10.0.0.2"));

    net.vs.advance(Duration.ofMinutes(5));
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, a));
    assertEquals(1, net.openConnections("10.0.0.1"));
    assertEquals(1, net.openConnections("10.0.0.2"));
    assertEquals(2, net.connectionsOpened("10.0.0.1"), "nobody redialled");

    // The surviving connection carries events both ways.
    BlockId block = blockId(3);
    net.await(a.updateTemperature(block, DataTemperature.WARM));
    net.await(a.flush());
    assertEquals(a.nodeId(), b.metadata(block).orElseThrow().updatedBy());
    net.vs.advance(Duration.ofMillis(1));
    net.await(b.updateTemperature(block, DataTemperature.COLD));
    net.await(b.flush());
    assertEquals(DataTemperature.COLD, a.metadata(block).orElseThrow().temperature());
  }

  @Test
  void aNodeBootstrappingToItselfDoesNotListItselfAsAPeer() {
    BrightChainNode a = net.startNode("10.0.0.1", "10.0.0.1");

    assertTrue(a.peers().isEmpty(), () -> "peers: " + a.peers());
    assertFalse(a.peer(a.nodeId()).isPresent());
    assertEquals(1, a.health().activeNodes());

    // It still works with real peers, and never lists itself.
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.advance(Duration.ofMinutes(2));
    assertEquals(List.of(b.nodeId()), peerIds(a, PeerStatusType.ACTIVE));
    assertEquals(1, a.peers().size());
    assertEquals(List.of(a.nodeId()), peerIds(b, PeerStatusType.ACTIVE));
    assertNotEquals(a.nodeId(), b.nodeId());
  }

  @Test
  void aNodeThatRestartsWithTheSameIdentityIsActiveAgainEverywhere() {
    NodeIdentity idA = NodeIdentity.generate();
    BrightChainNode a = net.start(net.builder("10.0.0.1").identity(idA).build());
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    BrightChainNode c = net.startNode("10.0.0.3", "10.0.0.2");
    net.await(a.stop());
    assertEquals(PeerStatusType.OFFLINE, statusOf(c, a));
    net.vs.advance(Duration.ofSeconds(10));

    BrightChainNode a2 = net.start(net.builder("10.0.0.1").identity(idA).build());
    net.vs.advance(Duration.ofSeconds(61)); // B retries its static bootstrap node

    assertEquals(PeerStatusType.ACTIVE, statusOf(b, a2));
    assertEquals(PeerStatusType.ACTIVE, statusOf(c, a2), "C hears of A again through B");
    assertEquals(ids(b, c), peerIds(a2, PeerStatusType.ACTIVE));
    BlockId block = blockId(11);
    net.await(a2.updateTemperature(block, DataTemperature.COLD));
    net.await(a2.flush());
    assertEquals(a2.nodeId(), c.metadata(block).orElseThrow().updatedBy());
  }

  @Test
  void aHintedPeerThatCannotBeReachedIsGivenUpAfterTheConfiguredRetries() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.network.partition("10.0.0.3", "10.0.0.1", true);
    BrightChainNode c = net.startNode("10.0.0.3", "10.0.0.2");
    assertEquals(PeerStatusType.PENDING, statusOf(c, a), "known from B's hint, not reachable");

    net.vs.advance(Duration.ofHours(1));
    long attempts = net.dials("10.0.0.3", "10.0.0.1");
    net.vs.advance(Duration.ofHours(1));

    // One attempt plus the builder's default of 10 retries, then no more.
    assertEquals(11, attempts);
    assertEquals(attempts, net.dials("10.0.0.3", "10.0.0.1"));
    assertNotEquals(PeerStatusType.ACTIVE, statusOf(c, a));
    assertEquals(PeerStatusType.ACTIVE, statusOf(c, b));
  }

  @Test
  void aStaticBootstrapNodeIsRetriedForeverWithBackoffCappedAtAMinute() {
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");

    net.vs.advance(Duration.ofMinutes(10));
    long early = net.dials("10.0.0.2", "10.0.0.1");
    net.vs.advance(Duration.ofMinutes(10));
    long later = net.dials("10.0.0.2", "10.0.0.1") - early;

    assertTrue(early > 11, "static nodes are not given up: " + early);
    // Capped at 60 s with full jitter (uniform from 0.1 s to 60 s, 30 s on average): about 20
    // attempts in 10 minutes; at least 10 (no wait beyond the cap), and far fewer than the
    // hundreds an uncapped short delay would give.
    assertTrue(later >= 10 && later <= 60, "attempts in 10 minutes at the cap: " + later);
    assertTrue(b.peers().isEmpty());
  }

  @Test
  void nodesSplitByAPartitionFindEachOtherAgainWhenItHeals() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));

    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.vs.runUntilIdle();
    assertEquals(PeerStatusType.OFFLINE, statusOf(a, b));
    assertEquals(PeerStatusType.OFFLINE, statusOf(b, a));
    net.vs.advance(Duration.ofMinutes(3));
    assertEquals(PeerStatusType.OFFLINE, statusOf(b, a));

    net.network.partition("10.0.0.1", "10.0.0.2", false);
    net.vs.advance(Duration.ofMinutes(2));

    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, a));
    assertEquals(1, net.openConnections("10.0.0.1"));
    assertEquals(1, net.openConnections("10.0.0.2"));
    BlockId block = blockId(12);
    net.await(b.updateTemperature(block, DataTemperature.HOT));
    net.await(b.flush());
    assertEquals(b.nodeId(), a.metadata(block).orElseThrow().updatedBy());
  }

  @Test
  void aConnectionToItselfIsClosedAndNotRedialled() {
    BrightChainNode a = net.startNode("10.0.0.1", "10.0.0.1");

    assertEquals(0, net.openConnections("10.0.0.1"), "the loopback connection is closed");
    int opened = net.connectionsOpened("10.0.0.1");
    net.vs.advance(Duration.ofMinutes(10));
    assertEquals(opened, net.connectionsOpened("10.0.0.1"), "its own address is not redialled");
    assertTrue(a.peers().isEmpty());
  }
}
