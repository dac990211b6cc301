package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.JsonFields.nodeId;
import static org.brightchain.net.core.internal.wire.JsonFields.putOpt;
import static org.brightchain.net.core.internal.wire.JsonFields.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
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
 * JSON form of every contract type, with the design's field names. Times are milliseconds since the
 * epoch, byte strings lower-case hex, enums their wire names; optional fields that are absent are
 * omitted (never {@code null}). {@code docs/protocol.md} lists every shape. An {@link Envelope} is
 * the JSON object of its {@link SignedMessage} with the hop-by-hop fields {@code seq}, {@code
 * requestId} and {@code replyTo} beside the signed fields, each omitted when 0 or empty; a plain
 * signed message decodes as an envelope without them.
 *
 * <p>Decoding ignores unknown fields, so newer peers can add fields, and reports the first problem
 * as a {@link WireFormatException} naming the field.
 *
 * <p>This class holds the frames ({@link Envelope}, {@link SignedMessage}, {@link WSMessage}) and
 * the dispatch over event payloads; the messages themselves are converted by one class per domain:
 * {@code JsonNodes} (nodes and peers), {@code JsonBlocks} (blocks and metadata), {@code JsonSync}
 * (sync and batches) and {@code JsonSystem} (control and authentication). Payloads are dispatched
 * with switch expressions over their {@link WSEventType}, without a default branch, so a new event
 * type does not compile until it has a JSON form.
 */
public final class JsonCodec {
  private JsonCodec() {}

  /** Encodes a contract value as compact JSON text. */
  public static String toJson(Object value) {
    return Json.write(toTree(value));
  }

