package org.brightchain.net.message;

/**
 * {@code system:pong}: the answer to a {@link Ping}.
 *
 * @param nonce 0 to 2<sup>53</sup>-1 (exact in JavaScript); the nonce of the ping answered
 */
public record Pong(long nonce) implements EventPayload {

  /** Validates: JSON peers must be able to hold the nonce exactly. */
  public Pong {
    WSMessage.checkSafeInteger(nonce, "nonce");
  }

  @Override
  public WSEventType type() {
    return WSEventType.PONG;
  }
}
