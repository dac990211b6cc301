package org.brightchain.net.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Hex;
import org.junit.jupiter.api.Test;

class SyncItemTest {
  static final BlockId BLOCK = BlockId.of("ab".repeat(64));
  static final NodeId NODE = NodeId.of("01".repeat(32));
  static final NodeId OTHER = NodeId.of("02".repeat(32));

  @Test
  void blockMetadataItemIsTheDigestOfBlockAndVersion() throws Exception {
    Instant at = Instant.ofEpochMilli(1_700_000_000_123L);
    BlockMetadata m = BlockMetadata.initial(BLOCK, at, NODE);

    ByteBuffer b = ByteBuffer.allocate(64 + 8 + 32);
    b.put(Hex.decode(BLOCK.hex())).putLong(1_700_000_000_123L).put(Hex.decode(NODE.hex()));
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(b.array());

    SyncItem item = SyncItem.of(m);
    assertEquals(1_700_000_000_123L, item.timestamp());
    assertArrayEquals(expected, item.id().bytes());
    assertEquals(item.id(), SyncItem.idOf(m));
  }

  @Test
  void everyVersionOfABlockIsItsOwnItem() {
    Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
    BlockMetadata m = BlockMetadata.initial(BLOCK, at, NODE);
    BlockMetadata hotter = m.withTemperature(DataTemperature.HOT, at.plusMillis(1), NODE);
    BlockMetadata sameTimeOtherNode = m.withTemperature(DataTemperature.HOT, at, OTHER);
    assertNotEquals(SyncItem.of(m), SyncItem.of(hotter));
    assertNotEquals(SyncItem.of(m).id(), SyncItem.of(sameTimeOtherNode).id());
    // The content is not part of the id: only the block and the version stamp are.
    assertEquals(SyncItem.of(m), SyncItem.of(m.withTemperature(DataTemperature.COLD, at, NODE)));
  }

  @Test
  void shortBlockIdsWork() {
    BlockMetadata m = BlockMetadata.initial(BlockId.of("cd".repeat(32)), Instant.EPOCH, NODE);
    assertEquals(0, SyncItem.of(m).timestamp());
  }

  @Test
  void timestampsAndIdsAreChecked() {
    byte[] id = new byte[32];
    assertThrows(IllegalArgumentException.class, () -> SyncItem.of(-1, id));
    assertThrows(IllegalArgumentException.class, () -> SyncItem.of(1L << 53, id));
    assertThrows(IllegalArgumentException.class, () -> SyncItem.of(0, new byte[31]));
    assertEquals(SyncItem.MAX_TIMESTAMP, SyncItem.of(SyncItem.MAX_TIMESTAMP, id).timestamp());
  }

  @Test
  void idsCopyAndOrderAsUnsignedBytes() {
    byte[] raw = new byte[32];
    ItemId a = ItemId.of(raw);
    raw[0] = 1;
    assertEquals(0, a.bytes()[0]);
    ItemId high = ItemId.ofHex("ff" + "00".repeat(31));
    ItemId low = ItemId.ofHex("7f" + "ff".repeat(31));
    assertEquals(1, Integer.signum(high.compareTo(low)));
    assertEquals("ff" + "00".repeat(31), high.toString());
  }
}
