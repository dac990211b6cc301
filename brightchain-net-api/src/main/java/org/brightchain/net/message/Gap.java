package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import org.brightchain.net.internal.Values;

/**
 * {@code system:gap}: the events after {@code afterSequence} asked for by a {@link Resume} are
 * partly gone from the log; only those from {@code oldestAvailable} on follow. The receiver catches
 * up on what it missed through metadata sync.
 *
 * @param afterSequence the sequence number the peer asked to resume after
 * @param oldestAvailable the oldest sequence number still in the log
 */
public record Gap(long afterSequence, long oldestAvailable) implements EventPayload {

  /** Validates. */
  public Gap {
    Values.safeInteger(afterSequence, "afterSequence");
    Values.safeInteger(oldestAvailable, "oldestAvailable");
    checkArgument(
        oldestAvailable > afterSequence + 1,
        "oldestAvailable: %s (expected: > afterSequence + 1 = %s)",
        oldestAvailable,
        afterSequence + 1);
  }

  @Override
  public WSEventType type() {
    return WSEventType.GAP;
  }
}
