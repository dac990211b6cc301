package org.brightchain.net.message;

/**
 * {@code system:ping}: a liveness probe; the receiver answers {@link Pong} with the same nonce.
 *
 * @param nonce 0 to 2<sup>53</sup>-1 (exact in JavaScript); chosen by the sender to match the
 *     answer
 */
public record Ping(long nonce) implements EventPayload {

  /** Validates: JSON peers must be able to hold the nonce exactly. */
  public Ping {
    WSMessage.checkSafeInteger(nonce, "nonce");
  }

  @Override
  public WSEventType type() {
    return WSEventType.PING;
  }
}
