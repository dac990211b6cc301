package org.brightchain.net.core.internal.sync;

/**
 * Negentropy's varints: an unsigned integer in base 128, most significant digit first, the high bit
 * set on every byte but the last, as few digits as possible. Values here are {@code 0 <= v < 2^63},
 * so at most 9 bytes.
 */
final class Varint {
  static final int MAX_BYTES = 9;

  private Varint() {}

  static int size(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Writes {@code v} at {@code out[at..]}, returns the new offset. */
  static int write(byte[] out, int at, long v) {
    int n = size(v);
    for (int i = n - 1; i >= 0; i--) {
      byte digit = (byte) ((v >>> (7 * i)) & 0x7f);
      out[at++] = i == 0 ? digit : (byte) (digit | 0x80);
    }
    return at;
  }

  static byte[] encode(long v) {
    byte[] out = new byte[size(v)];
    write(out, 0, v);
    return out;
  }
}
