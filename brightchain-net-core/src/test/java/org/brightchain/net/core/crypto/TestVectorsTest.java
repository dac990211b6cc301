package org.brightchain.net.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.internal.Hex;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of {@code docs/protocol.md}, section "Test vectors". Every expected value here
 * is copied verbatim into that document; if this test fails, either the code drifted from the
 * published protocol or the document must be updated together with the protocol version.
 */
class TestVectorsTest {

  // ------------------------------------------------------------------ keys

  /** Private key A: the scalar 1. */
  static final String KEY_A = "0000000000000000000000000000000000000000000000000000000000000001";

  /** Private key B: SHA-256 of the UTF-8 text "brightchain test vector". */
  static final String KEY_B = "ffdca5ed41409643258863a4db760897396af48819da3e7c4c8fabc249d1a742";

  static final String PUB_A = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  static final String ID_A = "0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554";
  static final String PUB_B = "020905be2f120ebdeb9614dbd136c0037bd03ccbc7fd666abcd512d5160aed685e";
  static final String ID_B = "e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6";

  /** SHA3-512 of the UTF-8 text "brightchain test block". */
  static final String BLOCK =
      "d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7"
          + "f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62";

  static final long T = 1764000000000L;

  static final NodeIdentity A = identity(KEY_A);
  static final NodeIdentity B = identity(KEY_B);

  // ------------------------------------------------------------------ vector 1

  static final String V1_SIGNED =
      "{\"nodeId\":\""
          + ID_A
          + "\",\"payload\":{\"data\":{\"blockId\":\""
          + BLOCK
          + "\",\"temperature\":\"hot\"},\"sender\":\""
          + ID_A
          + "\",\"timestamp\":1764000000000,\"type\":\"block:temperature\"},"
          + "\"purpose\":\"brightchain-net/event/v1\",\"timestamp\":1764000000000}";
  static final String V1_ID = "fc5ecfdb52872cbed6e10d038667af92f5f664e3a8f5b5d3adbffe9fee5b5e5a";
  static final String V1_SIG =
      "34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e"
          + "737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c";
  static final String V1_SIG_DER =
      "3044022034ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e"
          + "0220737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c";
  static final String V1_SIG_HIGH_S =
      "34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e"
          + "8c8282f0e26b38f49e38843f29411116773908bc8d379a23bd56c7ea7b661b05";
  static final String V1_TEXT_FRAME =
      "{\"payload\":{\"type\":\"block:temperature\",\"data\":{\"blockId\":\""
          + BLOCK
          + "\",\"temperature\":\"hot\"},\"timestamp\":1764000000000,\"sender\":\""
          + ID_A
          + "\"},\"timestamp\":1764000000000,\"nodeId\":\""
          + ID_A
          + "\",\"publicKey\":\""
          + PUB_A
          + "\",\"signature\":\""
          + V1_SIG
          + "\"}";
  static final String V1_BINARY_FRAME =
      "0a6f0880d0dfb4ab3312200f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554"
          + "6a440a40d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea6"
          + "1c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db6210011080d0dfb4ab331a200f715b"
          + "af5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b055422210279be667ef9dcbbac55"
          + "a06295ce870b07029bfcdb2dce28d959f2815b16f817982a4034ce885bd9cf9ce6810de30be731144e"
          + "ebafc90bf63aa2968869dece40387d7e737d7d0f1d94c70b61c77bc0d6beeee84375d42a2211061802"
          + "7b96a254d0263c";

  // ------------------------------------------------------------------ vector 2

  static final String V2_SIGNED =
      "{\"nodeId\":\""
          + ID_B
          + "\",\"payload\":{\"data\":{\"blockId\":\""
          + BLOCK
          + "\",\"temperature\":\"hot\"},\"sender\":\""
          + ID_B
          + "\",\"timestamp\":1764000000000,\"type\":\"block:temperature\"},"
          + "\"purpose\":\"brightchain-net/event/v1\",\"timestamp\":1764000000000}";
  static final String V2_ID = "cebf94ed1352b3350ce2b30a287a21588c317420d6920632a91c2d89c1f0504c";
  static final String V2_SIG =
      "3ae6a2565ee4c48c1d4a27c270da49aa87207ff888dafe8cfc1d772db8c977f4"
          + "27b2f1ce5799748d6803c2dc1b2edacd66af1540fac94c5dd96453c1d0503244";

  // ------------------------------------------------------------------ vector 3 (recipient)

