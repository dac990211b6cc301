package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.junit.jupiter.api.Test;

/**
 * The channel's reliability features, on virtual time: heartbeats, resume, gaps, requests,
 * subscriptions.
 */
class ChannelTest {
  private final VirtualNet net = new VirtualNet();

  private static List<BlockId> temperatureBlocks(List<SignedMessage> messages) {
    List<BlockId> out = new ArrayList<>();
    for (SignedMessage m : messages) {
      if (m.payload().data() instanceof BlockTemperatureUpdate t) {
        out.add(t.blockId());
      }
    }
    return out;
  }

  @Test
  void aSilentPeerGoesPendingThenOfflineAndComesBackActiveWithItsRoundTripTime() {
    VirtualNet.RecordingListener seenByA = new VirtualNet.RecordingListener();
    BrightChainNode a = net.start(net.builder("10.0.0.1").addListener(seenByA).build());
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.runUntilIdle();
    net.vs.advance(Duration.ofSeconds(6)); // one heartbeat
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(a, b));
    assertNotNull(a.peer(b.nodeId()).orElseThrow().rttMs(), "round-trip time measured");

    net.network.silence("10.0.0.2", true); // frozen: no close, nothing gets through
    net.vs.advance(Duration.ofSeconds(5 + 2));
    assertEquals(PeerStatusType.PENDING, VirtualNet.statusOf(a, b), "one missed pong");
    net.vs.advance(Duration.ofSeconds(10));
    assertEquals(PeerStatusType.OFFLINE, VirtualNet.statusOf(a, b), "three missed pongs");
    assertTrue(
        seenByA.received.stream().noneMatch(m -> m.payload().data() instanceof NodeStatusUpdate),
        "a node does not hear its own node:status reports");

    net.network.silence("10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(70)); // the redial backoff has passed for sure
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
  }

  @Test
  void aConnectionWhoseAnnounceWasLostIsClosedAndRedialled() {
    BrightChainNode a = net.startNode("10.0.0.1");
    net.network.silence("10.0.0.2", true); // the link freezes while the connection opens
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.advance(Duration.ofSeconds(1));
    assertTrue(a.peer(b.nodeId()).isEmpty() && b.peer(a.nodeId()).isEmpty(), "announces lost");
    net.network.silence("10.0.0.2", false);
    // Nothing more will ever arrive on that connection: only the handshake deadline (10 s) can
    // end it, and the redial after it (at most 4 s of backoff) succeeds.
    net.vs.advance(Duration.ofSeconds(10 + 4 + 1));
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
  }

