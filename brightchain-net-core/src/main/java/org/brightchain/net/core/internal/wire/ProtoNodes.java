package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.ProtoFields.badEnum;
import static org.brightchain.net.core.internal.wire.ProtoFields.bytes;
import static org.brightchain.net.core.internal.wire.ProtoFields.missing;
import static org.brightchain.net.core.internal.wire.ProtoFields.nodeId;
import static org.brightchain.net.core.internal.wire.ProtoFields.text;
import static org.brightchain.net.core.internal.wire.ProtoFields.texts;
import static org.brightchain.net.core.internal.wire.ProtoFields.uint32;
import static org.brightchain.net.core.internal.wire.WireFields.at;

import com.google.protobuf.UnsafeByteOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.Reachability;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;

/**
 * Protobuf form of nodes and peers: the {@code node:*} events, peer lists, advertisements, node
 * info and status reports (metrics, network health, reachability). See {@link ProtoCodec}.
 */
final class ProtoNodes {
  private ProtoNodes() {}

  // ------------------------------------------------------------------ encode

  static Pb.NodeAnnounce proto(NodeAnnounce a) {
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

  static Pb.NodeLeave proto(NodeLeave l) {
    return Pb.NodeLeave.newBuilder()
        .setNodeId(bytes(l.nodeId()))
        .setReason(text(l.reason(), "reason"))
        .build();
  }

  static Pb.NodeStatusUpdate proto(NodeStatusUpdate s) {
    return Pb.NodeStatusUpdate.newBuilder()
        .setNodeId(bytes(s.nodeId()))
        .setStatus(proto(s.status()))
        .build();
  }

  static Pb.PeerInfo proto(PeerInfo p) {
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

  static Pb.NodeAdvertisement proto(NodeAdvertisement a) {
    return Pb.NodeAdvertisement.newBuilder()
        .setNodeId(bytes(a.nodeId()))
        .setAddress(text(a.address(), "address"))
        .setPort(a.port())
        .addAllCapabilities(texts(a.capabilities(), "capabilities"))
        .setVersion(text(a.version(), "version"))
        .build();
  }

  static Pb.NodeLocation proto(NodeLocation l) {
    var b = Pb.NodeLocation.newBuilder().setRegion(text(l.region(), "region"));
    if (l.country() != null) {
      b.setCountry(text(l.country(), "country"));
    }
    return b.build();
  }

  static Pb.NodeMetrics proto(NodeMetrics m) {
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

  static Pb.NetworkHealth proto(NetworkHealth h) {
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

  static Pb.NodeInfo proto(NodeInfo i) {
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

  static Pb.NodeStatusReport proto(NodeStatusReport r) {
    return Pb.NodeStatusReport.newBuilder()
        .setNodeId(bytes(r.nodeId()))
        .setStatus(proto(r.status()))
        .setMetrics(proto(r.metrics()))
        .setHealth(proto(r.health()))
        .setReachability(proto(r.reachability()))
        .build();
  }

  static Pb.Reachability proto(Reachability r) {
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

  static Pb.NodeStatus proto(NodeStatus s) {
    return switch (s) {
      case ONLINE -> Pb.NodeStatus.ONLINE;
      case OFFLINE -> Pb.NodeStatus.OFFLINE;
      case UNREACHABLE -> Pb.NodeStatus.UNREACHABLE;
      case SYNCING -> Pb.NodeStatus.SYNCING;
      case MAINTENANCE -> Pb.NodeStatus.MAINTENANCE;
      case SHUTDOWN_SCHEDULED -> Pb.NodeStatus.SHUTDOWN_SCHEDULED;
    };
  }

  // ------------------------------------------------------------------ decode

  static NodeAnnounce nodeAnnounce(Pb.NodeAnnounce p, String path) throws WireFormatException {
    return new NodeAnnounce(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getAddress(),
        uint32(p.getHttpPort(), path, "httpPort"),
        uint32(p.getWsPort(), path, "wsPort"),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        p.getVersion(),
        p.hasRegion() ? p.getRegion() : null);
  }

  static NodeLeave nodeLeave(Pb.NodeLeave p, String path) throws WireFormatException {
    return new NodeLeave(nodeId(p.getNodeId(), path, "nodeId"), p.getReason());
  }

  static NodeStatusUpdate nodeStatusUpdate(Pb.NodeStatusUpdate p, String path)
      throws WireFormatException {
    return new NodeStatusUpdate(
        nodeId(p.getNodeId(), path, "nodeId"), nodeStatus(p.getStatusValue(), path, "status"));
  }

  static PeerInfo peerInfo(Pb.PeerInfo p, String path) throws WireFormatException {
    PeerStatusType status =
        switch (p.getStatusValue()) {
          case Pb.PeerStatusType.ACTIVE_VALUE -> PeerStatusType.ACTIVE;
          case Pb.PeerStatusType.PENDING_VALUE -> PeerStatusType.PENDING;
          case Pb.PeerStatusType.PEER_OFFLINE_VALUE -> PeerStatusType.OFFLINE;
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

  static NodeAdvertisement nodeAdvertisement(Pb.NodeAdvertisement p, String path)
      throws WireFormatException {
    return new NodeAdvertisement(
        nodeId(p.getNodeId(), path, "nodeId"),
        p.getAddress(),
        uint32(p.getPort(), path, "port"),
        new LinkedHashSet<>(p.getCapabilitiesList()),
        p.getVersion());
  }

  static NodeLocation nodeLocation(Pb.NodeLocation p) {
    return new NodeLocation(p.getRegion(), p.hasCountry() ? p.getCountry() : null);
  }

  static NodeMetrics metrics(Pb.NodeMetrics p, String path) throws WireFormatException {
    return new NodeMetrics(
        Duration.ofMillis(p.getUptimeMs()),
        uint32(p.getPeers(), path, "peers"),
        p.getBlocks(),
        new NodeMetrics.Bandwidth(p.getBandwidthIn(), p.getBandwidthOut()),
        new NodeMetrics.Operations(p.getOperationsSuccess(), p.getOperationsFailed()));
  }

  static NetworkHealth health(Pb.NetworkHealth p, String path) throws WireFormatException {
    Map<String, Integer> regions = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : p.getRegionDistributionMap().entrySet()) {
      regions.put(e.getKey(), uint32(e.getValue(), path, "regionDistribution." + e.getKey()));
    }
    return new NetworkHealth(
        uint32(p.getActiveNodes(), path, "activeNodes"),
        p.getTotalBlocks(),
        p.getAverageRedundancy(),
        regions);
  }

  static NodeInfo nodeInfo(Pb.NodeInfo p, String path) throws WireFormatException {
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

  static NodeStatusReport statusReport(Pb.NodeStatusReport p, String path)
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

  static Reachability reachability(Pb.Reachability p, String path) throws WireFormatException {
    Reachability.State state =
        switch (p.getStateValue()) {
          case Pb.ReachabilityState.REACHABILITY_UNMAPPED_VALUE -> Reachability.State.UNMAPPED;
          case Pb.ReachabilityState.REACHABILITY_MAPPING_VALUE -> Reachability.State.MAPPING;
          case Pb.ReachabilityState.REACHABILITY_MAPPED_VALUE -> Reachability.State.MAPPED;
          case Pb.ReachabilityState.REACHABILITY_FAILED_VALUE -> Reachability.State.FAILED;
          default -> throw badEnum(p.getStateValue(), path, "state");
        };
    int externalPort = uint32(p.getExternalPort(), path, "externalPort");
    int externalWsPort = uint32(p.getExternalWsPort(), path, "externalWsPort");
    if (state == Reachability.State.MAPPED && !p.hasLeaseExpiresAt()) {
      // A mapped state must say when its lease ends.
      throw missing(path, "leaseExpiresAt");
    }
    try {
      return new Reachability(
          state,
          p.getMethod(),
          p.getExternalAddress(),
          externalPort,
          externalWsPort,
          p.hasLeaseExpiresAt() ? Instant.ofEpochMilli(p.getLeaseExpiresAt()) : null,
          p.getError(),
          p.getDetail());
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(path + ": " + e.getMessage());
    }
  }

  static NodeStatus nodeStatus(int value, String path, String key) throws WireFormatException {
    return switch (value) {
      case Pb.NodeStatus.ONLINE_VALUE -> NodeStatus.ONLINE;
      case Pb.NodeStatus.OFFLINE_VALUE -> NodeStatus.OFFLINE;
      case Pb.NodeStatus.UNREACHABLE_VALUE -> NodeStatus.UNREACHABLE;
      case Pb.NodeStatus.SYNCING_VALUE -> NodeStatus.SYNCING;
      case Pb.NodeStatus.MAINTENANCE_VALUE -> NodeStatus.MAINTENANCE;
      case Pb.NodeStatus.SHUTDOWN_SCHEDULED_VALUE -> NodeStatus.SHUTDOWN_SCHEDULED;
      default -> throw badEnum(value, path, key);
    };
  }
}
