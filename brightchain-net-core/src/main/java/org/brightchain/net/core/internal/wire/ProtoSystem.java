package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.ProtoFields.blockId;
import static org.brightchain.net.core.internal.wire.ProtoFields.bytes;
import static org.brightchain.net.core.internal.wire.ProtoFields.nodeId;
import static org.brightchain.net.core.internal.wire.ProtoFields.text;
import static org.brightchain.net.core.internal.wire.WireFields.at;
import static org.brightchain.net.core.internal.wire.WireFields.atMost;
import static org.brightchain.net.core.internal.wire.WireFields.eventType;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.internal.Hex;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.NodeAuthentication;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;

/**
 * Protobuf form of the channel's control and authentication messages: the {@code system:*} events
 * (ping, pong, ack, resume, gap, subscribe, challenge, auth, error) and {@link NodeAuthentication}.
 * See {@link ProtoCodec}.
 */
final class ProtoSystem {
  private ProtoSystem() {}

  // ------------------------------------------------------------------ encode

  static Pb.Ping proto(Ping p) {
    return Pb.Ping.newBuilder().setNonce(p.nonce()).build();
  }

  static Pb.Pong proto(Pong p) {
    return Pb.Pong.newBuilder().setNonce(p.nonce()).build();
  }

  static Pb.Ack proto(Ack a) {
    return Pb.Ack.newBuilder().setOk(a.ok()).setError(text(a.error(), "error")).build();
  }

  static Pb.Resume proto(Resume r) {
    return Pb.Resume.newBuilder().setAfterSequence(r.afterSequence()).build();
  }

  static Pb.Gap proto(Gap g) {
    return Pb.Gap.newBuilder()
        .setAfterSequence(g.afterSequence())
        .setOldestAvailable(g.oldestAvailable())
        .build();
  }

  static Pb.Subscribe proto(Subscribe s) {
    var b = Pb.Subscribe.newBuilder();
    for (WSEventType t : s.types()) {
      b.addTypes(t.wireName());
    }
    for (BlockId id : s.blockIds()) {
      b.addBlockIds(bytes(id));
    }
    return b.build();
  }

  static Pb.Challenge proto(Challenge c) {
    return Pb.Challenge.newBuilder()
        .setChallenge(UnsafeByteOperations.unsafeWrap(Hex.decode(c.challenge())))
        .build();
  }

  static Pb.AuthProof proto(AuthProof a) {
    return Pb.AuthProof.newBuilder()
        .setChallenge(UnsafeByteOperations.unsafeWrap(Hex.decode(a.challenge())))
        .setPeer(bytes(a.peer()))
        .build();
  }

  static Pb.ErrorEvent proto(ErrorEvent e) {
    return Pb.ErrorEvent.newBuilder()
        .setCode(text(e.code(), "code"))
        .setMessage(text(e.message(), "message"))
        .setRetryAfterMs(e.retryAfterMs())
        .build();
  }

  static Pb.NodeAuthentication proto(NodeAuthentication a) {
    return Pb.NodeAuthentication.newBuilder()
        .setNodeId(bytes(a.nodeId()))
        .setPublicKey(UnsafeByteOperations.unsafeWrap(a.publicKey()))
        .setChallenge(UnsafeByteOperations.unsafeWrap(a.challenge()))
        .setSignature(UnsafeByteOperations.unsafeWrap(a.signature()))
        .setToken(text(a.token(), "token"))
        .setExpiry(a.expiry().toEpochMilli())
        .build();
  }

  // ------------------------------------------------------------------ decode

  static Ping ping(Pb.Ping p) {
    return new Ping(p.getNonce());
  }

  static Pong pong(Pb.Pong p) {
    return new Pong(p.getNonce());
  }

  static Ack ack(Pb.Ack p) {
    return new Ack(p.getOk(), p.getError());
  }

  static Resume resume(Pb.Resume p) {
    return new Resume(p.getAfterSequence());
  }

  static Gap gap(Pb.Gap p) {
    return new Gap(p.getAfterSequence(), p.getOldestAvailable());
  }

  static Subscribe subscribe(Pb.Subscribe p, String path) throws WireFormatException {
    int n = p.getBlockIdsCount();
    atMost(n, Subscribe.MAX_BLOCKS, at(path, "blockIds"));
    Set<WSEventType> types = new LinkedHashSet<>();
    for (int i = 0; i < p.getTypesCount(); i++) {
      types.add(eventType(p.getTypes(i), at(path, "types[" + i + "]")));
    }
    Set<BlockId> ids = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(blockId(p.getBlockIds(i), path, "blockIds[" + i + "]"));
    }
    return new Subscribe(types, ids);
  }

  static Challenge challenge(Pb.Challenge p, String path) throws WireFormatException {
    return new Challenge(challengeHex(p.getChallenge(), at(path, "challenge")));
  }

  static AuthProof authProof(Pb.AuthProof p, String path) throws WireFormatException {
    return new AuthProof(
        challengeHex(p.getChallenge(), at(path, "challenge")), nodeId(p.getPeer(), path, "peer"));
  }

  static ErrorEvent errorEvent(Pb.ErrorEvent p) {
    return new ErrorEvent(p.getCode(), p.getMessage(), p.getRetryAfterMs());
  }

  static NodeAuthentication authentication(Pb.NodeAuthentication p, String path)
      throws WireFormatException {
    return new NodeAuthentication(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getPublicKey().toByteArray(),
        p.getChallenge().toByteArray(),
        p.getSignature().toByteArray(),
        p.getToken(),
        Instant.ofEpochMilli(p.getExpiry()));
  }

  private static String challengeHex(ByteString b, String path) throws WireFormatException {
    if (b.size() != Challenge.BYTES) {
      throw new WireFormatException(
          path + ": expected " + Challenge.BYTES + " bytes, got " + b.size());
    }
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
