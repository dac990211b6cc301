package org.brightchain.net.core.internal.node;

import org.brightchain.net.core.internal.channel.Confinement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.Reachability;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.internal.batch.BatchApplier;
import org.brightchain.net.core.internal.batch.BatchDelivery;
import org.brightchain.net.core.internal.batch.Batcher;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.HybridClock;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.Outgoing;
import org.brightchain.net.core.internal.channel.Requests;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.core.internal.channel.SeenMessages;
import org.brightchain.net.core.internal.channel.Signer;
import org.brightchain.net.core.internal.inbound.InboundPipeline;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.core.internal.nat.NatManager;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.core.internal.peer.Heartbeats;
import org.brightchain.net.core.internal.peer.Peer;
import org.brightchain.net.core.internal.peer.PeerStore;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.core.internal.peer.TargetPolicy;
import org.brightchain.net.core.internal.rest.NodeOperations;
import org.brightchain.net.core.internal.rest.RestApi;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SnapshotCache;
import org.brightchain.net.core.internal.sync.SyncCoordinator;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.core.internal.sync.SyncReport;
import org.brightchain.net.core.internal.sync.SyncResponder;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's composition root and lifecycle: builds the components (channel, peers, inbound
 * pipeline, batching, reconciliation, REST, NAT), wires them to each other through callbacks, and
 * starts and stops them in order. It is also the transport's handler, and answers the front
 * door's reads. Every component is scheduler-confined unless its documentation says otherwise.
 */
public final class NodeEngine implements TransportHandler, NodeOperations {
  private static final Logger log = LoggerFactory.getLogger(NodeEngine.class);

