package org.brightchain.net.core.internal.sync;

/**
 * A position in the item order: a timestamp and an id prefix (missing bytes read as zero). An item
 * is below the bound if its timestamp is smaller, or equal with an id below the padded prefix.
 * {@link #INFINITY} is above every item, {@link #ZERO} at or below every item.
 */
final class Bound implements Comparable<Bound> {
  static final byte[] NO_PREFIX = new byte[0];
  static final Bound ZERO = new Bound(0, NO_PREFIX);
  static final Bound INFINITY = new Bound(Long.MAX_VALUE, NO_PREFIX);

  final long timestamp;
  final byte[] prefix;

  Bound(long timestamp, byte[] prefix) {
    this.timestamp = timestamp;
    this.prefix = prefix;
  }

  boolean isInfinity() {
    return timestamp == Long.MAX_VALUE;
  }

  @Override
  public int compareTo(Bound o) {
    int c = Long.compare(timestamp, o.timestamp);
    if (c != 0) {
      return c;
    }
    int n = Math.max(prefix.length, o.prefix.length);
    for (int i = 0; i < n; i++) {
      int a = i < prefix.length ? prefix[i] & 0xff : 0;
      int b = i < o.prefix.length ? o.prefix[i] & 0xff : 0;
      if (a != b) {
        return a - b;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bound && compareTo((Bound) o) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestamp);
  }

  @Override
  public String toString() {
    if (isInfinity()) {
      return "inf";
    }
    StringBuilder b = new StringBuilder().append(timestamp);
    if (prefix.length > 0) {
      b.append('/');
      for (byte x : prefix) {
        b.append(String.format("%02x", x & 0xff));
      }
    }
    return b.toString();
  }
}
