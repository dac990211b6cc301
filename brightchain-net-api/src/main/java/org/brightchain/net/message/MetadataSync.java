package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.List;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.internal.Values;

/**
 * {@code metadata:sync}: the metadata of many blocks, sent in answer to a {@link BlockSyncRequest}
 * or to bring a peer up to date; receivers merge each entry field by field ({@link
 * org.brightchain.net.BlockMetadata#mergedWith}).
 *
 * <p>In a reconciliation ({@code session} set), it answers a {@link BlockSyncRequest} step with the
 * next message ({@code reconcile}, empty once the answerer is done) and the entries the asker
 * lacks; sent on its own, it pushes the entries a session found the receiver lacks.
 *
 * @param entries the metadata, at most {@value #MAX_ENTRIES} entries
 * @param session the reconciliation session, or empty
 * @param reconcile the answerer's next reconciliation message, base64, or empty
 */
public record MetadataSync(List<BlockMetadata> entries, String session, String reconcile)
    implements EventPayload {

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
    session = SyncFields.session(session);
    reconcile = SyncFields.reconcile(reconcile);
    checkArgument(
        reconcile.isEmpty() || !session.isEmpty(), "session: empty while reconcile is set");
  }

  /** Metadata entries, outside any reconciliation. */
  public MetadataSync(List<BlockMetadata> entries) {
    this(entries, "", "");
  }

  @Override
  public WSEventType type() {
    return WSEventType.METADATA_SYNC;
  }
}
