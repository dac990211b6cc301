package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code system:challenge}: the first message on every WebSocket connection, from each side. It
 * carries a fresh random value that the other side must sign, bound to both node ids, in a {@code
 * system:auth} ({@link AuthProof}) before anything else it sends is accepted.
 *
 * @param challenge 32 random bytes as 64 lower-case hex digits, new for every connection
 */
public record Challenge(String challenge) implements EventPayload {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The length of a challenge in bytes. */
  public static final int BYTES = 32;

  /** Validates. */
  public Challenge {
    checkArgument(
        isChallenge(challenge), "challenge: expected %s lower-case hex digits", BYTES * 2);
  }

  /** A new challenge from a strong random source. */
  public static Challenge random() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return new Challenge(HexFormat.of().formatHex(b));
  }

  static boolean isChallenge(String s) {
    if (s == null || s.length() != BYTES * 2) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public WSEventType type() {
    return WSEventType.CHALLENGE;
  }
}
