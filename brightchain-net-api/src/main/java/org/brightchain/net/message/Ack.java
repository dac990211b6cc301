package org.brightchain.net.message;

import org.brightchain.net.internal.Values;

/**
 * {@code system:ack}: the answer to a request that has no richer answer. It travels in an {@link
 * Envelope} whose {@code replyTo} names the request.
 *
 * @param ok whether the request was applied
 * @param error why not, empty when {@code ok}
 */
public record Ack(boolean ok, String error) implements EventPayload {

  /** Validates. */
  public Ack {
    Values.text(error, "error", 256);
  }

  /** A positive acknowledgement. */
  public static Ack success() {
    return new Ack(true, "");
  }

  /** A refusal saying why. */
  public static Ack failed(String error) {
    return new Ack(false, error);
  }

  @Override
  public WSEventType type() {
    return WSEventType.ACK;
  }
}
