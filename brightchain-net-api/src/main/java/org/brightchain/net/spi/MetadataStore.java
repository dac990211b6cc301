package org.brightchain.net.spi;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;

/**
 * Where a node keeps block metadata. Core ships an in-memory default; a host may persist it.
 *
 * <p>Must be safe for concurrent use; {@link #update} must be atomic per block.
 */
public interface MetadataStore {

  /** The metadata of {@code id}, or empty. */
  Optional<BlockMetadata> get(BlockId id);

  /**
   * Atomically replaces the metadata of {@code id} with {@code change.apply(current)}, where {@code
   * current} is {@code null} if there is none. Returning {@code null} or {@code current} leaves the
   * store unchanged.
   *
   * @return the metadata stored afterwards, or {@code null} if none
   */
  BlockMetadata update(BlockId id, UnaryOperator<BlockMetadata> change);

  /** Number of blocks with metadata. */
  long size();

  /**
   * Up to {@code limit} entries in block id order, starting at {@code fromInclusive} ({@code null}
   * for the start).
   */
  List<BlockMetadata> scan(BlockId fromInclusive, int limit);

  /** Sum over all blocks of their number of locations; used for average redundancy. */
  long totalLocations();
}
