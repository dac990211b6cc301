package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.VirtualNet.RawPeer;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node fed bad frames over a raw in-memory connection drops each one, says why, counts it, and
 * keeps serving the same connection.
 */
class BadMessagesTest {
  private static final BlockId BLOCK = blockId(0xb10c);

  private final VirtualNet net = new VirtualNet();
  private final RecordingListener listener = new RecordingListener();
  private final NodeIdentity k1 = NodeIdentity.generate();
  private final NodeIdentity k2 = NodeIdentity.generate();
  private RawPeer peer;
  private BrightChainNode node;
  private PeerConnection conn;
  private BlockMetadata baseline;

  @BeforeEach
  void connectAFakePeerAndSetABaseline() {
    node = net.start(net.builder("10.0.0.1").addListener(listener).build());
    peer = new RawPeer(net, "10.0.0.9", k1).open("10.0.0.1", java.util.Map.of()).authenticate();
    conn = peer.conn;
    assertFalse(peer.frames.isEmpty(), "the node challenged us");

    // The fake introduces itself as K1 and sets the block HOT.
    send(
        binary(
            signedBy(
                k1,
                new NodeAnnounce(k1.nodeId(), "", 4242, 4242, java.util.Set.of(), "fake", null))));
    send(binary(temperature(k1, DataTemperature.HOT)));
    baseline = node.metadata(BLOCK).orElseThrow();
    assertEquals(DataTemperature.HOT, baseline.temperature());
    assertEquals(k1.nodeId(), baseline.updatedBy());
    assertTrue(listener.rejected.isEmpty(), () -> "rejected: " + listener.rejected);
    net.vs.advance(Duration.ofMillis(10));
  }

  // ------------------------------------------------------------------ helpers

  private void send(Frame f) {
    peer.send(f);
  }

  private long now() {
    return net.vs.clock().millis();
  }

  private SignedMessage signedBy(
      NodeIdentity id, org.brightchain.net.message.EventPayload payload) {
    return MessageSigning.sign(id, WSMessage.of(payload, now(), id.nodeId()));
  }

  private SignedMessage temperature(NodeIdentity id, DataTemperature t) {
    return signedBy(id, new BlockTemperatureUpdate(BLOCK, t));
  }

  private static Frame binary(SignedMessage m) {
    return Frame.binary(ProtoCodec.encode(m));
  }

  private static Frame text(SignedMessage m) {
    return new Frame(Frame.Type.TEXT, JsonCodec.toJsonBytes(m));
  }

  /**
   * Sends {@code bad}; checks it was dropped with a reason containing {@code reasonFragment},
   * counted as failed, and changed nothing; then sends {@code good} on the same connection and
   * checks it is applied.
   */
  private void assertDroppedThenServes(
      Frame bad, String reasonFragment, Frame good, DataTemperature goodTemperature) {
    long failedBefore = node.metrics().operations().failed();
    long okBefore = node.metrics().operations().success();
    int rejectedBefore = listener.rejected.size();
    int receivedBefore = listener.received.size();

    send(bad);

    assertEquals(baseline, node.metadata(BLOCK).orElseThrow(), "metadata unchanged");
    assertEquals(failedBefore + 1, node.metrics().operations().failed(), "counted as failed");
    assertEquals(okBefore, node.metrics().operations().success());
    assertEquals(rejectedBefore + 1, listener.rejected.size(), "listener told");
    String reason = listener.rejected.get(listener.rejected.size() - 1);
    assertTrue(reason.toLowerCase(Locale.ROOT).contains(reasonFragment), () -> "reason: " + reason);
    assertEquals(receivedBefore, listener.received.size(), "not reported as received");
    assertTrue(conn.isOpen(), "the connection stays open");

    send(good);

    BlockMetadata after = node.metadata(BLOCK).orElseThrow();
    assertEquals(goodTemperature, after.temperature(), "the next valid message is applied");
    assertEquals(k1.nodeId(), after.updatedBy());
    assertEquals(receivedBefore + 1, listener.received.size());
    assertEquals(failedBefore + 1, node.metrics().operations().failed());
    assertEquals(okBefore + 1, node.metrics().operations().success());
  }

  // ------------------------------------------------------------------ tests

  @Test
  void aMessageWithOneSignatureByteFlippedIsDropped() {
    SignedMessage genuine = temperature(k1, DataTemperature.FROZEN);
    byte[] sig = genuine.signature();
    sig[5] ^= 0x01;
    SignedMessage flipped =
        new SignedMessage(
            genuine.payload(),
            genuine.timestamp(),
            genuine.nodeId(),
            genuine.publicKey(),
            sig,
            null);

    // The genuine message, sent after its forged copy, still gets through.
    assertDroppedThenServes(
        binary(flipped), "bad_signature", binary(genuine), DataTemperature.FROZEN);
  }

  @Test
  void aMessageWithOneSignatureByteFlippedIsDroppedAsJsonToo() {
    SignedMessage genuine = temperature(k1, DataTemperature.COLD);
    byte[] sig = genuine.signature();
    sig[40] ^= (byte) 0x80;
    SignedMessage flipped =
        new SignedMessage(
            genuine.payload(),
            genuine.timestamp(),
            genuine.nodeId(),
            genuine.publicKey(),
            sig,
            null);

    assertDroppedThenServes(text(flipped), "bad_signature", text(genuine), DataTemperature.COLD);
  }

