package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.internal.Values;

/**
 * {@code block:sync}: asks the receiver for the metadata of these blocks; it answers with a
 * {@link MetadataSync} holding those it knows.
 *
 * @param blockIds the blocks asked about, at most {@value #MAX_BLOCKS}
 */
public record BlockSyncRequest(List<BlockId> blockIds) implements EventPayload {

  /** The most block ids one request may carry. */
  public static final int MAX_BLOCKS = 1000;

  /** Validates and copies. */
  public BlockSyncRequest {
    blockIds = Values.list(blockIds, "blockIds");
    checkArgument(
        blockIds.size() <= MAX_BLOCKS,
        "blockIds: %s (expected: at most %s)",
        blockIds.size(),
        MAX_BLOCKS);
  }

  @Override
  public WSEventType type() {
    return WSEventType.BLOCK_SYNC;
  }
}
