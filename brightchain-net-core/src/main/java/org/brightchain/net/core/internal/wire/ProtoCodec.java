package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.ProtoFields.bytes;
import static org.brightchain.net.core.internal.wire.ProtoFields.missing;
import static org.brightchain.net.core.internal.wire.ProtoFields.nodeId;
import static org.brightchain.net.core.internal.wire.ProtoFields.text;
import static org.brightchain.net.core.internal.wire.WireFields.at;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Objects;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
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
 * Protocol buffers form of every contract type; the schema is {@code brightchain.proto}, whose
 * generated types are nested in {@link Pb}.
 *
 * <p>Node ids travel as their 32 raw bytes, block ids as their raw checksum bytes, times as
 * milliseconds since the epoch, enums as the schema's values (never {@code UNSPECIFIED}); optional
 * fields that are {@code null} are left unset. A {@link WSMessage}'s type is the case of its {@code
 * data}. An {@link Envelope} is a schema {@code SignedMessage} whose hop-by-hop fields ({@code
 * sequence}, {@code request_id}, {@code reply_to}) are set; the signature does not cover them.
 *
 * <p>Decoding ignores unknown fields, so newer peers can add fields, and reports the first problem
 * as a {@link WireFormatException} naming the field with the JSON field names of {@link JsonCodec},
 * for example {@code payload.data.temperature: unspecified}.
 *
 * <p>This class holds the frames ({@link Envelope}, {@link SignedMessage}, {@link WSMessage}) and
 * the dispatch over event payloads; the messages themselves are converted by one class per domain:
 * {@code ProtoNodes} (nodes and peers), {@code ProtoBlocks} (blocks and metadata), {@code
 * ProtoSync} (sync and batches) and {@code ProtoSystem} (control and authentication). Payloads are
 * dispatched with switch expressions over their {@link WSEventType}, without a default branch, so a
 * new event type does not compile until it has a protobuf form; decoding a {@code WSMessage}
 * switches over the schema's {@code data} cases in the same way.
 */
public final class ProtoCodec {
  private ProtoCodec() {}

  // ------------------------------------------------------------------ public