  @Test
  void aMessageClaimingAnotherKeysIdentityWithTheWrongSignatureIsDropped() {
    // publicKey and nodeId (and sender) of K2, signature made by K1.
    WSMessage payload =
        WSMessage.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.FROZEN), now(), k2.nodeId());
    byte[] bytes =
        MessageSigning.signedBytes(MessageSigning.EVENT_PURPOSE, payload, now(), k2.nodeId(), null);
    SignedMessage forged =
        new SignedMessage(payload, now(), k2.nodeId(), k2.publicKey(), k1.sign(bytes), null);

    assertDroppedThenServes(
        binary(forged),
        "bad_signature",
        binary(temperature(k1, DataTemperature.COLD)),
        DataTemperature.COLD);
  }

  @Test
  void aMessageWhoseNodeIdIsNotItsPublicKeysIsDropped() {
    // Validly signed by K1 with K1's key, but nodeId claims K2.
    SignedMessage genuine = temperature(k1, DataTemperature.FROZEN);
    SignedMessage claimed =
        new SignedMessage(
            genuine.payload(),
            genuine.timestamp(),
            k2.nodeId(),
            k1.publicKey(),
            genuine.signature(),
            null);

    assertDroppedThenServes(
        binary(claimed),
        "key_mismatch",
        binary(temperature(k1, DataTemperature.WARM)),
        DataTemperature.WARM);
  }

  @Test
  void aMessageWhoseSenderIsNotTheSignerIsDropped() {
    SignedMessage m =
        MessageSigning.sign(
            k1,
            WSMessage.of(
                new BlockTemperatureUpdate(BLOCK, DataTemperature.FROZEN), now(), k2.nodeId()));

    assertDroppedThenServes(
        binary(m),
        "sender_mismatch",
        binary(temperature(k1, DataTemperature.WARM)),
        DataTemperature.WARM);
  }

  @Test
  void malformedProtobufBytesAreDropped() {
    byte[][] garbage = {
      {0x0a, (byte) 0xff, 0x01}, // length runs past the end
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
      {}, // an empty message: every required field missing
      "{\"not\":\"protobuf\"}".getBytes(StandardCharsets.UTF_8),
    };
    DataTemperature[] next = {
      DataTemperature.COLD, DataTemperature.WARM, DataTemperature.FROZEN, DataTemperature.HOT
    };
    for (int i = 0; i < garbage.length; i++) {
      net.vs.advance(Duration.ofMillis(1));
      assertDroppedThenServes(
          Frame.binary(garbage[i]),
          "malformed binary frame",
          binary(temperature(k1, next[i])),
          next[i]);
      baseline = node.metadata(BLOCK).orElseThrow();
    }
  }

  @Test
  void malformedJsonTextIsDropped() {
    String[] garbage = {
      "{\"payload\": ", "not json at all", "[1,2,3]", "{}", "{\"payload\":{},\"timestamp\":-1}",
    };
    DataTemperature[] next = {
      DataTemperature.COLD,
      DataTemperature.WARM,
      DataTemperature.FROZEN,
      DataTemperature.HOT,
      DataTemperature.COLD
    };
    for (int i = 0; i < garbage.length; i++) {
      net.vs.advance(Duration.ofMillis(1));
      assertDroppedThenServes(
          Frame.text(garbage[i]), "malformed text frame", text(temperature(k1, next[i])), next[i]);
      baseline = node.metadata(BLOCK).orElseThrow();
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8IsDropped() {
    Frame notUtf8 = new Frame(Frame.Type.TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});

    assertDroppedThenServes(
        notUtf8, "malformed", text(temperature(k1, DataTemperature.COLD)), DataTemperature.COLD);
  }

  @Test
  void aMessageAddressedToAnotherNodeIsDropped() {
    WSMessage payload =
        WSMessage.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.FROZEN), now(), k1.nodeId());
    SignedMessage toOther =
        MessageSigning.sign(k1, MessageSigning.EVENT_PURPOSE, payload, now(), k2.nodeId());
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(toOther), "validly signed");

    net.vs.advance(Duration.ofMillis(1));
    // The same event addressed to this node is fine.
    WSMessage again =
        WSMessage.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.COLD), now(), k1.nodeId());
    SignedMessage toNode =
        MessageSigning.sign(k1, MessageSigning.EVENT_PURPOSE, again, now(), node.nodeId());

    assertDroppedThenServes(
        binary(toOther), "addressed to another node", binary(toNode), DataTemperature.COLD);
  }

  @Test
  void aReplayedMessageIsIgnoredWithoutBeingCountedAsBad() {
    SignedMessage m = temperature(k1, DataTemperature.COLD);
    send(binary(m));
    BlockMetadata applied = node.metadata(BLOCK).orElseThrow();
    long failed = node.metrics().operations().failed();
    int received = listener.received.size();
    net.vs.advance(Duration.ofSeconds(1));

    send(binary(m));
    send(text(m));

    assertEquals(applied, node.metadata(BLOCK).orElseThrow());
    assertEquals(received, listener.received.size());
    assertEquals(failed, node.metrics().operations().failed());
    assertTrue(listener.rejected.isEmpty());
  }

  @Test
  void aStaleButValidMessageDoesNotOverwriteNewerMetadata() {
    long old = now() - 1000;
    SignedMessage stale =
        MessageSigning.sign(
            k1,
            MessageSigning.EVENT_PURPOSE,
            WSMessage.of(
                new BlockTemperatureUpdate(BLOCK, DataTemperature.FROZEN), old, k1.nodeId()),
            old,
            null);

    send(binary(stale));

    assertEquals(baseline, node.metadata(BLOCK).orElseThrow(), "last writer wins");
    NodeId by = node.metadata(BLOCK).orElseThrow().updatedBy();
    assertEquals(k1.nodeId(), by);
  }
}
