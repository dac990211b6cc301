package org.brightchain.net.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.SignatureScheme;

/**
 * Signing and checking {@link SignedMessage}s.
 *
 * <p>The signed bytes are the UTF-8 of the canonical JSON (see {@link Json#writeCanonical}) of this
 * object:
 *
 * <pre>{@code
 * {"nodeId": <signer id hex>, "payload": <WSMessage JSON>, "purpose": <purpose>,
 *  "recipient": <recipient id hex, omitted when absent>, "timestamp": <ms>}
 * }</pre>
 *
 * <p>The purpose string binds a signature to one use, so a signature made for one context is
 * worthless in another; events on the WebSocket channel use {@link #EVENT_PURPOSE}. Because the
 * bytes are derived from the decoded message and not from the frame, a message signed once can be
 * relayed as protobuf or JSON unchanged. {@code docs/protocol.md} has test vectors.
 */
public final class MessageSigning {

  /** Purpose of every event on the node-to-node WebSocket channel. */
  public static final String EVENT_PURPOSE = "brightchain-net/event/v1";

  /**
   * Purpose of {@code system:auth}, the answer to a connection's challenge: a proof of key made for
   * a handshake cannot pass for an event, nor the reverse.
   */
  public static final String AUTH_PURPOSE = "brightchain-net/auth/v1";

  /** The purpose messages of {@code type} are signed for. */
  public static String purposeFor(WSEventType type) {
    return type == WSEventType.AUTH ? AUTH_PURPOSE : EVENT_PURPOSE;
  }

  private MessageSigning() {}

  /** The exact bytes a signature covers. */
  public static byte[] signedBytes(
      String purpose, WSMessage payload, long timestamp, NodeId nodeId, NodeId recipient) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("purpose", purpose);
    o.put("payload", JsonCodec.toTree(payload));
    o.put("timestamp", timestamp);
    o.put("nodeId", nodeId.hex());
    if (recipient != null) {
      o.put("recipient", recipient.hex());
    }
    return Json.writeCanonical(o).getBytes(StandardCharsets.UTF_8);
  }

  /** Signs {@code payload} as {@code identity} for the purpose of its type, for any recipient. */
  public static SignedMessage sign(NodeIdentity identity, WSMessage payload) {
    return sign(identity, purposeFor(payload.type()), payload, payload.timestamp(), null);
  }

  /** Signs {@code payload} as {@code identity}. */
  public static SignedMessage sign(
      NodeIdentity identity, String purpose, WSMessage payload, long timestamp, NodeId recipient) {
    byte[] bytes = signedBytes(purpose, payload, timestamp, identity.nodeId(), recipient);
    return new SignedMessage(
        payload,
        timestamp,
        identity.nodeId(),
        identity.publicKey(),
        identity.sign(bytes),
        recipient);
  }

  /** Checks a message made for the purpose of its type ({@link #purposeFor}). */
  public static Verdict verify(SignedMessage message) {
    return verify(message, purposeFor(message.payload().type()));
  }

  /**
   * Checks, in this order, that the message's {@code nodeId} is the hash of its public key, that
   * the payload's sender is that node, and that the signature verifies over the signed bytes.
   */
  public static Verdict verify(SignedMessage message, String purpose) {
    return verify(message, signedBytes(message, purpose));
  }

  /**
   * Like {@link #verify(SignedMessage, String)}, with the signed bytes already computed by {@link
   * #signedBytes(SignedMessage, String)}.
   */
  public static Verdict verify(SignedMessage message, byte[] signedBytes) {
    byte[] key = message.publicKey();
    if (!NodeId.fromPublicKey(key).equals(message.nodeId())) {
      return Verdict.KEY_MISMATCH;
    }
    if (!message.payload().sender().equals(message.nodeId())) {
      return Verdict.SENDER_MISMATCH;
    }
    return verifySignature(message, signedBytes);
  }

  private static Verdict verifySignature(SignedMessage message, byte[] signedBytes) {
    byte[] key = message.publicKey();
    SignatureScheme scheme = SignatureSchemes.forPublicKey(key);
    if (scheme == null) {
      return Verdict.UNKNOWN_SCHEME;
    }
    return scheme.verify(key, signedBytes, message.signature())
        ? Verdict.VALID
        : Verdict.BAD_SIGNATURE;
  }

  /** The bytes {@code message}'s signature covers, for {@code purpose}. */
  public static byte[] signedBytes(SignedMessage message, String purpose) {
    return signedBytes(
        purpose, message.payload(), message.timestamp(), message.nodeId(), message.recipient());
  }

  /** SHA-256 of signed bytes: a message's identity for de-duplication. */
  public static byte[] messageId(byte[] signedBytes) {
    return Secp256k1Scheme.sha256(signedBytes);
  }

  /** The outcome of {@link #verify}. */
  public enum Verdict {
    /** The signature is good. */
    VALID,
    /** {@code nodeId} is not the hash of {@code publicKey}. */
    KEY_MISMATCH,
    /** The payload's sender is not the signer. */
    SENDER_MISMATCH,
    /** The public key belongs to no known scheme. */
    UNKNOWN_SCHEME,
    /** The signature does not verify. */
    BAD_SIGNATURE
  }
}
