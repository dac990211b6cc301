package org.brightchain.net.core.internal.sync;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Arrays;
import java.util.HexFormat;
import org.brightchain.net.internal.Hex;

/**
 * The 32-byte id of a {@link SyncItem}. For block metadata it is a digest of the block id and the
 * version stamp (see {@link SyncItem#of}), so two versions of a block are two different ids.
 * Ordered as unsigned bytes, like the protocol orders items with equal timestamps.
 */
public final class ItemId implements Comparable<ItemId> {
  /** Length of an id in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private ItemId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** An id from 32 bytes (copied). */
  public static ItemId of(byte[] bytes) {
    notNull(bytes, "bytes");
    checkArgument(bytes.length == LENGTH, "id: %s bytes (expected: %s)", bytes.length, LENGTH);
    return new ItemId(bytes.clone());
  }

  /** An id from 64 hex characters. */
  public static ItemId ofHex(String hex) {
    return of(Hex.decode(notNull(hex, "hex")));
  }

  /** Wraps 32 bytes at {@code offset} of {@code packed} (copied). */
  static ItemId copyOf(byte[] packed, int offset) {
    return new ItemId(Arrays.copyOfRange(packed, offset, offset + LENGTH));
  }

  /** The 32 bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes without copying; callers must not modify them. */
  byte[] raw() {
    return bytes;
  }

  @Override
  public int compareTo(ItemId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ItemId && Arrays.equals(bytes, ((ItemId) o).bytes);
  }

  @Override
  public int hashCode() {
    // Ids are digests: the first four bytes are as good a hash as any.
    return (bytes[0] << 24)
        | ((bytes[1] & 0xff) << 16)
        | ((bytes[2] & 0xff) << 8)
        | (bytes[3] & 0xff);
  }

  /** Lower-case hex. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
