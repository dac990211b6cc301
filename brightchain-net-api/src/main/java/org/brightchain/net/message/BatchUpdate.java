package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.internal.Values;

/**
 * {@code block:batch}: many block updates sent, signed and acknowledged as one, as the design's
 * {@code BatchUpdate {batchId, timestamp, updates[{type, blockId, data}]}}.
 *
 * <p>Each update is stamped {@code (update timestamp, sender)}: the time the sender's host made the
 * change, which is at or before the batch's own timestamp. Receivers apply each update field by
 * field, last writer wins ({@link org.brightchain.net.BlockMetadata#mergedWith}), so batches
 * applied twice or in any order leave the same state.
 *
 * @param batchId unique per sender; a receiver applies a batch id once
 * @param timestamp when the batch was sealed, milliseconds since the epoch
 * @param updates the updates, at most {@value #MAX_UPDATES}
 */
public record BatchUpdate(String batchId, long timestamp, List<Update> updates)
    implements EventPayload {

  /** The most updates one batch may carry. */
  public static final int MAX_UPDATES = 10_000;

  /** Validates and copies. */
  public BatchUpdate {
    Values.text(batchId, "batchId", 128);
    checkArgument(!batchId.isEmpty(), "batchId: empty");
    WSMessage.checkSafeInteger(timestamp, "timestamp");
    updates = Values.list(updates, "updates");
    checkArgument(
        updates.size() <= MAX_UPDATES,
        "updates: %s (expected: at most %s)",
        updates.size(),
        MAX_UPDATES);
    for (int i = 0; i < updates.size(); i++) {
      long at = updates.get(i).timestamp();
      checkArgument(
          at <= timestamp,
          "updates[%s].timestamp: %s is after the batch's timestamp %s",
          i,
          at,
          timestamp);
    }
  }

  @Override
  public WSEventType type() {
    return WSEventType.BLOCK_BATCH;
  }

  /** The stamp time of update {@code i}: its own timestamp, or the batch's if it has none. */
  public long timestampOf(int i) {
    long at = updates.get(i).timestamp();
    return at == 0 ? timestamp : at;
  }

  /** The kind of one update, with the design's names. */
  public enum UpdateType {
    /** Carries a {@link BlockTemperatureUpdate}. */
    TEMPERATURE,
    /** Carries a {@link BlockLocationUpdate}. */
    LOCATION,
    /** Carries a {@link MetadataUpdate}. */
    METADATA
  }

  /**
   * One update in a batch.
   *
   * @param type the kind of update; must match {@code data}
   * @param blockId the block; must match the block named in {@code data}
   * @param data the update itself
   * @param timestamp when the change was made, milliseconds since the epoch; 0 means the batch's
   *     timestamp
   */
  public record Update(UpdateType type, BlockId blockId, EventPayload data, long timestamp) {

    /** Validates. */
    public Update {
      WSMessage.checkSafeInteger(timestamp, "timestamp");
      notNull(type, "type");
      notNull(blockId, "blockId");
      notNull(data, "data");
      BlockId inData;
      UpdateType expected;
      if (data instanceof BlockTemperatureUpdate t) {
        expected = UpdateType.TEMPERATURE;
        inData = t.blockId();
      } else if (data instanceof BlockLocationUpdate l) {
        expected = UpdateType.LOCATION;
        inData = l.blockId();
      } else if (data instanceof MetadataUpdate m) {
        expected = UpdateType.METADATA;
        inData = m.metadata().blockId();
      } else {
        throw new IllegalArgumentException(
            "data: " + data.type().wireName() + " cannot be batched");
      }
      checkArgument(type == expected, "type: %s does not match data %s", type, data.type());
      checkArgument(blockId.equals(inData), "blockId: does not match the block in data");
    }

    /** An update stamped with the batch's timestamp. */
    public Update(UpdateType type, BlockId blockId, EventPayload data) {
      this(type, blockId, data, 0);
    }

    /** An update whose type and block are those of its data, stamped with the batch's time. */
    public static Update of(EventPayload data) {
      return of(data, 0);
    }

    /** An update whose type and block are those of its data, made at {@code timestamp}. */
    public static Update of(EventPayload data, long timestamp) {
      if (data instanceof BlockTemperatureUpdate t) {
        return new Update(UpdateType.TEMPERATURE, t.blockId(), t, timestamp);
      } else if (data instanceof BlockLocationUpdate l) {
        return new Update(UpdateType.LOCATION, l.blockId(), l, timestamp);
      } else if (data instanceof MetadataUpdate m) {
        return new Update(UpdateType.METADATA, m.metadata().blockId(), m, timestamp);
      }
      throw new IllegalArgumentException(
          "data: " + notNull(data, "data").type().wireName() + " cannot be batched");
    }
  }
}
