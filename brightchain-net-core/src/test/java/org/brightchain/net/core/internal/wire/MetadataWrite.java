package org.brightchain.net.core.internal.wire;

import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.Stamp;
import org.brightchain.net.message.WSMessage;

/**
 * One single-field write to a block's metadata, stamped {@code (at, by)}: the unit a node's change
 * is made of. Test data for the metadata join and for the codecs.
 */
public sealed interface MetadataWrite {

  /** The stamp of the write. */
  Stamp stamp();

  /** {@code m} after this write (unchanged if the field already has a later version). */
  BlockMetadata applyTo(BlockMetadata m);

  /** {@code m} after each write of {@code writes}, in order. */
  static BlockMetadata applyAll(BlockMetadata m, List<? extends MetadataWrite> writes) {
    for (MetadataWrite w : writes) {
      m = w.applyTo(m);
    }
    return m;
  }

  /** {@link BlockMetadata#withTemperature}. */
  record Temperature(DataTemperature temperature, Stamp stamp) implements MetadataWrite {
    @Override
    public BlockMetadata applyTo(BlockMetadata m) {
      return m.withTemperature(temperature, stamp.at(), stamp.by());
    }
  }

  /** {@link BlockMetadata#withInfo}. */
  record Info(long size, DurabilityLevel durability, Stamp stamp) implements MetadataWrite {
    @Override
    public BlockMetadata applyTo(BlockMetadata m) {
      return m.withInfo(size, durability, stamp.at(), stamp.by());
    }
  }

  /** {@link BlockMetadata#withLocation}. */
  record AddLocation(BlockLocation location, Stamp stamp) implements MetadataWrite {
    @Override
    public BlockMetadata applyTo(BlockMetadata m) {
      return m.withLocation(location, stamp.at(), stamp.by());
    }
  }

  /** {@link BlockMetadata#withoutLocation}. */
  record RemoveLocation(NodeId node, Stamp stamp) implements MetadataWrite {
    @Override
    public BlockMetadata applyTo(BlockMetadata m) {
      return m.withoutLocation(node, stamp.at(), stamp.by());
    }
  }

  /**
   * Writes of every kind, stamped with a time from {@code times} and a writer from {@code writers};
   * locations name a node of {@code holders}. Small pools make ties and conflicting writes to the
   * same register common.
   */
  static Arbitrary<MetadataWrite> writes(
      Arbitrary<NodeId> holders, Arbitrary<Instant> times, Arbitrary<NodeId> writers) {
    Arbitrary<Stamp> stamps = Combinators.combine(times, writers).as(Stamp::new);
    Arbitrary<MetadataWrite> temperature =
        Combinators.combine(Arbitraries.of(DataTemperature.class), stamps).as(Temperature::new);
    Arbitrary<MetadataWrite> info =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.of(0L, 1L, 4096L, WSMessage.MAX_SAFE_INTEGER),
                    Arbitraries.longs().between(0, WSMessage.MAX_SAFE_INTEGER)),
                Arbitraries.of(DurabilityLevel.class),
                stamps)
            .as(Info::new);
    Arbitrary<BlockLocation> locations =
        Combinators.combine(
                holders,
                Arbitraries.of(0L, 1L, 1_764_000_000_000L).map(Instant::ofEpochMilli),
                Arbitraries.of(true, false),
                Arbitraries.of(0L, 7L).injectNull(0.4),
                Arbitraries.of("", "pool-a").injectNull(0.4))
            .as(BlockLocation::new);
    Arbitrary<MetadataWrite> add = Combinators.combine(locations, stamps).as(AddLocation::new);
    Arbitrary<MetadataWrite> remove = Combinators.combine(holders, stamps).as(RemoveLocation::new);
    return Arbitraries.frequencyOf(
        Tuple.of(2, temperature), Tuple.of(2, info), Tuple.of(3, add), Tuple.of(2, remove));
  }
}
