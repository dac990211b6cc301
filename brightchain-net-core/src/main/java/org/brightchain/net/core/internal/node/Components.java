package org.brightchain.net.core.internal.node;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.internal.batch.BatchApplier;
import org.brightchain.net.core.internal.batch.BatchDelivery;
import org.brightchain.net.core.internal.batch.Batcher;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.HybridClock;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.Requests;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.core.internal.channel.SeenMessages;
import org.brightchain.net.core.internal.channel.Signer;
import org.brightchain.net.core.internal.inbound.InboundPipeline;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.core.internal.nat.NatManager;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.core.internal.peer.Heartbeats;
import org.brightchain.net.core.internal.peer.PeerStore;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.core.internal.peer.TargetPolicy;
import org.brightchain.net.core.internal.rest.RestApi;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SnapshotCache;
import org.brightchain.net.core.internal.sync.SyncCoordinator;
import org.brightchain.net.core.internal.sync.SyncResponder;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.Transport;

/**
 * The node's components, built and wired once, layer by layer: the channel, the peers, metadata and
 * reconciliation, batching, the inbound pipeline, and the edges (discovery, REST, NAT). Each gets
 * what it needs at construction; what a component asks of the node as a whole goes through the
 * {@link NodeEngine} it is built for. The engine runs their lifecycle.
 */
final class Components {
  /** How much longer than twice the replay window message ids are remembered. */
  static final Duration ID_MARGIN = Duration.ofMinutes(1);

  private final NodeSettings settings;
  private final NodeEngine engine;
  private final NodeId self;
  private final Scheduler scheduler;
  private final Clock clock;
  private final SecurityConfig security;
  private final NodeSettings.Channel channel;
  private final int maxFrame;
  private final SplittableRandom random;

  /**
   * A message is accepted while its timestamp is within the window, so twice it (and a margin)
   * covers every copy.
   */
  private final Duration idsKept;

  final NodeCounters counters = new NodeCounters();
  final Connections connections = new Connections();
  final ResumePoints resume = new ResumePoints();
  NodeEvents events;
  Sessions sessions;
  RateLimiter limiter;
  SeenMessages seen;
  HybridClock stamps;
  Signer signer;
  Outbox outbox;
  Requests requests;
  MetadataChanges changes;
  TargetPolicy targets;
  PeerTable peers;
  NodeView view;
  Dialer dialer;
  Heartbeats heartbeats;
  BackgroundExecutor ownBackground;
  Executor background;
  SnapshotCache snapshots;
  SyncCoordinator sync;
  SyncResponder responder;
  BatchDelivery delivery;
  Batcher batcher;
  BatchApplier applier;
  HostWrites writes;
  InboundPipeline inbound;
  DiscoveryBridge discovery;
  RestApi rest;
  NatManager nat;

  Components(
      NodeSettings settings,
      Transport transport,
      NodeEngine engine,
      NatConfig natConfig,
      Supplier<List<PortMapper>> mappers) {
    this.settings = settings;
    this.engine = engine;
    this.self = settings.identity().nodeId();
    this.scheduler = settings.scheduler();
    this.clock = settings.clock();
    this.security = settings.security();
    this.channel = settings.channel();
    this.maxFrame = settings.transport().maxFrameBytes();
    this.random = new SplittableRandom(self.hashCode() ^ System.identityHashCode(this));
    this.idsKept = security.replayWindow().multipliedBy(2).plus(ID_MARGIN);
    channel();
    peers(transport);
    metadata();
    batching();
    inbound();
    edges(natConfig, mappers);
  }

