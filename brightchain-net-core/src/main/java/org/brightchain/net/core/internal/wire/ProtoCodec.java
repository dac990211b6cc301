package org.brightchain.net.core.internal.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.BlockVersions;
import org.brightchain.net.Stamp;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.Reachability;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.internal.Hex;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeAuthentication;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;

/**
 * Protocol buffers form of every contract type; the schema is {@code brightchain.proto}.
 *
 * <p>Node ids travel as their 32 raw bytes, block ids as their raw checksum bytes, times as
 * milliseconds since the epoch, enums as the schema's values (never {@code UNSPECIFIED}); optional
 * fields that are {@code null} are left unset. A {@link WSMessage}'s type is the case of its
 * {@code data}. An {@link Envelope} is a schema {@code SignedMessage} whose hop-by-hop fields
 * ({@code sequence}, {@code request_id}, {@code reply_to}) are set; the signature does not cover
 * them.
 *
 * <p>Decoding ignores unknown fields, so newer peers can add fields, and reports the first
 * problem as a {@link WireFormatException} naming the field with the JSON field names of {@link
 * JsonCodec}, for example {@code payload.data.temperature: unspecified}.
 */
public final class ProtoCodec {
  private ProtoCodec() {}

  // ------------------------------------------------------------------ public

  /**
   * Encodes a contract value as protobuf bytes.
   *
   * @param value a contract value: an {@link Envelope}, {@link SignedMessage}, {@link
   *     WSMessage}, any {@link EventPayload}, {@link PeerInfo}, {@link NodeAdvertisement}, {@link
   *     BlockLocation}, {@link BlockMetadata}, {@link NodeLocation}, {@link NodeMetrics}, {@link
   *     NetworkHealth}, {@link NodeInfo}, {@link NodeStatusReport}, {@link BatchUpdate} or {@link
   *     NodeAuthentication}
   * @return the serialized message of the matching schema type
   * @throws IllegalArgumentException if {@code value} is not a contract type, or holds a value
   *     the schema cannot carry faithfully (a string with an unpaired surrogate, a negative
   *     number in an unsigned field)
   */
  public static byte[] toBytes(Object value) {
    return toProto(value).toByteArray();
  }

  /**
   * Encodes a signed message as protobuf bytes: the body of a binary WebSocket frame. Same as
   * {@link #toBytes(Object)} without the type dispatch.
   *
   * @param m the message
   * @return the serialized {@code SignedMessage}
   * @throws IllegalArgumentException if the message holds a string with an unpaired surrogate
   */
  public static byte[] encode(SignedMessage m) {
    return proto(Objects.requireNonNull(m, "m")).toByteArray();
  }

  /**
   * Encodes a frame as protobuf bytes: the body of a binary WebSocket frame, a schema {@code
   * SignedMessage} with its hop-by-hop fields set. Same as {@link #toBytes(Object)} without the
   * type dispatch.
   *
   * @param e the frame
   * @return the serialized {@code SignedMessage}
   * @throws IllegalArgumentException if the frame holds a string with an unpaired surrogate
   */
  public static byte[] encodeEnvelope(Envelope e) {
    return proto(Objects.requireNonNull(e, "e")).toByteArray();
  }

  /**
   * The generated protobuf message of a contract value; see {@link #toBytes(Object)} for the
   * types accepted. An {@link EventPayload} becomes its own schema message (for example a {@link
   * Ping} becomes {@code brightchain.net.v1.Ping}), not a {@code WSMessage}.
   *
   * @param value a contract value
   * @return the equivalent message, one of the types nested in {@link Pb}
   * @throws IllegalArgumentException if {@code value} is not a contract type, or holds a value
   *     the schema cannot carry faithfully
   */
  public static Message toProto(Object value) {
    if (value instanceof Envelope e) {
      return proto(e);
    } else if (value instanceof SignedMessage m) {
      return proto(m);
    } else if (value instanceof WSMessage m) {
      return proto(m);
    } else if (value instanceof EventPayload p) {
      return payload(p);
    } else if (value instanceof PeerInfo p) {
      return proto(p);
    } else if (value instanceof NodeAdvertisement a) {
      return proto(a);
    } else if (value instanceof BlockLocation l) {
      return proto(l);
    } else if (value instanceof BlockMetadata m) {
      return proto(m);
    } else if (value instanceof NodeLocation l) {
      return proto(l);
    } else if (value instanceof NodeMetrics m) {
      return proto(m);
    } else if (value instanceof NetworkHealth h) {
      return proto(h);
    } else if (value instanceof NodeInfo i) {
      return proto(i);
    } else if (value instanceof NodeStatusReport r) {
      return proto(r);
    } else if (value instanceof BatchUpdate b) {
      return proto(b);
    } else if (value instanceof NodeAuthentication a) {
      return proto(a);
    }
    throw new IllegalArgumentException(
        "not a contract type: " + (value == null ? "null" : value.getClass().getName()));
  }