  /**
   * Encodes a contract value as protobuf bytes.
   *
   * @param value a contract value: an {@link Envelope}, {@link SignedMessage}, {@link WSMessage},
   *     any {@link EventPayload}, {@link PeerInfo}, {@link NodeAdvertisement}, {@link
   *     BlockLocation}, {@link BlockMetadata}, {@link NodeLocation}, {@link NodeMetrics}, {@link
   *     NetworkHealth}, {@link NodeInfo}, {@link NodeStatusReport}, {@link BatchUpdate} or {@link
   *     NodeAuthentication}
   * @return the serialized message of the matching schema type
   * @throws IllegalArgumentException if {@code value} is not a contract type, or holds a value the
   *     schema cannot carry faithfully (a string with an unpaired surrogate, a negative number in
   *     an unsigned field)
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
   * The generated protobuf message of a contract value; see {@link #toBytes(Object)} for the types
   * accepted. An {@link EventPayload} becomes its own schema message (for example a {@link Ping}
   * becomes {@code brightchain.net.v1.Ping}), not a {@code WSMessage}.
   *
   * @param value a contract value
   * @return the equivalent message, one of the types nested in {@link Pb}
   * @throws IllegalArgumentException if {@code value} is not a contract type, or holds a value the
   *     schema cannot carry faithfully
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
      return ProtoNodes.proto(p);
    } else if (value instanceof NodeAdvertisement a) {
      return ProtoNodes.proto(a);
    } else if (value instanceof BlockLocation l) {
      return ProtoBlocks.proto(l);
    } else if (value instanceof BlockMetadata m) {
      return ProtoBlocks.proto(m);
    } else if (value instanceof NodeLocation l) {
      return ProtoNodes.proto(l);
    } else if (value instanceof NodeMetrics m) {
      return ProtoNodes.proto(m);
    } else if (value instanceof NetworkHealth h) {
      return ProtoNodes.proto(h);
    } else if (value instanceof NodeInfo i) {
      return ProtoNodes.proto(i);
    } else if (value instanceof NodeStatusReport r) {
      return ProtoNodes.proto(r);
    } else if (value instanceof NodeAuthentication a) {
      return ProtoSystem.proto(a);
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
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field is
   *     missing or an enum is unspecified or unknown, or a value is refused by the contract types;
   *     the message names the field
   */
  public static SignedMessage decodeSignedMessage(byte[] bytes) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return signedMessage(Pb.SignedMessage.parseFrom(bytes), "");
    } catch (InvalidProtocolBufferException e) {
      throw malformed(e);
    } catch (IllegalArgumentException e) {
      throw refused(e);
    }
  }

  /**
   * Decodes a frame from protobuf bytes: the body of a binary WebSocket frame. Same as {@code
   * fromBytes(bytes, Envelope.class)} without the type dispatch; hop-by-hop fields that are absent
   * read as 0 and empty.
   *
   * @param bytes a serialized {@code SignedMessage}
   * @return the frame; its signature is not checked here
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field is
   *     missing or an enum is unspecified or unknown, or a value is refused by the contract types;
   *     the message names the field
   */
  public static Envelope decodeEnvelope(byte[] bytes) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return envelope(Pb.SignedMessage.parseFrom(bytes), "");
    } catch (InvalidProtocolBufferException e) {
      throw malformed(e);
    } catch (IllegalArgumentException e) {
      throw refused(e);
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
   * @throws WireFormatException if the bytes are not a valid protobuf message, a required field is
   *     missing, an enum is unspecified or unknown, an id has the wrong length, or a value is
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
    } catch (IllegalArgumentException e) {
      throw refused(e);
    }
    if (value == null) {
      throw new IllegalArgumentException("not a contract type: " + type.getName());
    }
    return type.cast(value);
  }

  private static WireFormatException malformed(InvalidProtocolBufferException e) {
    return new WireFormatException("malformed protobuf: " + e.getMessage());
  }

  /** A contract type refused a value; its message names the field. */
  private static WireFormatException refused(IllegalArgumentException e) {
    return new WireFormatException(e.getMessage());
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

  private static Pb.SignedMessage.Builder signedBuilder(SignedMessage m) {
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
    var b = Pb.WSMessage.newBuilder().setTimestamp(m.timestamp()).setSender(bytes(m.sender()));
    return withData(b, m.data()).build();
  }

  /** Sets the {@code data} case of a WSMessage: the one that carries {@code p}'s type. */
  private static Pb.WSMessage.Builder withData(Pb.WSMessage.Builder b, EventPayload p) {
    return switch (p.type()) {
      case NODE_ANNOUNCE -> b.setNodeAnnounce(ProtoNodes.proto((NodeAnnounce) p));
      case NODE_LEAVE -> b.setNodeLeave(ProtoNodes.proto((NodeLeave) p));
      case NODE_STATUS -> b.setNodeStatus(ProtoNodes.proto((NodeStatusUpdate) p));
      case BLOCK_TEMPERATURE ->
          b.setBlockTemperature(ProtoBlocks.proto((BlockTemperatureUpdate) p));
      case BLOCK_LOCATION -> b.setBlockLocation(ProtoBlocks.proto((BlockLocationUpdate) p));
      case BLOCK_SYNC -> b.setBlockSync(ProtoSync.proto((BlockSyncRequest) p));
      case METADATA_UPDATE -> b.setMetadataUpdate(ProtoBlocks.proto((MetadataUpdate) p));
      case METADATA_SYNC -> b.setMetadataSync(ProtoSync.proto((MetadataSync) p));
      case BLOCK_BATCH -> b.setBlockBatch(ProtoSync.proto((BatchUpdate) p));
      case PING -> b.setPing(ProtoSystem.proto((Ping) p));
      case PONG -> b.setPong(ProtoSystem.proto((Pong) p));
      case ACK -> b.setAck(ProtoSystem.proto((Ack) p));
      case RESUME -> b.setResume(ProtoSystem.proto((Resume) p));
      case GAP -> b.setGap(ProtoSystem.proto((Gap) p));
      case SUBSCRIBE -> b.setSubscribe(ProtoSystem.proto((Subscribe) p));
      case CHALLENGE -> b.setChallenge(ProtoSystem.proto((Challenge) p));
      case AUTH -> b.setAuth(ProtoSystem.proto((AuthProof) p));
      case ERROR -> b.setError(ProtoSystem.proto((ErrorEvent) p));
    };
  }

  /** A payload as its own schema message, not wrapped in a WSMessage. */
  private static Message payload(EventPayload p) {
    return switch (p.type()) {
      case NODE_ANNOUNCE -> ProtoNodes.proto((NodeAnnounce) p);
      case NODE_LEAVE -> ProtoNodes.proto((NodeLeave) p);
      case NODE_STATUS -> ProtoNodes.proto((NodeStatusUpdate) p);
      case BLOCK_TEMPERATURE -> ProtoBlocks.proto((BlockTemperatureUpdate) p);
      case BLOCK_LOCATION -> ProtoBlocks.proto((BlockLocationUpdate) p);
      case BLOCK_SYNC -> ProtoSync.proto((BlockSyncRequest) p);
      case METADATA_UPDATE -> ProtoBlocks.proto((MetadataUpdate) p);
      case METADATA_SYNC -> ProtoSync.proto((MetadataSync) p);
      case BLOCK_BATCH -> ProtoSync.proto((BatchUpdate) p);
      case PING -> ProtoSystem.proto((Ping) p);
      case PONG -> ProtoSystem.proto((Pong) p);
      case ACK -> ProtoSystem.proto((Ack) p);
      case RESUME -> ProtoSystem.proto((Resume) p);
      case GAP -> ProtoSystem.proto((Gap) p);
      case SUBSCRIBE -> ProtoSystem.proto((Subscribe) p);
      case CHALLENGE -> ProtoSystem.proto((Challenge) p);
      case AUTH -> ProtoSystem.proto((AuthProof) p);
      case ERROR -> ProtoSystem.proto((ErrorEvent) p);
    };
  }

  // ------------------------------------------------------------------ decode

  /** The decoded value, or null if {@code type} is not a contract type. */
  private static Object decode(byte[] bytes, Class<?> type)
      throws InvalidProtocolBufferException, WireFormatException {
    WSEventType event = WireFields.payloadType(type);
    if (event != null) {
      return payload(bytes, event);
    } else if (type == Envelope.class) {
      return envelope(Pb.SignedMessage.parseFrom(bytes), "");
    } else if (type == SignedMessage.class) {
      return signedMessage(Pb.SignedMessage.parseFrom(bytes), "");
    } else if (type == WSMessage.class) {
      return wsMessage(Pb.WSMessage.parseFrom(bytes), "");
    } else if (type == PeerInfo.class) {
      return ProtoNodes.peerInfo(Pb.PeerInfo.parseFrom(bytes), "");
    } else if (type == NodeAdvertisement.class) {
      return ProtoNodes.nodeAdvertisement(Pb.NodeAdvertisement.parseFrom(bytes), "");
    } else if (type == BlockLocation.class) {
      return ProtoBlocks.location(Pb.BlockLocation.parseFrom(bytes), "");
    } else if (type == BlockMetadata.class) {
      return ProtoBlocks.metadata(Pb.BlockMetadata.parseFrom(bytes), "");
    } else if (type == NodeLocation.class) {
      return ProtoNodes.nodeLocation(Pb.NodeLocation.parseFrom(bytes));
    } else if (type == NodeMetrics.class) {
      return ProtoNodes.metrics(Pb.NodeMetrics.parseFrom(bytes), "");
    } else if (type == NetworkHealth.class) {
      return ProtoNodes.health(Pb.NetworkHealth.parseFrom(bytes), "");
    } else if (type == NodeInfo.class) {
      return ProtoNodes.nodeInfo(Pb.NodeInfo.parseFrom(bytes), "");
    } else if (type == NodeStatusReport.class) {
      return ProtoNodes.statusReport(Pb.NodeStatusReport.parseFrom(bytes), "");
    } else if (type == NodeAuthentication.class) {
      return ProtoSystem.authentication(Pb.NodeAuthentication.parseFrom(bytes), "");
    }
    return null;
  }

  /** A payload from its own schema message (not a WSMessage), by the payload's event type. */
  private static EventPayload payload(byte[] b, WSEventType type)
      throws InvalidProtocolBufferException, WireFormatException {
    return switch (type) {
      case NODE_ANNOUNCE -> ProtoNodes.nodeAnnounce(Pb.NodeAnnounce.parseFrom(b), "");
      case NODE_LEAVE -> ProtoNodes.nodeLeave(Pb.NodeLeave.parseFrom(b), "");
      case NODE_STATUS -> ProtoNodes.nodeStatusUpdate(Pb.NodeStatusUpdate.parseFrom(b), "");
      case BLOCK_TEMPERATURE ->
          ProtoBlocks.blockTemperature(Pb.BlockTemperatureUpdate.parseFrom(b), "");
      case BLOCK_LOCATION -> ProtoBlocks.blockLocation(Pb.BlockLocationUpdate.parseFrom(b), "");
      case BLOCK_SYNC -> ProtoSync.blockSync(Pb.BlockSyncRequest.parseFrom(b), "");
      case METADATA_UPDATE -> ProtoBlocks.metadataUpdate(Pb.MetadataUpdate.parseFrom(b), "");
      case METADATA_SYNC -> ProtoSync.metadataSync(Pb.MetadataSync.parseFrom(b), "");
      case BLOCK_BATCH -> ProtoSync.batch(Pb.BatchUpdate.parseFrom(b), "");
      case PING -> ProtoSystem.ping(Pb.Ping.parseFrom(b));
      case PONG -> ProtoSystem.pong(Pb.Pong.parseFrom(b));
      case ACK -> ProtoSystem.ack(Pb.Ack.parseFrom(b));
      case RESUME -> ProtoSystem.resume(Pb.Resume.parseFrom(b));
      case GAP -> ProtoSystem.gap(Pb.Gap.parseFrom(b));
      case SUBSCRIBE -> ProtoSystem.subscribe(Pb.Subscribe.parseFrom(b), "");
      case CHALLENGE -> ProtoSystem.challenge(Pb.Challenge.parseFrom(b), "");
      case AUTH -> ProtoSystem.authProof(Pb.AuthProof.parseFrom(b), "");
      case ERROR -> ProtoSystem.errorEvent(Pb.ErrorEvent.parseFrom(b));
    };
  }

  private static Envelope envelope(Pb.SignedMessage p, String path) throws WireFormatException {
    return new Envelope(signedMessage(p, path), p.getSequence(), p.getRequestId(), p.getReplyTo());
  }

  private static SignedMessage signedMessage(Pb.SignedMessage p, String path)
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

  private static WSMessage wsMessage(Pb.WSMessage p, String path) throws WireFormatException {
    EventPayload payload = data(p, path);
    return WSMessage.of(payload, p.getTimestamp(), nodeId(p.getSender(), path, "sender"));
  }

  /** The payload of the WSMessage at {@code path}, by the case of its {@code data}. */
  private static EventPayload data(Pb.WSMessage p, String path) throws WireFormatException {
    String data = at(path, "data");
    return switch (p.getDataCase()) {
      case NODE_ANNOUNCE -> ProtoNodes.nodeAnnounce(p.getNodeAnnounce(), data);
      case NODE_LEAVE -> ProtoNodes.nodeLeave(p.getNodeLeave(), data);
      case NODE_STATUS -> ProtoNodes.nodeStatusUpdate(p.getNodeStatus(), data);
      case BLOCK_TEMPERATURE -> ProtoBlocks.blockTemperature(p.getBlockTemperature(), data);
      case BLOCK_LOCATION -> ProtoBlocks.blockLocation(p.getBlockLocation(), data);
      case BLOCK_SYNC -> ProtoSync.blockSync(p.getBlockSync(), data);
      case METADATA_UPDATE -> ProtoBlocks.metadataUpdate(p.getMetadataUpdate(), data);
      case METADATA_SYNC -> ProtoSync.metadataSync(p.getMetadataSync(), data);
      case BLOCK_BATCH -> ProtoSync.batch(p.getBlockBatch(), data);
      case PING -> ProtoSystem.ping(p.getPing());
      case PONG -> ProtoSystem.pong(p.getPong());
      case ACK -> ProtoSystem.ack(p.getAck());
      case RESUME -> ProtoSystem.resume(p.getResume());
      case GAP -> ProtoSystem.gap(p.getGap());
      case SUBSCRIBE -> ProtoSystem.subscribe(p.getSubscribe(), data);
      case CHALLENGE -> ProtoSystem.challenge(p.getChallenge(), data);
      case AUTH -> ProtoSystem.authProof(p.getAuth(), data);
      case ERROR -> ProtoSystem.errorEvent(p.getError());
      case DATA_NOT_SET -> throw missing(path, "data");
    };
  }
}
