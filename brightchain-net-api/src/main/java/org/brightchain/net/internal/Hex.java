package org.brightchain.net.internal;

/**
 * Strict hexadecimal decoding with messages that name the problem (formatting uses {@link
 * java.util.HexFormat}). Internal, not API.
 */
public final class Hex {
  private Hex() {}

  /**
   * Decodes hex (either case).
   *
   * @throws IllegalArgumentException if the text is not an even number of hex digits
   */
  public static byte[] decode(CharSequence hex) {
    int n = hex.length();
    if ((n & 1) != 0) {
      throw new IllegalArgumentException("hex: odd length " + n);
    }
    byte[] out = new byte[n / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = digit(hex.charAt(2 * i));
      int lo = digit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("hex: not a hex digit near offset " + (2 * i));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** ASCII hex digits only: {@link Character#digit} would also accept other scripts' digits. */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
