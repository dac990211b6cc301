package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Values;

/**
 * A node's proof of identity and the session it earns, as the design's {@code NodeAuthentication
 * {nodeId, publicKey, challenge, signature, token, expiry}}.
 *
 * @param nodeId the node proving itself; the hash of {@code publicKey}
 * @param publicKey its compressed public key
 * @param challenge the fresh random challenge it was given
 * @param signature its signature over the challenge
 * @param token the session token issued, empty until issued
 * @param expiry when the token expires
 */
public record NodeAuthentication(
    NodeId nodeId,
    byte[] publicKey,
    byte[] challenge,
    byte[] signature,
    String token,
    Instant expiry) {

  /** Validates and copies. */
  public NodeAuthentication {
    notNull(nodeId, "nodeId");
    publicKey = notNull(publicKey, "publicKey").clone();
    challenge = notNull(challenge, "challenge").clone();
    signature = notNull(signature, "signature").clone();
    Values.text(token, "token", 512);
    expiry = Values.millis(expiry, "expiry");
  }

  /** A copy of the public key. */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the challenge. */
  @Override
  public byte[] challenge() {
    return challenge.clone();
  }

  /** A copy of the signature. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeAuthentication a
        && nodeId.equals(a.nodeId)
        && Arrays.equals(publicKey, a.publicKey)
        && Arrays.equals(challenge, a.challenge)
        && Arrays.equals(signature, a.signature)
        && token.equals(a.token)
        && expiry.equals(a.expiry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, token, expiry) * 31 + Arrays.hashCode(challenge);
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "NodeAuthentication[nodeId="
        + nodeId.shortId()
        + ", challenge="
        + HexFormat.of().formatHex(challenge)
        + ", token="
        + (token.isEmpty() ? "" : "***")
        + ", expiry="
        + expiry
        + "]";
  }
}
