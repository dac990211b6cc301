package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.brightchain.net.core.VirtualNet.statusOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.VirtualNet.RawPeer;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's side of the protocol ({@code docs/protocol.md}, sections 8 to 10), seen from a raw
 * peer.
 */
class NodeProtocolTest {
  private static final String A = "10.0.0.1";

  private final VirtualNet net = new VirtualNet();
  private final NodeIdentity k1 = NodeIdentity.generate();
  private final RecordingListener listener = new RecordingListener();
  private BrightChainNode node;
  private RawPeer peer;

  @BeforeEach
  void startNodeAndConnectARawPeer() {
    node = net.start(net.builder(A).addListener(listener).build());
    peer = new RawPeer(net, "10.0.0.9", k1).open(A, java.util.Map.of()).authenticate();
  }

  private long now() {
    return net.vs.clock().millis();
  }

  private SignedMessage signed(EventPayload payload, NodeId recipient) {
    return MessageSigning.sign(
        k1,
        MessageSigning.EVENT_PURPOSE,
        WSMessage.of(payload, now(), k1.nodeId()),
        now(),
        recipient);
  }

  private void send(SignedMessage m) {
    peer.send(Frame.binary(ProtoCodec.encode(m)));
  }

  private void announce() {
    send(
        signed(
            new NodeAnnounce(k1.nodeId(), "", 4242, 4242, Set.of("routing"), "raw", null), null));
  }

  private List<SignedMessage> received(Class<? extends EventPayload> type) {
    return peer.messages().stream()
        .filter(m -> type.isInstance(m.payload().data()))
        .collect(Collectors.toList());
  }

  @Test
  void theNodeOpensWithAChallengeThenProvesItsKeyAndAnnouncesItself() {
    SignedMessage first = peer.messages().get(0);
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(first));
    assertInstanceOf(Challenge.class, first.payload().data());
    assertEquals(node.nodeId(), first.nodeId());
    assertNull(first.recipient());
    assertEquals(Frame.Type.BINARY, peer.frames.get(0).type());