  /**
   * Decodes a signed message from protobuf bytes: the body of a binary WebSocket frame. Same as
   * {@code fromBytes(bytes, SignedMessage.class)} without the type dispatch.
   *
   * @param bytes a serialized {@code SignedMessage}
   * @return the message; its signature is not checked here
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field
   *     is missing or an enum is unspecified or unknown, or a value is refused by the contract
   *     types; the message names the field
   */
  public static SignedMessage decodeSignedMessage(byte[] bytes) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return signedMessage(
          Pb.SignedMessage.parseFrom(bytes), "");
    } catch (InvalidProtocolBufferException e) {
      throw malformed(e);
    } catch (IllegalArgumentException | NullPointerException e) {
      // A contract type refused a value; its message names the field.
      throw new WireFormatException(e.getMessage());
    }
  }

  /**
   * Decodes a frame from protobuf bytes: the body of a binary WebSocket frame. Same as {@code
   * fromBytes(bytes, Envelope.class)} without the type dispatch; hop-by-hop fields that are
   * absent read as 0 and empty.
   *
   * @param bytes a serialized {@code SignedMessage}
   * @return the frame; its signature is not checked here
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field
   *     is missing or an enum is unspecified or unknown, or a value is refused by the contract
   *     types; the message names the field
   */
  public static Envelope decodeEnvelope(byte[] bytes) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return envelope(Pb.SignedMessage.parseFrom(bytes), "");
    } catch (InvalidProtocolBufferException e) {
      throw malformed(e);
    } catch (IllegalArgumentException | NullPointerException e) {
      // A contract type refused a value; its message names the field.
      throw new WireFormatException(e.getMessage());
    }
  }

  /**
   * Decodes protobuf bytes as {@code type}.
   *
   * @param bytes the serialized schema message matching {@code type} (for example a {@code
   *     brightchain.net.v1.PeerInfo} for {@link PeerInfo}; for an {@link EventPayload} record, the
   *     payload's own message)
   * @param type a contract type, as listed at {@link #toBytes(Object)}
   * @param <T> the contract type
   * @return the decoded value
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field
   *     is missing, an enum is unspecified or unknown, an id has the wrong length, or a value is
   *     refused by the contract types; the message names the field
   * @throws IllegalArgumentException if {@code type} is not a contract type
   */
  public static <T> T fromBytes(byte[] bytes, Class<T> type) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(type, "type");
    Object value;
    try {
      value = decode(bytes, type);
    } catch (InvalidProtocolBufferException e) {
      throw malformed(e);
    } catch (IllegalArgumentException | NullPointerException e) {
      // A contract type refused a value; its message names the field.
      throw new WireFormatException(e.getMessage());
    }
    if (value == null) {
      throw new IllegalArgumentException("not a contract type: " + type.getName());
    }
    return type.cast(value);
  }

  private static WireFormatException malformed(InvalidProtocolBufferException e) {
    return new WireFormatException("malformed protobuf: " + e.getMessage());
  }

  // ------------------------------------------------------------------ encode

  private static Pb.SignedMessage proto(SignedMessage m) {
    return signedBuilder(m).build();
  }

  private static Pb.SignedMessage proto(Envelope e) {
    return signedBuilder(e.message())
        .setSequence(e.sequence())
        .setRequestId(text(e.requestId(), "requestId"))
        .setReplyTo(text(e.replyTo(), "replyTo"))
        .build();
  }

  private static Pb.SignedMessage.Builder signedBuilder(
      SignedMessage m) {
    var b =
        Pb.SignedMessage.newBuilder()
            .setPayload(proto(m.payload()))
            .setTimestamp(m.timestamp())
            .setNodeId(bytes(m.nodeId()))
            .setPublicKey(UnsafeByteOperations.unsafeWrap(m.publicKey()))
            .setSignature(UnsafeByteOperations.unsafeWrap(m.signature()));
    if (m.recipient() != null) {
      b.setRecipient(bytes(m.recipient()));
    }
    return b;
  }

  private static Pb.WSMessage proto(WSMessage m) {
    var b =
        Pb.WSMessage.newBuilder()
            .setTimestamp(m.timestamp())
            .setSender(bytes(m.sender()));
    EventPayload p = m.data();
    if (p instanceof NodeAnnounce a) {
      b.setNodeAnnounce(proto(a));
    } else if (p instanceof NodeLeave l) {
      b.setNodeLeave(proto(l));
    } else if (p instanceof NodeStatusUpdate s) {
      b.setNodeStatus(proto(s));
    } else if (p instanceof BlockTemperatureUpdate t) {
      b.setBlockTemperature(proto(t));
    } else if (p instanceof BlockLocationUpdate l) {
      b.setBlockLocation(proto(l));
    } else if (p instanceof BlockSyncRequest r) {
      b.setBlockSync(proto(r));
    } else if (p instanceof MetadataUpdate u) {
      b.setMetadataUpdate(proto(u));
    } else if (p instanceof MetadataSync s) {
      b.setMetadataSync(proto(s));
    } else if (p instanceof BatchUpdate u) {
      b.setBlockBatch(proto(u));
    } else if (p instanceof Ping ping) {
      b.setPing(proto(ping));
    } else if (p instanceof Pong pong) {
      b.setPong(proto(pong));
    } else if (p instanceof Ack ack) {
      b.setAck(proto(ack));
    } else if (p instanceof Resume r) {
      b.setResume(proto(r));
    } else if (p instanceof Gap g) {
      b.setGap(proto(g));
    } else if (p instanceof Subscribe s) {
      b.setSubscribe(proto(s));
    } else if (p instanceof Challenge c) {
      b.setChallenge(proto(c));
    } else if (p instanceof AuthProof a) {
      b.setAuth(proto(a));
    } else if (p instanceof ErrorEvent e) {
      b.setError(proto(e));
    }
    return b.build();
  }

  private static Message payload(EventPayload p) {
    if (p instanceof NodeAnnounce a) {
      return proto(a);
    } else if (p instanceof NodeLeave l) {
      return proto(l);
    } else if (p instanceof NodeStatusUpdate s) {
      return proto(s);
    } else if (p instanceof BlockTemperatureUpdate t) {
      return proto(t);
    } else if (p instanceof BlockLocationUpdate l) {
      return proto(l);
    } else if (p instanceof BlockSyncRequest r) {
      return proto(r);
    } else if (p instanceof MetadataUpdate u) {
      return proto(u);
    } else if (p instanceof MetadataSync s) {
      return proto(s);
    } else if (p instanceof BatchUpdate u) {
      return proto(u);
    } else if (p instanceof Ping ping) {
      return proto(ping);
    } else if (p instanceof Pong pong) {
      return proto(pong);
    } else if (p instanceof Ack ack) {
      return proto(ack);
    } else if (p instanceof Resume r) {
      return proto(r);
    } else if (p instanceof Gap g) {
      return proto(g);
    } else if (p instanceof Challenge c) {
      return proto(c);
    } else if (p instanceof AuthProof a) {
      return proto(a);
    } else if (p instanceof ErrorEvent e) {
      return proto(e);
    }
    return proto((Subscribe) p);
  }

  private static Pb.Challenge proto(Challenge c) {
    return Pb.Challenge.newBuilder()
        .setChallenge(UnsafeByteOperations.unsafeWrap(Hex.decode(c.challenge())))
        .build();
  }

  private static Pb.AuthProof proto(AuthProof a) {
    return Pb.AuthProof.newBuilder()
        .setChallenge(UnsafeByteOperations.unsafeWrap(Hex.decode(a.challenge())))
        .setPeer(bytes(a.peer()))
        .build();
  }

  private static Pb.ErrorEvent proto(ErrorEvent e) {
    return Pb.ErrorEvent.newBuilder()
        .setCode(text(e.code(), "code"))
        .setMessage(text(e.message(), "message"))
        .setRetryAfterMs(e.retryAfterMs())
        .build();
  }

  private static String challengeHex(ByteString b, String path) throws WireFormatException {
    if (b.size() != Challenge.BYTES) {
      throw new WireFormatException(path + ": expected " + Challenge.BYTES + " bytes, got " + b.size());
    }
    return Hex.encode(b.toByteArray());
  }

  private static Pb.NodeAnnounce proto(NodeAnnounce a) {
    var b =
        Pb.NodeAnnounce.newBuilder()
            .setNodeId(bytes(a.nodeId()))
            .setAddress(text(a.address(), "address"))
            .setHttpPort(a.httpPort())
            .setWsPort(a.wsPort())
            .addAllCapabilities(texts(a.capabilities(), "capabilities"))
            .setVersion(text(a.version(), "version"));
    if (a.region() != null) {
      b.setRegion(text(a.region(), "region"));
    }
    return b.build();
  }

  private static Pb.NodeLeave proto(NodeLeave l) {
    return Pb.NodeLeave.newBuilder()
        .setNodeId(bytes(l.nodeId()))
        .setReason(text(l.reason(), "reason"))
        .build();
  }

  private static Pb.NodeStatusUpdate proto(NodeStatusUpdate s) {
    return Pb.NodeStatusUpdate.newBuilder()
        .setNodeId(bytes(s.nodeId()))
        .setStatus(proto(s.status()))
        .build();
  }

  private static Pb.BlockTemperatureUpdate proto(
      BlockTemperatureUpdate t) {
    return Pb.BlockTemperatureUpdate.newBuilder()
        .setBlockId(bytes(t.blockId()))
        .setTemperature(proto(t.temperature()))
        .build();
  }

  private static Pb.BlockLocationUpdate proto(
      BlockLocationUpdate l) {
    return Pb.BlockLocationUpdate.newBuilder()
        .setBlockId(bytes(l.blockId()))
        .setLocation(proto(l.location()))
        .setAction(
            switch (l.action()) {
              case ADD -> Pb.LocationAction.ADD;
              case REMOVE -> Pb.LocationAction.REMOVE;
            })
        .build();
  }

  private static Pb.BlockSyncRequest proto(BlockSyncRequest r) {
    var b = Pb.BlockSyncRequest.newBuilder();
    for (BlockId id : r.blockIds()) {
      b.addBlockIds(bytes(id));
    }
    b.setSession(r.session());
    if (!r.reconcile().isEmpty()) {
      b.setReconcile(com.google.protobuf.ByteString.copyFrom(java.util.Base64.getDecoder().decode(r.reconcile())));
    }
    return b.build();
  }

  private static Pb.MetadataUpdate proto(MetadataUpdate u) {
    return Pb.MetadataUpdate.newBuilder()
        .setMetadata(proto(u.metadata()))
        .build();
  }

  private static Pb.MetadataSync proto(MetadataSync s) {
    var b = Pb.MetadataSync.newBuilder();
    for (BlockMetadata m : s.entries()) {
      b.addEntries(proto(m));
    }
    b.setSession(s.session());
    if (!s.reconcile().isEmpty()) {
      b.setReconcile(com.google.protobuf.ByteString.copyFrom(java.util.Base64.getDecoder().decode(s.reconcile())));
    }
    return b.build();
  }

  private static Pb.Ping proto(Ping p) {
    return Pb.Ping.newBuilder().setNonce(p.nonce()).build();
  }

  private static Pb.Pong proto(Pong p) {
    return Pb.Pong.newBuilder().setNonce(p.nonce()).build();
  }

  private static Pb.Ack proto(Ack a) {
    return Pb.Ack.newBuilder()
        .setOk(a.ok())
        .setError(text(a.error(), "error"))
        .build();
  }

  private static Pb.Resume proto(Resume r) {
    return Pb.Resume.newBuilder()
        .setAfterSequence(r.afterSequence())
        .build();
  }

  private static Pb.Gap proto(Gap g) {
    return Pb.Gap.newBuilder()
        .setAfterSequence(g.afterSequence())
        .setOldestAvailable(g.oldestAvailable())
        .build();
  }

  private static Pb.Subscribe proto(Subscribe s) {
    var b = Pb.Subscribe.newBuilder();
    for (WSEventType t : s.types()) {
      b.addTypes(t.wireName());
    }
    for (BlockId id : s.blockIds()) {
      b.addBlockIds(bytes(id));
    }
    return b.build();
  }

  private static Pb.PeerInfo proto(PeerInfo p) {
    var b =
        Pb.PeerInfo.newBuilder()
            .setNodeId(bytes(p.nodeId()))
            .setAddress(text(p.address(), "address"))
            .setHttpPort(p.httpPort())
            .setWsPort(p.wsPort())
            .setLastSeen(p.lastSeen().toEpochMilli())
            .addAllCapabilities(texts(p.capabilities(), "capabilities"))
            .setStatus(
                switch (p.status()) {
                  case ACTIVE -> Pb.PeerStatusType.ACTIVE;
                  case PENDING -> Pb.PeerStatusType.PENDING;
                  case OFFLINE -> Pb.PeerStatusType.PEER_OFFLINE;
                });
    if (p.region() != null) {
      b.setRegion(text(p.region(), "region"));
    }
    if (p.rttMs() != null) {
      b.setRttMs(p.rttMs());
    }
    return b.build();
  }

  private static Pb.NodeAdvertisement proto(
      NodeAdvertisement a) {
    return Pb.NodeAdvertisement.newBuilder()
        .setNodeId(bytes(a.nodeId()))
        .setAddress(text(a.address(), "address"))
        .setPort(a.port())
        .addAllCapabilities(texts(a.capabilities(), "capabilities"))
        .setVersion(text(a.version(), "version"))
        .build();
  }

  private static Pb.BlockLocation proto(BlockLocation l) {
    var b =
        Pb.BlockLocation.newBuilder()
            .setNodeId(bytes(l.nodeId()))
            .setLastSeen(l.lastSeen().toEpochMilli())
            .setIsAuthoritative(l.authoritative());
    if (l.latencyMs() != null) {
      b.setLatencyMs(l.latencyMs());
    }
    if (l.poolId() != null) {
      b.setPoolId(text(l.poolId(), "poolId"));
    }
    return b.build();
  }

  private static Pb.BlockMetadata proto(BlockMetadata m) {
    var b =
        Pb.BlockMetadata.newBuilder()
            .setBlockId(bytes(m.blockId()))
            .setSize(m.size())
            .setTemperature(proto(m.temperature()))
            .setDurability(
                switch (m.durability()) {
                  case EPHEMERAL -> Pb.DurabilityLevel.EPHEMERAL;
                  case STANDARD -> Pb.DurabilityLevel.STANDARD;
                  case ENHANCED -> Pb.DurabilityLevel.ENHANCED;
                  case MAXIMUM -> Pb.DurabilityLevel.MAXIMUM;
                })
            .setUpdatedAt(m.updatedAt().toEpochMilli())
            .setUpdatedBy(bytes(m.updatedBy()));
    for (BlockLocation l : m.locations()) {
      b.addLocations(proto(l));
    }
    if (!m.isPlain()) {
      var v = Pb.BlockVersions.newBuilder()
          .setTemperature(proto(m.versions().temperature()))
          .setInfo(proto(m.versions().info()));
      m.versions().locations().forEach((n, st) -> v.addLocations(Pb.NodeStamp.newBuilder().setNodeId(bytes(n)).setStamp(proto(st))));
      m.versions().removed().forEach((n, st) -> v.addRemoved(Pb.NodeStamp.newBuilder().setNodeId(bytes(n)).setStamp(proto(st))));
      b.setVersions(v);
    }
    return b.build();
  }

  private static Pb.Stamp proto(Stamp s) {
    return Pb.Stamp.newBuilder().setAt(s.at().toEpochMilli()).setBy(bytes(s.by())).build();
  }

  private static Stamp stamp(Pb.Stamp p, String path, String key) throws WireFormatException {
    return new Stamp(Instant.ofEpochMilli(p.getAt()), nodeId(p.getBy(), at(path, key), "by"));
  }

  private static java.util.SortedMap<NodeId, Stamp> stamps(List<Pb.NodeStamp> list, String path, String key)
      throws WireFormatException {
    java.util.TreeMap<NodeId, Stamp> out = new java.util.TreeMap<>();
    for (int i = 0; i < list.size(); i++) {
      String k = key + "[" + i + "]";
      NodeId n = nodeId(list.get(i).getNodeId(), at(path, k), "nodeId");
      if (!list.get(i).hasStamp()) {
        throw missing(at(path, k), "stamp");
      }
      if (out.put(n, stamp(list.get(i).getStamp(), at(path, k), "stamp")) != null) {
        throw new WireFormatException(at(path, k) + ": node " + n + " appears twice");
      }
    }
    return out;
  }

  private static Pb.NodeLocation proto(NodeLocation l) {
    var b =
        Pb.NodeLocation.newBuilder()
            .setRegion(text(l.region(), "region"));
    if (l.country() != null) {
      b.setCountry(text(l.country(), "country"));
    }
    return b.build();
  }

  private static Pb.NodeMetrics proto(NodeMetrics m) {
    return Pb.NodeMetrics.newBuilder()
        .setUptimeMs(m.uptime().toMillis())
        .setPeers(m.peers())
        .setBlocks(m.blocks())
        .setBandwidthIn(m.bandwidth().in())
        .setBandwidthOut(m.bandwidth().out())
        .setOperationsSuccess(m.operations().success())
        .setOperationsFailed(m.operations().failed())
        .build();
  }

  private static Pb.NetworkHealth proto(NetworkHealth h) {
    var b =
        Pb.NetworkHealth.newBuilder()
            .setActiveNodes(h.activeNodes())
            .setTotalBlocks(h.totalBlocks())
            .setAverageRedundancy(h.averageRedundancy());
    for (Map.Entry<String, Integer> e : h.regionDistribution().entrySet()) {
      int count = e.getValue();
      if (count < 0) {
        throw new IllegalArgumentException(
            "regionDistribution: " + count + " (expected: >= 0, the field is unsigned)");
      }
      b.putRegionDistribution(text(e.getKey(), "regionDistribution"), count);
    }
    return b.build();
  }

  private static Pb.NodeInfo proto(NodeInfo i) {
    if (i.protocolVersion() < 0) {
      throw new IllegalArgumentException(
          "protocolVersion: " + i.protocolVersion() + " (expected: >= 0, the field is unsigned)");
    }
    var b =
        Pb.NodeInfo.newBuilder()
            .setNodeId(bytes(i.nodeId()))
            .setPublicKey(UnsafeByteOperations.unsafeWrap(i.publicKey()))
            .setVersion(text(i.version(), "version"))
            .setProtocolVersion(i.protocolVersion())
            .setAddress(text(i.address(), "address"))
            .setHttpPort(i.httpPort())
            .setWsPort(i.wsPort())
            .addAllCapabilities(texts(i.capabilities(), "capabilities"))
            .setStatus(proto(i.status()))
            .setStartedAt(i.startedAt().toEpochMilli());
    if (i.region() != null) {
      b.setRegion(text(i.region(), "region"));
    }
    return b.build();
  }

  private static Pb.NodeStatusReport proto(NodeStatusReport r) {
    return Pb.NodeStatusReport.newBuilder()
        .setNodeId(bytes(r.nodeId()))
        .setStatus(proto(r.status()))
        .setMetrics(proto(r.metrics()))
        .setHealth(proto(r.health()))
        .setReachability(proto(r.reachability()))
        .build();
  }

  private static Pb.Reachability proto(Reachability r) {
    var b =
        Pb.Reachability.newBuilder()
            .setState(
                switch (r.state()) {
                  case UNMAPPED -> Pb.ReachabilityState.REACHABILITY_UNMAPPED;
                  case MAPPING -> Pb.ReachabilityState.REACHABILITY_MAPPING;
                  case MAPPED -> Pb.ReachabilityState.REACHABILITY_MAPPED;
                  case FAILED -> Pb.ReachabilityState.REACHABILITY_FAILED;
                })
            .setMethod(r.method())
            .setExternalAddress(r.externalAddress())
            .setExternalPort(r.externalPort())
            .setExternalWsPort(r.externalWsPort())
            .setError(r.error())
            .setDetail(r.detail());
    if (r.leaseExpiresAt() != null) {
      b.setLeaseExpiresAt(r.leaseExpiresAt().toEpochMilli());
    }
    return b.build();
  }

  private static Pb.BatchUpdate proto(BatchUpdate batch) {
    var b =
        Pb.BatchUpdate.newBuilder()
            .setBatchId(text(batch.batchId(), "batchId"))
            .setTimestamp(batch.timestamp());
    for (BatchUpdate.Update u : batch.updates()) {
      var ub =
          Pb.BatchUpdate.Update.newBuilder()
              .setType(
                  switch (u.type()) {
                    case TEMPERATURE -> Pb.UpdateType.TEMPERATURE;
                    case LOCATION -> Pb.UpdateType.LOCATION;
                    case METADATA -> Pb.UpdateType.METADATA;
                  })
              .setBlockId(bytes(u.blockId()));
      EventPayload data = u.data();
      if (data instanceof BlockTemperatureUpdate t) {
        ub.setTemperature(proto(t));
      } else if (data instanceof BlockLocationUpdate l) {
        ub.setLocation(proto(l));
      } else if (data instanceof MetadataUpdate m) {
        ub.setMetadata(proto(m));
      }
      ub.setTimestamp(u.timestamp());
      b.addUpdates(ub);
    }
    return b.build();
  }

  private static Pb.NodeAuthentication proto(
      NodeAuthentication a) {
    return Pb.NodeAuthentication.newBuilder()
        .setNodeId(bytes(a.nodeId()))
        .setPublicKey(UnsafeByteOperations.unsafeWrap(a.publicKey()))
        .setChallenge(UnsafeByteOperations.unsafeWrap(a.challenge()))
        .setSignature(UnsafeByteOperations.unsafeWrap(a.signature()))
        .setToken(text(a.token(), "token"))
        .setExpiry(a.expiry().toEpochMilli())
        .build();
  }

  private static Pb.NodeStatus proto(NodeStatus s) {
    return switch (s) {
      case ONLINE -> Pb.NodeStatus.ONLINE;
      case OFFLINE -> Pb.NodeStatus.OFFLINE;
      case UNREACHABLE -> Pb.NodeStatus.UNREACHABLE;
      case SYNCING -> Pb.NodeStatus.SYNCING;
      case MAINTENANCE -> Pb.NodeStatus.MAINTENANCE;
      case SHUTDOWN_SCHEDULED -> Pb.NodeStatus.SHUTDOWN_SCHEDULED;
    };
  }

  private static Pb.DataTemperature proto(DataTemperature t) {
    return switch (t) {
      case HOT -> Pb.DataTemperature.HOT;
      case WARM -> Pb.DataTemperature.WARM;
      case COLD -> Pb.DataTemperature.COLD;
      case FROZEN -> Pb.DataTemperature.FROZEN;
    };
  }

  /** The 32 raw bytes of a node id; the array is fresh, so it is wrapped without a copy. */
  private static ByteString bytes(NodeId id) {
    return UnsafeByteOperations.unsafeWrap(id.toBytes());
  }

  private static ByteString bytes(BlockId id) {
    return UnsafeByteOperations.unsafeWrap(Hex.decode(id.hex()));
  }

  /**
   * Refuses strings that protobuf cannot carry: it would silently replace an unpaired surrogate
   * by '?', and the receiver would see another value than the one signed.
   */
  private static String text(String s, String field) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            field + ": unpaired surrogate at index " + i + " (protobuf strings are UTF-8)");
      }
    }
    return s;
  }

  private static Set<String> texts(Set<String> strings, String field) {
    for (String s : strings) {
      text(s, field);
    }
    return strings;
  }

  // ------------------------------------------------------------------ decode

  /** The decoded value, or null if {@code type} is not a contract type. */
  private static Object decode(byte[] bytes, Class<?> type)
      throws InvalidProtocolBufferException, WireFormatException {
    if (type == Envelope.class) {
      return envelope(Pb.SignedMessage.parseFrom(bytes), "");
    } else if (type == SignedMessage.class) {
      return signedMessage(Pb.SignedMessage.parseFrom(bytes), "");
    } else if (type == WSMessage.class) {
      return wsMessage(Pb.WSMessage.parseFrom(bytes), "");
    } else if (type == NodeAnnounce.class) {
      return nodeAnnounce(Pb.NodeAnnounce.parseFrom(bytes), "");
    } else if (type == NodeLeave.class) {
      return nodeLeave(Pb.NodeLeave.parseFrom(bytes), "");
    } else if (type == NodeStatusUpdate.class) {
      return nodeStatusUpdate(
          Pb.NodeStatusUpdate.parseFrom(bytes), "");
    } else if (type == BlockTemperatureUpdate.class) {
      return blockTemperature(
          Pb.BlockTemperatureUpdate.parseFrom(bytes), "");
    } else if (type == BlockLocationUpdate.class) {
      return blockLocation(
          Pb.BlockLocationUpdate.parseFrom(bytes), "");
    } else if (type == BlockSyncRequest.class) {
      return blockSync(Pb.BlockSyncRequest.parseFrom(bytes), "");
    } else if (type == MetadataUpdate.class) {
      return metadataUpdate(
          Pb.MetadataUpdate.parseFrom(bytes), "");
    } else if (type == MetadataSync.class) {
      return metadataSync(Pb.MetadataSync.parseFrom(bytes), "");
    } else if (type == Ping.class) {
      return new Ping(Pb.Ping.parseFrom(bytes).getNonce());
    } else if (type == Pong.class) {
      return new Pong(Pb.Pong.parseFrom(bytes).getNonce());
    } else if (type == Ack.class) {
      return ack(Pb.Ack.parseFrom(bytes));
    } else if (type == Resume.class) {
      return new Resume(
          Pb.Resume.parseFrom(bytes).getAfterSequence());
    } else if (type == Gap.class) {
      return gap(Pb.Gap.parseFrom(bytes));
    } else if (type == Subscribe.class) {
      return subscribe(Pb.Subscribe.parseFrom(bytes), "");
    } else if (type == Challenge.class) {
      return challenge(Pb.Challenge.parseFrom(bytes), "");
    } else if (type == AuthProof.class) {
      return authProof(Pb.AuthProof.parseFrom(bytes), "");
    } else if (type == ErrorEvent.class) {
      return errorEvent(Pb.ErrorEvent.parseFrom(bytes));
    } else if (type == PeerInfo.class) {
      return peerInfo(Pb.PeerInfo.parseFrom(bytes), "");
    } else if (type == NodeAdvertisement.class) {
      return nodeAdvertisement(
          Pb.NodeAdvertisement.parseFrom(bytes), "");
    } else if (type == BlockLocation.class) {
      return location(Pb.BlockLocation.parseFrom(bytes), "");
    } else if (type == BlockMetadata.class) {
      return metadata(Pb.BlockMetadata.parseFrom(bytes), "");
    } else if (type == NodeLocation.class) {
      var p = Pb.NodeLocation.parseFrom(bytes);
      return new NodeLocation(p.getRegion(), p.hasCountry() ? p.getCountry() : null);
    } else if (type == NodeMetrics.class) {
      return metrics(Pb.NodeMetrics.parseFrom(bytes), "");
    } else if (type == NetworkHealth.class) {
      return health(Pb.NetworkHealth.parseFrom(bytes), "");
    } else if (type == NodeInfo.class) {
      return nodeInfo(Pb.NodeInfo.parseFrom(bytes), "");
    } else if (type == NodeStatusReport.class) {
      return statusReport(
          Pb.NodeStatusReport.parseFrom(bytes), "");
    } else if (type == BatchUpdate.class) {
      return batch(Pb.BatchUpdate.parseFrom(bytes), "");
    } else if (type == NodeAuthentication.class) {
      return authentication(
          Pb.NodeAuthentication.parseFrom(bytes), "");
    }
    return null;
  }

  private static Envelope envelope(
      Pb.SignedMessage p, String path)
      throws WireFormatException {
    return new Envelope(
        signedMessage(p, path), p.getSequence(), p.getRequestId(), p.getReplyTo());
  }

  private static SignedMessage signedMessage(
      Pb.SignedMessage p, String path)
      throws WireFormatException {
    if (!p.hasPayload()) {
      throw missing(path, "payload");
    }
    return new SignedMessage(
        wsMessage(p.getPayload(), at(path, "payload")),
        p.getTimestamp(),
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getPublicKey().toByteArray(),
        p.getSignature().toByteArray(),
        p.hasRecipient() ? nodeId(p.getRecipient(), path, "recipient") : null);
  }

  private static WSMessage wsMessage(Pb.WSMessage p, String path)
      throws WireFormatException {
    String data = at(path, "data");
    EventPayload payload =
        switch (p.getDataCase()) {
          case NODE_ANNOUNCE -> nodeAnnounce(p.getNodeAnnounce(), data);
          case NODE_LEAVE -> nodeLeave(p.getNodeLeave(), data);
          case NODE_STATUS -> nodeStatusUpdate(p.getNodeStatus(), data);
          case BLOCK_TEMPERATURE -> blockTemperature(p.getBlockTemperature(), data);
          case BLOCK_LOCATION -> blockLocation(p.getBlockLocation(), data);
          case BLOCK_SYNC -> blockSync(p.getBlockSync(), data);
          case METADATA_UPDATE -> metadataUpdate(p.getMetadataUpdate(), data);
          case METADATA_SYNC -> metadataSync(p.getMetadataSync(), data);
          case PING -> new Ping(p.getPing().getNonce());
          case PONG -> new Pong(p.getPong().getNonce());
          case ACK -> ack(p.getAck());
          case RESUME -> new Resume(p.getResume().getAfterSequence());
          case GAP -> gap(p.getGap());
          case SUBSCRIBE -> subscribe(p.getSubscribe(), data);
          case CHALLENGE -> challenge(p.getChallenge(), data);
          case AUTH -> authProof(p.getAuth(), data);
          case ERROR -> errorEvent(p.getError());
          case BLOCK_BATCH -> batch(p.getBlockBatch(), data);
          case DATA_NOT_SET -> throw missing(path, "data");
        };
    return WSMessage.of(payload, p.getTimestamp(), nodeId(p.getSender(), path, "sender"));
  }

  private static NodeAnnounce nodeAnnounce(
      Pb.NodeAnnounce p, String path)
      throws WireFormatException {
    return new NodeAnnounce(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getAddress(),
        uint32(p.getHttpPort(), path, "httpPort"),
        uint32(p.getWsPort(), path, "wsPort"),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        p.getVersion(),
        p.hasRegion() ? p.getRegion() : null);
  }

  private static NodeLeave nodeLeave(Pb.NodeLeave p, String path)
      throws WireFormatException {
    return new NodeLeave(nodeId(p.getNodeId(), path, "nodeId"), p.getReason());
  }

  private static NodeStatusUpdate nodeStatusUpdate(
      Pb.NodeStatusUpdate p, String path)
      throws WireFormatException {
    return new NodeStatusUpdate(
        nodeId(p.getNodeId(), path, "nodeId"), nodeStatus(p.getStatusValue(), path, "status"));
  }

  private static BlockTemperatureUpdate blockTemperature(
      Pb.BlockTemperatureUpdate p, String path)
      throws WireFormatException {
    return new BlockTemperatureUpdate(
        blockId(p.getBlockId(), path, "blockId"),
        temperature(p.getTemperatureValue(), path, "temperature"));
  }

  private static BlockLocationUpdate blockLocation(
      Pb.BlockLocationUpdate p, String path)
      throws WireFormatException {
    BlockId blockId = blockId(p.getBlockId(), path, "blockId");
    if (!p.hasLocation()) {
      throw missing(path, "location");
    }
    BlockLocation location = location(p.getLocation(), at(path, "location"));
    BlockLocationUpdate.Action action =
        switch (p.getActionValue()) {
          case Pb.LocationAction.ADD_VALUE ->
              BlockLocationUpdate.Action.ADD;
          case Pb.LocationAction.REMOVE_VALUE ->
              BlockLocationUpdate.Action.REMOVE;
          default -> throw badEnum(p.getActionValue(), path, "action");
        };
    return new BlockLocationUpdate(blockId, location, action);
  }

  private static BlockSyncRequest blockSync(
      Pb.BlockSyncRequest p, String path)
      throws WireFormatException {
    int n = p.getBlockIdsCount();
    if (n > BlockSyncRequest.MAX_BLOCKS) {
      throw new WireFormatException(
          at(path, "blockIds") + ": more than " + BlockSyncRequest.MAX_BLOCKS);
    }
    List<BlockId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(blockId(p.getBlockIds(i), path, "blockIds[" + i + "]"));
    }
    return new BlockSyncRequest(ids, p.getSession(), base64(p.getReconcile()));
  }

  private static MetadataUpdate metadataUpdate(
      Pb.MetadataUpdate p, String path)
      throws WireFormatException {
    if (!p.hasMetadata()) {
      throw missing(path, "metadata");
    }
    return new MetadataUpdate(metadata(p.getMetadata(), at(path, "metadata")));
  }

  private static MetadataSync metadataSync(
      Pb.MetadataSync p, String path)
      throws WireFormatException {
    int n = p.getEntriesCount();
    if (n > MetadataSync.MAX_ENTRIES) {
      throw new WireFormatException(
          at(path, "entries") + ": more than " + MetadataSync.MAX_ENTRIES);
    }
    List<BlockMetadata> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(metadata(p.getEntries(i), at(path, "entries[" + i + "]")));
    }
    return new MetadataSync(entries, p.getSession(), base64(p.getReconcile()));
  }

  private static Challenge challenge(Pb.Challenge p, String path)
      throws WireFormatException {
    return new Challenge(challengeHex(p.getChallenge(), at(path, "challenge")));
  }

  private static AuthProof authProof(Pb.AuthProof p, String path)
      throws WireFormatException {
    return new AuthProof(
        challengeHex(p.getChallenge(), at(path, "challenge")), nodeId(p.getPeer(), path, "peer"));
  }

  private static ErrorEvent errorEvent(Pb.ErrorEvent p) {
    return new ErrorEvent(p.getCode(), p.getMessage(), p.getRetryAfterMs());
  }

  private static Ack ack(Pb.Ack p) {
    return new Ack(p.getOk(), p.getError());
  }

  private static Gap gap(Pb.Gap p) {
    return new Gap(p.getAfterSequence(), p.getOldestAvailable());
  }

  private static Subscribe subscribe(
      Pb.Subscribe p, String path) throws WireFormatException {
    int n = p.getBlockIdsCount();
    if (n > Subscribe.MAX_BLOCKS) {
      throw new WireFormatException(at(path, "blockIds") + ": more than " + Subscribe.MAX_BLOCKS);
    }
    Set<WSEventType> types = new LinkedHashSet<>();
    for (int i = 0; i < p.getTypesCount(); i++) {
      String name = p.getTypes(i);
      try {
        types.add(WSEventType.fromWire(name));
      } catch (IllegalArgumentException e) {
        throw new WireFormatException(at(path, "types[" + i + "]") + ": " + e.getMessage());
      }
    }
    Set<BlockId> ids = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(blockId(p.getBlockIds(i), path, "blockIds[" + i + "]"));
    }
    return new Subscribe(types, ids);
  }

  private static PeerInfo peerInfo(Pb.PeerInfo p, String path)
      throws WireFormatException {
    PeerStatusType status =
        switch (p.getStatusValue()) {
          case Pb.PeerStatusType.ACTIVE_VALUE ->
              PeerStatusType.ACTIVE;
          case Pb.PeerStatusType.PENDING_VALUE ->
              PeerStatusType.PENDING;
          case Pb.PeerStatusType.PEER_OFFLINE_VALUE ->
              PeerStatusType.OFFLINE;
          default -> throw badEnum(p.getStatusValue(), path, "status");
        };
    return new PeerInfo(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getAddress(),
        uint32(p.getHttpPort(), path, "httpPort"),
        uint32(p.getWsPort(), path, "wsPort"),
        Instant.ofEpochMilli(p.getLastSeen()),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        status,
        p.hasRegion() ? p.getRegion() : null,
        p.hasRttMs() ? p.getRttMs() : null);
  }

  private static NodeAdvertisement nodeAdvertisement(
      Pb.NodeAdvertisement p, String path)
      throws WireFormatException {
    return new NodeAdvertisement(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getAddress(),
        uint32(p.getPort(), path, "port"),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        p.getVersion());
  }

  private static BlockLocation location(
      Pb.BlockLocation p, String path)
      throws WireFormatException {
    return new BlockLocation(
        nodeId(p.getNodeId(), path, "nodeId"),
        Instant.ofEpochMilli(p.getLastSeen()),
        p.getIsAuthoritative(),
        p.hasLatencyMs() ? p.getLatencyMs() : null,
        p.hasPoolId() ? p.getPoolId() : null);
  }

  private static BlockMetadata metadata(
      Pb.BlockMetadata p, String path)
      throws WireFormatException {
    BlockId blockId = blockId(p.getBlockId(), path, "blockId");
    DataTemperature temperature = temperature(p.getTemperatureValue(), path, "temperature");
    DurabilityLevel durability =
        switch (p.getDurabilityValue()) {
          case Pb.DurabilityLevel.EPHEMERAL_VALUE ->
              DurabilityLevel.EPHEMERAL;
          case Pb.DurabilityLevel.STANDARD_VALUE ->
              DurabilityLevel.STANDARD;
          case Pb.DurabilityLevel.ENHANCED_VALUE ->
              DurabilityLevel.ENHANCED;
          case Pb.DurabilityLevel.MAXIMUM_VALUE ->
              DurabilityLevel.MAXIMUM;
          default -> throw badEnum(p.getDurabilityValue(), path, "durability");
        };
    int n = p.getLocationsCount();
    List<BlockLocation> locations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      locations.add(location(p.getLocations(i), at(path, "locations[" + i + "]")));
    }
    BlockVersions versions = null;
    if (p.hasVersions()) {
      var v = p.getVersions();
      String vp = at(path, "versions");
      if (!v.hasTemperature()) {
        throw missing(vp, "temperature");
      }
      if (!v.hasInfo()) {
        throw missing(vp, "info");
      }
      versions =
          new BlockVersions(
              stamp(v.getTemperature(), vp, "temperature"),
              stamp(v.getInfo(), vp, "info"),
              stamps(v.getLocationsList(), vp, "locations"),
              stamps(v.getRemovedList(), vp, "removed"));
    }
    return new BlockMetadata(
        blockId,
        p.getSize(),
        temperature,
        durability,
        locations,
        Instant.ofEpochMilli(p.getUpdatedAt()),
        nodeId(p.getUpdatedBy(), path, "updatedBy"),
        versions);
  }

  private static NodeMetrics metrics(
      Pb.NodeMetrics p, String path)
      throws WireFormatException {
    return new NodeMetrics(
        Duration.ofMillis(p.getUptimeMs()),
        uint32(p.getPeers(), path, "peers"),
        p.getBlocks(),
        new NodeMetrics.Bandwidth(p.getBandwidthIn(), p.getBandwidthOut()),
        new NodeMetrics.Operations(p.getOperationsSuccess(), p.getOperationsFailed()));
  }

  private static NetworkHealth health(
      Pb.NetworkHealth p, String path)
      throws WireFormatException {
    Map<String, Integer> regions = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : p.getRegionDistributionMap().entrySet()) {
      regions.put(
          e.getKey(),
          uint32(e.getValue(), path, "regionDistribution." + e.getKey()));
    }
    return new NetworkHealth(
        uint32(p.getActiveNodes(), path, "activeNodes"),
        p.getTotalBlocks(),
        p.getAverageRedundancy(),
        regions);
  }

  private static NodeInfo nodeInfo(Pb.NodeInfo p, String path)
      throws WireFormatException {
    return new NodeInfo(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getPublicKey().toByteArray(),
        p.getVersion(),
        uint32(p.getProtocolVersion(), path, "protocolVersion"),
        p.getAddress(),
        uint32(p.getHttpPort(), path, "httpPort"),
        uint32(p.getWsPort(), path, "wsPort"),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        p.hasRegion() ? p.getRegion() : null,
        nodeStatus(p.getStatusValue(), path, "status"),
        Instant.ofEpochMilli(p.getStartedAt()));
  }

  private static NodeStatusReport statusReport(
      Pb.NodeStatusReport p, String path)
      throws WireFormatException {
    NodeId nodeId = nodeId(p.getNodeId(), path, "nodeId");
    NodeStatus status = nodeStatus(p.getStatusValue(), path, "status");
    if (!p.hasMetrics()) {
      throw missing(path, "metrics");
    }
    if (!p.hasHealth()) {
      throw missing(path, "health");
    }
    return new NodeStatusReport(
        nodeId,
        status,
        metrics(p.getMetrics(), at(path, "metrics")),
        health(p.getHealth(), at(path, "health")),
        p.hasReachability()
            ? reachability(p.getReachability(), at(path, "reachability"))
            : Reachability.unmapped("", ""));
  }

  private static Reachability reachability(
      Pb.Reachability p, String path) throws WireFormatException {
    Reachability.State state =
        switch (p.getStateValue()) {
          case Pb.ReachabilityState.REACHABILITY_UNMAPPED_VALUE -> Reachability.State.UNMAPPED;
          case Pb.ReachabilityState.REACHABILITY_MAPPING_VALUE -> Reachability.State.MAPPING;
          case Pb.ReachabilityState.REACHABILITY_MAPPED_VALUE -> Reachability.State.MAPPED;
          case Pb.ReachabilityState.REACHABILITY_FAILED_VALUE -> Reachability.State.FAILED;
          default -> throw badEnum(p.getStateValue(), path, "state");
        };
    try {
      return new Reachability(
          state,
          p.getMethod(),
          p.getExternalAddress(),
          uint32(p.getExternalPort(), path, "externalPort"),
          uint32(p.getExternalWsPort(), path, "externalWsPort"),
          p.hasLeaseExpiresAt() ? Instant.ofEpochMilli(p.getLeaseExpiresAt()) : null,
          p.getError(),
          p.getDetail());
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(path + ": " + e.getMessage());
    }
  }

  private static BatchUpdate batch(Pb.BatchUpdate p, String path)
      throws WireFormatException {
    int n = p.getUpdatesCount();
    if (n > BatchUpdate.MAX_UPDATES) {
      throw new WireFormatException(
          at(path, "updates") + ": more than " + BatchUpdate.MAX_UPDATES);
    }
    List<BatchUpdate.Update> updates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      var u = p.getUpdates(i);
      String up = at(path, "updates[" + i + "]");
      BatchUpdate.UpdateType type =
          switch (u.getTypeValue()) {
            case Pb.UpdateType.TEMPERATURE_VALUE ->
                BatchUpdate.UpdateType.TEMPERATURE;
            case Pb.UpdateType.LOCATION_VALUE ->
                BatchUpdate.UpdateType.LOCATION;
            case Pb.UpdateType.METADATA_VALUE ->
                BatchUpdate.UpdateType.METADATA;
            default -> throw badEnum(u.getTypeValue(), up, "type");
          };
      BlockId blockId = blockId(u.getBlockId(), up, "blockId");
      String data = at(up, "data");
      EventPayload payload =
          switch (u.getDataCase()) {
            case TEMPERATURE -> blockTemperature(u.getTemperature(), data);
            case LOCATION -> blockLocation(u.getLocation(), data);
            case METADATA -> metadataUpdate(u.getMetadata(), data);
            case DATA_NOT_SET -> throw missing(up, "data");
          };
      updates.add(new BatchUpdate.Update(type, blockId, payload, u.getTimestamp()));
    }
    return new BatchUpdate(p.getBatchId(), p.getTimestamp(), updates);
  }

  private static NodeAuthentication authentication(
      Pb.NodeAuthentication p, String path)
      throws WireFormatException {
    return new NodeAuthentication(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getPublicKey().toByteArray(),
        p.getChallenge().toByteArray(),
        p.getSignature().toByteArray(),
        p.getToken(),
        Instant.ofEpochMilli(p.getExpiry()));
  }

  // ------------------------------------------------------------------ fields

  private static String base64(com.google.protobuf.ByteString b) {
    return b.isEmpty() ? "" : java.util.Base64.getEncoder().encodeToString(b.toByteArray());
  }

  private static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static WireFormatException missing(String path, String key) {
    return new WireFormatException(at(path, key) + ": missing");
  }

  /** An enum's zero value (UNSPECIFIED) or a number this version does not know. */
  private static WireFormatException badEnum(int value, String path, String key) {
    return new WireFormatException(
        at(path, key) + (value == 0 ? ": unspecified" : ": unknown value " + value));
  }

  private static NodeStatus nodeStatus(int value, String path, String key)
      throws WireFormatException {
    return switch (value) {
      case Pb.NodeStatus.ONLINE_VALUE -> NodeStatus.ONLINE;
      case Pb.NodeStatus.OFFLINE_VALUE -> NodeStatus.OFFLINE;
      case Pb.NodeStatus.UNREACHABLE_VALUE ->
          NodeStatus.UNREACHABLE;
      case Pb.NodeStatus.SYNCING_VALUE -> NodeStatus.SYNCING;
      case Pb.NodeStatus.MAINTENANCE_VALUE ->
          NodeStatus.MAINTENANCE;
      case Pb.NodeStatus.SHUTDOWN_SCHEDULED_VALUE ->
          NodeStatus.SHUTDOWN_SCHEDULED;
      default -> throw badEnum(value, path, key);
    };
  }

  private static DataTemperature temperature(int value, String path, String key)
      throws WireFormatException {
    return switch (value) {
      case Pb.DataTemperature.HOT_VALUE -> DataTemperature.HOT;
      case Pb.DataTemperature.WARM_VALUE -> DataTemperature.WARM;
      case Pb.DataTemperature.COLD_VALUE -> DataTemperature.COLD;
      case Pb.DataTemperature.FROZEN_VALUE ->
          DataTemperature.FROZEN;
      default -> throw badEnum(value, path, key);
    };
  }

  /** A uint32 field read into a Java int: values above {@code Integer.MAX_VALUE} are refused. */
  private static int uint32(int raw, String path, String key) throws WireFormatException {
    if (raw < 0) {
      throw new WireFormatException(
          at(path, key) + ": " + Integer.toUnsignedString(raw) + " (expected: at most "
              + Integer.MAX_VALUE + ")");
    }
    return raw;
  }

  private static NodeId nodeId(ByteString b, String path, String key) throws WireFormatException {
    if (b.size() != 32) {
      throw new WireFormatException(at(path, key) + ": " + b.size() + " bytes (expected: 32)");
    }
    return NodeId.ofBytes(b.toByteArray());
  }

  private static BlockId blockId(ByteString b, String path, String key)
      throws WireFormatException {
    if (b.size() != 32 && b.size() != 64) {
      throw new WireFormatException(
          at(path, key) + ": " + b.size() + " bytes (expected: 32 or 64)");
    }
    return new BlockId(Hex.encode(b.toByteArray()));
  }
}
