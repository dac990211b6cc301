package org.brightchain.net.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.spi.MetadataStore;

/** The default {@link MetadataStore}: a sorted concurrent map in memory. Thread-safe. */
public final class InMemoryMetadataStore implements MetadataStore {
  private final ConcurrentSkipListMap<BlockId, BlockMetadata> map = new ConcurrentSkipListMap<>();
  private final AtomicLong locations = new AtomicLong();

  @Override
  public Optional<BlockMetadata> get(BlockId id) {
    return Optional.ofNullable(map.get(id));
  }

  @Override
  public BlockMetadata update(BlockId id, UnaryOperator<BlockMetadata> change) {
    return map.compute(
        id,
        (k, current) -> {
          BlockMetadata next = change.apply(current);
          if (next == null) {
            next = current;
          }
          if (next != null && !next.blockId().equals(id)) {
            throw new IllegalArgumentException("metadata for " + next.blockId() + " under " + id);
          }
          locations.addAndGet(
              (next == null ? 0 : next.locations().size())
                  - (current == null ? 0 : current.locations().size()));
          return next;
        });
  }

  @Override
  public long size() {
    return map.size();
  }

  @Override
  public List<BlockMetadata> scan(BlockId fromInclusive, int limit) {
    Map<BlockId, BlockMetadata> tail =
        fromInclusive == null ? map : map.tailMap(fromInclusive, true);
    List<BlockMetadata> out = new ArrayList<>(Math.min(limit, 1024));
    for (BlockMetadata m : tail.values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  @Override
  public long totalLocations() {
    return locations.get();
  }
}
