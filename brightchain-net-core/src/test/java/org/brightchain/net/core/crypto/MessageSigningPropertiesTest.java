package org.brightchain.net.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.MessageSigning.Verdict;
import org.brightchain.net.core.internal.wire.ContractArbitraries;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;

/** A signature verifies if and only if the bytes it was made over are unchanged. */
class MessageSigningPropertiesTest {

  /** A fixed pool of signers: secp256k1 (BrightChain's) and Ed25519. */
  private static final List<NodeIdentity> SIGNERS =
      List.of(
          identity(SignatureSchemes.secp256k1(), "a"),
          identity(SignatureSchemes.secp256k1(), "b"),
          identity(SignatureSchemes.secp256k1(), "c"),
          identity(SignatureSchemes.secp256k1(), "d"),
          identity(SignatureSchemes.ed25519(), "e"),
          identity(SignatureSchemes.ed25519(), "f"));

  private static NodeIdentity identity(
      org.brightchain.net.spi.SignatureScheme scheme, String seed) {
    return NodeIdentity.fromPrivateKey(
        scheme, Secp256k1Scheme.sha256(("signer " + seed).getBytes(StandardCharsets.UTF_8)));
  }

  /** The fields of a signed message a test may change. */
  enum Field {
    TIMESTAMP,
    PAYLOAD_TIMESTAMP,
    PAYLOAD_DATA,
    RECIPIENT,
    SENDER,
    NODE_ID
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<NodeIdentity> signers() {
    return Arbitraries.of(SIGNERS);
  }

