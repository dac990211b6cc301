package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataUpdate;

/**
 * Any interleaving, duplication and reordering of a set of batches leaves every node with the same
 * metadata: the receiving path ({@link
 * org.brightchain.net.core.internal.batch.BatchApplier#applyUpdates}) is a join.
 */
class BatchConvergencePropertiesTest {
  private static final List<NodeId> NODES =
      List.of(NodeId.of("0a".repeat(32)), NodeId.of("0b".repeat(32)), NodeId.of("0c".repeat(32)));
  private static final List<BlockId> BLOCKS =
      List.of(
          VirtualNet.blockId(1),
          VirtualNet.blockId(2),
          VirtualNet.blockId(3),
          VirtualNet.blockId(4));
  private static final long T0 = 1_750_000_000_000L;

  /** A batch and the node that signed it. */
  record Sent(NodeId sender, BatchUpdate batch) {}

  @Provide
  Arbitrary<List<Sent>> batches() {
    return sent().list().ofMinSize(1).ofMaxSize(12);
  }

  private Arbitrary<Sent> sent() {
    Arbitrary<NodeId> sender = Arbitraries.of(NODES);
    Arbitrary<Long> batchTime = Arbitraries.longs().between(T0 + 20, T0 + 40);
    return Combinators.combine(
            sender,
            batchTime,
            update().list().ofMinSize(1).ofMaxSize(8),
            Arbitraries.strings().alpha().ofLength(6))
        .as((s, ts, ups, id) -> new Sent(s, new BatchUpdate(id, ts, ups)));
  }

  private Arbitrary<BatchUpdate.Update> update() {
    Arbitrary<BlockId> block = Arbitraries.of(BLOCKS);
    // Few distinct times: equal stamps (ties) happen often. 0 = the batch's timestamp.
    Arbitrary<Long> at = Arbitraries.of(0L, T0 + 1, T0 + 2, T0 + 3, T0 + 20);
    Arbitrary<EventPayload> data =
        Arbitraries.oneOf(
            Combinators.combine(block, Arbitraries.of(DataTemperature.class))
                .as(BlockTemperatureUpdate::new),
            Combinators.combine(
                    block,
                    Arbitraries.of(NODES),
                    Arbitraries.of(true, false),
                    Arbitraries.of(BlockLocationUpdate.Action.class),
                    Arbitraries.longs().between(0, 3))
                .as(
                    (b, n, auth, action, seen) ->
                        new BlockLocationUpdate(
                            b, BlockLocation.of(n, Instant.ofEpochMilli(T0 + seen), auth), action)),
            Combinators.combine(block, metadataChanges())
                .as((b, ops) -> new MetadataUpdate(apply(BlockMetadata.empty(b), ops))));
    return Combinators.combine(data, at).as(BatchUpdate.Update::of);
  }

  /** A few field writes, each (field, value, time, node), that make a non-plain metadata value. */
  private Arbitrary<List<int[]>> metadataChanges() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 2))
        .as((field, value, time, node) -> new int[] {field, value, time, node})
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  private static BlockMetadata apply(BlockMetadata m, List<int[]> ops) {
    for (int[] op : ops) {
      Instant at = Instant.ofEpochMilli(T0 + op[2]);
      NodeId by = NODES.get(op[3]);
      m =
          switch (op[0]) {
            case 0 -> m.withTemperature(DataTemperature.values()[op[1]], at, by);
            case 1 -> m.withInfo(op[1] * 1000L, DurabilityLevel.values()[op[1]], at, by);
            case 2 -> m.withLocation(BlockLocation.of(NODES.get(op[1] % 3), at, op[1] > 1), at, by);
            default -> m.withoutLocation(NODES.get(op[1] % 3), at, by);
          };
    }
    return m;
  }

  private static Map<BlockId, BlockMetadata> applyAll(List<Sent> order) {
    InMemoryMetadataStore store = new InMemoryMetadataStore();
    for (Sent s : order) {
      org.brightchain.net.core.internal.batch.BatchApplier.applyUpdates(
          store, s.batch(), s.sender());
    }
    Map<BlockId, BlockMetadata> out = new TreeMap<>();
    for (BlockMetadata m : store.scan(null, Integer.MAX_VALUE)) {
      out.put(m.blockId(), m);
    }
    return out;
  }

  @Property(tries = 500)
  void everyOrderWithDuplicatesEndsInTheSameState(
      @ForAll("batches") List<Sent> batches, @ForAll Random random) {
    Map<BlockId, BlockMetadata> reference = applyAll(batches);
    for (int round = 0; round < 4; round++) {
      List<Sent> delivered = new ArrayList<>();
      for (Sent s : batches) {
        int copies = 1 + random.nextInt(3); // retries and relays deliver copies
        for (int c = 0; c < copies; c++) {
          delivered.add(s);
        }
      }
      Collections.shuffle(delivered, random);
      assertEquals(reference, applyAll(delivered), "order " + round);
    }
  }

  @Property(tries = 300)
  void nodesThatEachSawPartOfTheBatchesAgreeAfterExchangingTheirState(
      @ForAll("batches") List<Sent> batches, @ForAll Random random) {
    // Two nodes see overlapping halves; reconciliation then exchanges whole metadata entries.
    List<Sent> left = new ArrayList<>();
    List<Sent> right = new ArrayList<>();
    for (Sent s : batches) {
      int where = random.nextInt(3);
      if (where != 1) {
        left.add(s);
      }
      if (where != 0) {
        right.add(s);
      }
    }
    Map<BlockId, BlockMetadata> l = applyAll(left);
    Map<BlockId, BlockMetadata> r = applyAll(right);
    Map<BlockId, BlockMetadata> merged = new TreeMap<>(l);
    r.forEach((k, v) -> merged.merge(k, v, BlockMetadata::mergedWith));
    Map<BlockId, BlockMetadata> mergedOtherWay = new TreeMap<>(r);
    l.forEach((k, v) -> mergedOtherWay.merge(k, v, BlockMetadata::mergedWith));
    assertEquals(applyAll(batches), merged);
    assertEquals(merged, mergedOtherWay);
  }
}
