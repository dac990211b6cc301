package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.JsonFields.instant;
import static org.brightchain.net.core.internal.wire.JsonFields.nodeId;
import static org.brightchain.net.core.internal.wire.JsonFields.optText;
import static org.brightchain.net.core.internal.wire.JsonFields.putOpt;
import static org.brightchain.net.core.internal.wire.JsonFields.wire;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.Reachability;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;

/**
 * JSON form of nodes and peers: the {@code node:*} events, peer lists, advertisements, node info
 * and status reports (metrics, network health, reachability). See {@link JsonCodec}.
 */
final class JsonNodes {
  private JsonNodes() {}

  // ------------------------------------------------------------------ encode

  static Map<String, Object> json(NodeAnnounce a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", a.nodeId().hex());
    o.put("address", a.address());
    o.put("httpPort", (long) a.httpPort());
    o.put("wsPort", (long) a.wsPort());
    o.put("capabilities", new ArrayList<Object>(a.capabilities()));
    o.put("version", a.version());
    putOpt(o, "region", a.region());
    return o;
  }

  static Map<String, Object> json(NodeLeave l) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", l.nodeId().hex());
    o.put("reason", l.reason());
    return o;
  }

  static Map<String, Object> json(NodeStatusUpdate s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", s.nodeId().hex());
    o.put("status", s.status().wireName());
    return o;
  }

  static Map<String, Object> json(PeerInfo p) {
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

  static Map<String, Object> json(NodeAdvertisement a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", a.nodeId().hex());
    o.put("address", a.address());
    o.put("port", (long) a.port());
    o.put("capabilities", new ArrayList<Object>(a.capabilities()));
    o.put("version", a.version());
    return o;
  }

  static Map<String, Object> json(NodeLocation l) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("region", l.region());
    putOpt(o, "country", l.country());
    return o;
  }

  static Map<String, Object> json(NodeMetrics m) {
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

  static Map<String, Object> json(NetworkHealth h) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("activeNodes", (long) h.activeNodes());
    o.put("totalBlocks", h.totalBlocks());
    o.put("averageRedundancy", h.averageRedundancy());
    Map<String, Object> regions = new LinkedHashMap<>();
    h.regionDistribution().forEach((k, v) -> regions.put(k, (long) v));
    o.put("regionDistribution", regions);
    return o;
  }

  static Map<String, Object> json(NodeInfo i) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", i.nodeId().hex());
    o.put("publicKey", HexFormat.of().formatHex(i.publicKey()));
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

  static Map<String, Object> json(NodeStatusReport r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", r.nodeId().hex());
    o.put("status", r.status().wireName());
    o.put("metrics", json(r.metrics()));
    o.put("health", json(r.health()));
    o.put("reachability", json(r.reachability()));
    return o;
  }

  static Map<String, Object> json(Reachability r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("state", r.state().wireName());
    o.put("method", r.method());
    o.put("externalAddress", r.externalAddress());
    o.put("externalPort", (long) r.externalPort());
    o.put("externalWsPort", (long) r.externalWsPort());
    putOpt(
        o, "leaseExpiresAt", r.leaseExpiresAt() == null ? null : r.leaseExpiresAt().toEpochMilli());
    o.put("error", r.error());
    o.put("detail", r.detail());
    return o;
  }

  // ------------------------------------------------------------------ decode

  static NodeAnnounce nodeAnnounce(JsonObject o) throws WireFormatException {
    return new NodeAnnounce(
        nodeId(o, "nodeId"),
        o.string("address"),
        o.intValue("httpPort"),
        o.intValue("wsPort"),
        o.stringSet("capabilities"),
        o.string("version"),
        o.optString("region"));
  }

  static NodeLeave nodeLeave(JsonObject o) throws WireFormatException {
    return new NodeLeave(nodeId(o, "nodeId"), optText(o, "reason"));
  }

  static NodeStatusUpdate nodeStatusUpdate(JsonObject o) throws WireFormatException {
    return new NodeStatusUpdate(nodeId(o, "nodeId"), nodeStatus(o, "status"));
  }

  static PeerInfo peerInfo(JsonObject o) throws WireFormatException {
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

  static NodeAdvertisement nodeAdvertisement(JsonObject o) throws WireFormatException {
    return new NodeAdvertisement(
        nodeId(o, "nodeId"),
        o.string("address"),
        o.intValue("port"),
        o.stringSet("capabilities"),
        o.string("version"));
  }

  static NodeLocation nodeLocation(JsonObject o) throws WireFormatException {
    return new NodeLocation(o.string("region"), o.optString("country"));
  }

  static NodeMetrics metrics(JsonObject o) throws WireFormatException {
    JsonObject bw = o.object("bandwidth");
    JsonObject ops = o.object("operations");
    return new NodeMetrics(
        Duration.ofMillis(o.longValue("uptime")),
        o.intValue("peers"),
        o.longValue("blocks"),
        new NodeMetrics.Bandwidth(bw.longValue("in"), bw.longValue("out")),
        new NodeMetrics.Operations(ops.longValue("success"), ops.longValue("failed")));
  }

  static NetworkHealth health(JsonObject o) throws WireFormatException {
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

  static NodeInfo nodeInfo(JsonObject o) throws WireFormatException {
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
  }

  static NodeStatusReport statusReport(JsonObject o) throws WireFormatException {
    return new NodeStatusReport(
        nodeId(o, "nodeId"),
        nodeStatus(o, "status"),
        metrics(o.object("metrics")),
        health(o.object("health")),
        // Absent from reports of nodes without port mapping.
        o.has("reachability")
            ? reachability(o.object("reachability"))
            : Reachability.unmapped("", ""));
  }

  static Reachability reachability(JsonObject o) throws WireFormatException {
    Reachability.State state = wire(o, "state", Reachability.State::fromWire);
    String method = o.string("method");
    String externalAddress = o.string("externalAddress");
    int externalPort = o.intValue("externalPort");
    int externalWsPort = o.intValue("externalWsPort");
    Instant leaseExpiresAt = o.has("leaseExpiresAt") ? instant(o, "leaseExpiresAt") : null;
    String error = o.string("error");
    String detail = o.string("detail");
    if (state == Reachability.State.MAPPED && leaseExpiresAt == null) {
      // A mapped state must say when its lease ends.
      throw new WireFormatException(o.at("leaseExpiresAt") + ": required");
    }
    return new Reachability(
        state,
        method,
        externalAddress,
        externalPort,
        externalWsPort,
        leaseExpiresAt,
        error,
        detail);
  }

  private static NodeStatus nodeStatus(JsonObject o, String key) throws WireFormatException {
    return wire(o, key, NodeStatus::fromWire);
  }
}
