package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.brightchain.net.internal.Checks;
import org.brightchain.net.internal.Hex;

/**
 * A node's identity on the network: SHA-256 of the node's compressed secp256k1 public key, written
 * as 64 lower-case hex characters (as BrightChain's node authenticator derives it).
 *
 * @param hex the 64 lower-case hex characters
 */
public record NodeId(String hex) implements Comparable<NodeId> {

  /** Length of a node id in hex characters. */
  public static final int HEX_LENGTH = 64;

  /** Validates the id. */
  public NodeId {
    notNull(hex, "hex");
    checkArgument(
        hex.length() == HEX_LENGTH && Checks.isLowerHex(hex),
        "nodeId: '%s' (expected: 64 lower-case hex characters)",
        abbreviate(hex));
  }

  /** Parses a node id, accepting upper-case hex. */
  public static NodeId of(String hex) {
    return new NodeId(notNull(hex, "hex").toLowerCase(Locale.ROOT));
  }

  /** The node id from 32 raw bytes. */
  public static NodeId ofBytes(byte[] bytes) {
    checkArgument(bytes.length == 32, "nodeId bytes: %s (expected: 32)", bytes.length);
    return new NodeId(HexFormat.of().formatHex(bytes));
  }

  /** The node id of a public key: SHA-256 of its encoded (compressed) form. */
  public static NodeId fromPublicKey(byte[] encodedPublicKey) {
    try {
      return ofBytes(MessageDigest.getInstance("SHA-256").digest(encodedPublicKey));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** The 32 raw bytes. */
  public byte[] toBytes() {
    return Hex.decode(hex);
  }

  /** The first 8 characters, for logs. */
  public String shortId() {
    return hex.substring(0, 8);
  }

  @Override
  public int compareTo(NodeId other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return hex;
  }

  static String abbreviate(String s) {
    return s.length() <= 140 ? s : s.substring(0, 140) + "...";
  }
}
