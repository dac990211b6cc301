package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.BlockMetadata;

/**
 * {@code metadata:update}: the whole metadata of one block; receivers keep the newer value
 * (last writer wins, see {@link BlockMetadata#isNewerThan(BlockMetadata)}).
 *
 * @param metadata the block's metadata
 */
public record MetadataUpdate(BlockMetadata metadata) implements EventPayload {

  /** Validates. */
  public MetadataUpdate {
    notNull(metadata, "metadata");
  }

  @Override
  public WSEventType type() {
    return WSEventType.METADATA_UPDATE;
  }
}
