package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.internal.Values;

/**
 * {@code block:sync}: asks the receiver for the metadata of these blocks; it answers with a {@link
 * MetadataSync} holding those it knows.
 *
 * <p>With {@code reconcile}, it is a step of a range-based set reconciliation instead: the receiver
 * feeds the bytes to its side of session {@code session} and answers with a {@link MetadataSync}
 * carrying its next message and the entries it has found the asker lacks (see {@code
 * docs/sync.md}).
 *
 * @param blockIds the blocks asked about, at most {@value #MAX_BLOCKS}
 * @param session the reconciliation session, chosen by the initiator; empty when not reconciling
 * @param reconcile a reconciliation message, base64; empty when not reconciling
 */
public record BlockSyncRequest(List<BlockId> blockIds, String session, String reconcile)
    implements EventPayload {

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
    session = SyncFields.session(session);
    reconcile = SyncFields.reconcile(reconcile);
    checkArgument(
        reconcile.isEmpty() || !session.isEmpty(), "session: empty while reconcile is set");
  }

  /** A request for the metadata of {@code blockIds}. */
  public BlockSyncRequest(List<BlockId> blockIds) {
    this(blockIds, "", "");
  }

  /** A reconciliation step of {@code session}. */
  public static BlockSyncRequest reconcile(String session, String reconcile) {
    return new BlockSyncRequest(List.of(), session, reconcile);
  }

  @Override
  public WSEventType type() {
    return WSEventType.BLOCK_SYNC;
  }
}
