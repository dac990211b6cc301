package org.brightchain.net.benchmarks;

/**
 * A latency histogram in microseconds with about 1.5% precision: exact below 128 µs, then 64
 * buckets per power of two up to about 12 days. Not thread-safe: each connection records into its
 * own, and a round merges them once the connections are closed.
 */
final class Histogram {
  private static final int EXACT = 128;
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MAX_EXPONENT = 50;
  private static final int SIZE = EXACT + (MAX_EXPONENT - 7 + 1) * SUB;

  private final long[] counts = new long[SIZE];
  private long total;
  private long max;

  /** Records one value in microseconds; negative values count as 0. */
  void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    if (v > max) {
      max = v;
    }
  }

  static int index(long v) {
    if (v < EXACT) {
      return (int) v;
    }
    int exponent = Math.min(MAX_EXPONENT, 63 - Long.numberOfLeadingZeros(v));
    long sub = exponent == MAX_EXPONENT ? SUB - 1 : (v >>> (exponent - SUB_BITS)) & (SUB - 1);
    return EXACT + (exponent - 7) * SUB + (int) sub;
  }

  /** The smallest value that falls into bucket {@code i}. */
  static long lowerBound(int i) {
    if (i < EXACT) {
      return i;
    }
    int exponent = 7 + (i - EXACT) / SUB;
    long sub = (i - EXACT) % SUB;
    return (1L << exponent) + (sub << (exponent - SUB_BITS));
  }

  void add(Histogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long max() {
    return max;
  }

  /**
   * The value at quantile {@code q} (0 < q <= 1), in microseconds: the middle of the bucket that
   * holds the value of rank ceil(q * count); 0 if empty.
   */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= rank) {
        long lo = lowerBound(i);
        long hi = i + 1 < SIZE ? lowerBound(i + 1) : lo;
        return Math.min(max, lo + (hi - lo) / 2);
      }
    }
    return max;
  }
}
