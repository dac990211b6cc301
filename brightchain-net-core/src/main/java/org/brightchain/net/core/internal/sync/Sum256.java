package org.brightchain.net.core.internal.sync;

/**
 * Arithmetic on 256-bit unsigned integers held as four little-endian 64-bit words, modulo 2^256:
 * the id sums of Negentropy's fingerprint.
 */
final class Sum256 {
  private Sum256() {}

  /** {@code acc[at..at+3] += v[0..3]}. */
  static void add(long[] acc, int at, long w0, long w1, long w2, long w3) {
    long s0 = acc[at] + w0;
    long c = Long.compareUnsigned(s0, w0) < 0 ? 1 : 0;
    long t1 = acc[at + 1] + w1;
    long c1 = Long.compareUnsigned(t1, w1) < 0 ? 1 : 0;
    long s1 = t1 + c;
    c1 |= Long.compareUnsigned(s1, t1) < 0 ? 1 : 0;
    long t2 = acc[at + 2] + w2;
    long c2 = Long.compareUnsigned(t2, w2) < 0 ? 1 : 0;
    long s2 = t2 + c1;
    c2 |= Long.compareUnsigned(s2, t2) < 0 ? 1 : 0;
    acc[at] = s0;
    acc[at + 1] = s1;
    acc[at + 2] = s2;
    acc[at + 3] = acc[at + 3] + w3 + c2;
  }

  /** {@code acc[0..3] += b[bt..bt+3]}. */
  static void add(long[] acc, long[] b, int bt) {
    add(acc, 0, b[bt], b[bt + 1], b[bt + 2], b[bt + 3]);
  }

  /** {@code acc[0..3] -= b[bt..bt+3]}: adds the two's complement. */
  static void sub(long[] acc, long[] b, int bt) {
    // -x = ~x + 1
    long n0 = ~b[bt];
    long n1 = ~b[bt + 1];
    long n2 = ~b[bt + 2];
    long n3 = ~b[bt + 3];
    add(acc, 0, n0, n1, n2, n3);
    add(acc, 0, 1, 0, 0, 0);
  }

  /** The 32 little-endian bytes of {@code s[0..3]}. */
  static byte[] toBytes(long[] s) {
    byte[] out = new byte[32];
    for (int w = 0; w < 4; w++) {
      long v = s[w];
      for (int i = 0; i < 8; i++) {
        out[w * 8 + i] = (byte) (v >>> (8 * i));
      }
    }
    return out;
  }
}