    // authenticate() sent our own challenge: the node answered it, bound to both ids.
    String ours = peer.sentChallenge;
    SignedMessage proof = received(AuthProof.class).get(0);
    assertEquals(k1.nodeId(), proof.recipient());
    assertEquals(k1.nodeId(), ((AuthProof) proof.payload().data()).peer());
    assertEquals(ours, ((AuthProof) proof.payload().data()).challenge());
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(proof));
    assertEquals(
        MessageSigning.Verdict.BAD_SIGNATURE,
        MessageSigning.verify(proof, MessageSigning.EVENT_PURPOSE),
        "a proof is signed for the authentication purpose only");

    SignedMessage announce = received(NodeAnnounce.class).get(0);
    NodeAnnounce a = (NodeAnnounce) announce.payload().data();
    assertEquals(node.nodeId(), a.nodeId());
    assertNull(announce.recipient());
    assertEquals(4242, a.wsPort());
    assertEquals(4242, a.httpPort());
    assertEquals("", a.address(), "empty: use the address you see me at");
  }

  @Test
  void aPingIsAnsweredWithAPongWithTheSameNonceAddressedToTheAsker() {
    announce();

    send(signed(new Ping(123456789L), node.nodeId()));

    List<SignedMessage> pongs = received(Pong.class);
    assertEquals(1, pongs.size());
    SignedMessage pong = pongs.get(0);
    assertEquals(123456789L, ((Pong) pong.payload().data()).nonce());
    assertEquals(k1.nodeId(), pong.recipient());
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(pong));
  }

  @Test
  void aPingBeforeAnyAnnounceIsAnsweredWithoutARecipient() {
    send(signed(new Ping(7), null));

    List<SignedMessage> pongs = received(Pong.class);
    assertEquals(1, pongs.size());
    assertNull(pongs.get(0).recipient());
    assertEquals(7L, ((Pong) pongs.get(0).payload().data()).nonce());
  }

  @Test
  void aBlockSyncIsAnsweredWithTheKnownMetadataInRequestOrder() {
    BlockId x = blockId(1);
    BlockId y = blockId(2);
    BlockId unknown = blockId(3);
    net.await(node.updateTemperature(x, DataTemperature.HOT));
    net.await(node.updateTemperature(y, DataTemperature.COLD));
    announce();

    send(signed(new BlockSyncRequest(List.of(y, unknown, x)), null));

    List<SignedMessage> answers = received(MetadataSync.class);
    assertEquals(1, answers.size());
    MetadataSync sync = (MetadataSync) answers.get(0).payload().data();
    assertEquals(
        List.of(y, x),
        sync.entries().stream().map(BlockMetadata::blockId).collect(Collectors.toList()));
    assertEquals(node.metadata(y).orElseThrow(), sync.entries().get(0));
    assertEquals(k1.nodeId(), answers.get(0).recipient());
  }

  @Test
  void aGossipedEventIsRelayedUnchangedToOtherPeersButNotBackToItsSender() {
    RecordingListener lb = new RecordingListener();
    BrightChainNode b =
        net.start(net.builder("10.0.0.2").addBootstrapNode(A, 4242).addListener(lb).build());
    announce();
    int framesBefore = peer.frames.size();
    SignedMessage event =
        signed(new BlockTemperatureUpdate(blockId(5), DataTemperature.FROZEN), null);

    send(event);

    assertEquals(k1.nodeId(), b.metadata(blockId(5)).orElseThrow().updatedBy());
    SignedMessage atB =
        lb.received.stream()
            .filter(m -> m.payload().data() instanceof BlockTemperatureUpdate)
            .findFirst()
            .orElseThrow();
    assertEquals(event, atB);
    assertArrayEquals(event.signature(), atB.signature(), "relayed unchanged");
    assertEquals(framesBefore, peer.frames.size(), "not sent back to where it came from");
  }

  @Test
  void pointToPointAndAddressedMessagesAreNotRelayed() {
    RecordingListener lb = new RecordingListener();
    BrightChainNode b =
        net.start(net.builder("10.0.0.2").addBootstrapNode(A, 4242).addListener(lb).build());
    announce();
    int atB = lb.received.size();

    send(signed(new Ping(1), null));
    send(signed(new BlockTemperatureUpdate(blockId(6), DataTemperature.HOT), node.nodeId()));

    assertEquals(
        DataTemperature.HOT, node.metadata(blockId(6)).orElseThrow().temperature(), "applied here");
    assertTrue(b.metadata(blockId(6)).isEmpty(), "a message with a recipient is not relayed");
    assertEquals(atB, lb.received.size(), "nothing reached B");
  }

  @Test
  void afterIdentifyingAPeerTheNodeTellsItAboutItsOtherActivePeers() {
    BrightChainNode b = net.startNode("10.0.0.2", A);

    announce();

    List<SignedMessage> hints =
        received(NodeAnnounce.class).stream()
            .filter(m -> !((NodeAnnounce) m.payload().data()).nodeId().equals(node.nodeId()))
            .collect(Collectors.toList());
    assertEquals(1, hints.size());
    SignedMessage hint = hints.get(0);
    NodeAnnounce about = (NodeAnnounce) hint.payload().data();
    assertEquals(b.nodeId(), about.nodeId());
    assertEquals("10.0.0.2", about.address());
    assertEquals(4242, about.wsPort());
    assertEquals(node.nodeId(), hint.payload().sender());
    assertEquals(k1.nodeId(), hint.recipient());
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(hint));
  }

  @Test
  void aHintAboutAnotherNodeMakesTheNodeDialIt() {
    BrightChainNode b = net.startNode("10.0.0.2");
    announce();

    send(
        signed(
            new NodeAnnounce(b.nodeId(), "10.0.0.2", 4242, 4242, Set.of(), "x", null),
            node.nodeId()));

    assertEquals(PeerStatusType.ACTIVE, statusOf(node, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, node));
  }

  @Test
  void hintsAboutTheNodeItselfOrWithoutAnAddressAreIgnored() {
    announce();
    NodeId elsewhere = NodeIdentity.generate().nodeId();

    send(
        signed(new NodeAnnounce(node.nodeId(), "10.0.0.1", 4242, 4242, Set.of(), "x", null), null));
    send(signed(new NodeAnnounce(elsewhere, "", 4242, 4242, Set.of(), "x", null), null));
    send(signed(new NodeAnnounce(elsewhere, "10.0.0.5", 4242, 0, Set.of(), "x", null), null));

    assertEquals(
        List.of(k1.nodeId()),
        node.peers().stream().map(p -> p.nodeId()).collect(Collectors.toList()));
  }

  @Test
  void theNodeAnswersInTheFrameTypeOfTheLastMessageItAccepted() {
    announce();

    peer.send(new Frame(Frame.Type.TEXT, JsonCodec.toJsonBytes(signed(new Ping(1), null))));
    assertEquals(Frame.Type.TEXT, peer.frames.get(peer.frames.size() - 1).type());
    net.vs.advance(Duration.ofMillis(1));
    send(signed(new Ping(2), null));
    assertEquals(Frame.Type.BINARY, peer.frames.get(peer.frames.size() - 1).type());
    assertEquals(
        List.of(1L, 2L),
        received(Pong.class).stream()
            .map(m -> ((Pong) m.payload().data()).nonce())
            .collect(Collectors.toList()));
  }

  @Test
  void metadataUpdateReplacesStoredMetadataOnlyWithAStrictlyGreaterStamp() {
    announce();
    BlockId id = blockId(9);
    Instant t = net.vs.now();
    NodeId other = NodeIdentity.generate().nodeId();
    BlockMetadata first =
        BlockMetadata.initial(id, t, k1.nodeId())
            .withTemperature(DataTemperature.HOT, t, k1.nodeId());
    send(signed(new MetadataUpdate(first), null));
    assertEquals(first, node.metadata(id).orElseThrow());

    net.vs.advance(Duration.ofMillis(1));
    BlockMetadata older = first.withTemperature(DataTemperature.COLD, t.minusMillis(1), other);
    send(signed(new MetadataUpdate(older), null));
    assertEquals(first, node.metadata(id).orElseThrow(), "an older stamp loses");

    net.vs.advance(Duration.ofMillis(1));
    BlockMetadata newer = first.withTemperature(DataTemperature.FROZEN, t.plusMillis(5), other);
    send(signed(new MetadataUpdate(newer), null));
    assertEquals(newer, node.metadata(id).orElseThrow(), "a newer stamp wins");
  }

  @Test
  void aLeaveMarksItsSenderOfflineButALeaveAboutSomeoneElseDoesNothing() {
    announce();
    NodeIdentity k2 = NodeIdentity.generate();
    RawPeer other = new RawPeer(net, "10.0.0.8", k2).open(A, java.util.Map.of()).authenticate();
    other.send(
        Frame.binary(
            ProtoCodec.encode(
                MessageSigning.sign(
                    k2,
                    WSMessage.of(
                        new NodeAnnounce(k2.nodeId(), "", 4242, 4242, Set.of(), "raw", null),
                        now(),
                        k2.nodeId())))));
    assertEquals(PeerStatusType.ACTIVE, node.peer(k2.nodeId()).orElseThrow().status());

    send(signed(new NodeLeave(k2.nodeId(), "lies"), null));
    assertEquals(PeerStatusType.ACTIVE, node.peer(k2.nodeId()).orElseThrow().status());

    send(signed(new NodeLeave(k1.nodeId(), "bye"), null));
    assertEquals(PeerStatusType.OFFLINE, node.peer(k1.nodeId()).orElseThrow().status());
  }

  @Test
  void aStoppingNodeSaysLeaveThenClosesWith1001() {
    announce();

    net.await(node.stop());

    List<SignedMessage> leaves = received(NodeLeave.class);
    assertEquals(1, leaves.size());
    NodeLeave leave = (NodeLeave) leaves.get(0).payload().data();
    assertEquals(node.nodeId(), leave.nodeId());
    assertEquals("shutdown", leave.reason());
    assertEquals(List.of(1001), peer.closeCodes);
    assertTrue(listener.peerChanges.stream().anyMatch(p -> p.status() == PeerStatusType.ACTIVE));
  }
}
