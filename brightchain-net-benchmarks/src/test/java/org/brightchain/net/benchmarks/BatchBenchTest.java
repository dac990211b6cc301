package org.brightchain.net.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NodeId;
import org.junit.jupiter.api.Test;

class BatchBenchTest {

  @Test
  void parsesContenders() {
    BatchBench.Contender big = BatchBench.Contender.parse("batch-10000", 10);
    assertEquals(10_000, big.maxSize());
    assertEquals(10, big.intervalMs());
    assertFalse(big.unbatched());

    BatchBench.Contender timed = BatchBench.Contender.parse("batch-100/250ms", 10);
    assertEquals(100, timed.maxSize());
    assertEquals(250, timed.intervalMs());

    BatchBench.Contender d = BatchBench.Contender.parse("default", 10);
    assertEquals(100, d.maxSize());
    assertEquals(1000, d.intervalMs());

    BatchBench.Contender one = BatchBench.Contender.parse("unbatched", 10);
    assertEquals(1, one.maxSize());
    assertTrue(one.unbatched());

    assertThrows(
        IllegalArgumentException.class, () -> BatchBench.Contender.parse("batch-10001", 10));
    assertThrows(
        IllegalArgumentException.class, () -> BatchBench.Contender.parse("batch-10/5s", 10));
    assertThrows(IllegalArgumentException.class, () -> BatchBench.Contender.parse("fast", 10));
  }

  @Test
  void readsKeyValueLines() {
    Map<String, String> m = BatchBench.fields("ACKED t=123 timeout sent=4 acked=4");
    assertEquals("123", m.get("t"));
    assertEquals("4", m.get("sent"));
    assertTrue(m.containsKey("timeout"));
    assertFalse(m.containsKey("ACKED"));
  }

  @Test
  void blockIdsAreDistinctAndFollowOn() throws Exception {
    byte[] salt = {1, 2, 3};
    BlockId[] a = BatchNode.blockIds(salt, 0, 1000);
    BlockId[] b = BatchNode.blockIds(salt, 1000, 10);
    Set<BlockId> all = new HashSet<>();
    for (BlockId id : a) {
      assertEquals(64, id.hex().length());
      all.add(id);
    }
    for (BlockId id : b) {
      all.add(id);
    }
    assertEquals(1010, all.size());
    assertEquals(BatchNode.blockIds(salt, 5, 1)[0], a[5]);
    assertNotEquals(BatchNode.blockIds(new byte[] {9}, 5, 1)[0], a[5]);
  }

  @Test
  void storeCountsChangesOnlyAndOpensAtTheExpectedOne() throws Exception {
    BatchNode.CountingStore store = new BatchNode.CountingStore();
    BlockId[] ids = BatchNode.blockIds(new byte[] {7}, 0, 3);
    NodeId by = NodeId.of("ab".repeat(32));
    CountDownLatch done = store.arm(2);
    store.update(ids[0], m -> metadata(ids[0], by));
    store.update(ids[0], m -> m); // no change
    assertEquals(1, done.getCount());
    assertEquals(0, store.doneAt());
    store.update(ids[1], m -> metadata(ids[1], by));
    assertEquals(0, done.getCount());
    assertTrue(store.doneAt() > 0);
    assertEquals(2, store.changes());
    assertEquals(2, store.size());
  }

  private static BlockMetadata metadata(BlockId id, NodeId by) {
    return BlockMetadata.initial(id, Instant.ofEpochMilli(1), by);
  }
}
