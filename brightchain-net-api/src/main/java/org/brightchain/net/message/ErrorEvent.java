package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import org.brightchain.net.internal.Values;

/**
 * {@code system:error}: the node refused something the connection sent, and says why. Sent before
 * the node drops a message it will not process (not authenticated, rate limited, outside the time
 * window) and before it closes a blacklisted connection. Never answered.
 *
 * @param code a stable machine-readable code, for example {@code "rate_limited"}
 * @param message a human-readable explanation
 * @param retryAfterMs when the sender may try again, in milliseconds; 0 when not applicable
 */
public record ErrorEvent(String code, String message, long retryAfterMs) implements EventPayload {

  /** Validates. */
  public ErrorEvent {
    Values.text(code, "code", 64);
    checkArgument(!code.isEmpty(), "code: empty");
    Values.text(message, "message", 256);
    Values.safeInteger(retryAfterMs, "retryAfterMs");
  }

  @Override
  public WSEventType type() {
    return WSEventType.ERROR;
  }
}
