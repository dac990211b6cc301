package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.brightchain.net.NodeId;

/**
 * A {@link WSMessage} signed by its author, as the design's {@code SignedMessage {payload,
 * timestamp, nodeId, signature}}; every message between nodes travels this way.
 *
 * <p>The signature covers the canonical JSON form of everything here except {@code publicKey} and
 * {@code signature}, plus a purpose string; {@code docs/protocol.md} defines those bytes exactly,
 * with test vectors. A receiver accepts a message only if {@code nodeId} is the hash of {@code
 * publicKey}, {@code payload.sender()} equals {@code nodeId}, and the signature verifies.
 *
 * @param payload the event
 * @param timestamp when it was signed, milliseconds since the epoch
 * @param nodeId the signer; equals {@code payload.sender()}
 * @param publicKey the signer's compressed public key
 * @param signature the signature, 64 bytes {@code r||s} with low {@code s} for secp256k1
 * @param recipient the only node meant to accept it, or {@code null} for any node
 */
public record SignedMessage(
    WSMessage payload,
    long timestamp,
    NodeId nodeId,
    byte[] publicKey,
    byte[] signature,
    NodeId recipient) {

  /** Largest public key accepted, in bytes. */
  public static final int MAX_PUBLIC_KEY = 128;

  /** Largest signature accepted, in bytes. */
  public static final int MAX_SIGNATURE = 128;

  /** Validates and copies. */
  public SignedMessage {
    notNull(payload, "payload");
    WSMessage.checkSafeInteger(timestamp, "timestamp");
    notNull(nodeId, "nodeId");
    publicKey = notNull(publicKey, "publicKey").clone();
    signature = notNull(signature, "signature").clone();
    checkArgument(
        publicKey.length > 0 && publicKey.length <= MAX_PUBLIC_KEY,
        "publicKey: %s bytes (expected: 1-%s)",
        publicKey.length,
        MAX_PUBLIC_KEY);
    checkArgument(
        signature.length > 0 && signature.length <= MAX_SIGNATURE,
        "signature: %s bytes (expected: 1-%s)",
        signature.length,
        MAX_SIGNATURE);
  }

  /** A copy of the public key. */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the signature. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedMessage m
        && payload.equals(m.payload)
        && timestamp == m.timestamp
        && nodeId.equals(m.nodeId)
        && Arrays.equals(publicKey, m.publicKey)
        && Arrays.equals(signature, m.signature)
        && Objects.equals(recipient, m.recipient);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payload, timestamp, nodeId, recipient) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedMessage[type="
        + payload.type().wireName()
        + ", timestamp="
        + timestamp
        + ", nodeId="
        + nodeId.shortId()
        + ", signature="
        + HexFormat.of().formatHex(signature)
        + (recipient == null ? "" : ", recipient=" + recipient.shortId())
        + "]";
  }
}