  /** Software version, also sent in announcements. */
  public static final String VERSION = "0.1.0";
  /** Wire protocol version. */
  public static final int PROTOCOL_VERSION = 1;
  /** The operator token's file name in the data directory. */
  public static final String OPERATOR_TOKEN_FILE = "operator.token";
  /** How much longer than twice the replay window message ids are remembered. */
  static final Duration ID_MARGIN = Duration.ofMinutes(1);
  /** How long a stopping node waits for its goodbyes to be written. */
  private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);

  private final NodeSettings settings;
  private final NodeId self;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Transport transport;
  private final NodeCounters counters = new NodeCounters();
  private final NodeEvents events;
  private final Sessions sessions;
  private final HybridClock stamps;
  private final Signer signer;
  private final Connections connections = new Connections();
  private final Outbox outbox;
  private final Requests requests;
  private final MetadataChanges changes;
  private final PeerTable peers;
  private final Dialer dialer;
  private final Heartbeats heartbeats;
  private final SnapshotCache snapshots;
  private final SyncCoordinator sync;
  private final SyncResponder responder;
  private final BatchDelivery delivery;
  private final Batcher batcher;
  private final HostWrites writes;
  private final InboundPipeline inbound;
  private final DiscoveryBridge discovery;
  private final RestApi rest;
  private final NatManager nat;
  private final BackgroundExecutor ownBackground;

  private volatile boolean running;
  private volatile Instant startedAt;
  private volatile Transport.BoundAddresses bound;
  /** Port mapping on the NAT gateway; when mapped, announcements carry the external endpoint. */
  private volatile Reachability reachability = Reachability.unmapped("", "not started");

  /**
   * An engine for {@code settings} on {@code transport}; {@code mappers} makes the port mappers
   * NAT traversal tries (none: an empty list).
   */
  public NodeEngine(NodeSettings settings, Transport transport, NatConfig natConfig, Supplier<List<PortMapper>> mappers) {
    this.settings = settings;
    this.self = settings.identity().nodeId();
    this.scheduler = settings.scheduler();
    this.clock = settings.clock();
    this.transport = transport;
    SecurityConfig security = settings.security();
    NodeSettings.Channel channel = settings.channel();
    int maxFrame = settings.transport().maxFrameBytes();
    SplittableRandom random = new SplittableRandom(self.hashCode() ^ System.identityHashCode(this));
    this.events = new NodeEvents(settings.listeners());
    this.sessions = new Sessions(self, clock, security.tokenLifetime(), security.maxTrackedSources());
    RateLimiter limiter = new RateLimiter(security.rateLimit(), security.maxTrackedSources(), () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    // A message is accepted while its timestamp is within the window of the receiver's clock, so
    // twice the window (and a margin for clocks that step) covers every time it can come back.
    Duration idsKept = security.replayWindow().multipliedBy(2).plus(ID_MARGIN);
    SeenMessages seen = new SeenMessages(idsKept, clock);
    this.stamps = new HybridClock(clock, security.maxClockSkew().toMillis());
    this.signer = new Signer(settings.identity(), stamps, seen);
    this.outbox = new Outbox(connections, signer, scheduler, counters, channel.replayLogSize(), channel.resumeWait());
    this.requests = new Requests(scheduler, signer, outbox, random);
    ResumePoints resume = new ResumePoints();
    TargetPolicy targets = new TargetPolicy(security.privateAnnounceTargets());
    this.changes = new MetadataChanges(settings.metadataStore(), clock, security.maxClockSkew());
    PeerStore store = settings.dataDirectory() == null ? null : new PeerStore(settings.dataDirectory());
    this.peers = new PeerTable(settings.discovery().maxPeers(), clock, events, store, this::publishPeerStatus, id -> dialer().forget(id));
    this.dialer =
        new Dialer(self, new Dialer.Settings(settings.bootstrap(), settings.discovery().maxPeers(), channel.maxBackoff(), channel.stableAfter(), targets),
            scheduler, clock, transport, peers, connections, resume, counters, random, this::running);
    this.heartbeats =
        new Heartbeats(new Heartbeats.Settings(channel.heartbeatInterval(), channel.heartbeatTimeout(), channel.heartbeatMisses()),
            scheduler, clock, peers, connections, outbox, random, this::running);
    this.ownBackground = settings.background() == null ? new BackgroundExecutor("brightchain-background-" + self.shortId()) : null;
    Executor background = ownBackground != null ? ownBackground : settings.background();
    this.snapshots = new SnapshotCache(changes, scheduler, background, this::running);
    this.sync =
        new SyncCoordinator(settings.sync(), channel.requestTimeout(), maxFrame, scheduler, clock, snapshots, changes, counters,
            this::request, id -> peers.connectionOf(id) != null, this::connectedPeers, random, this::running);
    this.responder = new SyncResponder(snapshots, changes, scheduler, counters, SyncCoordinator.chunkBytes(maxFrame));
    this.delivery = new BatchDelivery(connections, outbox, scheduler, counters, settings.batching(), channel.requestTimeout(), sync::soon);
    this.batcher = new Batcher(settings.batching(), maxFrame, scheduler, stamps, signer, connections, delivery, counters, random, this::running);
    BatchApplier applier = new BatchApplier(changes, scheduler, counters, idsKept, clock);
    this.writes = new HostWrites(self, changes, stamps, batcher, settings.temperaturePolicy(), clock, scheduler, this::running);
    this.inbound =
        InboundPipeline.create(
            new InboundPipeline.Parts(self, security, clock, scheduler, limiter, seen, connections, stamps, resume, requests, outbox,
                sessions, peers, dialer, heartbeats, changes, applier, delivery, sync, responder, counters, events, this::announceSelf,
                this::running));
    this.discovery =
        new DiscoveryBridge(settings.discoveryProviders(), settings.discovery(), settings.identity(), scheduler, clock,
            this::announceSelf, peers::activeCount, dialer, background);
    this.rest = new RestApi(this, sessions, limiter, security, targets, counters, clock, this::onScheduler);
    this.nat = new NatManager(natConfig, mappers, scheduler, clock, this::reachability);
  }

  private Dialer dialer() {
    return dialer;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Binds the transport, then starts dialling, discovery, background work and NAT traversal. */
  public CompletableFuture<Void> start() {
    if (settings.dataDirectory() != null) {
      try {
        writeOperatorToken(settings.dataDirectory().resolve(OPERATOR_TOKEN_FILE), sessions.operatorToken());
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new UncheckedIOException("cannot write the operator token: " + e.getMessage(), e));
      }
    }
    return transport.start(this).thenCompose(addresses -> onScheduler(() -> started(addresses)));
  }

  private Void started(Transport.BoundAddresses addresses) {
    bound = addresses;
    startedAt = clock.instant();
    outbox.start(clock.millis());
    running = true;
    String host = settings.transport().host();
    log.info("node {} listening: http://{}:{} ws://{}:{}{}", self, host, addresses.http().getPort(), host, addresses.ws().getPort(), TransportSettings.WEBSOCKET_PATH);
    NodeInfo info = info();
    events.emit(l -> l.nodeStarted(info));
    dialer.start();
    discovery.start();
    writes.startCooling();
    sync.start();
    // Port mapping runs in the background: no gateway, or a bad one, never fails a start.
    nat.start(host, addresses.http().getPort(), addresses.ws().getPort());
    return null;
  }

  /**
   * Unmaps the gateway's ports, says goodbye to peers, waits briefly for the words to leave, then
   * closes everything.
   */
  public CompletableFuture<Void> stop() {
    return onScheduler(nat::stop)
        .thenCompose(f -> f)
        .exceptionally(e -> null)
        .thenCompose(v -> onScheduler(this::leave))
        .thenCompose(f -> f)
        .thenCompose(
            v -> {
              for (Connection c : connections.all()) {
                c.conn.close(1001, "node shutting down");
              }
              return transport.stop();
            })
        .thenCompose(v -> onScheduler(() -> {
          events.emit(NodeEventListener::nodeStopped);
          return null;
        }));
  }

  /** Stops every component, then sends {@code node:leave} to every connection. */
  private CompletableFuture<Void> leave() {
    if (!running) {
      return CompletableFuture.completedFuture(null);
    }
    batcher.flush(); // the last updates go out before the goodbye
    running = false;
    discovery.stop();
    sync.stop();
    batcher.cancelTimer();
    writes.stop();
    dialer.stop();
    heartbeats.stop();
    inbound.stop();
    for (Connection c : connections.all()) {
      outbox.closed(c);
    }
    requests.fail(null, new ConnectException("node stopped"));
    delivery.drop(null);
    responder.stop();
    snapshots.stop();
    if (ownBackground != null) {
      ownBackground.shutdownNow();
    }
    Outgoing out = new Outgoing(Envelope.of(signer.sign(new NodeLeave(self, "shutdown"), null)));
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Connection c : connections.all()) {
      sent.add(outbox.send(c, out)); // every connection, held ones included
    }
    // Wait for the goodbyes to be written, but never longer than the grace period (measured on
    // the node's scheduler, so virtual time works too).
    CompletableFuture<Void> written = new CompletableFuture<>();
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> written.complete(null));
    scheduler.schedule(() -> written.complete(null), LEAVE_GRACE);
    return written;
  }

  /** Whether the node is running. Any thread. */
  public boolean running() {
    return running;
  }

  /** Writes the token readable by the owner only, replacing the last run's atomically. */
  static void writeOperatorToken(Path file, String token) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs {@code work} on the scheduler (at once if already there) and completes with its result. */
  public <T> CompletableFuture<T> onScheduler(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            f.complete(work.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        };
    if (scheduler.inScheduler()) {
      task.run();
    } else {
      scheduler.execute(task);
    }
    return f;
  }

  // ------------------------------------------------------------------ transport callbacks

  @Override
  public void connectionOpened(PeerConnection conn) {
    scheduler.execute(() -> inbound.opened(conn));
  }

  @Override
  public void frameReceived(PeerConnection conn, Frame frame) {
    inbound.frameReceived(conn, frame);
  }

  @Override
  public void connectionClosed(PeerConnection conn, int code, String reason) {
    scheduler.execute(
        () -> {
          Connection c = connections.remove(conn);
          if (c == null) {
            return;
          }
          inbound.closed(c);
          heartbeats.closed(c);
          outbox.closed(c);
          requests.fail(c, new ConnectException("connection closed: " + code + " " + reason));
          delivery.drop(c);
          log.debug("connection {} closed: {} {}", conn.id(), code, reason);
          Peer lost = c.peerId == null ? null : peers.connectionLost(c.peerId, conn);
          dialer.closed(c, lost);
        });
  }

  @Override
  public CompletableFuture<RestResponse> handle(RestRequest request) {
    return rest.handle(request);
  }

  // ------------------------------------------------------------------ reads (any thread)

  @Override
  public NodeId self() {
    return self;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The node's scheduler. */
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public Duration replayWindow() {
    return settings.security().replayWindow();
  }

  @Override
  public NodeInfo info() {
    Transport.BoundAddresses b = bound;
    return new NodeInfo(
        self,
        settings.identity().publicKey(),
        VERSION,
        PROTOCOL_VERSION,
        settings.advertisedAddress(),
        b == null ? settings.transport().httpPort() : b.http().getPort(),
        b == null ? settings.transport().wsPort() : b.ws().getPort(),
        settings.capabilities(),
        settings.region(),
        running ? NodeStatus.ONLINE : NodeStatus.OFFLINE,
        startedAt == null ? clock.instant() : startedAt);
  }

  @Override
  public List<PeerInfo> peers() {
    return peers.infos();
  }

  /** The node's counters. */
  public NodeCounters counters() {
    return counters;
  }

  /** Uptime, active peers, blocks, bandwidth and operations. */
  public NodeMetrics metrics() {
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
  public NetworkHealth health() {
    Map<String, Integer> regions = new TreeMap<>();
    regions.merge(regionName(settings.region()), 1, Integer::sum);
    List<PeerInfo> active = peers.active();
    for (PeerInfo p : active) {
      regions.merge(regionName(p.region()), 1, Integer::sum);
    }
    long blocks = settings.metadataStore().size();
    double redundancy = blocks == 0 ? 0 : (double) settings.metadataStore().totalLocations() / blocks;
    return new NetworkHealth(active.size() + 1, blocks, redundancy, regions);
  }

  private static String regionName(String region) {
    return region == null || region.isBlank() ? "unknown" : region;
  }

  @Override
  public NodeStatusReport statusReport() {
    return new NodeStatusReport(self, info().status(), metrics(), health(), reachability);
  }

  @Override
  public Optional<byte[]> block(BlockId id) {
    return settings.blockStore().get(id);
  }

  @Override
  public Optional<BlockMetadata> metadata(BlockId id) {
    return settings.metadataStore().get(id);
  }

  /** Sessions of REST clients and the operator token. */
  public Sessions sessions() {
    return sessions;
  }

  /** Addresses this node dials or would redial. Scheduler only; for tests. */
  public int dialTargetCount() {
    return dialer.targetCount();
  }

  /** The wait before redial attempt {@code failures + 1}; for tests. */
  public Duration backoff(int failures) {
    return dialer.backoff(failures);
  }

  /** Names of the discovery providers running. */
  public List<String> discoveryProviders() {
    return discovery.names();
  }

  /** Events in the replay log. */
  public long replayLogSize() {
    return outbox.logSize();
  }

  // ------------------------------------------------------------------ announcements

  private NodeAnnounce announceSelf() {
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
        VERSION,
        settings.region());
  }

  /**
   * The node's port mapping changed: kept for status and announcements, told to listeners, and,
   * when the endpoint the node announces changed, announced again to every peer. Scheduler only.
   */
  private void reachability(Reachability r) {
    NodeAnnounce before = running && bound != null ? announceSelf() : null;
    reachability = r;
    events.emit(l -> l.reachabilityChanged(r));
    if (before != null && !before.equals(announceSelf())) {
      Outgoing out = new Outgoing(Envelope.of(signer.sign(announceSelf(), null)));
      for (Connection c : connections.all()) {
        if (c.peerId != null) {
          outbox.send(c, out);
        }
      }
    }
  }

  /** Tells neighbours and subscribers how this node sees a peer now, as {@code node:status}. */
  private void publishPeerStatus(Peer p) {
    if (!running) {
      return;
    }
    NodeStatus s =
        switch (p.info().status()) {
          case ACTIVE -> NodeStatus.ONLINE;
          case PENDING -> NodeStatus.UNREACHABLE;
          case OFFLINE -> NodeStatus.OFFLINE;
        };
    broadcast(new NodeStatusUpdate(p.id(), s));
  }

  // ------------------------------------------------------------------ host operations (scheduler)

  @Override
  public BlockMetadata updateTemperature(BlockId id, DataTemperature t, NodeId author) {
    return writes.updateTemperature(id, t, author);
  }

  @Override
  public BlockMetadata updateLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action) {
    return writes.updateLocation(id, l, action);
  }

  @Override
  public BlockMetadata updateMetadata(BlockMetadata m) {
    return writes.updateMetadata(m);
  }

  @Override
  public String futureVersion(BlockMetadata m) {
    return changes.futureVersion(m);
  }

  /** A block was used: the temperature policy may change its temperature. */
  public void recordAccess(BlockId id) {
    writes.recordAccess(id);
  }

  /** Seals the pending updates into a batch now. */
  public void flushBatch() {
    batcher.flush();
  }

  /** Starts (or joins) a reconciliation with {@code peer}. */
  public CompletableFuture<SyncReport> syncWith(NodeId peer) {
    return sync.syncWith(peer);
  }

  @Override
  public MetadataSync answerSync(String who, BlockSyncRequest r) throws SyncException {
    return responder.answer(who, r);
  }

  /** Signs and sends a payload to every open connection that wants it, through the replay log. */
  public void broadcast(EventPayload payload) {
    assert Confinement.onScheduler(scheduler);
    outbox.fanOut(signer.sign(payload, null), null);
  }

  /**
   * Sends {@code payload} to one peer and completes with its answer. Fails with {@link
   * ConnectException} if the peer is not connected, with {@link
   * java.util.concurrent.TimeoutException} if no answer comes in time.
   */
  public CompletableFuture<Envelope> request(NodeId peer, EventPayload payload, Duration timeout) {
    assert Confinement.onScheduler(scheduler);
    PeerConnection pc = peers.connectionOf(peer);
    Connection c = pc == null ? null : connections.get(pc);
    if (c == null || !c.isOpen()) {
      return CompletableFuture.failedFuture(new ConnectException("peer " + peer.shortId() + " is not connected"));
    }
    return requests.send(c, peer, payload, timeout);
  }

  /** The default time a request waits for its answer. */
  public Duration defaultRequestTimeout() {
    return settings.channel().requestTimeout();
  }

  private List<NodeId> connectedPeers() {
    List<NodeId> out = new ArrayList<>();
    for (Connection c : connections.all()) {
      if (c.peerId != null && c.isOpen()) {
        out.add(c.peerId);
      }
    }
    return out;
  }

  @Override
  public boolean admit(String host, int port, NodeId expected, String source) {
    return dialer.admit(host, port, expected, source);
  }

  @Override
  public void connect(String host, int port) {
    dialer.connect(host, port);
  }

  @Override
  public boolean disconnect(NodeId id) {
    assert Confinement.onScheduler(scheduler);
    Peer p = peers.get(id);
    if (p == null) {
      return false;
    }
    dialer.departed(id);
    if (p.connection() != null) {
      p.connection().close(1000, "disconnected by operator");
    }
    peers.depart(id, Long.MAX_VALUE);
    return true;
  }

  @Override
  public InboundPipeline.Accepted acceptPosted(SignedMessage m) {
    return inbound.acceptPosted(m);
  }

  /** Adds a listener. Any thread. */
  public void addListener(NodeEventListener l) {
    events.add(l);
  }

  /** Removes a listener. Any thread. */
  public void removeListener(NodeEventListener l) {
    events.remove(l);
  }
}
