package org.brightchain.net.core.internal.channel;

import java.nio.ByteBuffer;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;

/**
 * Signs what this node says, stamped by its {@link HybridClock}; the id of every message signed
 * goes into the {@link SeenMessages}, so that a copy coming back is recognised. Scheduler-confined
 * (the clock is).
 */
public final class Signer {
  private final NodeIdentity identity;
  private final HybridClock clock;
  private final SeenMessages seen;

  /** Signs as {@code identity}. */
  public Signer(NodeIdentity identity, HybridClock clock, SeenMessages seen) {
    this.identity = identity;
    this.clock = clock;
    this.seen = seen;
  }

  /** This node's id. */
  public NodeId self() {
    return identity.nodeId();
  }

  /** Signs {@code payload} with the next stamp, addressed to {@code recipient} (null: anyone). */
  public SignedMessage sign(EventPayload payload, NodeId recipient) {
    return sign(payload, clock.stamp(), recipient);
  }

  /** Signs {@code payload} with stamp {@code ts}, addressed to {@code recipient} (null: anyone). */
  public SignedMessage sign(EventPayload payload, long ts, NodeId recipient) {
    WSMessage w = WSMessage.of(payload, ts, identity.nodeId());
    String purpose = MessageSigning.purposeFor(payload.type());
    SignedMessage m = MessageSigning.sign(identity, purpose, w, ts, recipient);
    seen.add(ByteBuffer.wrap(MessageSigning.messageId(MessageSigning.signedBytes(m, purpose))));
    return m;
  }
}
