package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.NodeId;

/**
 * One event on the WebSocket channel, with the design's fields {@code {type, data, timestamp,
 * sender}}.
 *
 * <p>On the wire it always travels inside a {@link SignedMessage}. In JSON it reads:
 *
 * <pre>{@code
 * {"type":"block:temperature","data":{"blockId":"…","temperature":"hot"},
 *  "timestamp":1764000000000,"sender":"<64 hex>"}
 * }</pre>
 *
 * @param type the event type; must match {@code data}
 * @param data the payload
 * @param timestamp when the sender created the event, milliseconds since the epoch
 * @param sender the node that created the event
 */
public record WSMessage(WSEventType type, EventPayload data, long timestamp, NodeId sender) {

  /** The largest integer a JavaScript number holds exactly: 2<sup>53</sup>-1. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  /** Validates. */
  public WSMessage {
    notNull(type, "type");
    notNull(data, "data");
    checkArgument(
        data.type() == type,
        "data: %s does not belong to type %s",
        data.getClass().getSimpleName(),
        type.wireName());
    checkSafeInteger(timestamp, "timestamp");
    notNull(sender, "sender");
  }

  /** An event whose type is that of its payload. */
  public static WSMessage of(EventPayload data, long timestamp, NodeId sender) {
    return new WSMessage(notNull(data, "data").type(), data, timestamp, sender);
  }

  /** Checks {@code 0 <= value <= 2^53-1}, so that JSON peers read it exactly. */
  static void checkSafeInteger(long value, String name) {
    checkArgument(
        value >= 0 && value <= MAX_SAFE_INTEGER, "%s: %s (expected: 0 to 2^53-1)", name, value);
  }
}
