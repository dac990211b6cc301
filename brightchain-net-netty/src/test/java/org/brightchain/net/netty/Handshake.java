package org.brightchain.net.netty;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;

/** The client's side of the WebSocket handshake ({@code docs/protocol.md} 9.1), for tests. */
final class Handshake {
  private Handshake() {}

  /** Signs as {@code id} for the purpose of the payload's type, stamped now. */
  static SignedMessage sign(NodeIdentity id, EventPayload payload, NodeId recipient) {
    long now = System.currentTimeMillis();
    return MessageSigning.sign(
        id,
        MessageSigning.purposeFor(payload.type()),
        WSMessage.of(payload, now, id.nodeId()),
        now,
        recipient);
  }

  /**
   * Answers the node's challenge as {@code id}, announces as a client (no ports) and waits until
   * the node has identified us (its {@code system:resume}).
   *
   * @return the node's id
   */
  static NodeId run(
      Supplier<List<SignedMessage>> received,
      Consumer<SignedMessage> send,
      NodeIdentity id,
      Duration wait) {
    Await.until(
        wait,
        () -> find(received.get(), Challenge.class) != null,
        () -> "no system:challenge: " + received.get());
    SignedMessage challenge = find(received.get(), Challenge.class);
    NodeId node = challenge.nodeId();
    send.accept(sign(id, Challenge.random(), null));
    send.accept(
        sign(id, new AuthProof(((Challenge) challenge.payload().data()).challenge(), node), node));
    send.accept(
        sign(
            id,
            new NodeAnnounce(id.nodeId(), "", 0, 0, java.util.Set.of(), "test-client", null),
            null));
    Await.until(
        wait,
        () -> find(received.get(), Resume.class) != null,
        () -> "not identified: " + received.get());
    return node;
  }

  static SignedMessage find(List<SignedMessage> messages, Class<? extends EventPayload> type) {
    for (SignedMessage m : messages) {
      if (type.isInstance(m.payload().data())) {
        return m;
      }
    }
    return null;
  }
}