  @Provide
  Arbitrary<Long> timestamps() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, WSMessage.MAX_SAFE_INTEGER),
        Arbitraries.longs().between(1_700_000_000_000L, 1_800_000_000_000L));
  }

  private static Arbitrary<BlockId> blockIds() {
    return Arbitraries.of(64, 128)
        .flatMap(n -> Arbitraries.strings().withChars("0123456789abcdef").ofLength(n))
        .map(BlockId::new);
  }

  private static Arbitrary<NodeId> nodeIds() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(NodeId::new);
  }

  @Provide
  Arbitrary<EventPayload> payloads() {
    Arbitrary<EventPayload> temperature =
        Combinators.combine(blockIds(), Arbitraries.of(DataTemperature.class))
            .as(BlockTemperatureUpdate::new);
    Arbitrary<EventPayload> location =
        Combinators.combine(
                blockIds(),
                nodeIds(),
                Arbitraries.longs().between(0, 4_000_000_000_000L),
                Arbitraries.of(true, false),
                Arbitraries.of(BlockLocationUpdate.Action.class))
            .as(
                (b, n, t, auth, action) ->
                    new BlockLocationUpdate(
                        b, BlockLocation.of(n, Instant.ofEpochMilli(t), auth), action));
    Arbitrary<EventPayload> leave =
        Combinators.combine(nodeIds(), Arbitraries.strings().ofMaxLength(40)).as(NodeLeave::new);
    Arbitrary<EventPayload> ping =
        Arbitraries.longs().between(0, WSMessage.MAX_SAFE_INTEGER).map(Ping::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, temperature),
        net.jqwik.api.Tuple.of(2, location),
        net.jqwik.api.Tuple.of(1, leave),
        net.jqwik.api.Tuple.of(1, ping));
  }

  @Provide
  Arbitrary<NodeId> recipients() {
    return Arbitraries.oneOf(nodeIds(), Arbitraries.of(SIGNERS).map(NodeIdentity::nodeId))
        .injectNull(0.4);
  }

  // ------------------------------------------------------------------ helpers

  private static SignedMessage signed(
      NodeIdentity signer, EventPayload data, long payloadTs, long ts, NodeId recipient) {
    return MessageSigning.sign(
        signer,
        MessageSigning.EVENT_PURPOSE,
        WSMessage.of(data, payloadTs, signer.nodeId()),
        ts,
        recipient);
  }

  private static SignedMessage copy(
      SignedMessage m,
      WSMessage payload,
      long ts,
      NodeId nodeId,
      byte[] publicKey,
      NodeId recipient) {
    return new SignedMessage(payload, ts, nodeId, publicKey, m.signature(), recipient);
  }

  private static long otherTimestamp(long ts) {
    return ts ^ 1;
  }

  /** A payload of the same type as {@code data} with different content. */
  private static EventPayload changed(EventPayload data) {
    if (data instanceof BlockTemperatureUpdate t) {
      DataTemperature[] all = DataTemperature.values();
      return new BlockTemperatureUpdate(
          t.blockId(), all[(t.temperature().ordinal() + 1) % all.length]);
    } else if (data instanceof BlockLocationUpdate l) {
      return new BlockLocationUpdate(
          l.blockId(),
          l.location(),
          l.action() == BlockLocationUpdate.Action.ADD
              ? BlockLocationUpdate.Action.REMOVE
              : BlockLocationUpdate.Action.ADD);
    } else if (data instanceof NodeLeave leave) {
      return new NodeLeave(leave.nodeId(), leave.reason() + "!");
    } else if (data instanceof Ping p) {
      return new Ping(p.nonce() ^ 1);
    }
    throw new AssertionError(data);
  }

  private static NodeId otherNodeId(NodeId id) {
    char[] c = id.hex().toCharArray();
    c[0] = c[0] == '0' ? '1' : '0';
    return new NodeId(new String(c));
  }

  private static SignedMessage change(SignedMessage m, Field field, NodeIdentity other) {
    WSMessage p = m.payload();
    return switch (field) {
      case TIMESTAMP ->
          copy(m, p, otherTimestamp(m.timestamp()), m.nodeId(), m.publicKey(), m.recipient());
      case PAYLOAD_TIMESTAMP ->
          copy(
              m,
              new WSMessage(p.type(), p.data(), otherTimestamp(p.timestamp()), p.sender()),
              m.timestamp(),
              m.nodeId(),
              m.publicKey(),
              m.recipient());
      case PAYLOAD_DATA ->
          copy(
              m,
              new WSMessage(p.type(), changed(p.data()), p.timestamp(), p.sender()),
              m.timestamp(),
              m.nodeId(),
              m.publicKey(),
              m.recipient());
      case RECIPIENT ->
          copy(
              m,
              p,
              m.timestamp(),
              m.nodeId(),
              m.publicKey(),
              m.recipient() == null
                  ? other.nodeId()
                  : m.recipient().equals(other.nodeId()) ? null : other.nodeId());
      case SENDER ->
          copy(
              m,
              new WSMessage(p.type(), p.data(), p.timestamp(), otherNodeId(p.sender())),
              m.timestamp(),
              m.nodeId(),
              m.publicKey(),
              m.recipient());
      case NODE_ID ->
          copy(m, p, m.timestamp(), otherNodeId(m.nodeId()), m.publicKey(), m.recipient());
    };
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 100)
  void anUnchangedSignedMessageIsValid(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long payloadTs,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient) {
    SignedMessage m = signed(signer, data, payloadTs, ts, recipient);

    assertEquals(Verdict.VALID, MessageSigning.verify(m));
    assertEquals(signer.nodeId(), m.nodeId());
    assertArrayEquals(signer.publicKey(), m.publicKey());
  }

  @Property(tries = 100)
  void aMessageStaysValidThroughProtobufAndJson(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient)
      throws Exception {
    SignedMessage m = signed(signer, data, ts, ts, recipient);

    SignedMessage viaProto = ProtoCodec.decodeSignedMessage(ProtoCodec.encode(m));
    SignedMessage viaJson = JsonCodec.fromJson(JsonCodec.toJsonBytes(m), SignedMessage.class);

    assertEquals(Verdict.VALID, MessageSigning.verify(viaProto));
    assertEquals(Verdict.VALID, MessageSigning.verify(viaJson));
    assertArrayEquals(
        MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE),
        MessageSigning.signedBytes(viaJson, MessageSigning.EVENT_PURPOSE));
  }

  /**
   * Every kind of payload, metadata with versions, batches and reconciliation steps included: the
   * signed bytes are the same after a trip through either codec.
   */
  @Property(tries = 300)
  void anyPayloadStaysValidThroughProtobufAndJson(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("anyPayloads") EventPayload data,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient)
      throws Exception {
    String purpose = MessageSigning.purposeFor(data.type());
    SignedMessage m =
        MessageSigning.sign(
            signer, purpose, WSMessage.of(data, ts, signer.nodeId()), ts, recipient);
    byte[] bytes = MessageSigning.signedBytes(m, purpose);

    SignedMessage viaProto = ProtoCodec.decodeSignedMessage(ProtoCodec.encode(m));
    SignedMessage viaJson = JsonCodec.fromJson(JsonCodec.toJsonBytes(m), SignedMessage.class);
    SignedMessage viaBoth =
        ProtoCodec.decodeSignedMessage(
            ProtoCodec.encode(JsonCodec.fromJson(JsonCodec.toJson(viaProto), SignedMessage.class)));

    for (SignedMessage received : List.of(viaProto, viaJson, viaBoth)) {
      assertEquals(Verdict.VALID, MessageSigning.verify(received));
      assertArrayEquals(bytes, MessageSigning.signedBytes(received, purpose));
    }
  }

  @Provide
  Arbitrary<EventPayload> anyPayloads() {
    return ContractArbitraries.eventPayloads();
  }

  @Property(tries = 200)
  void changingAnyOneFieldMakesTheMessageInvalid(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("signers") NodeIdentity other,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long payloadTs,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient,
      @ForAll Field field) {
    SignedMessage m = signed(signer, data, payloadTs, ts, recipient);

    SignedMessage tampered = change(m, field, other);

    assertFalse(
        Arrays.equals(
            MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE),
            MessageSigning.signedBytes(tampered, MessageSigning.EVENT_PURPOSE)),
        "the change must change the signed bytes");
    Verdict verdict = MessageSigning.verify(tampered);
    assertNotEquals(Verdict.VALID, verdict, field.name());
    Verdict expected =
        switch (field) {
          case NODE_ID -> Verdict.KEY_MISMATCH;
          case SENDER -> Verdict.SENDER_MISMATCH;
          default -> Verdict.BAD_SIGNATURE;
        };
    assertEquals(expected, verdict, field.name());
  }

  @Property(tries = 100)
  void aSignatureForOnePurposeIsWorthlessForAnother(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long ts) {
    SignedMessage m = signed(signer, data, ts, ts, null);

    assertEquals(Verdict.BAD_SIGNATURE, MessageSigning.verify(m, "brightchain-net/other/v1"));
  }

  @Property(tries = 100)
  void swappingThePublicKeyForAnotherIsAKeyMismatch(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("signers") NodeIdentity other,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient) {
    Assume.that(!signer.equals(other));
    SignedMessage m = signed(signer, data, ts, ts, recipient);

    SignedMessage swapped =
        copy(m, m.payload(), m.timestamp(), m.nodeId(), other.publicKey(), m.recipient());

    assertEquals(Verdict.KEY_MISMATCH, MessageSigning.verify(swapped));
  }

  @Property(tries = 100)
  void claimingAnotherKeysIdentityWithoutItsSignatureIsABadSignature(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("signers") NodeIdentity claimed,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient) {
    Assume.that(!signer.equals(claimed));
    // Everything says "claimed" (nodeId, publicKey, sender), but the signer made the signature.
    WSMessage payload = WSMessage.of(data, ts, claimed.nodeId());
    byte[] bytes =
        MessageSigning.signedBytes(
            MessageSigning.EVENT_PURPOSE, payload, ts, claimed.nodeId(), recipient);
    SignedMessage forged =
        new SignedMessage(
            payload, ts, claimed.nodeId(), claimed.publicKey(), signer.sign(bytes), recipient);

    assertEquals(Verdict.BAD_SIGNATURE, MessageSigning.verify(forged));
    // The same bytes signed by the claimed key verify: the signature is the only thing wrong.
    SignedMessage genuine =
        new SignedMessage(
            payload, ts, claimed.nodeId(), claimed.publicKey(), claimed.sign(bytes), recipient);
    assertEquals(Verdict.VALID, MessageSigning.verify(genuine));
  }

  @Property(tries = 100)
  void aPayloadSentByAnotherNodeThanTheSignerIsASenderMismatch(
      @ForAll("signers") NodeIdentity signer,
      @ForAll("signers") NodeIdentity sender,
      @ForAll("payloads") EventPayload data,
      @ForAll("timestamps") long ts,
      @ForAll("recipients") NodeId recipient) {
    Assume.that(!signer.equals(sender));

    SignedMessage m =
        MessageSigning.sign(
            signer,
            MessageSigning.EVENT_PURPOSE,
            WSMessage.of(data, ts, sender.nodeId()),
            ts,
            recipient);

    assertEquals(signer.nodeId(), m.nodeId());
    assertEquals(Verdict.SENDER_MISMATCH, MessageSigning.verify(m));
  }
}
