package org.brightchain.net.spi;

import java.util.Optional;
import org.brightchain.net.BlockId;

/**
 * The host's blocks. The node only reads them: to serve {@code GET /blocks/:id} and to count blocks
 * for its metrics. Storage stays the host's business.
 *
 * <p>Must be safe for concurrent use; calls may come from transport threads.
 */
public interface BlockStore {

  /** The block's bytes, or empty if this store does not have it. */
  Optional<byte[]> get(BlockId id);

  /** How many blocks the store holds; an estimate is fine. */
  long count();

  /** A store with no blocks: every read is a 404. The default. */
  static BlockStore empty() {
    return new BlockStore() {
      @Override
      public Optional<byte[]> get(BlockId id) {
        return Optional.empty();
      }

      @Override
      public long count() {
        return 0;
      }
    };
  }
}
