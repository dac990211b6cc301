package org.brightchain.net.core.internal.sync;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;

/**
 * An immutable, sorted set of {@link SyncItem}s: the input of a {@link Reconciler}. Items are
 * sorted by timestamp, then id; duplicates are dropped.
 *
 * <p>The items live in two flat arrays (8 bytes of timestamp and 32 bytes of id per item), so a
 * million items take about 40 MB plus about 2 MB of prefix sums, not a million objects.
 *
 * <h2>Fingerprints</h2>
 *
 * <p>{@link #fingerprint(int, int)} is Negentropy's (protocol v1): the ids of the range read as
 * little-endian 256-bit integers and added modulo 2^256, then SHA-256 of those 32 bytes followed by
 * the count as a varint, truncated to 16 bytes. Since the sum is additive, the storage keeps prefix
 * sums every 16 items and adds at most 15 ids per range end: any range costs O(1) additions and one
 * SHA-256.
 *
 * <p>Immutable, so safe for concurrent use; many reconciliations may read one storage at once.
 */
public final class SyncStorage {
  static final VarHandle BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Fingerprint length in bytes. */
  public static final int FINGERPRINT_LENGTH = 16;

  private static final int BLOCK = 16;
  private static final SyncStorage EMPTY = new SyncStorage(new long[0], new byte[0], 0);

  final long[] timestamps;
  final byte[] ids;
  private final int size;

  /** Sum of the ids before item {@code 16 * b}, at {@code 4 * b}, little-endian words. */
  private final long[] blockSums;

  private SyncStorage(long[] timestamps, byte[] ids, int size) {
    this.timestamps = timestamps;
    this.ids = ids;
    this.size = size;
    int blocks = size / BLOCK + 1;
    this.blockSums = new long[4 * blocks];
    long[] acc = new long[4];
    for (int i = 0; i < size; i++) {
      if (i % BLOCK == 0) {
        System.arraycopy(acc, 0, blockSums, 4 * (i / BLOCK), 4);
      }
      addId(acc, i);
    }
    if (size % BLOCK == 0 && size > 0) {
      System.arraycopy(acc, 0, blockSums, 4 * (size / BLOCK), 4);
    }
  }

  /** The empty storage. */
  public static SyncStorage empty() {
    return EMPTY;
  }

  /** A storage of these items. */
  public static SyncStorage of(Collection<SyncItem> items) {
    Builder b = builder(notNull(items, "items").size());
    for (SyncItem item : items) {
      b.add(item);
    }
    return b.build();
  }

  /** A builder for about 16 items. */
  public static Builder builder() {
    return builder(16);
  }

  /** A builder sized for {@code expectedSize} items. */
  public static Builder builder(int expectedSize) {
    checkArgument(expectedSize >= 0, "expectedSize: %s (expected: >= 0)", expectedSize);
    return new Builder(expectedSize);
  }

  /** Number of items. */
  public int size() {
    return size;
  }

  /** The item at {@code index} in order. */
  public SyncItem item(int index) {
    checkIndex(index);
    return new SyncItem(timestamps[index], id(index));
  }

  /** The timestamp of the item at {@code index}. */
  public long timestamp(int index) {
    checkIndex(index);
    return timestamps[index];
  }

  /** The id of the item at {@code index}. */
  public ItemId id(int index) {
    checkIndex(index);
    return ItemId.copyOf(ids, index * ItemId.LENGTH);
  }

  /** The index of {@code item}, or {@code -1}. */
  public int indexOf(SyncItem item) {
    int i = lowerBound(new Bound(item.timestamp(), item.id().raw()), 0, size);
    return i < size
            && timestamps[i] == item.timestamp()
            && Arrays.equals(ids, i * 32, i * 32 + 32, item.id().raw(), 0, ItemId.LENGTH)
        ? i
        : -1;
  }

  /** True if the storage holds {@code item}. */
  public boolean contains(SyncItem item) {
    return indexOf(notNull(item, "item")) >= 0;
  }

  /** Negentropy's fingerprint of the items {@code [from, to)}; see the class description. */
  public byte[] fingerprint(int from, int to) {
    checkArgument(
        0 <= from && from <= to && to <= size, "range: [%s, %s) (size %s)", from, to, size);
    long[] sum = new long[4];
    idSum(from, to, sum);
    return fingerprint(sum, to - from);
  }

  /** The fingerprint of all items. */
  public byte[] fingerprint() {
    return fingerprint(0, size);
  }

  @Override
  public String toString() {
    return "SyncStorage[" + size + " items]";
  }

  // ------------------------------------------------------------------ engine access