  @Test
  void statusChangesArePublishedAsNodeStatusToNeighbours() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    VirtualNet.RecordingListener seenByC = new VirtualNet.RecordingListener();
    BrightChainNode c =
        net.start(
            net.builder("10.0.0.3")
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(seenByC)
                .build());
    net.vs.advance(Duration.ofSeconds(1));
    net.network.silence("10.0.0.2", true);
    net.vs.advance(Duration.ofSeconds(30));
    List<NodeStatus> aboutB = new ArrayList<>();
    for (SignedMessage m : seenByC.received) {
      if (m.payload().data() instanceof NodeStatusUpdate u
          && u.nodeId().equals(b.nodeId())
          && m.nodeId().equals(a.nodeId())) {
        aboutB.add(u.status());
      }
    }
    assertTrue(
        aboutB.contains(NodeStatus.UNREACHABLE) && aboutB.contains(NodeStatus.OFFLINE),
        aboutB.toString());
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(c, a));
  }

  @Test
  void aPeerAwayForAWhileGetsExactlyTheEventsItMissedInOrder() {
    BrightChainNode a = net.startNode("10.0.0.1");
    VirtualNet.RecordingListener seenByB = new VirtualNet.RecordingListener();
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(seenByB)
                .build());
    net.vs.runUntilIdle();
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(1), DataTemperature.HOT)));
    assertEquals(List.of(VirtualNet.blockId(1)), temperatureBlocks(seenByB.received));

    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.vs.runUntilIdle();
    assertEquals(PeerStatusType.OFFLINE, VirtualNet.statusOf(a, b));
    List<BlockId> missed = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      missed.add(VirtualNet.blockId(i));
      net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(i), DataTemperature.COLD)));
    }
    net.network.partition("10.0.0.1", "10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(70)); // b redials a and resumes
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
    List<BlockId> expected = new ArrayList<>(List.of(VirtualNet.blockId(1)));
    expected.addAll(missed);
    assertEquals(expected, temperatureBlocks(seenByB.received), "each missed event once, in order");
    assertTrue(seenByB.missed.isEmpty(), "no gap");
    // And live events flow after the replay.
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(7), DataTemperature.WARM)));
    assertEquals(VirtualNet.blockId(7), temperatureBlocks(seenByB.received).get(expected.size()));
  }

  @Test
  void aGapOlderThanTheLogIsReportedAndTheRestIsReplayed() {
    BrightChainNode a = net.start(net.builder("10.0.0.1").replayLogSize(3).build());
    VirtualNet.RecordingListener seenByB = new VirtualNet.RecordingListener();
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(seenByB)
                .build());
    net.vs.runUntilIdle();
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(1), DataTemperature.HOT)));
    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.vs.runUntilIdle();
    for (int i = 2; i <= 10; i++) {
      net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(i), DataTemperature.COLD)));
    }
    net.network.partition("10.0.0.1", "10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(70));
    assertEquals(1, seenByB.missed.size(), "the gap is reported once");
    List<BlockId> got = temperatureBlocks(seenByB.received);
    // Only what the log still held arrives; status reports share the log, so fewer than 3 may be
    // temperatures.
    assertTrue(got.size() >= 1 && got.size() <= 4, got.toString());
    assertEquals(VirtualNet.blockId(10), got.get(got.size() - 1));
  }

  @Test
  void aClientResumingWithAnUrlParameterGetsTheEventsAfterIt() {
    BrightChainNode a = net.startNode("10.0.0.1");
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(1), DataTemperature.HOT)));
    VirtualNet.RawPeer first = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(2), DataTemperature.HOT)));
    long seqOf2 =
        first.envelopes().stream()
            .filter(e -> e.sequence() > 0)
            .mapToLong(Envelope::sequence)
            .max()
            .orElseThrow();
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(3), DataTemperature.HOT)));
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(4), DataTemperature.HOT)));

    VirtualNet.RawPeer again =
        new VirtualNet.RawPeer(net, "10.0.0.9")
            .connect("10.0.0.1", Map.of("resume", Long.toString(seqOf2)));
    List<BlockId> got = new ArrayList<>();
    for (Envelope e : again.envelopes()) {
      if (e.message().payload().data() instanceof BlockTemperatureUpdate t) {
        got.add(t.blockId());
        assertTrue(e.sequence() > seqOf2);
      }
    }
    assertEquals(List.of(VirtualNet.blockId(3), VirtualNet.blockId(4)), got);
  }

  @Test
  void aSubscriberGetsOnlyWhatItSubscribedTo() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BlockId wanted = VirtualNet.blockId(1);
    VirtualNet.RawPeer sub =
        new VirtualNet.RawPeer(net, "10.0.0.8")
            .connect("10.0.0.1", Map.of("types", "block:temperature", "blocks", wanted.hex()));
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(2), DataTemperature.HOT)));
    net.await(a.publish(new BlockTemperatureUpdate(wanted, DataTemperature.COLD)));
    net.await(
        a.publish(
            new org.brightchain.net.message.BlockLocationUpdate(
                wanted,
                org.brightchain.net.BlockLocation.of(a.nodeId(), net.vs.now(), true),
                org.brightchain.net.message.BlockLocationUpdate.Action.ADD)));
    List<WSEventType> types = new ArrayList<>();
    for (SignedMessage m : sub.messages()) {
      if (m.payload().type() != WSEventType.NODE_ANNOUNCE
          && !m.payload().type().wireName().startsWith("system:")) {
        types.add(m.payload().type());
      }
    }
    assertEquals(List.of(WSEventType.BLOCK_TEMPERATURE), types);
    assertEquals(List.of(wanted), temperatureBlocks(sub.messages()));
  }

  @Test
  void aSubscribeMessageChangesWhatAConnectionGets() throws Exception {
    BrightChainNode a = net.startNode("10.0.0.1");
    VirtualNet.RawPeer sub = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    org.brightchain.net.core.crypto.NodeIdentity client =
        org.brightchain.net.core.crypto.NodeIdentity.generate();
    BlockId wanted = VirtualNet.blockId(9);
    SignedMessage subscribe =
        org.brightchain.net.core.crypto.MessageSigning.sign(
            client,
            org.brightchain.net.message.WSMessage.of(
                new org.brightchain.net.message.Subscribe(
                    java.util.Set.of(WSEventType.BLOCK_TEMPERATURE), java.util.Set.of(wanted)),
                net.vs.now().toEpochMilli(),
                client.nodeId()));
    sub.send(
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encode(subscribe)));
    net.await(a.publish(new BlockTemperatureUpdate(VirtualNet.blockId(8), DataTemperature.HOT)));
    net.await(a.publish(new BlockTemperatureUpdate(wanted, DataTemperature.HOT)));
    assertEquals(List.of(wanted), temperatureBlocks(sub.messages()));
  }

  @Test
  void aConnectionThatLastsResetsTheBackoffAndOneThatDropsAtOnceDoesNot() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.runUntilIdle();
    // Flapping: the link drops right after each reconnection.
    for (int i = 0; i < 4; i++) {
      net.network.partition("10.0.0.1", "10.0.0.2", true);
      net.network.partition("10.0.0.1", "10.0.0.2", false);
      net.vs.advance(Duration.ofSeconds(70));
    }
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
    net.vs.advance(Duration.ofSeconds(31)); // stable now
    long dialsBefore = net.dials("10.0.0.2", "10.0.0.1") + net.dials("10.0.0.1", "10.0.0.2");
    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.network.partition("10.0.0.1", "10.0.0.2", false);
    // After a stable connection the first retry comes within the base delay (2 s), not minutes.
    net.vs.advance(Duration.ofMillis(2_001));
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
    // Both sides redial (A learned B's port); whichever comes first, someone dialled again.
    assertTrue(net.dials("10.0.0.2", "10.0.0.1") + net.dials("10.0.0.1", "10.0.0.2") > dialsBefore);
  }

  @Test
  void aRetriedSyncRequestGetsItsAnswerAgainAndAChangeIsAppliedOnce() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BlockId id = VirtualNet.blockId(4);
    net.await(a.updateTemperature(id, DataTemperature.COLD));
    VirtualNet.RecordingListener heard = new VirtualNet.RecordingListener();
    a.addListener(heard);
    VirtualNet.RawPeer client = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    org.brightchain.net.core.crypto.NodeIdentity me =
        org.brightchain.net.core.crypto.NodeIdentity.generate();
    long now = net.vs.now().toEpochMilli();
    SignedMessage sync =
        org.brightchain.net.core.crypto.MessageSigning.sign(
            me,
            org.brightchain.net.message.WSMessage.of(
                new BlockSyncRequest(List.of(id)), now, me.nodeId()));
    SignedMessage change =
        org.brightchain.net.core.crypto.MessageSigning.sign(
            me,
            org.brightchain.net.message.WSMessage.of(
                new BlockTemperatureUpdate(id, DataTemperature.HOT), now + 1, me.nodeId()));
    for (int attempt = 0; attempt < 2; attempt++) {
      client.send(
          org.brightchain.net.spi.Frame.binary(
              org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                  new Envelope(sync, 0, "s", ""))));
      client.send(
          org.brightchain.net.spi.Frame.binary(
              org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                  new Envelope(change, 0, "c", ""))));
    }
    long syncAnswers =
        client.envelopes().stream()
            .filter(
                e ->
                    e.replyTo().equals("s") && e.message().payload().data() instanceof MetadataSync)
            .count();
    long changeAcks =
        client.envelopes().stream()
            .filter(
                e ->
                    e.replyTo().equals("c")
                        && e.message().payload().data() instanceof Ack ack
                        && ack.ok())
            .count();
    assertEquals(2, syncAnswers, "both tries of the sync request get metadata");
    assertEquals(2, changeAcks, "both tries of the change are acknowledged");
    assertEquals(
        1,
        heard.received.stream()
            .filter(m -> m.payload().data() instanceof BlockTemperatureUpdate)
            .count(),
        "applied once");
    assertEquals(DataTemperature.HOT, a.metadata(id).orElseThrow().temperature());
  }

  @Test
  void aBadSubscriptionIsRefusedWithAClearCloseReason() {
    net.startNode("10.0.0.1");
    VirtualNet.RawPeer sub =
        new VirtualNet.RawPeer(net, "10.0.0.8").open("10.0.0.1", Map.of("types", "block:warmth"));
    assertEquals(List.of(1008), sub.closeCodes);
  }

  @Test
  void requestsAreAnsweredAndTimeOutAndFailFastWhenThePeerIsAway() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.runUntilIdle();
    BlockId id = VirtualNet.blockId(5);
    Envelope ack =
        net.await(a.request(b.nodeId(), new BlockTemperatureUpdate(id, DataTemperature.FROZEN)));
    assertEquals(new Ack(true, ""), ack.message().payload().data());
    assertEquals(b.nodeId(), ack.message().nodeId());
    assertEquals(DataTemperature.FROZEN, b.metadata(id).orElseThrow().temperature());

    Envelope answer = net.await(a.request(b.nodeId(), new BlockSyncRequest(List.of(id))));
    assertInstanceOf(MetadataSync.class, answer.message().payload().data());
    assertEquals(1, ((MetadataSync) answer.message().payload().data()).entries().size());

    net.network.silence("10.0.0.2", true);
    CompletableFuture<Envelope> lost =
        a.request(
            b.nodeId(), new BlockTemperatureUpdate(id, DataTemperature.HOT), Duration.ofSeconds(3));
    net.vs.advance(Duration.ofSeconds(2));
    assertTrue(!lost.isDone());
    net.vs.advance(Duration.ofSeconds(2));
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, lost::join);
    assertInstanceOf(TimeoutException.class, e.getCause());

    net.network.silence("10.0.0.2", false);
    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.vs.runUntilIdle();
    CompletableFuture<Envelope> away =
        a.request(b.nodeId(), new BlockTemperatureUpdate(id, DataTemperature.HOT));
    net.vs.runUntilIdle();
    assertInstanceOf(
        ConnectException.class,
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, away::join)
            .getCause());
  }

  @Test
  void backoffIsFullJitterBetweenAFloorAndAnExponentialCeiling() {
    BrightChainNode a = net.startNode("10.0.0.1");
    org.brightchain.net.core.internal.node.NodeEngine engine = a.engineForTests();
    for (int failures = 0; failures < 12; failures++) {
      long ceiling = Math.min(60_000, 2_000L << failures);
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < 300; i++) {
        long d = engine.backoff(failures).toMillis();
        assertTrue(d >= 100 && d <= ceiling, failures + ": " + d);
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      assertTrue(max - min > ceiling / 4, "spread out over the range: " + min + ".." + max);
    }
  }
}
