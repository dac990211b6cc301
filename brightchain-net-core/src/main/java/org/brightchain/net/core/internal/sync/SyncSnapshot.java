package org.brightchain.net.core.internal.sync;

import java.util.Map;
import org.brightchain.net.BlockId;

/**
 * The items of a node's metadata at one moment, and which block each item is.
 *
 * @param version the metadata version the snapshot holds (every change up to it)
 * @param storage the items, for a {@link Reconciler}
 * @param blocks the block of each item
 */
public record SyncSnapshot(long version, SyncStorage storage, Map<ItemId, BlockId> blocks) {}
