package org.brightchain.net.core.internal.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.Reachability;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.spi.Transport;

/**
 * How the node describes itself: its info, metrics, the network's health as it sees it, its status,
 * and the announcement it sends its peers (the external endpoint once a gateway maps it). Readable
 * from any thread; the state behind it (bound addresses, start time, reachability) is set on the
 * scheduler.
 */
final class NodeView {
  private final NodeSettings settings;
  private final NodeId self;
  private final Clock clock;
  private final Transport transport;
  private final PeerTable peers;
  private final NodeCounters counters;
  private volatile boolean running;
  private volatile Instant startedAt;
  private volatile Transport.BoundAddresses bound;
  private volatile Reachability reachability = Reachability.unmapped("", "not started");

  NodeView(NodeSettings settings, Transport transport, PeerTable peers, NodeCounters counters) {
    this.settings = settings;
    this.self = settings.identity().nodeId();
    this.clock = settings.clock();
    this.transport = transport;
    this.peers = peers;
    this.counters = counters;
  }

  /** The transport is bound: the node runs from now. */
  void started(Transport.BoundAddresses addresses) {
    bound = addresses;
    startedAt = clock.instant();
    running = true;
  }

  /** The node stops running. */
  void stopped() {
    running = false;
  }

  boolean running() {
    return running;
  }

  /** Whether the node has bound its listeners (so it can announce itself). */
  boolean bound() {
    return bound != null;
  }

  Reachability reachability() {
    return reachability;
  }

  void reachability(Reachability r) {
    reachability = r;
  }

  NodeInfo info() {
    Transport.BoundAddresses b = bound;
    return new NodeInfo(
        self,
        settings.identity().publicKey(),
        NodeEngine.VERSION,
        NodeEngine.PROTOCOL_VERSION,
        settings.advertisedAddress(),
        b == null ? settings.transport().httpPort() : b.http().getPort(),
        b == null ? settings.transport().wsPort() : b.ws().getPort(),
        settings.capabilities(),
        settings.region(),
        running ? NodeStatus.ONLINE : NodeStatus.OFFLINE,
        startedAt == null ? clock.instant() : startedAt);
  }

  /** Uptime, active peers, blocks, bandwidth and operations. */
  NodeMetrics metrics() {
    Instant start = startedAt;
    Duration uptime = start == null ? Duration.ZERO : Duration.between(start, clock.instant());
    return new NodeMetrics(
        uptime.isNegative() ? Duration.ZERO : uptime,
        peers.active().size(),
        Math.max(0, settings.blockStore().count()),
        new NodeMetrics.Bandwidth(transport.bytesIn(), transport.bytesOut()),
        new NodeMetrics.Operations(counters.operationsOk.get(), counters.operationsFailed.get()));
  }

  /** The network as this node sees it. */
  NetworkHealth health() {
    Map<String, Integer> regions = new TreeMap<>();
    regions.merge(regionName(settings.region()), 1, Integer::sum);
    List<PeerInfo> active = peers.active();
    for (PeerInfo p : active) {
      regions.merge(regionName(p.region()), 1, Integer::sum);
    }
    long blocks = settings.metadataStore().size();
    double redundancy =
        blocks == 0 ? 0 : (double) settings.metadataStore().totalLocations() / blocks;
    return new NetworkHealth(active.size() + 1, blocks, redundancy, regions);
  }

  private static String regionName(String region) {
    return region == null || region.isBlank() ? "unknown" : region;
  }

  NodeStatusReport statusReport() {
    return new NodeStatusReport(self, info().status(), metrics(), health(), reachability);
  }

  /** What the node says of itself to its peers and to discovery. Once bound. */
  NodeAnnounce announceSelf() {
    Transport.BoundAddresses b = bound;
    Reachability r = reachability;
    // Mapped on the gateway: peers dial the external endpoint (an explicit address still wins).
    boolean external = r.isMapped() && settings.advertisedAddress().isEmpty();
    return new NodeAnnounce(
        self,
        external ? r.externalAddress() : settings.advertisedAddress(),
        external ? r.externalPort() : b.http().getPort(),
        external ? r.externalWsPort() : b.ws().getPort(),
        settings.capabilities(),
        NodeEngine.VERSION,
        settings.region());
  }
}
