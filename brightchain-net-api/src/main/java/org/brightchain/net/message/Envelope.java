package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.internal.Values;

/**
 * One frame on the WebSocket channel: a {@link SignedMessage} plus hop-by-hop fields that the node
 * sending the frame sets and that its signature does not cover (a relaying node sets its own). In
 * JSON the hop fields sit beside the signed message's fields, so a reader that does not know them
 * sees a plain {@code SignedMessage}.
 *
 * @param message the signed message
 * @param sequence this sender's log sequence number of the event, for resuming after a
 *     disconnection; 0 for messages that are not logged (replies, control messages)
 * @param requestId set by a sender that wants an answer; empty otherwise
 * @param replyTo the {@code requestId} this frame answers; empty otherwise
 */
public record Envelope(SignedMessage message, long sequence, String requestId, String replyTo) {

  /** Validates. */
  public Envelope {
    notNull(message, "message");
    Values.safeInteger(sequence, "sequence");
    Values.text(requestId, "requestId", 64);
    Values.text(replyTo, "replyTo", 64);
    checkArgument(
        requestId.isEmpty() || replyTo.isEmpty(), "an envelope is a request or a reply, not both");
  }

  /** A frame with no hop fields. */
  public static Envelope of(SignedMessage message) {
    return new Envelope(message, 0, "", "");
  }
}
