package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.List;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.internal.Values;

/**
 * {@code metadata:sync}: the metadata of many blocks, sent in answer to a {@link
 * BlockSyncRequest} or to bring a peer up to date; receivers keep the newer value per block.
 *
 * @param entries the metadata, at most {@value #MAX_ENTRIES} entries
 */
public record MetadataSync(List<BlockMetadata> entries) implements EventPayload {

  /** The most entries one message may carry. */
  public static final int MAX_ENTRIES = 1000;

  /** Validates and copies. */
  public MetadataSync {
    entries = Values.list(entries, "entries");
    checkArgument(
        entries.size() <= MAX_ENTRIES,
        "entries: %s (expected: at most %s)",
        entries.size(),
        MAX_ENTRIES);
  }

  @Override
  public WSEventType type() {
    return WSEventType.METADATA_SYNC;
  }
}
