package org.brightchain.net.core.internal.sync;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.internal.Hex;

/**
 * One element of a reconciled set: a timestamp and a 32-byte id. Items are ordered by timestamp,
 * then by id (unsigned bytes).
 *
 * <p>For block metadata, {@link #of(BlockMetadata)} makes the item of one version of a block:
 *
 * <ul>
 *   <li>timestamp = {@code updatedAt} in milliseconds since the epoch;
 *   <li>id, for metadata whose fields all carry the version {@code (updatedAt, updatedBy)} ({@link
 *       BlockMetadata#isPlain()}) = SHA-256( blockId bytes ‖ updatedAt as 8 bytes big-endian ‖
 *       updatedBy bytes ), where the block id bytes are its 32 or 64 raw checksum bytes (the hex
 *       decoded) and updatedBy the 32 raw bytes of the node id;
 *   <li>id, for any other metadata = SHA-256( blockId bytes ‖ updatedAt ‖ updatedBy ‖ 'v' ‖
 *       temperature stamp ‖ info stamp ‖ for each live location in node order: 0x01 ‖ node ‖ stamp
 *       ‖ for each removed location in node order: 0x00 ‖ node ‖ stamp ), each stamp its time as 8
 *       bytes big-endian then its node's 32 bytes: two nodes holding the same versions of every
 *       field hold the same item.
 * </ul>
 *
 * <p>Two versions of a block are two different items, so after reconciliation each side knows the
 * versions the other lacks; last-writer-wins then decides which one each side keeps. The id says
 * nothing about the block: keep a map from id to block on your side.
 *
 * @param timestamp milliseconds (or any order key), {@code 0 <= timestamp <= 2^53 - 1}
 * @param id the id
 */
public record SyncItem(long timestamp, ItemId id) implements Comparable<SyncItem> {
  /** Largest timestamp an item may have: 2^53 - 1, as the rest of the protocol. */
  public static final long MAX_TIMESTAMP = (1L << 53) - 1;

  /** Validates. */
  public SyncItem {
    checkArgument(
        timestamp >= 0 && timestamp <= MAX_TIMESTAMP,
        "timestamp: %s (expected: 0 to 2^53-1)",
        timestamp);
    notNull(id, "id");
  }

  /** An item from a timestamp and 32 id bytes (copied). */
  public static SyncItem of(long timestamp, byte[] id) {
    return new SyncItem(timestamp, ItemId.of(id));
  }

  /** The item of this version of a block's metadata; see the class description. */
  public static SyncItem of(BlockMetadata metadata) {
    notNull(metadata, "metadata");
    return new SyncItem(metadata.updatedAt().toEpochMilli(), idOf(metadata));
  }

  /** The id of this version of a block's metadata; see the class description. */
  public static ItemId idOf(BlockMetadata metadata) {
    byte[] block = Hex.decode(metadata.blockId().hex());
    byte[] by = metadata.updatedBy().toBytes();
    if (metadata.isPlain()) {
      ByteBuffer b = ByteBuffer.allocate(block.length + 8 + by.length);
      b.put(block).putLong(metadata.updatedAt().toEpochMilli()).put(by);
      return ItemId.of(sha256(b.array()));
    }
    org.brightchain.net.BlockVersions v = metadata.versions();
    int registers = 2 + v.locations().size() + v.removed().size();
    ByteBuffer b =
        ByteBuffer.allocate(block.length + 8 + by.length + 1 + registers * (1 + 32 + 40));
    b.put(block).putLong(metadata.updatedAt().toEpochMilli()).put(by).put((byte) 'v');
    putStamp(b, v.temperature());
    putStamp(b, v.info());
    v.locations().forEach((n, s) -> putStamp(b.put((byte) 1).put(n.toBytes()), s));
    v.removed().forEach((n, s) -> putStamp(b.put((byte) 0).put(n.toBytes()), s));
    byte[] bytes = new byte[b.position()];
    b.flip().get(bytes);
    return ItemId.of(sha256(bytes));
  }

  private static void putStamp(ByteBuffer b, org.brightchain.net.Stamp s) {
    b.putLong(s.at().toEpochMilli()).put(s.by().toBytes());
  }

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required by every Java platform", e);
            }
          });

  static byte[] sha256(byte[] bytes) {
    MessageDigest d = SHA256.get();
    d.reset();
    return d.digest(bytes);
  }

  @Override
  public int compareTo(SyncItem o) {
    int c = Long.compare(timestamp, o.timestamp);
    return c != 0 ? c : id.compareTo(o.id);
  }

  @Override
  public String toString() {
    return timestamp + ":" + id;
  }
}
