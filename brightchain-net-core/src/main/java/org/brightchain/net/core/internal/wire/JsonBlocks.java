package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.JsonFields.blockId;
import static org.brightchain.net.core.internal.wire.JsonFields.instant;
import static org.brightchain.net.core.internal.wire.JsonFields.nodeId;
import static org.brightchain.net.core.internal.wire.JsonFields.putOpt;
import static org.brightchain.net.core.internal.wire.JsonFields.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.BlockVersions;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.Stamp;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.MetadataUpdate;

/**
 * JSON form of blocks and their metadata: the {@code block:temperature}, {@code block:location} and
 * {@code metadata:update} events, block locations, and block metadata with its per-field versions.
 * See {@link JsonCodec}.
 */
final class JsonBlocks {
  private JsonBlocks() {}

  // ------------------------------------------------------------------ encode

  static Map<String, Object> json(BlockTemperatureUpdate t) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("blockId", t.blockId().hex());
    o.put("temperature", t.temperature().wireName());
    return o;
  }

  static Map<String, Object> json(BlockLocationUpdate l) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("blockId", l.blockId().hex());
    o.put("location", json(l.location()));
    o.put("action", l.action().wireName());
    return o;
  }

  static Map<String, Object> json(MetadataUpdate u) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("metadata", json(u.metadata()));
    return o;
  }

  static Map<String, Object> json(BlockLocation l) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", l.nodeId().hex());
    o.put("lastSeen", l.lastSeen().toEpochMilli());
    o.put("isAuthoritative", l.authoritative());
    putOpt(o, "latencyMs", l.latencyMs());
    putOpt(o, "poolId", l.poolId());
    return o;
  }

  static Map<String, Object> json(BlockMetadata m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("blockId", m.blockId().hex());
    o.put("size", m.size());
    o.put("temperature", m.temperature().wireName());
    o.put("durability", m.durability().wireName());
    List<Object> locations = new ArrayList<>();
    m.locations().forEach(l -> locations.add(json(l)));
    o.put("locations", locations);
    o.put("updatedAt", m.updatedAt().toEpochMilli());
    o.put("updatedBy", m.updatedBy().hex());
    if (!m.isPlain()) {
      o.put("versions", json(m.versions()));
    }
    return o;
  }

  private static Map<String, Object> json(BlockVersions v) {
    Map<String, Object> vo = new LinkedHashMap<>();
    vo.put("temperature", json(v.temperature()));
    vo.put("info", json(v.info()));
    Map<String, Object> live = new LinkedHashMap<>();
    v.locations().forEach((n, st) -> live.put(n.hex(), json(st)));
    vo.put("locations", live);
    Map<String, Object> removed = new LinkedHashMap<>();
    v.removed().forEach((n, st) -> removed.put(n.hex(), json(st)));
    vo.put("removed", removed);
    return vo;
  }

  private static Map<String, Object> json(Stamp s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", s.at().toEpochMilli());
    o.put("by", s.by().hex());
    return o;
  }

  // ------------------------------------------------------------------ decode

  static BlockTemperatureUpdate temperatureUpdate(JsonObject o) throws WireFormatException {
    return new BlockTemperatureUpdate(
        blockId(o, "blockId"), wire(o, "temperature", DataTemperature::fromWire));
  }

  static BlockLocationUpdate locationUpdate(JsonObject o) throws WireFormatException {
    return new BlockLocationUpdate(
        blockId(o, "blockId"),
        location(o.object("location")),
        wire(o, "action", BlockLocationUpdate.Action::fromWire));
  }

  static MetadataUpdate metadataUpdate(JsonObject o) throws WireFormatException {
    return new MetadataUpdate(metadata(o.object("metadata")));
  }

  static BlockLocation location(JsonObject o) throws WireFormatException {
    return new BlockLocation(
        nodeId(o, "nodeId"),
        instant(o, "lastSeen"),
        o.bool("isAuthoritative"),
        o.optLong("latencyMs"),
        o.optString("poolId"));
  }

  static BlockMetadata metadata(JsonObject o) throws WireFormatException {
    List<BlockLocation> locations = new ArrayList<>();
    List<Object> raw = o.optArray("locations");
    for (int i = 0; i < raw.size(); i++) {
      locations.add(location(JsonObject.of(raw.get(i), o.at("locations") + "[" + i + "]")));
    }
    BlockVersions versions = o.has("versions") ? versions(o.object("versions")) : null;
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

  private static BlockVersions versions(JsonObject v) throws WireFormatException {
    return new BlockVersions(
        stamp(v.object("temperature")),
        stamp(v.object("info")),
        stamps(v, "locations"),
        stamps(v, "removed"));
  }

  private static Stamp stamp(JsonObject o) throws WireFormatException {
    return new Stamp(instant(o, "at"), nodeId(o, "by"));
  }

  /** A map from node id to stamp; absent: empty. */
  private static SortedMap<NodeId, Stamp> stamps(JsonObject v, String key)
      throws WireFormatException {
    TreeMap<NodeId, Stamp> out = new TreeMap<>();
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
}
