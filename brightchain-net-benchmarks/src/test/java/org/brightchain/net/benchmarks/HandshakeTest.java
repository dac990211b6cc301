package org.brightchain.net.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  @Test
  void everyConnectionHasItsOwnIdentityAndASignedClientAnnounce() throws Exception {
    for (boolean binary : new boolean[] {true, false}) {
      List<Handshake> hs = Handshake.prepare(3, binary);
      assertEquals(3, hs.size());
      assertNotEquals(hs.get(0).identity.nodeId(), hs.get(1).identity.nodeId());
      for (Handshake h : hs) {
        SignedMessage m = Handshake.decode(Unpooled.wrappedBuffer(h.announce), binary).message();
        assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(m));
        NodeAnnounce a = assertInstanceOf(NodeAnnounce.class, m.payload().data());
        assertEquals(h.identity.nodeId(), a.nodeId());
        assertEquals(h.identity.nodeId(), m.payload().sender());
        assertEquals("", a.address());
        assertEquals(0, a.wsPort());
        assertEquals(0, a.httpPort());
        assertEquals(null, m.recipient());
      }
    }
  }

  @Test
  void theProofAnswersTheChallengeAndIsSignedForAuthentication() throws Exception {
    NodeIdentity node = NodeIdentity.generate();
    String challenge = Challenge.random().challenge();
    for (boolean binary : new boolean[] {true, false}) {
      Handshake h = Handshake.prepare(1, binary).get(0);
      Envelope e =
          Handshake.decode(Unpooled.wrappedBuffer(h.proof(challenge, node.nodeId())), binary);
      SignedMessage m = e.message();
      AuthProof p = assertInstanceOf(AuthProof.class, m.payload().data());
      assertEquals(challenge, p.challenge());
      assertEquals(node.nodeId(), p.peer());
      assertEquals(node.nodeId(), m.recipient());
      assertEquals(
          MessageSigning.Verdict.VALID, MessageSigning.verify(m, MessageSigning.AUTH_PURPOSE));
      assertNotEquals(
          MessageSigning.Verdict.VALID, MessageSigning.verify(m, MessageSigning.EVENT_PURPOSE));
    }
  }
}