  static final String V3_SIGNED =
      "{\"nodeId\":\""
          + ID_B
          + "\",\"payload\":{\"data\":{\"nonce\":9007199254740991},"
          + "\"sender\":\""
          + ID_B
          + "\",\"timestamp\":1764000000001,\"type\":\"system:pong\"},"
          + "\"purpose\":\"brightchain-net/event/v1\",\"recipient\":\""
          + ID_A
          + "\",\"timestamp\":1764000000001}";
  static final String V3_ID = "75530bd8fd9c8c83381b22f7d831dc274ebbee852a71f11e7c070d7010a8ffa7";
  static final String V3_SIG =
      "7ba910d26af437cfd19d69ee11f0ad997716bc911003cb6609e6f932253f3947"
          + "3eca93197cc37275708b6416b1970fd4b7532dcd1fbbfa8bdc70d3831377fd06";
  static final String V3_TEXT_FRAME =
      "{\"payload\":{\"type\":\"system:pong\",\"data\":{\"nonce\":9007199254740991},"
          + "\"timestamp\":1764000000001,\"sender\":\""
          + ID_B
          + "\"},\"timestamp\":1764000000001,"
          + "\"nodeId\":\""
          + ID_B
          + "\",\"recipient\":\""
          + ID_A
          + "\",\"publicKey\":\""
          + PUB_B
          + "\",\"signature\":\""
          + V3_SIG
          + "\"}";

  // ------------------------------------------------------------------ vector 4 (announce)

  static final String V4_SIGNED =
      "{\"nodeId\":\""
          + ID_A
          + "\",\"payload\":{\"data\":{\"address\":\"\","
          + "\"capabilities\":[\"routing\",\"metadata\",\"temperature\"],\"httpPort\":4242,"
          + "\"nodeId\":\""
          + ID_A
          + "\",\"region\":\"eu-west\",\"version\":\"0.1.0\","
          + "\"wsPort\":4242},\"sender\":\""
          + ID_A
          + "\",\"timestamp\":1764000000002,"
          + "\"type\":\"node:announce\"},\"purpose\":\"brightchain-net/event/v1\","
          + "\"timestamp\":1764000000002}";
  static final String V4_ID = "08a93d5f888f8e043f811e5fa66f7b82a5c6484aa62801f13bdb1160f1883b17";
  static final String V4_SIG =
      "61195a412a48fe78f0fc410d4276b2f9909f8753bd7fccbd9397dd5401ca42d7"
          + "62e526f217776df641d042ef6cd057767c1d62c8192de944b5f1720ef8238351";

  // ------------------------------------------------------------------ vector 5 (escaping)

  /** The reason text: quotes, backslash, a slash, controls, and characters beyond ASCII. */
  static final String V5_REASON = "bye \"now\" \\ </x>\n\t\u0001 \u00e9 \u20ac \ud83d\ude00 \u2028";

  static final String V5_SIGNED =
      "{\"nodeId\":\""
          + ID_B
          + "\",\"payload\":{\"data\":{\"nodeId\":\""
          + ID_B
          + "\","
          + "\"reason\":\"bye \\\"now\\\" \\\\ </x>\\n\\t\\u0001 \u00e9 \u20ac \ud83d\ude00 \u2028\"},"
          + "\"sender\":\""
          + ID_B
          + "\",\"timestamp\":1764000000003,\"type\":\"node:leave\"},"
          + "\"purpose\":\"brightchain-net/event/v1\",\"timestamp\":1764000000003}";

  /** The reason as it appears in the signed bytes, as UTF-8 hex. */
  static final String V5_REASON_BYTES =
      "627965205c226e6f775c22205c5c203c2f783e5c6e5c745c753030303120c3a920e282ac20f09f988020e280a8";

  static final String V5_ID = "de82458d2b27994d459200df23b5a1917f833438365ffb420cc7e284ae863a58";
  static final String V5_SIG =
      "66327ac30349fdd0a2e1158b205f6681f25daaeb9597e9e09b3d416daabdbb26"
          + "3a270b606b81fc07f23f729929f3c895dda8d3d5c29b0c68885f246c0ad468ae";

  // ------------------------------------------------------------------ tests

