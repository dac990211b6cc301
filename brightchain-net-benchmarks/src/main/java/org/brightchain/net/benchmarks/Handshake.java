package org.brightchain.net.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;

/**
 * The client side of the node's opening handshake ({@code docs/protocol.md} 9.1) for one driver
 * connection: an identity of its own and its {@code node:announce}, signed before the connection
 * opens. Only the proof depends on the node's challenge, so it alone is signed when the challenge
 * arrives.
 *
 * <p>Every connection needs its own node id: the node keeps one connection per peer and closes the
 * older of two that identify as the same node (9.3). Every announcement is fresh too, since the
 * node refuses a message id it has seen as a duplicate. The driver does not challenge the node
 * back: it trusts the server it started, and the node does not require it.
 *
 * <p>The connection counts as ready when the node sends {@code system:resume}, which it does right
 * after identifying the client (9.1); nothing else reaches the connection before that.
 */
final class Handshake {
  /** What the driver's connections say they run. */
  static final String VERSION = "brightchain-bench/1";

  final NodeIdentity identity;

  /** Whether the connection carries binary (protobuf) or text (JSON) frames. */
  final boolean binary;

  /** The {@code node:announce} frame, signed ahead. */
  final byte[] announce;

  private Handshake(NodeIdentity identity, boolean binary, byte[] announce) {
    this.identity = identity;
    this.binary = binary;
    this.announce = announce;
  }

  /** {@code count} new identities with their announcements, made in parallel. */
  static List<Handshake> prepare(int count, boolean binary) {
    long now = System.currentTimeMillis();
    Handshake[] out = new Handshake[count];
    IntStream.range(0, count).parallel().forEach(i -> out[i] = create(binary, now));
    return Arrays.asList(out);
  }

  private static Handshake create(boolean binary, long now) {
    NodeIdentity id = NodeIdentity.generate();
    // A client that accepts no connections: no address, no ports (protocol section 9.1).
    NodeAnnounce a = new NodeAnnounce(id.nodeId(), "", 0, 0, Set.of(), VERSION, null);
    SignedMessage m = MessageSigning.sign(id, WSMessage.of(a, now, id.nodeId()));
    return new Handshake(id, binary, encode(m, binary));
  }

  /** The proof answering {@code challenge}, received from {@code node}, as a frame. */
  byte[] proof(String challenge, NodeId node) {
    long now = System.currentTimeMillis();
    AuthProof p = new AuthProof(challenge, node);
    WSMessage w = WSMessage.of(p, now, identity.nodeId());
    SignedMessage m =
        MessageSigning.sign(identity, MessageSigning.purposeFor(p.type()), w, now, node);
    return encode(m, binary);
  }

  private static byte[] encode(SignedMessage m, boolean binary) {
    Envelope e = Envelope.of(m);
    return binary ? ProtoCodec.encodeEnvelope(e) : JsonCodec.toJsonBytes(e);
  }

  /** Decodes a frame the node sent during the handshake. */
  static Envelope decode(ByteBuf buf, boolean binaryFrame) throws WireFormatException {
    byte[] bytes = ByteBufUtil.getBytes(buf);
    return binaryFrame
        ? ProtoCodec.decodeEnvelope(bytes)
        : JsonCodec.fromJson(bytes, Envelope.class);
  }
}