  /** Encodes a contract value as UTF-8 JSON bytes. */
  public static byte[] toJsonBytes(Object value) {
    return toJson(value).getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes UTF-8 JSON bytes as {@code type}. */
  public static <T> T fromJson(byte[] utf8, Class<T> type) throws WireFormatException {
    return fromTree(Json.parse(utf8), type);
  }

  /** Decodes JSON text as {@code type}. */
  public static <T> T fromJson(String json, Class<T> type) throws WireFormatException {
    return fromTree(Json.parse(json), type);
  }

  // ------------------------------------------------------------------ encode

  /**
   * The JSON tree of a contract value (see {@link Json} for the tree's types).
   *
   * @throws IllegalArgumentException if {@code value} is not a contract type
   */
  public static Object toTree(Object value) {
    if (value instanceof Envelope e) {
      return envelope(e);
    } else if (value instanceof SignedMessage m) {
      return signedMessage(m);
    } else if (value instanceof WSMessage m) {
      return wsMessage(m);
    } else if (value instanceof EventPayload p) {
      return payload(p);
    } else if (value instanceof PeerInfo p) {
      return JsonNodes.json(p);
    } else if (value instanceof NodeAdvertisement a) {
      return JsonNodes.json(a);
    } else if (value instanceof BlockLocation l) {
      return JsonBlocks.json(l);
    } else if (value instanceof BlockMetadata m) {
      return JsonBlocks.json(m);
    } else if (value instanceof NodeLocation l) {
      return JsonNodes.json(l);
    } else if (value instanceof NodeMetrics m) {
      return JsonNodes.json(m);
    } else if (value instanceof NetworkHealth h) {
      return JsonNodes.json(h);
    } else if (value instanceof NodeInfo i) {
      return JsonNodes.json(i);
    } else if (value instanceof NodeStatusReport r) {
      return JsonNodes.json(r);
    } else if (value instanceof NodeAuthentication a) {
      return JsonSystem.json(a);
    }
    throw new IllegalArgumentException(
        "not a contract type: " + (value == null ? "null" : value.getClass().getName()));
  }

  private static Map<String, Object> envelope(Envelope e) {
    Map<String, Object> o = signedMessage(e.message());
    if (e.sequence() != 0) {
      o.put("seq", e.sequence());
    }
    if (!e.requestId().isEmpty()) {
      o.put("requestId", e.requestId());
    }
    if (!e.replyTo().isEmpty()) {
      o.put("replyTo", e.replyTo());
    }
    return o;
  }

  private static Map<String, Object> signedMessage(SignedMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("payload", wsMessage(m.payload()));
    o.put("timestamp", m.timestamp());
    o.put("nodeId", m.nodeId().hex());
    putOpt(o, "recipient", m.recipient() == null ? null : m.recipient().hex());
    o.put("publicKey", HexFormat.of().formatHex(m.publicKey()));
    o.put("signature", HexFormat.of().formatHex(m.signature()));
    return o;
  }

  private static Map<String, Object> wsMessage(WSMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", m.type().wireName());
    o.put("data", payload(m.data()));
    o.put("timestamp", m.timestamp());
    o.put("sender", m.sender().hex());
    return o;
  }

  private static Map<String, Object> payload(EventPayload p) {
    return switch (p.type()) {
      case NODE_ANNOUNCE -> JsonNodes.json((NodeAnnounce) p);
      case NODE_LEAVE -> JsonNodes.json((NodeLeave) p);
      case NODE_STATUS -> JsonNodes.json((NodeStatusUpdate) p);
      case BLOCK_TEMPERATURE -> JsonBlocks.json((BlockTemperatureUpdate) p);
      case BLOCK_LOCATION -> JsonBlocks.json((BlockLocationUpdate) p);
      case BLOCK_SYNC -> JsonSync.json((BlockSyncRequest) p);
      case METADATA_UPDATE -> JsonBlocks.json((MetadataUpdate) p);
      case METADATA_SYNC -> JsonSync.json((MetadataSync) p);
      case BLOCK_BATCH -> JsonSync.json((BatchUpdate) p);
      case PING -> JsonSystem.json((Ping) p);
      case PONG -> JsonSystem.json((Pong) p);
      case ACK -> JsonSystem.json((Ack) p);
      case RESUME -> JsonSystem.json((Resume) p);
      case GAP -> JsonSystem.json((Gap) p);
      case SUBSCRIBE -> JsonSystem.json((Subscribe) p);
      case CHALLENGE -> JsonSystem.json((Challenge) p);
      case AUTH -> JsonSystem.json((AuthProof) p);
      case ERROR -> JsonSystem.json((ErrorEvent) p);
    };
  }

  // ------------------------------------------------------------------ decode

  /**
   * Decodes a JSON tree as {@code type}.
   *
   * @throws WireFormatException if the tree is not the JSON of a {@code type}; the message names
   *     the field
   * @throws IllegalArgumentException if {@code type} is not a contract type
   */
  public static <T> T fromTree(Object tree, Class<T> type) throws WireFormatException {
    Decoder decoder = decoder(type);
    try {
      return type.cast(decoder.decode(JsonObject.of(tree, "")));
    } catch (IllegalArgumentException e) {
      // A contract type refused a value; its message names the field.
      throw new WireFormatException(e.getMessage());
    }
  }

  /** Reads one contract type from a JSON object. */
  private interface Decoder {
    Object decode(JsonObject o) throws WireFormatException;
  }

  private static Decoder decoder(Class<?> type) {
    WSEventType event = WireFields.payloadType(type);
    if (event != null) {
      return o -> payload(event, o);
    } else if (type == Envelope.class) {
      return JsonCodec::envelope;
    } else if (type == SignedMessage.class) {
      return JsonCodec::signedMessage;
    } else if (type == WSMessage.class) {
      return JsonCodec::wsMessage;
    } else if (type == PeerInfo.class) {
      return JsonNodes::peerInfo;
    } else if (type == NodeAdvertisement.class) {
      return JsonNodes::nodeAdvertisement;
    } else if (type == BlockLocation.class) {
      return JsonBlocks::location;
    } else if (type == BlockMetadata.class) {
      return JsonBlocks::metadata;
    } else if (type == NodeLocation.class) {
      return JsonNodes::nodeLocation;
    } else if (type == NodeMetrics.class) {
      return JsonNodes::metrics;
    } else if (type == NetworkHealth.class) {
      return JsonNodes::health;
    } else if (type == NodeInfo.class) {
      return JsonNodes::nodeInfo;
    } else if (type == NodeStatusReport.class) {
      return JsonNodes::statusReport;
    } else if (type == NodeAuthentication.class) {
      return JsonSystem::authentication;
    }
    throw new IllegalArgumentException("not a contract type: " + type.getName());
  }

  private static Envelope envelope(JsonObject o) throws WireFormatException {
    SignedMessage message = signedMessage(o);
    long seq = o.has("seq") ? o.longValue("seq") : 0;
    if (seq < 0 || seq > WSMessage.MAX_SAFE_INTEGER) {
      throw new WireFormatException(o.at("seq") + ": " + seq + " (expected: 0 to 2^53-1)");
    }
    return new Envelope(
        message,
        seq,
        o.has("requestId") ? o.string("requestId") : "",
        o.has("replyTo") ? o.string("replyTo") : "");
  }

  private static SignedMessage signedMessage(JsonObject o) throws WireFormatException {
    return new SignedMessage(
        wsMessage(o.object("payload")),
        o.longValue("timestamp"),
        nodeId(o, "nodeId"),
        o.hex("publicKey"),
        o.hex("signature"),
        o.has("recipient") ? nodeId(o, "recipient") : null);
  }

  private static WSMessage wsMessage(JsonObject o) throws WireFormatException {
    WSEventType type = wire(o, "type", WSEventType::fromWire);
    return new WSMessage(
        type, payload(type, o.object("data")), o.longValue("timestamp"), nodeId(o, "sender"));
  }

  private static EventPayload payload(WSEventType type, JsonObject o) throws WireFormatException {
    return switch (type) {
      case NODE_ANNOUNCE -> JsonNodes.nodeAnnounce(o);
      case NODE_LEAVE -> JsonNodes.nodeLeave(o);
      case NODE_STATUS -> JsonNodes.nodeStatusUpdate(o);
      case BLOCK_TEMPERATURE -> JsonBlocks.temperatureUpdate(o);
      case BLOCK_LOCATION -> JsonBlocks.locationUpdate(o);
      case BLOCK_SYNC -> JsonSync.blockSync(o);
      case METADATA_UPDATE -> JsonBlocks.metadataUpdate(o);
      case METADATA_SYNC -> JsonSync.metadataSync(o);
      case BLOCK_BATCH -> JsonSync.batch(o);
      case PING -> JsonSystem.ping(o);
      case PONG -> JsonSystem.pong(o);
      case ACK -> JsonSystem.ack(o);
      case RESUME -> JsonSystem.resume(o);
      case GAP -> JsonSystem.gap(o);
      case SUBSCRIBE -> JsonSystem.subscribe(o);
      case CHALLENGE -> JsonSystem.challenge(o);
      case AUTH -> JsonSystem.authProof(o);
      case ERROR -> JsonSystem.errorEvent(o);
    };
  }
}