  private void channel() {
    events = new NodeEvents(settings.listeners());
    sessions = new Sessions(self, clock, security.tokenLifetime(), security.maxTrackedSources());
    limiter =
        new RateLimiter(
            security.rateLimit(),
            security.maxTrackedSources(),
            () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    seen = new SeenMessages(idsKept, clock);
    stamps = new HybridClock(clock, security.maxClockSkew().toMillis());
    signer = new Signer(settings.identity(), stamps, seen);
    outbox =
        new Outbox(
            connections,
            signer,
            scheduler,
            counters,
            channel.replayLogSize(),
            channel.resumeWait());
    requests = new Requests(scheduler, signer, outbox, random);
  }

  private void peers(Transport transport) {
    targets = new TargetPolicy(security.privateAnnounceTargets());
    PeerStore store =
        settings.dataDirectory() == null ? null : new PeerStore(settings.dataDirectory());
    int maxPeers = settings.discovery().maxPeers();
    peers =
        new PeerTable(
            maxPeers, clock, events, store, engine::publishPeerStatus, id -> dialer.forget(id));
    view = new NodeView(settings, transport, peers, counters);
    Dialer.Settings dialling =
        new Dialer.Settings(
            settings.bootstrap(), maxPeers, channel.maxBackoff(), channel.stableAfter(), targets);
    dialer =
        new Dialer(
            self,
            dialling,
            scheduler,
            clock,
            transport,
            peers,
            connections,
            resume,
            counters,
            random,
            view::running);
    Heartbeats.Settings beats =
        new Heartbeats.Settings(
            channel.heartbeatInterval(), channel.heartbeatTimeout(), channel.heartbeatMisses());
    heartbeats =
        new Heartbeats(beats, scheduler, clock, peers, connections, outbox, random, view::running);
  }

  private void metadata() {
    changes = new MetadataChanges(settings.metadataStore(), clock, security.maxClockSkew());
    ownBackground =
        settings.background() == null
            ? new BackgroundExecutor("brightchain-background-" + self.shortId())
            : null;
    background = ownBackground != null ? ownBackground : settings.background();
    snapshots = new SnapshotCache(changes, scheduler, background, view::running);
    sync =
        new SyncCoordinator(
            settings.sync(),
            channel.requestTimeout(),
            maxFrame,
            scheduler,
            clock,
            snapshots,
            changes,
            counters,
            engine::request,
            id -> peers.connectionOf(id) != null,
            engine::connectedPeers,
            random,
            view::running);
    responder =
        new SyncResponder(
            snapshots, changes, scheduler, counters, SyncCoordinator.chunkBytes(maxFrame));
  }

  private void batching() {
    delivery =
        new BatchDelivery(
            connections,
            outbox,
            scheduler,
            counters,
            settings.batching(),
            channel.requestTimeout(),
            sync::soon);
    batcher =
        new Batcher(
            settings.batching(),
            maxFrame,
            scheduler,
            stamps,
            signer,
            connections,
            delivery,
            counters,
            random,
            view::running);
    applier = new BatchApplier(changes, scheduler, counters, idsKept, clock);
    writes =
        new HostWrites(
            self,
            changes,
            stamps,
            batcher,
            settings.temperaturePolicy(),
            clock,
            scheduler,
            view::running);
  }

  private void inbound() {
    inbound =
        InboundPipeline.create(
            new InboundPipeline.Parts(
                self,
                security,
                clock,
                scheduler,
                limiter,
                seen,
                connections,
                stamps,
                resume,
                requests,
                outbox,
                sessions,
                peers,
                dialer,
                heartbeats,
                changes,
                applier,
                delivery,
                sync,
                responder,
                counters,
                events,
                view::announceSelf,
                view::running));
  }

  private void edges(NatConfig natConfig, Supplier<List<PortMapper>> mappers) {
    discovery =
        new DiscoveryBridge(
            settings.discoveryProviders(),
            settings.discovery(),
            settings.identity(),
            scheduler,
            clock,
            view::announceSelf,
            peers::activeCount,
            dialer,
            background);
    rest =
        new RestApi(
            engine, sessions, limiter, security, targets, counters, clock, engine::onScheduler);
    nat = new NatManager(natConfig, mappers, scheduler, clock, engine::reachability);
  }
}
