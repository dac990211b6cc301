package org.brightchain.net.core;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.brightchain.net.BlockId;
import org.brightchain.net.spi.BlockStore;

/** A {@link BlockStore} in memory, for examples and tests. Thread-safe. */
public final class InMemoryBlockStore implements BlockStore {
  private final ConcurrentHashMap<BlockId, byte[]> blocks = new ConcurrentHashMap<>();

  /** Stores a copy of {@code bytes} under {@code id}. */
  public void put(BlockId id, byte[] bytes) {
    blocks.put(id, bytes.clone());
  }

  @Override
  public Optional<byte[]> get(BlockId id) {
    byte[] b = blocks.get(id);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public long count() {
    return blocks.size();
  }
}
