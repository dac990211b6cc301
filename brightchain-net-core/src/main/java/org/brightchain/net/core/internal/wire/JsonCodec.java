package org.brightchain.net.core.internal.wire;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * JSON form of every contract type, with the design's field names. Times are milliseconds since
 * the epoch, byte strings lower-case hex, enums their wire names; optional fields that are
 * absent are omitted (never {@code null}). {@code docs/protocol.md} lists every shape. An {@link
 * Envelope} is the JSON object of its {@link SignedMessage} with the hop-by-hop fields {@code
 * seq}, {@code requestId} and {@code replyTo} beside the signed fields, each omitted when 0 or
 * empty; a plain signed message decodes as an envelope without them.
 *
 * <p>Decoding ignores unknown fields, so newer peers can add fields, and reports the first
 * problem as a {@link WireFormatException} naming the field.
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
      return peerInfo(p);
    } else if (value instanceof NodeAdvertisement a) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", a.nodeId().hex());
      o.put("address", a.address());
      o.put("port", (long) a.port());
      o.put("capabilities", new ArrayList<Object>(a.capabilities()));
      o.put("version", a.version());
      return o;
    } else if (value instanceof BlockLocation l) {
      return location(l);
    } else if (value instanceof BlockMetadata m) {
      return metadata(m);
    } else if (value instanceof NodeLocation l) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("region", l.region());
      putOpt(o, "country", l.country());
      return o;
    } else if (value instanceof NodeMetrics m) {
      return metrics(m);
    } else if (value instanceof NetworkHealth h) {
      return health(h);
    } else if (value instanceof NodeInfo i) {
      return nodeInfo(i);
    } else if (value instanceof NodeStatusReport r) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", r.nodeId().hex());
      o.put("status", r.status().wireName());
      o.put("metrics", metrics(r.metrics()));
      o.put("health", health(r.health()));
      o.put("reachability", reachability(r.reachability()));
      return o;
    } else if (value instanceof BatchUpdate b) {
      return batch(b);
    } else if (value instanceof NodeAuthentication a) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", a.nodeId().hex());
      o.put("publicKey", Hex.encode(a.publicKey()));
      o.put("challenge", Hex.encode(a.challenge()));
      o.put("signature", Hex.encode(a.signature()));
      o.put("token", a.token());
      o.put("expiry", a.expiry().toEpochMilli());
      return o;
    }
    throw new IllegalArgumentException(
        "not a contract type: " + (value == null ? "null" : value.getClass().getName()));
  }

  private static void putOpt(Map<String, Object> o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  static Map<String, Object> envelope(Envelope e) {
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

  static Map<String, Object> signedMessage(SignedMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("payload", wsMessage(m.payload()));
    o.put("timestamp", m.timestamp());
    o.put("nodeId", m.nodeId().hex());
    putOpt(o, "recipient", m.recipient() == null ? null : m.recipient().hex());
    o.put("publicKey", Hex.encode(m.publicKey()));
    o.put("signature", Hex.encode(m.signature()));
    return o;
  }

  static Map<String, Object> wsMessage(WSMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", m.type().wireName());
    o.put("data", payload(m.data()));
    o.put("timestamp", m.timestamp());
    o.put("sender", m.sender().hex());
    return o;
  }

  static Map<String, Object> payload(EventPayload p) {
    Map<String, Object> o = new LinkedHashMap<>();
    if (p instanceof NodeAnnounce a) {
      o.put("nodeId", a.nodeId().hex());
      o.put("address", a.address());
      o.put("httpPort", (long) a.httpPort());
      o.put("wsPort", (long) a.wsPort());
      o.put("capabilities", new ArrayList<Object>(a.capabilities()));
      o.put("version", a.version());
      putOpt(o, "region", a.region());
    } else if (p instanceof NodeLeave l) {
      o.put("nodeId", l.nodeId().hex());
      o.put("reason", l.reason());
    } else if (p instanceof NodeStatusUpdate s) {
      o.put("nodeId", s.nodeId().hex());
      o.put("status", s.status().wireName());
    } else if (p instanceof BlockTemperatureUpdate t) {
      o.put("blockId", t.blockId().hex());
      o.put("temperature", t.temperature().wireName());
    } else if (p instanceof BlockLocationUpdate l) {
      o.put("blockId", l.blockId().hex());
      o.put("location", location(l.location()));
      o.put("action", l.action().wireName());
    } else if (p instanceof BlockSyncRequest r) {
      List<Object> ids = new ArrayList<>();
      r.blockIds().forEach(id -> ids.add(id.hex()));
      o.put("blockIds", ids);
      putNonEmpty(o, "session", r.session());
      putNonEmpty(o, "reconcile", r.reconcile());
    } else if (p instanceof MetadataUpdate u) {
      o.put("metadata", metadata(u.metadata()));
    } else if (p instanceof MetadataSync s) {
      List<Object> entries = new ArrayList<>();
      s.entries().forEach(e -> entries.add(metadata(e)));
      o.put("entries", entries);
      putNonEmpty(o, "session", s.session());
      putNonEmpty(o, "reconcile", s.reconcile());
    } else if (p instanceof BatchUpdate b) {
      o.putAll(batch(b));
    } else if (p instanceof Ping ping) {
      o.put("nonce", ping.nonce());
    } else if (p instanceof Pong pong) {
      o.put("nonce", pong.nonce());
    } else if (p instanceof Ack ack) {
      o.put("ok", ack.ok());
      if (!ack.error().isEmpty()) {
        o.put("error", ack.error());
      }
    } else if (p instanceof Resume r) {
      o.put("afterSequence", r.afterSequence());
    } else if (p instanceof Gap g) {
      o.put("afterSequence", g.afterSequence());
      o.put("oldestAvailable", g.oldestAvailable());
    } else if (p instanceof Subscribe s) {
      List<Object> types = new ArrayList<>();
      s.types().forEach(t -> types.add(t.wireName()));
      o.put("types", types);
      List<Object> ids = new ArrayList<>();
      s.blockIds().forEach(id -> ids.add(id.hex()));
      o.put("blockIds", ids);
    } else if (p instanceof Challenge c) {
      o.put("challenge", c.challenge());
    } else if (p instanceof AuthProof a) {
      o.put("challenge", a.challenge());
      o.put("peer", a.peer().hex());
    } else if (p instanceof ErrorEvent e) {
      o.put("code", e.code());
      o.put("message", e.message());
      o.put("retryAfterMs", e.retryAfterMs());
    }
    return o;
  }

  private static Map<String, Object> peerInfo(PeerInfo p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", p.nodeId().hex());
    o.put("address", p.address());
    o.put("httpPort", (long) p.httpPort());
    o.put("wsPort", (long) p.wsPort());
    o.put("lastSeen", p.lastSeen().toEpochMilli());
    o.put("capabilities", new ArrayList<Object>(p.capabilities()));
    o.put("status", p.status().wireName());
    putOpt(o, "region", p.region());
    putOpt(o, "rttMs", p.rttMs());
    return o;
  }

  private static Map<String, Object> location(BlockLocation l) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", l.nodeId().hex());
    o.put("lastSeen", l.lastSeen().toEpochMilli());
    o.put("isAuthoritative", l.authoritative());
    putOpt(o, "latencyMs", l.latencyMs());
    putOpt(o, "poolId", l.poolId());
    return o;
  }

  private static Map<String, Object> metadata(BlockMetadata m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("blockId", m.blockId().hex());
    o.put("size", m.size());
    o.put("temperature", m.temperature().wireName());
    o.put("durability", m.durability().wireName());
    List<Object> locations = new ArrayList<>();
    m.locations().forEach(l -> locations.add(location(l)));
    o.put("locations", locations);
    o.put("updatedAt", m.updatedAt().toEpochMilli());
    o.put("updatedBy", m.updatedBy().hex());
    if (!m.isPlain()) {
      BlockVersions v = m.versions();
      Map<String, Object> vo = new LinkedHashMap<>();
      vo.put("temperature", stamp(v.temperature()));
      vo.put("info", stamp(v.info()));
      Map<String, Object> live = new LinkedHashMap<>();
      v.locations().forEach((n, st) -> live.put(n.hex(), stamp(st)));
      vo.put("locations", live);
      Map<String, Object> removed = new LinkedHashMap<>();
      v.removed().forEach((n, st) -> removed.put(n.hex(), stamp(st)));
      vo.put("removed", removed);
      o.put("versions", vo);
    }
    return o;
  }

  private static Map<String, Object> stamp(Stamp s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", s.at().toEpochMilli());
    o.put("by", s.by().hex());
    return o;
  }

  private static Map<String, Object> metrics(NodeMetrics m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("uptime", m.uptime().toMillis());
    o.put("peers", (long) m.peers());
    o.put("blocks", m.blocks());
    Map<String, Object> bw = new LinkedHashMap<>();
    bw.put("in", m.bandwidth().in());
    bw.put("out", m.bandwidth().out());
    o.put("bandwidth", bw);
    Map<String, Object> ops = new LinkedHashMap<>();
    ops.put("success", m.operations().success());
    ops.put("failed", m.operations().failed());
    o.put("operations", ops);
    return o;
  }

  private static Map<String, Object> health(NetworkHealth h) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("activeNodes", (long) h.activeNodes());
    o.put("totalBlocks", h.totalBlocks());
    o.put("averageRedundancy", h.averageRedundancy());
    Map<String, Object> regions = new LinkedHashMap<>();
    h.regionDistribution().forEach((k, v) -> regions.put(k, (long) v));
    o.put("regionDistribution", regions);
    return o;
  }

  private static Map<String, Object> nodeInfo(NodeInfo i) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", i.nodeId().hex());
    o.put("publicKey", Hex.encode(i.publicKey()));
    o.put("version", i.version());
    o.put("protocolVersion", (long) i.protocolVersion());
    o.put("address", i.address());
    o.put("httpPort", (long) i.httpPort());
    o.put("wsPort", (long) i.wsPort());
    o.put("capabilities", new ArrayList<Object>(i.capabilities()));
    putOpt(o, "region", i.region());
    o.put("status", i.status().wireName());
    o.put("startedAt", i.startedAt().toEpochMilli());
    return o;
  }

  private static Map<String, Object> batch(BatchUpdate b) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("batchId", b.batchId());
    o.put("timestamp", b.timestamp());
    List<Object> updates = new ArrayList<>();
    for (BatchUpdate.Update u : b.updates()) {
      Map<String, Object> uo = new LinkedHashMap<>();
      uo.put("type", u.type().name());
      uo.put("blockId", u.blockId().hex());
      uo.put("data", payload(u.data()));
      if (u.timestamp() != 0) {
        uo.put("timestamp", u.timestamp());
      }
      updates.add(uo);
    }
    o.put("updates", updates);
    return o;
  }

  // ------------------------------------------------------------------ decode

  /** Decodes a JSON tree as {@code type}. */
  public static <T> T fromTree(Object tree, Class<T> type) throws WireFormatException {
    if (!isContractType(type)) {
      throw new IllegalArgumentException("not a contract type: " + type.getName());
    }
    try {
      return type.cast(decode(tree, type));
    } catch (IllegalArgumentException | NullPointerException e) {
      // A contract type refused a value; its message names the field.
      throw new WireFormatException(e.getMessage());
    }
  }

  private static boolean isContractType(Class<?> type) {
    return type == Envelope.class
        || type == SignedMessage.class
        || type == WSMessage.class
        || type == PeerInfo.class
        || type == NodeAdvertisement.class
        || type == BlockLocation.class
        || type == BlockMetadata.class
        || type == NodeLocation.class
        || type == NodeMetrics.class
        || type == NetworkHealth.class
        || type == NodeInfo.class
        || type == NodeStatusReport.class
        || type == BatchUpdate.class
        || type == NodeAuthentication.class
        || (EventPayload.class.isAssignableFrom(type) && type != EventPayload.class);
  }

  private static Object decode(Object tree, Class<?> type) throws WireFormatException {
    JsonObject o = JsonObject.of(tree, "");
    if (type == Envelope.class) {
      return envelope(o);
    } else if (type == SignedMessage.class) {
      return signedMessage(o);
    } else if (type == WSMessage.class) {
      return wsMessage(o);
    } else if (type == PeerInfo.class) {
      return peerInfo(o);
    } else if (type == NodeAdvertisement.class) {
      return new NodeAdvertisement(
          nodeId(o, "nodeId"),
          o.string("address"),
          o.intValue("port"),
          o.stringSet("capabilities"),
          o.string("version"));
    } else if (type == BlockLocation.class) {
      return location(o);
    } else if (type == BlockMetadata.class) {
      return metadata(o);
    } else if (type == NodeLocation.class) {
      return new NodeLocation(o.string("region"), o.optString("country"));
    } else if (type == NodeMetrics.class) {
      return metrics(o);
    } else if (type == NetworkHealth.class) {
      return health(o);
    } else if (type == NodeInfo.class) {
      return new NodeInfo(
          nodeId(o, "nodeId"),
          o.hex("publicKey"),
          o.string("version"),
          o.intValue("protocolVersion"),
          o.string("address"),
          o.intValue("httpPort"),
          o.intValue("wsPort"),
          o.stringSet("capabilities"),
          o.optString("region"),
          nodeStatus(o, "status"),
          instant(o, "startedAt"));
    } else if (type == NodeStatusReport.class) {
      return new NodeStatusReport(
          nodeId(o, "nodeId"),
          nodeStatus(o, "status"),
          metrics(o.object("metrics")),
          health(o.object("health")),
          // Absent from reports of nodes without port mapping.
          o.has("reachability") ? reachability(o.object("reachability")) : Reachability.unmapped("", ""));
    } else if (type == BatchUpdate.class) {
      return batch(o);
    } else if (type == NodeAuthentication.class) {
      return new NodeAuthentication(
          nodeId(o, "nodeId"),
          o.hex("publicKey"),
          o.hex("challenge"),
          o.hex("signature"),
          o.string("token"),
          instant(o, "expiry"));
    } else if (EventPayload.class.isAssignableFrom(type)) {
      for (WSEventType t : WSEventType.values()) {
        if (t.payloadType() == type) {
          return payload(t, o);
        }
      }
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

  static EventPayload payload(WSEventType type, JsonObject o) throws WireFormatException {
    switch (type) {
      case NODE_ANNOUNCE:
        return new NodeAnnounce(
            nodeId(o, "nodeId"),
            o.string("address"),
            o.intValue("httpPort"),
            o.intValue("wsPort"),
            o.stringSet("capabilities"),
            o.string("version"),
            o.optString("region"));
      case NODE_LEAVE:
        return new NodeLeave(nodeId(o, "nodeId"), o.has("reason") ? o.string("reason") : "");
      case NODE_STATUS:
        return new NodeStatusUpdate(nodeId(o, "nodeId"), nodeStatus(o, "status"));
      case BLOCK_TEMPERATURE:
        return new BlockTemperatureUpdate(
            blockId(o, "blockId"), wire(o, "temperature", DataTemperature::fromWire));
      case BLOCK_LOCATION:
        return new BlockLocationUpdate(
            blockId(o, "blockId"),
            location(o.object("location")),
            wire(o, "action", BlockLocationUpdate.Action::fromWire));
      case BLOCK_SYNC:
        {
          List<BlockId> ids = new ArrayList<>();
          List<Object> raw = o.array("blockIds");
          if (raw.size() > BlockSyncRequest.MAX_BLOCKS) {
            throw new WireFormatException(
                o.at("blockIds") + ": more than " + BlockSyncRequest.MAX_BLOCKS);
          }
          for (int i = 0; i < raw.size(); i++) {
            ids.add(blockIdOf(raw.get(i), o.at("blockIds") + "[" + i + "]"));
          }
          return new BlockSyncRequest(ids, optText(o, "session"), optText(o, "reconcile"));
        }
      case METADATA_UPDATE:
        return new MetadataUpdate(metadata(o.object("metadata")));
      case METADATA_SYNC:
        {
          List<BlockMetadata> entries = new ArrayList<>();
          List<Object> raw = o.array("entries");
          if (raw.size() > MetadataSync.MAX_ENTRIES) {
            throw new WireFormatException(
                o.at("entries") + ": more than " + MetadataSync.MAX_ENTRIES);
          }
          for (int i = 0; i < raw.size(); i++) {
            entries.add(metadata(JsonObject.of(raw.get(i), o.at("entries") + "[" + i + "]")));
          }
          return new MetadataSync(entries, optText(o, "session"), optText(o, "reconcile"));
        }
      case BLOCK_BATCH:
        {
          return batch(o);
        }
      case PING:
        return new Ping(o.longValue("nonce"));
      case PONG:
        return new Pong(o.longValue("nonce"));
      case ACK:
        return new Ack(o.bool("ok"), o.has("error") ? o.string("error") : "");
      case RESUME:
        return new Resume(o.longValue("afterSequence"));
      case GAP:
        return new Gap(o.longValue("afterSequence"), o.longValue("oldestAvailable"));
      case SUBSCRIBE:
        {
          Set<WSEventType> types = new LinkedHashSet<>();
          List<Object> rawTypes = o.optArray("types");
          for (int i = 0; i < rawTypes.size(); i++) {
            String path = o.at("types") + "[" + i + "]";
            if (!(rawTypes.get(i) instanceof String name)) {
              throw new WireFormatException(path + ": expected a string");
            }
            try {
              types.add(WSEventType.fromWire(name));
            } catch (IllegalArgumentException e) {
              throw new WireFormatException(path + ": " + e.getMessage());
            }
          }
          List<Object> rawIds = o.optArray("blockIds");
          if (rawIds.size() > Subscribe.MAX_BLOCKS) {
            throw new WireFormatException(
                o.at("blockIds") + ": more than " + Subscribe.MAX_BLOCKS);
          }
          Set<BlockId> ids = new LinkedHashSet<>();
          for (int i = 0; i < rawIds.size(); i++) {
            ids.add(blockIdOf(rawIds.get(i), o.at("blockIds") + "[" + i + "]"));
          }
          return new Subscribe(types, ids);
        }
      case CHALLENGE:
        return new Challenge(o.string("challenge"));
      case AUTH:
        return new AuthProof(o.string("challenge"), nodeId(o, "peer"));
      case ERROR:
        return new ErrorEvent(
            o.string("code"),
            o.has("message") ? o.string("message") : "",
            o.has("retryAfterMs") ? o.longValue("retryAfterMs") : 0);
      default:
        throw new WireFormatException("type: unsupported " + type.wireName());
    }
  }

  private static PeerInfo peerInfo(JsonObject o) throws WireFormatException {
    return new PeerInfo(
        nodeId(o, "nodeId"),
        o.string("address"),
        o.intValue("httpPort"),
        o.intValue("wsPort"),
        instant(o, "lastSeen"),
        o.stringSet("capabilities"),
        wire(o, "status", PeerStatusType::fromWire),
        o.optString("region"),
        o.optLong("rttMs"));
  }

  private static BlockLocation location(JsonObject o) throws WireFormatException {
    return new BlockLocation(
        nodeId(o, "nodeId"),
        instant(o, "lastSeen"),
        o.bool("isAuthoritative"),
        o.optLong("latencyMs"),
        o.optString("poolId"));
  }

  private static BlockMetadata metadata(JsonObject o) throws WireFormatException {
    List<BlockLocation> locations = new ArrayList<>();
    List<Object> raw = o.optArray("locations");
    for (int i = 0; i < raw.size(); i++) {
      locations.add(location(JsonObject.of(raw.get(i), o.at("locations") + "[" + i + "]")));
    }
    BlockVersions versions = null;
    if (o.has("versions")) {
      JsonObject v = o.object("versions");
      versions =
          new BlockVersions(
              stamp(v.object("temperature")),
              stamp(v.object("info")),
              stamps(v, "locations"),
              stamps(v, "removed"));
    }
    return new BlockMetadata(
        blockId(o, "blockId"),
        o.has("size") ? o.longValue("size") : 0,
        wire(o, "temperature", DataTemperature::fromWire),
        o.has("durability")
            ? wire(o, "durability", DurabilityLevel::fromWire)
            : DurabilityLevel.STANDARD,
        locations,
        instant(o, "updatedAt"),
        nodeId(o, "updatedBy"),
        versions);
  }

  private static Stamp stamp(JsonObject o) throws WireFormatException {
    return new Stamp(instant(o, "at"), nodeId(o, "by"));
  }

  private static java.util.SortedMap<NodeId, Stamp> stamps(JsonObject v, String key)
      throws WireFormatException {
    java.util.TreeMap<NodeId, Stamp> out = new java.util.TreeMap<>();
    if (!v.has(key)) {
      return out;
    }
    JsonObject m = v.object(key);
    for (String k : m.map().keySet()) {
      NodeId n;
      try {
        n = NodeId.of(k);
      } catch (IllegalArgumentException e) {
        throw new WireFormatException(m.at(k) + ": " + e.getMessage());
      }
      // Keys are distinct, but "AB.." and "ab.." are the same node.
      if (out.put(n, stamp(m.object(k))) != null) {
        throw new WireFormatException(m.at(k) + ": node " + n + " appears twice");
      }
    }
    return out;
  }

  private static NodeMetrics metrics(JsonObject o) throws WireFormatException {
    JsonObject bw = o.object("bandwidth");
    JsonObject ops = o.object("operations");
    return new NodeMetrics(
        Duration.ofMillis(o.longValue("uptime")),
        o.intValue("peers"),
        o.longValue("blocks"),
        new NodeMetrics.Bandwidth(bw.longValue("in"), bw.longValue("out")),
        new NodeMetrics.Operations(ops.longValue("success"), ops.longValue("failed")));
  }

  private static NetworkHealth health(JsonObject o) throws WireFormatException {
    JsonObject regions = o.object("regionDistribution");
    Map<String, Integer> dist = new LinkedHashMap<>();
    for (String k : regions.map().keySet()) {
      dist.put(k, regions.intValue(k));
    }
    return new NetworkHealth(
        o.intValue("activeNodes"),
        o.longValue("totalBlocks"),
        o.doubleValue("averageRedundancy"),
        dist);
  }

  private static BatchUpdate batch(JsonObject o) throws WireFormatException {
    List<BatchUpdate.Update> updates = new ArrayList<>();
    List<Object> raw = o.array("updates");
    if (raw.size() > BatchUpdate.MAX_UPDATES) {
      throw new WireFormatException(o.at("updates") + ": more than " + BatchUpdate.MAX_UPDATES);
    }
    for (int i = 0; i < raw.size(); i++) {
      JsonObject u = JsonObject.of(raw.get(i), o.at("updates") + "[" + i + "]");
      BatchUpdate.UpdateType t = wire(u, "type", BatchUpdate.UpdateType::valueOf);
      WSEventType eventType =
          switch (t) {
            case TEMPERATURE -> WSEventType.BLOCK_TEMPERATURE;
            case LOCATION -> WSEventType.BLOCK_LOCATION;
            case METADATA -> WSEventType.METADATA_UPDATE;
          };
      updates.add(
          new BatchUpdate.Update(
              t,
              blockId(u, "blockId"),
              payload(eventType, u.object("data")),
              u.has("timestamp") ? u.longValue("timestamp") : 0));
    }
    return new BatchUpdate(o.string("batchId"), o.longValue("timestamp"), updates);
  }

  // ------------------------------------------------------------------ fields

  private static void putNonEmpty(Map<String, Object> o, String key, String value) {
    if (!value.isEmpty()) {
      o.put(key, value);
    }
  }

  private static String optText(JsonObject o, String key) throws WireFormatException {
    return o.has(key) ? o.string(key) : "";
  }

  private interface WireLookup<E> {
    E get(String name);
  }

  private static <E> E wire(JsonObject o, String key, WireLookup<E> lookup)
      throws WireFormatException {
    String name = o.string(key);
    try {
      return lookup.get(name);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  private static NodeStatus nodeStatus(JsonObject o, String key) throws WireFormatException {
    return wire(o, key, NodeStatus::fromWire);
  }

  private static NodeId nodeId(JsonObject o, String key) throws WireFormatException {
    String hex = o.string(key);
    try {
      return NodeId.of(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  private static BlockId blockId(JsonObject o, String key) throws WireFormatException {
    return blockIdOf(o.raw(key), o.at(key));
  }

  private static BlockId blockIdOf(Object raw, String path) throws WireFormatException {
    if (!(raw instanceof String hex)) {
      throw new WireFormatException(path + ": expected a string");
    }
    try {
      return BlockId.of(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(path + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> reachability(Reachability r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("state", r.state().wireName());
    o.put("method", r.method());
    o.put("externalAddress", r.externalAddress());
    o.put("externalPort", (long) r.externalPort());
    o.put("externalWsPort", (long) r.externalWsPort());
    putOpt(o, "leaseExpiresAt", r.leaseExpiresAt() == null ? null : r.leaseExpiresAt().toEpochMilli());
    o.put("error", r.error());
    o.put("detail", r.detail());
    return o;
  }

  private static Reachability reachability(JsonObject o) throws WireFormatException {
    return new Reachability(
        wire(o, "state", Reachability.State::fromWire),
        o.string("method"),
        o.string("externalAddress"),
        o.intValue("externalPort"),
        o.intValue("externalWsPort"),
        o.has("leaseExpiresAt") ? instant(o, "leaseExpiresAt") : null,
        o.string("error"),
        o.string("detail"));
  }

  private static Instant instant(JsonObject o, String key) throws WireFormatException {
    long ms = o.longValue(key);
    try {
      return Instant.ofEpochMilli(ms);
    } catch (RuntimeException e) {
      throw new WireFormatException(o.at(key) + ": time out of range");
    }
  }
}
