package org.brightchain.net.message;

import org.brightchain.net.internal.Values;

/**
 * {@code system:resume}: "send me the events of your log after this sequence number". Sent by each
 * side right after its announcement when a connection opens. The receiver replays, in order, every
 * logged event with a higher sequence number (answering {@link Gap} first if some are no longer in
 * its log), then continues live.
 *
 * @param afterSequence the last sequence number seen from the receiver, or {@link #LIVE} for
 *     "nothing missed, start live"
 */
public record Resume(long afterSequence) implements EventPayload {

  /** No replay: start with live events. */
  public static final long LIVE = 0;

  /** Validates. */
  public Resume {
    Values.safeInteger(afterSequence, "afterSequence");
  }

  @Override
  public WSEventType type() {
    return WSEventType.RESUME;
  }
}