  @Test
  void keysAndNodeIds() {
    assertEquals(PUB_A, HexFormat.of().formatHex(A.publicKey()));
    assertEquals(ID_A, A.nodeId().hex());
    assertEquals(PUB_B, HexFormat.of().formatHex(B.publicKey()));
    assertEquals(ID_B, B.nodeId().hex());
    assertEquals(
        KEY_B,
        HexFormat.of()
            .formatHex(sha256("brightchain test vector".getBytes(StandardCharsets.UTF_8))));
    assertEquals(ID_A, HexFormat.of().formatHex(sha256(Hex.decode(PUB_A))));
    assertEquals(
        BLOCK,
        HexFormat.of()
            .formatHex(sha3_512("brightchain test block".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void vector1_blockTemperature() {
    SignedMessage m = v1();
    check(m, V1_SIGNED, V1_ID, V1_SIG);
    assertEquals(V1_TEXT_FRAME, JsonCodec.toJson(m));
    assertEquals(V1_BINARY_FRAME, HexFormat.of().formatHex(ProtoCodec.encode(m)));
  }

  @Test
  void vector2_sameEventOtherSigner() {
    SignedMessage m =
        MessageSigning.sign(
            B,
            WSMessage.of(new BlockTemperatureUpdate(block(), DataTemperature.HOT), T, B.nodeId()));
    check(m, V2_SIGNED, V2_ID, V2_SIG);
  }

  @Test
  void vector3_withRecipient() {
    SignedMessage m = v3();
    check(m, V3_SIGNED, V3_ID, V3_SIG);
    assertEquals(V3_TEXT_FRAME, JsonCodec.toJson(m));
    // The recipient is covered by the signature.
    SignedMessage readdressed =
        new SignedMessage(
            m.payload(), m.timestamp(), m.nodeId(), m.publicKey(), m.signature(), null);
    assertEquals(MessageSigning.Verdict.BAD_SIGNATURE, MessageSigning.verify(readdressed));
  }

  /** SHA-256 of the UTF-8 text "brightchain test challenge". */
  static String challenge6() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest("brightchain test challenge".getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static final String V6_SIGNED =
      "{\"nodeId\":\"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554\",\"payload\":{\"data\":{\"challenge\":\"3df4597f8cd889cf2ba2fd0cdff4b70eda4314129a4e3cf255e1f0a78debce45\",\"peer\":\"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6\"},\"sender\":\"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554\",\"timestamp\":1764000000005,\"type\":\"system:auth\"},\"purpose\":\"brightchain-net/auth/v1\",\"recipient\":\"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6\",\"timestamp\":1764000000005}";
  static final String V6_ID = "8f105c83d8caff3671c00056f68e14dcb051118bc5f7ec475a62a27d6cd9ebea";
  static final String V6_SIG =
      "fb8cf760332d7982f849d6568aeb857d2245425330b4b1e3705dd303292c643730eb2bf305e74f8673184b95b620f09a5c3ef7d7c186a26494734623aeb7af29";

  @Test
  void vector6_proofOfKey() {
    AuthProof proof = new AuthProof(challenge6(), B.nodeId());
    SignedMessage m =
        MessageSigning.sign(
            A,
            MessageSigning.AUTH_PURPOSE,
            WSMessage.of(proof, T + 5, A.nodeId()),
            T + 5,
            B.nodeId());
    byte[] bytes = MessageSigning.signedBytes(m, MessageSigning.AUTH_PURPOSE);
    assertEquals(V6_SIGNED, new String(bytes, StandardCharsets.UTF_8), "signed bytes");
    assertEquals(V6_ID, HexFormat.of().formatHex(MessageSigning.messageId(bytes)), "message id");
    assertEquals(V6_SIG, HexFormat.of().formatHex(m.signature()), "signature");
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
    assertEquals(
        MessageSigning.Verdict.BAD_SIGNATURE,
        MessageSigning.verify(m, MessageSigning.EVENT_PURPOSE),
        "not an event");
  }

  @Test
  void vector4_nodeAnnounce() {
    NodeAnnounce announce =
        new NodeAnnounce(
            A.nodeId(),
            "",
            4242,
            4242,
            new LinkedHashSet<>(List.of("routing", "metadata", "temperature")),
            "0.1.0",
            "eu-west");
    SignedMessage m = MessageSigning.sign(A, WSMessage.of(announce, T + 2, A.nodeId()));
    check(m, V4_SIGNED, V4_ID, V4_SIG);
  }

  @Test
  void vector5_stringEscaping() {
    SignedMessage m =
        MessageSigning.sign(
            B, WSMessage.of(new NodeLeave(B.nodeId(), V5_REASON), T + 3, B.nodeId()));
    check(m, V5_SIGNED, V5_ID, V5_SIG);
    String signed =
        new String(
            MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE), StandardCharsets.UTF_8);
    assertTrue(
        HexFormat.of().formatHex(signed.getBytes(StandardCharsets.UTF_8)).contains(V5_REASON_BYTES),
        "the escaped reason appears in the signed bytes as documented");
  }

  @Test
  void textFramesDecodeAndVerify() throws Exception {
    for (String frame : List.of(V1_TEXT_FRAME, V3_TEXT_FRAME)) {
      SignedMessage m = JsonCodec.fromJson(frame, SignedMessage.class);
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
    }
    assertEquals(v1(), JsonCodec.fromJson(V1_TEXT_FRAME, SignedMessage.class));
    assertEquals(v3(), JsonCodec.fromJson(V3_TEXT_FRAME, SignedMessage.class));
    // Key order and white space in a frame do not matter: the signed bytes are canonical.
    String reordered =
        "{ \"signature\": \""
            + V1_SIG
            + "\", \"publicKey\": \""
            + PUB_A
            + "\", \"nodeId\": \""
            + ID_A
            + "\", \"timestamp\": 1764000000000, \"payload\": { \"sender\": \""
            + ID_A
            + "\", \"timestamp\": 1764000000000, \"data\": { \"temperature\": \"hot\", "
            + "\"blockId\": \""
            + BLOCK
            + "\" }, \"type\": \"block:temperature\" } }";
    assertEquals(
        MessageSigning.Verdict.VALID,
        MessageSigning.verify(JsonCodec.fromJson(reordered, SignedMessage.class)));
  }

  @Test
  void binaryFrameDecodesAndVerifies() throws Exception {
    SignedMessage m = ProtoCodec.decodeSignedMessage(Hex.decode(V1_BINARY_FRAME));
    assertEquals(v1(), m);
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
  }

  @Test
  void signatureEncodings() {
    byte[] signed = V1_SIGNED.getBytes(StandardCharsets.UTF_8);
    Secp256k1Scheme scheme = Secp256k1Scheme.instance();
    assertTrue(scheme.verify(Hex.decode(PUB_A), signed, Hex.decode(V1_SIG)), "64-byte r||s");
    assertTrue(scheme.verify(Hex.decode(PUB_A), signed, Hex.decode(V1_SIG_DER)), "DER accepted");
    assertFalse(
        scheme.verify(Hex.decode(PUB_A), signed, Hex.decode(V1_SIG_HIGH_S)), "high-S refused");
    SignedMessage m = v1();
    SignedMessage highS =
        new SignedMessage(
            m.payload(), m.timestamp(), m.nodeId(), m.publicKey(), Hex.decode(V1_SIG_HIGH_S), null);
    assertEquals(MessageSigning.Verdict.BAD_SIGNATURE, MessageSigning.verify(highS));
  }

  @Test
  void tamperingIsDetected() {
    SignedMessage m = v1();
    SignedMessage later =
        new SignedMessage(
            m.payload(), m.timestamp() + 1, m.nodeId(), m.publicKey(), m.signature(), null);
    assertEquals(MessageSigning.Verdict.BAD_SIGNATURE, MessageSigning.verify(later));
    SignedMessage otherKey =
        new SignedMessage(
            m.payload(), m.timestamp(), m.nodeId(), B.publicKey(), m.signature(), null);
    assertEquals(MessageSigning.Verdict.KEY_MISMATCH, MessageSigning.verify(otherKey));
    SignedMessage otherSender =
        new SignedMessage(
            WSMessage.of(m.payload().data(), T, B.nodeId()),
            m.timestamp(),
            m.nodeId(),
            m.publicKey(),
            m.signature(),
            null);
    assertEquals(MessageSigning.Verdict.SENDER_MISMATCH, MessageSigning.verify(otherSender));
  }

  // ------------------------------------------------------------------ helpers

  private static SignedMessage v1() {
    return MessageSigning.sign(
        A, WSMessage.of(new BlockTemperatureUpdate(block(), DataTemperature.HOT), T, A.nodeId()));
  }

  private static SignedMessage v3() {
    return MessageSigning.sign(
        B,
        MessageSigning.EVENT_PURPOSE,
        WSMessage.of(new Pong(WSMessage.MAX_SAFE_INTEGER), T + 1, B.nodeId()),
        T + 1,
        NodeId.of(ID_A));
  }

  private static void check(SignedMessage m, String signed, String id, String signature) {
    byte[] bytes = MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE);
    assertEquals(signed, new String(bytes, StandardCharsets.UTF_8), "signed bytes");
    assertArrayEquals(signed.getBytes(StandardCharsets.UTF_8), bytes);
    assertEquals(id, HexFormat.of().formatHex(MessageSigning.messageId(bytes)), "message id");
    assertEquals(signature, HexFormat.of().formatHex(m.signature()), "signature");
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
  }

  private static BlockId block() {
    return new BlockId(BLOCK);
  }

  private static NodeIdentity identity(String privateKeyHex) {
    return NodeIdentity.fromPrivateKey(SignatureSchemes.secp256k1(), Hex.decode(privateKeyHex));
  }

  private static byte[] sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  private static byte[] sha3_512(byte[] data) {
    return digest("SHA3-512", data);
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