  static byte[] fingerprint(long[] sum, long count) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Sum256.toBytes(sum));
      sha.update(Varint.encode(count));
      return Arrays.copyOf(sha.digest(), FINGERPRINT_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** {@code out = sum of ids [from, to)}. */
  void idSum(int from, int to, long[] out) {
    long[] hi = prefixSum(to);
    long[] lo = prefixSum(from);
    System.arraycopy(hi, 0, out, 0, 4);
    Sum256.sub(out, lo, 0);
  }

  private long[] prefixSum(int end) {
    long[] acc = new long[4];
    int b = end / BLOCK;
    System.arraycopy(blockSums, 4 * b, acc, 0, 4);
    for (int i = b * BLOCK; i < end; i++) {
      addId(acc, i);
    }
    return acc;
  }

  /** Adds id {@code i}, read as a little-endian 256-bit integer. */
  void addId(long[] acc, int i) {
    int o = i * 32;
    Sum256.add(
        acc,
        0,
        (long) LITTLE_ENDIAN.get(ids, o),
        (long) LITTLE_ENDIAN.get(ids, o + 8),
        (long) LITTLE_ENDIAN.get(ids, o + 16),
        (long) LITTLE_ENDIAN.get(ids, o + 24));
  }

  /** Word {@code w} (0..3) of id {@code i}, big-endian. */
  long word(int i, int w) {
    return (long) BIG_ENDIAN.get(ids, i * 32 + 8 * w);
  }

  /** The first index in {@code [from, to)} whose item is at or above {@code b}, else {@code to}. */
  int lowerBound(Bound b, int from, int to) {
    if (b.isInfinity()) {
      return to;
    }
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareToBound(mid, b) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Compares item {@code i} with bound {@code b}: negative if the item is below. */
  int compareToBound(int i, Bound b) {
    int c = Long.compare(timestamps[i], b.timestamp);
    if (c != 0) {
      return c;
    }
    int o = i * 32;
    for (int k = 0; k < 32; k++) {
      int x = ids[o + k] & 0xff;
      int y = k < b.prefix.length ? b.prefix[k] & 0xff : 0;
      if (x != y) {
        return x - y;
      }
    }
    return 0;
  }

  /** Length of the common prefix of ids {@code i} and {@code j}. */
  int commonPrefix(int i, int j) {
    int m = Arrays.mismatch(ids, i * 32, i * 32 + 32, ids, j * 32, j * 32 + 32);
    return m < 0 ? 32 : m;
  }

  private void checkIndex(int index) {
    checkArgument(0 <= index && index < size, "index: %s (size %s)", index, size);
  }

  /** Collects items, then sorts them once. Not safe for concurrent use. */
  public static final class Builder {
    private long[] ts;
    private byte[] ids;
    private int n;

    private Builder(int capacity) {
      ts = new long[Math.max(capacity, 1)];
      ids = new byte[32 * Math.max(capacity, 1)];
    }

    /** Adds an item. */
    public Builder add(SyncItem item) {
      notNull(item, "item");
      return put(item.timestamp(), item.id().raw());
    }

    /** Adds an item from a timestamp and 32 id bytes. */
    public Builder add(long timestamp, byte[] id) {
      checkArgument(
          timestamp >= 0 && timestamp <= SyncItem.MAX_TIMESTAMP,
          "timestamp: %s (expected: 0 to 2^53-1)",
          timestamp);
      notNull(id, "id");
      checkArgument(id.length == ItemId.LENGTH, "id: %s bytes (expected: 32)", id.length);
      return put(timestamp, id);
    }

    private Builder put(long timestamp, byte[] id) {
      if (n == ts.length) {
        int cap = Math.max(16, ts.length + (ts.length >> 1));
        ts = Arrays.copyOf(ts, cap);
        ids = Arrays.copyOf(ids, 32 * cap);
      }
      ts[n] = timestamp;
      System.arraycopy(id, 0, ids, 32 * n, 32);
      n++;
      return this;
    }

    /** Sorts, drops duplicates and freezes. The builder may be reused afterwards. */
    public SyncStorage build() {
      if (n == 0) {
        return EMPTY;
      }
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      if (!sorted()) {
        order = mergeSort(order);
      }
      long[] outTs = new long[n];
      byte[] outIds = new byte[32 * n];
      int m = 0;
      for (int k = 0; k < n; k++) {
        int i = order[k];
        if (m > 0 && compare(order[k - 1], i) == 0) {
          continue;
        }
        outTs[m] = ts[i];
        System.arraycopy(ids, 32 * i, outIds, 32 * m, 32);
        m++;
      }
      if (m < n) {
        outTs = Arrays.copyOf(outTs, m);
        outIds = Arrays.copyOf(outIds, 32 * m);
      }
      return new SyncStorage(outTs, outIds, m);
    }

    private boolean sorted() {
      for (int i = 1; i < n; i++) {
        if (compare(i - 1, i) > 0) {
          return false;
        }
      }
      return true;
    }

    private int compare(int i, int j) {
      int c = Long.compare(ts[i], ts[j]);
      return c != 0
          ? c
          : Arrays.compareUnsigned(ids, 32 * i, 32 * i + 32, ids, 32 * j, 32 * j + 32);
    }

    /** Bottom-up merge sort of indexes: no boxing, stable, n log n. */
    private int[] mergeSort(int[] a) {
      int[] b = new int[a.length];
      for (int width = 1; width < a.length; width *= 2) {
        for (int lo = 0; lo < a.length; lo += 2 * width) {
          int mid = Math.min(lo + width, a.length);
          int hi = Math.min(lo + 2 * width, a.length);
          int i = lo;
          int j = mid;
          int k = lo;
          while (i < mid && j < hi) {
            b[k++] = compare(a[i], a[j]) <= 0 ? a[i++] : a[j++];
          }
          while (i < mid) {
            b[k++] = a[i++];
          }
          while (j < hi) {
            b[k++] = a[j++];
          }
        }
        int[] t = a;
        a = b;
        b = t;
      }
      return a;
    }
  }
}
