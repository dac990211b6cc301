package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.BlockMetadata;

/**
 * {@code metadata:update}: the whole metadata of one block; receivers merge it field by field, each
 * field keeping its later version (see {@link BlockMetadata#mergedWith(BlockMetadata)}).
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
