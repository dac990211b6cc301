package org.brightchain.net.core.internal.inbound;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;

/**
 * What a signed message may write, whoever relays it: every register write it carries is stamped by
 * its signer and at most the allowed clock skew ahead of this node's clock (refused, never clamped,
 * so that nobody can pin a value the operator then cannot override); a location that says "node X
 * holds this block" is a direct write only when X signed it; a batch's updates are not stamped
 * after the batch, nor the batch after its message. Any thread.
 */
final class WriteRules {
  /** Events that may be replayed from a peer's log after the window: harmless register writes. */
  static final Set<WSEventType> REPLAYABLE =
      EnumSet.of(
          WSEventType.BLOCK_TEMPERATURE, WSEventType.BLOCK_LOCATION, WSEventType.METADATA_UPDATE);

  private final Clock clock;
  private final long maxSkewMs;

  WriteRules(Clock clock, long maxSkewMs) {
    this.clock = clock;
    this.maxSkewMs = maxSkewMs;
  }

  /** Why {@code m} is refused for what it writes, or null if it may be applied. */
  String refusal(SignedMessage m) {
    WSMessage w = m.payload();
    long now = clock.millis();
    NodeId signer = w.sender();
    return switch (w.type()) {
      case BLOCK_TEMPERATURE -> future("timestamp", w.timestamp(), now);
      case BLOCK_LOCATION -> {
        BlockLocationUpdate l = (BlockLocationUpdate) w.data();
        yield !l.location().nodeId().equals(signer)
            ? "location.nodeId: a location of "
                + l.location().nodeId().shortId()
                + " signed by "
                + signer.shortId()
                + " (only the node that holds a block says so)"
            : future("timestamp", w.timestamp(), now);
      }
      case BLOCK_BATCH -> batch((BatchUpdate) w.data(), w.timestamp(), signer, now);
      case METADATA_UPDATE ->
          future(
              "metadata.updatedAt",
              ((MetadataUpdate) w.data()).metadata().updatedAt().toEpochMilli(),
              now);
      default -> null;
    };
  }

  private String batch(BatchUpdate b, long messageTs, NodeId signer, long now) {
    if (b.timestamp() > messageTs) {
      // Its updates could be stamped ahead of the window the message itself passed.
      return "timestamp: the batch's is after its message's";
    }
    for (int i = 0; i < b.updates().size(); i++) {
      BatchUpdate.Update u = b.updates().get(i);
      String f = future("updates[" + i + "].timestamp", b.timestampOf(i), now);
      if (f != null) {
        return f;
      }
      if (u.data() instanceof BlockLocationUpdate l && !l.location().nodeId().equals(signer)) {
        return "updates["
            + i
            + "].location.nodeId: a location of another node (only the node that holds a block says so)";
      }
    }
    return null;
  }

  private String future(String field, long at, long now) {
    long ahead = at - now;
    return ahead > maxSkewMs
        ? field + ": " + ahead + " ms ahead of this node's clock (at most " + maxSkewMs + ")"
        : null;
  }
}
