package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.internal.Values;

/**
 * {@code system:subscribe}: from now on, send this connection only the events of these types that
 * concern these blocks ("rooms"). Control messages ({@code system:*}) and announcements are always
 * sent. Replaces any earlier subscription of the connection.
 *
 * @param types event types wanted; empty means every type
 * @param blockIds blocks wanted; empty means every block. Events that name no block (for example
 *     {@code node:leave}) are not filtered by block.
 */
public record Subscribe(Set<WSEventType> types, Set<BlockId> blockIds) implements EventPayload {

  /** The most block ids one subscription may name. */
  public static final int MAX_BLOCKS = 10_000;

  /** Validates and copies. */
  public Subscribe {
    types = Values.orderedSet(types, "types");
    blockIds = Values.orderedSet(blockIds, "blockIds");
    checkArgument(
        blockIds.size() <= MAX_BLOCKS,
        "blockIds: %s (expected: at most %s)",
        blockIds.size(),
        MAX_BLOCKS);
  }

  /** Everything: the default of every connection. */
  public static Subscribe all() {
    return new Subscribe(Set.of(), Set.of());
  }

  @Override
  public WSEventType type() {
    return WSEventType.SUBSCRIBE;
  }
}
