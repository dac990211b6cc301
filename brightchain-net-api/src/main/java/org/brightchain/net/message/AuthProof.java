package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.NodeId;

/**
 * {@code system:auth}: proof that the sender holds the key of the node id it claims, answering the
 * other side's {@link Challenge} on this connection.
 *
 * <p>The message is signed like any other, but over the signed bytes of the <em>authentication
 * purpose</em> ({@code "brightchain-net/auth/v1"}) instead of the event purpose, so neither kind of
 * signature can stand in for the other. The signed bytes include the sender's id; the payload adds
 * the challenge and the id of the node being answered, so a proof is good for one connection
 * between these two nodes only.
 *
 * @param challenge the other side's challenge, exactly as received
 * @param peer the node id of the other side, as its {@code system:challenge} message named it
 */
public record AuthProof(String challenge, NodeId peer) implements EventPayload {

  /** Validates. */
  public AuthProof {
    checkArgument(
        Challenge.isChallenge(challenge),
        "challenge: expected %s lower-case hex digits",
        Challenge.BYTES * 2);
    notNull(peer, "peer");
  }

  @Override
  public WSEventType type() {
    return WSEventType.AUTH;
  }
}
