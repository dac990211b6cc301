package org.brightchain.net.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.Reachability;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.internal.sync.ItemId;
import org.brightchain.net.core.internal.sync.Reconciler;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.core.internal.sync.SyncItem;
import org.brightchain.net.core.internal.sync.SyncStorage;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.RestResponse;
import java.nio.charset.StandardCharsets;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's logic. Every field that changes is touched only from tasks on the node's
 * scheduler; transport threads decode and verify frames, then hand over. Snapshots for readers
 * on other threads live in concurrent maps of immutable values.
 */
final class NodeEngine implements TransportHandler {
  private static final Logger log = LoggerFactory.getLogger(NodeEngine.class);

  /** Software version, also sent in announcements. */
  static final String VERSION = "0.1.0";

  /** Wire protocol version. */
  static final int PROTOCOL_VERSION = 1;

  private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  /** Message ids remembered for de-duplication and replay refusal (about 100 bytes each). */
  static final int SEEN_CACHE_SIZE = 250_000;
  /** Most peers the table holds; hints beyond it are ignored. */
  static final int MAX_PEERS_DEFAULT = 1000;
  /** Outbound connections to one public network group (/24, /56) at most: eclipse resistance. */
  static final int OUTBOUND_PER_GROUP = 2;
  /** How often a changed peer table is written to the data directory. */
  static final Duration PEER_SAVE_INTERVAL = Duration.ofSeconds(30);

  final NodeSettings settings;
  final NodeId self;
  private final NodeSettings.Channel channel;
  private final Scheduler scheduler;
  private final Transport transport;
  private final RestApi restApi;
  private final List<NodeEventListener> listeners;
  private final SplittableRandom random;

  /** Ids of messages seen and verified; bounded, expires after an hour. */
  private final Cache<ByteBuffer, Boolean> seen;
  private final SecurityConfig security;
  /** Verdicts of messages that failed verification, by id and signature. */
  private final Cache<ByteBuffer, MessageSigning.Verdict> knownBad;
  final Sessions sessions;
  private final RateLimiter limiter;
  final AtomicLong rateLimited = new AtomicLong();
  private final DiscoverySettings discovery;
  private final List<DiscoveryProvider> providers = new ArrayList<>();
  private final PeerStore peerStore;
  private boolean peersDirty;
  private Scheduler.Cancellable peerSaver;
  private volatile int activePeerCount;
  final AtomicLong candidatesRefused = new AtomicLong();

  private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Map<String, DialTarget> targets = new HashMap<>();
  /** Highest sequence number received from each peer, for resuming. */
  private final Map<NodeId, Long> lastSequence = new HashMap<>();
  private final Map<String, PendingRequest> pending = new HashMap<>();
  private ReplayLog replayLog;
  private long requestCounter;

  final AtomicLong operationsOk = new AtomicLong();
  final AtomicLong operationsFailed = new AtomicLong();
  final AtomicLong messagesRejected = new AtomicLong();
  final AtomicLong authFailures = new AtomicLong();
  final AtomicLong staleMessages = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong gapsReported = new AtomicLong();

  // ------------------------------------------------------------------ batching and sync state
  private final BatchConfig batching;
  private final SyncConfig syncConfig;
  /** Host updates waiting for the next batch, coalesced per field of a block. */
  private final LinkedHashMap<UpdateKey, BatchUpdate.Update> pendingUpdates = new LinkedHashMap<>();
  private long pendingBytes;
  private Scheduler.Cancellable batchTimer;
  /** Makes batch ids unique across restarts of this node. */
  private final String batchPrefix;
  private long batchCounter;
  /** Batches sent to a connection and not yet acknowledged, by request id. */
  private final Map<String, Delivery> deliveries = new HashMap<>();
  /** (sender, batch id) of batches applied: applied once, acknowledged every time. */
  private final Cache<String, Boolean> seenBatches;
  private final Map<NodeId, SyncRun> syncing = new HashMap<>();
  /** Peers that missed batches: reconciled until it succeeds (or they disconnect). */
  private final Set<NodeId> owedSync = new java.util.HashSet<>();
  /** Peers that lost batches while a reconciliation with them was running. */
  private final Set<NodeId> syncAgain = new java.util.HashSet<>();
  private final Map<String, SyncSession> syncSessions = new HashMap<>();
  /** Sessions asked for while the snapshot they need is read: the version it must reach. */
  private final Map<String, Long> awaitingSnapshot =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > 4 * MAX_SYNC_SESSIONS;
        }
      };
  private Scheduler.Cancellable syncTimer;
  /** Bumped whenever block metadata changes: a snapshot of an unchanged store is reused. */
  private long metadataVersion;
  private SyncSnapshot snapshot;
  private CompletableFuture<SyncSnapshot> building;
  private CompletableFuture<SyncSnapshot> nextBuild;
  private long buildingVersion;
  private java.util.concurrent.ExecutorService syncThread;
  /** Whether the last change applied through {@link #change} changed anything. */
  private boolean lastChanged;
  final AtomicLong updatesAccepted = new AtomicLong();
  final AtomicLong updatesCoalesced = new AtomicLong();
  final AtomicLong batchesSent = new AtomicLong();
  final AtomicLong batchesAcked = new AtomicLong();
  final AtomicLong batchRetries = new AtomicLong();
  final AtomicLong batchesAbandoned = new AtomicLong();
  final AtomicLong batchesReceived = new AtomicLong();
  final AtomicLong batchDuplicates = new AtomicLong();
  final AtomicLong updatesApplied = new AtomicLong();
  final AtomicLong syncsCompleted = new AtomicLong();
  final AtomicLong syncsFailed = new AtomicLong();
  final AtomicLong syncEntriesReceived = new AtomicLong();

  private volatile boolean running;
  private volatile Instant startedAt;
  private volatile Transport.BoundAddresses bound;
  /** Port mapping on the NAT gateway; when mapped, announcements carry the external endpoint. */
  private volatile Reachability reachability = Reachability.unmapped("", "not started");
  private long lastStamp;

  NodeEngine(NodeSettings settings, Transport transport) {
    this.settings = settings;
    this.self = settings.identity().nodeId();
    this.channel = settings.channel();
    this.security = settings.security();
    this.discovery = settings.discovery();
    this.peerStore = settings.dataDirectory() == null ? null : new PeerStore(settings.dataDirectory());
    this.knownBad =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(security.replayWindow().multipliedBy(2))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(settings.clock().millis()))
            .executor(Runnable::run)
            .build();
    this.sessions = new Sessions(self, settings.clock(), security.tokenLifetime(), security.maxTrackedSources());
    this.limiter = new RateLimiter(security.rateLimit(), security.maxTrackedSources(), () -> TimeUnit.MILLISECONDS.toNanos(settings.clock().millis()));
    this.scheduler = settings.scheduler();
    this.transport = transport;
    this.listeners = new CopyOnWriteArrayList<>(settings.listeners());
    this.random = new SplittableRandom(self.hashCode() ^ System.identityHashCode(this));
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(SEEN_CACHE_SIZE)
            .expireAfterWrite(settings.security().replayWindow().multipliedBy(2))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(settings.clock().millis()))
            .executor(Runnable::run)
            .build();
    this.batching = settings.batching();
    this.syncConfig = settings.sync();
    this.batchPrefix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
    this.seenBatches =
        Caffeine.newBuilder()
            .maximumSize(SEEN_CACHE_SIZE)
            .expireAfterWrite(settings.security().replayWindow().multipliedBy(2))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(settings.clock().millis()))
            .executor(Runnable::run)
            .build();
    this.restApi = new RestApi(this);
  }

  // ------------------------------------------------------------------ lifecycle

  CompletableFuture<Void> start() {
    if (settings.dataDirectory() != null) {
      try {
        writeOperatorToken(settings.dataDirectory().resolve(OPERATOR_TOKEN_FILE), sessions.operatorToken());
      } catch (java.io.IOException e) {
        return CompletableFuture.failedFuture(new java.io.UncheckedIOException("cannot write the operator token: " + e.getMessage(), e));
      }
    }
    return transport
        .start(this)
        .thenCompose(
            addresses ->
                onScheduler(
                    () -> {
                      bound = addresses;
                      startedAt = settings.clock().instant();
                      replayLog = new ReplayLog(channel.replayLogSize(), settings.clock().millis());
                      running = true;
                      log.info(
                          "node {} listening: http://{}:{} ws://{}:{}{}",
                          self,
                          settings.transport().host(),
                          addresses.http().getPort(),
                          settings.transport().host(),
                          addresses.ws().getPort(),
                          org.brightchain.net.spi.TransportSettings.WEBSOCKET_PATH);
                      NodeInfo info = info();
                      emit(l -> l.nodeStarted(info));
                      for (BootstrapConfig.Node n : settings.bootstrap().nodes()) {
                        DialTarget t = target(n.address(), n.port(), n.isStatic());
                        t.source = "bootstrap";
                        dial(t);
                      }
                      redialPersisted();
                      startDiscovery();
                      coolingTimer = scheduler.schedule(this::cool, COOLING_INTERVAL);
                      scheduleBackgroundSync();
                      return null;
                    }));
  }

  /** Says goodbye to peers, waits briefly for the words to leave, then closes everything. */
  CompletableFuture<Void> stop() {
    return onScheduler(
            () -> {
              if (!running) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              flushBatch(); // the last updates go out before the goodbye
              running = false;
              stopDiscovery();
              if (syncTimer != null) {
                syncTimer.cancel();
              }
              if (batchTimer != null) {
                batchTimer.cancel();
              }
              if (coolingTimer != null) {
                coolingTimer.cancel();
              }
              for (DialTarget t : targets.values()) {
                if (t.retry != null) {
                  t.retry.cancel();
                }
              }
              for (Connection c : connections.values()) {
                c.cancelTimers();
              }
              failPending(null, new ConnectException("node stopped"));
              dropDeliveries(null);
              for (SyncSession ss : syncSessions.values()) {
                ss.expiry.cancel();
              }
              syncSessions.clear();
              awaitingSnapshot.clear();
              owedSync.clear();
              syncAgain.clear();
              for (SyncRun run : new ArrayList<>(syncing.values())) {
                run.future.completeExceptionally(new ConnectException("node stopped"));
              }
              syncing.clear();
              if (nextBuild != null) {
                nextBuild.completeExceptionally(new IllegalStateException("node stopped"));
                nextBuild = null;
              }
              if (building != null) {
                building.completeExceptionally(new IllegalStateException("node stopped"));
                building = null;
              }
              if (syncThread != null) {
                syncThread.shutdownNow();
              }
              SignedMessage leave = sign(new NodeLeave(self, "shutdown"), stamp(), null);
              List<CompletableFuture<Void>> sent = new ArrayList<>();
              Outgoing out = new Outgoing(Envelope.of(leave));
              for (Connection c : connections.values()) {
                sent.add(send(c, out)); // every connection, held ones included
              }
              // Wait for the goodbyes to be written, but never longer than the grace period
              // (measured on the node's scheduler, so virtual time works too).
              CompletableFuture<Void> written = new CompletableFuture<>();
              CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                  .whenComplete((v, e) -> written.complete(null));
              scheduler.schedule(() -> written.complete(null), LEAVE_GRACE);
              return written;
            })
        .thenCompose(f -> f)
        .thenCompose(
            v -> {
              for (Connection c : connections.values()) {
                c.conn.close(1001, "node shutting down");
              }
              return transport.stop();
            })
        .thenCompose(
            v ->
                onScheduler(
                    () -> {
                      emit(NodeEventListener::nodeStopped);
                      return null;
                    }));
  }

  boolean running() {
    return running;
  }

  // ------------------------------------------------------------------ discovery

  /** Dials the peers of the saved table, best first. Scheduler only. */
  private void redialPersisted() {
    if (peerStore == null) {
      return;
    }
    List<PeerStore.Entry> saved = peerStore.load();
    int n = 0;
    for (PeerStore.Entry e : saved) {
      if (n >= discovery.maxPeers() || e.nodeId().equals(self)) {
        continue;
      }
      Peer p = peers.get(e.nodeId());
      if (p == null) {
        PeerInfo info = new PeerInfo(e.nodeId(), e.address(), 0, e.wsPort(), java.time.Instant.ofEpochMilli(e.lastSeenMs()), Set.of(), PeerStatusType.PENDING, null, null);
        p = new Peer(e.nodeId(), info);
        p.connectedMs = e.connectedMs();
        peers.put(e.nodeId(), p);
      }
      DialTarget t = target(e.address(), e.wsPort(), false);
      t.nodeId = e.nodeId();
      t.source = "persisted";
      dial(t);
      n++;
    }
    if (n > 0) {
      log.info("dialling {} peers saved in {}", n, peerStore.file());
    }
    peerSaver = scheduler.schedule(this::savePeersPeriodically, PEER_SAVE_INTERVAL);
  }

  private void savePeersPeriodically() {
    if (!running) {
      return;
    }
    if (peersDirty) {
      savePeers();
    }
    peerSaver = scheduler.schedule(this::savePeersPeriodically, PEER_SAVE_INTERVAL);
  }

  /** Writes the peers worth dialling again: with a port, not departed; longest connected first. */
  private void savePeers() {
    if (peerStore == null) {
      return;
    }
    long now = settings.clock().millis();
    List<PeerStore.Entry> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      PeerInfo i = p.info;
      if (i.wsPort() <= 0 || i.address().isEmpty() || p.departed) {
        continue;
      }
      long connected = p.connectedMs + (p.connectedSince >= 0 ? now - p.connectedSince : 0);
      out.add(new PeerStore.Entry(p.id, i.address(), i.wsPort(), i.lastSeen().toEpochMilli(), connected));
    }
    out.sort(java.util.Comparator.comparingLong(PeerStore.Entry::connectedMs).reversed().thenComparing(java.util.Comparator.comparingLong(PeerStore.Entry::lastSeenMs).reversed()));
    try {
      peerStore.save(out.size() > discovery.maxPeers() ? out.subList(0, discovery.maxPeers()) : out);
      peersDirty = false;
    } catch (java.io.IOException e) {
      log.warn("cannot save the peer table to {}: {}", peerStore.file(), e.getMessage());
    }
  }

  private void startDiscovery() {
    List<DiscoveryProvider> all = new ArrayList<>(settings.discoveryProviders());
    all.sort(java.util.Comparator.comparingInt(DiscoveryProvider::priority).reversed());
    DiscoveryContext context = new Context();
    for (DiscoveryProvider p : all) {
      try {
        p.start(context);
        providers.add(p);
        log.debug("discovery provider {} started", p.name());
      } catch (Exception | LinkageError e) {
        log.warn("discovery provider {} failed to start and is skipped: {}", safeName(p), rootMessage(e));
      }
    }
  }

  private static String safeName(DiscoveryProvider p) {
    try {
      return p.name();
    } catch (RuntimeException e) {
      return p.getClass().getName();
    }
  }

  private void stopDiscovery() {
    for (DiscoveryProvider p : providers) {
      try {
        p.stop();
      } catch (RuntimeException e) {
        log.warn("discovery provider {} failed to stop: {}", safeName(p), rootMessage(e));
      }
    }
    providers.clear();
    if (peerSaver != null) {
      peerSaver.cancel();
    }
    savePeers();
  }

  /** How often the temperature policy is asked which blocks have cooled. */
  static final Duration COOLING_INTERVAL = Duration.ofMinutes(1);

  private Scheduler.Cancellable coolingTimer;

  /** A block was used: the temperature policy may change its temperature. Scheduler only. */
  void recordAccess(BlockId id) {
    java.util.Optional<DataTemperature> current = settings.metadataStore().get(id).map(BlockMetadata::temperature);
    settings.temperaturePolicy()
        .onAccess(id, settings.clock().instant(), current)
        .ifPresent(t -> updateTemperature(id, t));
  }

  private void cool() {
    if (!running) {
      return;
    }
    try {
      java.util.Map<BlockId, DataTemperature> changes =
          settings.temperaturePolicy().cool(settings.clock().instant(), id -> settings.metadataStore().get(id).map(BlockMetadata::temperature).orElse(null));
      changes.forEach(this::updateTemperature);
    } catch (RuntimeException e) {
      log.warn("temperature policy failed: {}", rootMessage(e));
    }
    coolingTimer = scheduler.schedule(this::cool, COOLING_INTERVAL);
  }

  /** Addresses this node dials or would redial. Scheduler only; for tests. */
  int dialTargetCount() {
    return targets.size();
  }

  /** Names of the discovery providers running. */
  List<String> discoveryProviders() {
    List<String> out = new ArrayList<>();
    for (DiscoveryProvider p : providers) {
      out.add(safeName(p));
    }
    return out;
  }

  /** What providers see of the node. Callable from any thread. */
  private final class Context implements DiscoveryContext {
    @Override
    public NodeAdvertisement self() {
      NodeAnnounce a = announceSelf();
      return new NodeAdvertisement(a.nodeId(), a.address(), a.wsPort(), a.capabilities(), a.version());
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public DiscoverySettings settings() {
      return discovery;
    }

    @Override
    public java.time.Clock clock() {
      return settings.clock();
    }

    @Override
    public byte[] publicKey() {
      return settings.identity().publicKey();
    }

    @Override
    public byte[] sign(byte[] message) {
      return settings.identity().sign(message);
    }

    @Override
    public int activePeers() {
      return activePeerCount;
    }

    @Override
    public int wantedPeers() {
      return discovery.wantedPeers();
    }

    @Override
    public void candidate(String host, int wsPort, NodeId expected, String source) {
      if (host == null || source == null) {
        return;
      }
      scheduler.execute(() -> admit(host, wsPort, expected, source));
    }
  }

  /** Whether the peer table can take one more peer, evicting the least valuable if need be. */
  private boolean roomForPeer() {
    if (peers.size() < discovery.maxPeers()) {
      return true;
    }
    // Keep long-lived good peers: evict the offline peer with the least connected time.
    Peer victim = null;
    for (Peer p : peers.values()) {
      if (p.connection == null && p.info.status() != PeerStatusType.ACTIVE && (victim == null || p.connectedMs < victim.connectedMs
          || (p.connectedMs == victim.connectedMs && p.info.lastSeen().isBefore(victim.info.lastSeen())))) {
        victim = p;
      }
    }
    if (victim == null) {
      return false;
    }
    peers.remove(victim.id);
    DialTarget t = targetOf(victim.id);
    if (t != null && !t.isStatic) {
      if (t.retry != null) {
        t.retry.cancel();
      }
      targets.remove(t.key());
    }
    log.debug("peer table full: evicted {} (connected {} ms in all)", victim.id.shortId(), victim.connectedMs);
    return true;
  }

  /**
   * A candidate peer from discovery or peer exchange: counted against its source and its
   * network group, then dialled. Returns its target, or null if refused. Scheduler only.
   */
  DialTarget admit(String host, int port, NodeId expected, String source) {
    if (!running || host.isEmpty() || port <= 0 || port > 65535 || (expected != null && expected.equals(self))) {
      return null;
    }
    if (expected != null) {
      Peer p = peers.get(expected);
      if (p != null && (p.departed || (p.connection != null && p.connection.isOpen()))) {
        return null;
      }
    }
    DialTarget existing = targets.get(DialTarget.key(host, port));
    if (existing != null) {
      if (existing.nodeId == null) {
        existing.nodeId = expected;
      }
      dial(existing);
      return existing;
    }
    String refusal = capFor(host, source);
    if (refusal != null) {
      candidatesRefused.incrementAndGet();
      log.debug("candidate {}:{} from {} refused: {}", host, port, source, refusal);
      return null;
    }
    DialTarget t = target(host, port, false);
    t.nodeId = expected;
    t.source = source;
    if (expected != null && !peers.containsKey(expected) && roomForPeer()) {
      // Listed at once as PENDING (what discovery said of it), ACTIVE once it proves its key.
      PeerInfo info = new PeerInfo(expected, host, 0, port, settings.clock().instant(), Set.of(), PeerStatusType.PENDING, null, null);
      peers.put(expected, new Peer(expected, info));
      log.info("peer {} listed at {}:{} (from {})", expected.shortId(), host, port, source.startsWith("exchange:") ? "peer exchange" : source);
      emit(l -> l.peerStatusChanged(info, null));
    }
    dial(t);
    return t;
  }

  /**
   * Eclipse resistance: no one source may fill more than a quarter of the table, and no public
   * network group more than a sixteenth. Null if the candidate fits.
   */
  private String capFor(String host, String source) {
    int max = discovery.maxPeers();
    if (targets.size() >= max) {
      return "dial table full (" + max + ")";
    }
    int perSource = Math.max(8, max / 4);
    int perGroup = Math.max(4, max / 16);
    String group = Netgroups.of(host);
    int fromSource = 0;
    int inGroup = 0;
    for (DialTarget t : targets.values()) {
      if (source.equals(t.source)) {
        fromSource++;
      }
      if (group != null && group.equals(t.group)) {
        inGroup++;
      }
    }
    if (!source.equals("persisted") && fromSource >= perSource) {
      return "source " + source + " already gave " + fromSource + " (limit " + perSource + ")";
    }
    if (group != null && inGroup >= perGroup) {
      return "network group " + group + " already has " + inGroup + " (limit " + perGroup + ")";
    }
    return null;
  }

  /** Outbound connections open or being opened to {@code t}'s public network group. */
  private boolean outboundGroupFull(DialTarget t) {
    if (t.isStatic || t.source.equals("bootstrap")) {
      return false;
    }
    String group = t.group;
    if (group == null) {
      return false;
    }
    int n = 0;
    for (DialTarget o : targets.values()) {
      if (o == t || !group.equals(o.group)) {
        continue;
      }
      Peer p = o.nodeId == null ? null : peers.get(o.nodeId);
      if (o.inFlight || (p != null && p.connection != null && p.connection.outbound() && p.connection.isOpen())) {
        n++;
      }
    }
    return n >= OUTBOUND_PER_GROUP;
  }

  private void recountActive() {
    int n = 0;
    for (Peer p : peers.values()) {
      if (p.info.status() == PeerStatusType.ACTIVE) {
        n++;
      }
    }
    activePeerCount = n;
  }

  // ------------------------------------------------------------------ reads (any thread)

  NodeInfo info() {
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
        startedAt == null ? settings.clock().instant() : startedAt);
  }

  List<PeerInfo> peers() {
    List<PeerInfo> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      out.add(p.info);
    }
    out.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    return out;
  }

  NodeMetrics metrics() {
    Instant start = startedAt;
    Duration uptime =
        start == null ? Duration.ZERO : Duration.between(start, settings.clock().instant());
    int active = 0;
    for (Peer p : peers.values()) {
      if (p.info.status() == PeerStatusType.ACTIVE) {
        active++;
      }
    }
    return new NodeMetrics(
        uptime.isNegative() ? Duration.ZERO : uptime,
        active,
        Math.max(0, settings.blockStore().count()),
        new NodeMetrics.Bandwidth(transport.bytesIn(), transport.bytesOut()),
        new NodeMetrics.Operations(operationsOk.get(), operationsFailed.get()));
  }

  NetworkHealth health() {
    Map<String, Integer> regions = new java.util.TreeMap<>();
    regions.merge(regionName(settings.region()), 1, Integer::sum);
    int active = 1;
    for (Peer p : peers.values()) {
      if (p.info.status() == PeerStatusType.ACTIVE) {
        active++;
        regions.merge(regionName(p.info.region()), 1, Integer::sum);
      }
    }
    long blocks = settings.metadataStore().size();
    double redundancy =
        blocks == 0 ? 0 : (double) settings.metadataStore().totalLocations() / blocks;
    return new NetworkHealth(active, blocks, redundancy, regions);
  }

  private static String regionName(String region) {
    return region == null || region.isBlank() ? "unknown" : region;
  }

  NodeStatusReport statusReport() {
    return new NodeStatusReport(self, info().status(), metrics(), health(), reachability);
  }

  /**
   * The node's port mapping changed: kept for status and announcements, told to listeners, and,
   * when the endpoint the node announces changed, announced again to every peer. Scheduler only.
   */
  void reachability(Reachability r) {
    NodeAnnounce before = running && bound != null ? announceSelf() : null;
    reachability = r;
    emit(l -> l.reachabilityChanged(r));
    if (before != null && !before.equals(announceSelf())) {
      Outgoing out = new Outgoing(Envelope.of(sign(announceSelf(), stamp(), null)));
      for (Connection c : connections.values()) {
        if (c.peerId != null) {
          send(c, out);
        }
      }
    }
  }

  // ------------------------------------------------------------------ host operations

  /** Runs {@code work} on the scheduler and completes with its result. */
  <T> CompletableFuture<T> onScheduler(Supplier<T> work) {
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

  /** How far ahead of the local clock a peer's time stamp may pull this node's clock. */
  private static final long MAX_CLOCK_PULL_MS = 60_000;

  /**
   * A strictly increasing time stamp for the next message this node signs: a hybrid logical
   * clock, the local time unless messages already signed or received carried a later one. Every
   * message thus gets a distinct stamp (so distinct signed bytes), and a change made after
   * hearing of another is stamped after it, whatever the two clocks say. Scheduler only.
   */
  long stamp() {
    long now = settings.clock().millis();
    lastStamp = Math.max(now, lastStamp + 1);
    return lastStamp;
  }

  /**
   * The time of a write the host makes to a register whose current version is {@code current}:
   * now, or just after the current version if that is not earlier, so that the host's write
   * supersedes what the node holds. Per register, not per node: many writes in one millisecond
   * to different blocks share it, and the node's stamps do not run ahead of its clock.
   */
  private long writeStamp(org.brightchain.net.Stamp current) {
    long now = settings.clock().millis();
    // Never more than a minute ahead of the clock: a register stamped far ahead (a peer's clock
    // off by minutes) keeps its value until real time passes it.
    return current == null ? now : Math.min(Math.max(now, current.at().toEpochMilli() + 1), now + MAX_CLOCK_PULL_MS);
  }

  /** Moves the clock past a received stamp, but never more than a minute ahead of real time. */
  private void observe(long ts) {
    lastStamp = Math.max(lastStamp, Math.min(ts, settings.clock().millis() + MAX_CLOCK_PULL_MS));
  }

  /** Applies a temperature change made here and queues it for the next batch. Scheduler only. */
  BlockMetadata updateTemperature(BlockId id, DataTemperature t) {
    long[] ts = new long[1]; // stamped inside the store's atomic update: one lookup per write
    BlockMetadata m =
        change(id, cur -> {
          ts[0] = writeStamp(cur == null ? null : cur.versions().temperature());
          return base(id, cur).withTemperature(t, Instant.ofEpochMilli(ts[0]), self);
        });
    enqueue(new UpdateKey(id, BatchUpdate.UpdateType.TEMPERATURE, null), BatchUpdate.Update.of(new BlockTemperatureUpdate(id, t), ts[0]), 200);
    return m;
  }

  /** Applies a location change made here and queues it for the next batch. Scheduler only. */
  BlockMetadata updateLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action) {
    long[] ts = new long[1]; // stamped inside the store's atomic update: one lookup per write
    BlockMetadata m =
        change(id, cur -> {
          ts[0] = writeStamp(cur == null ? null : cur.versions().location(l.nodeId()));
          Instant at = Instant.ofEpochMilli(ts[0]);
          return action == BlockLocationUpdate.Action.ADD
              ? base(id, cur).withLocation(l, at, self)
              : base(id, cur).withoutLocation(l.nodeId(), at, self);
        });
    enqueue(new UpdateKey(id, BatchUpdate.UpdateType.LOCATION, l.nodeId()), BatchUpdate.Update.of(new BlockLocationUpdate(id, l, action), ts[0]), 400);
    return m;
  }

  /**
   * Why {@code m} cannot be merged because a version of it lies beyond the replay window (it
   * would pin its register and pull this node's clock ahead), or {@code null} if it can.
   */
  String futureVersion(BlockMetadata m) {
    long ahead = m.updatedAt().toEpochMilli() - settings.clock().millis();
    return ahead > security.replayWindow().toMillis()
        ? ahead + " ms ahead of this node's clock (at most " + security.replayWindow().toMillis() + ")"
        : null;
  }

  /**
   * Merges a host's metadata and queues the block's merged metadata for the next batch.
   *
   * @throws IllegalArgumentException if a version of it lies beyond the replay window
   */
  BlockMetadata updateMetadata(BlockMetadata md) {
    String future = futureVersion(md);
    if (future != null) {
      throw new IllegalArgumentException("metadata of " + md.blockId() + ": updatedAt " + future);
    }
    long now = settings.clock().millis();
    BlockMetadata after = mergeOne(md);
    // The update carries its own versions; its stamp only keeps the batch's at or after them.
    long ts = Math.max(now, Math.min(after.updatedAt().toEpochMilli(), now + MAX_CLOCK_PULL_MS));
    enqueue(new UpdateKey(md.blockId(), BatchUpdate.UpdateType.METADATA, null), BatchUpdate.Update.of(new MetadataUpdate(after), ts), estimateBytes(after));
    return after;
  }

  /** Merges metadata from a host or peer; returns how many entries changed. Scheduler only. */
  int mergeMetadata(Collection<BlockMetadata> entries) {
    int changed = 0;
    for (BlockMetadata incoming : entries) {
      if (futureVersion(incoming) != null) {
        // A version from the future would pin its register (and pull this node's clock) ahead.
        messagesRejected.incrementAndGet();
        log.info("metadata of {} stamped {} ms ahead: ignored", incoming.blockId(), incoming.updatedAt().toEpochMilli() - settings.clock().millis());
        continue;
      }
      mergeOne(incoming);
      if (lastChanged) {
        changed++;
      }
    }
    return changed;
  }

  private BlockMetadata mergeOne(BlockMetadata incoming) {
    return change(incoming.blockId(), cur -> cur == null ? incoming : cur.mergedWith(incoming));
  }

  /** Signs and sends a payload to every open connection. Scheduler only. */
  void broadcast(EventPayload payload) {
    broadcastNow(payload, null);
  }

  /**
   * Sends {@code payload} to one peer and completes with its answer: the reply frame (a {@code
   * system:ack}, or the richer answer a request type has, such as {@code metadata:sync} for
   * {@code block:sync}). Fails with {@link ConnectException} if the peer is not connected, with
   * {@link TimeoutException} if no answer comes in time. Scheduler only.
   */
  CompletableFuture<Envelope> request(NodeId peer, EventPayload payload, Duration timeout) {
    Peer p = peers.get(peer);
    Connection c = p == null || p.connection == null ? null : connections.get(p.connection.id());
    if (c == null || !c.conn.isOpen()) {
      return CompletableFuture.failedFuture(new ConnectException("peer " + peer.shortId() + " is not connected"));
    }
    String id = "r" + Long.toString(++requestCounter, 36) + "-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    PendingRequest r = new PendingRequest(c, new CompletableFuture<>());
    pending.put(id, r);
    r.timeout =
        scheduler.schedule(
            () -> {
              if (pending.remove(id) != null) {
                r.future.completeExceptionally(
                    new TimeoutException(payload.type().wireName() + " to " + peer.shortId() + ": no answer within " + timeout));
              }
            },
            timeout);
    SignedMessage m = sign(payload, stamp(), peer);
    send(c, new Outgoing(new Envelope(m, 0, id, "")));
    return r.future;
  }

  Duration defaultRequestTimeout() {
    return channel.requestTimeout();
  }

  /** Dials {@code host:port} unless already connected or dialling. Scheduler only. */
  void connect(String host, int port) {
    dial(target(host, port, false));
  }

  /** Closes the connection to {@code id} and forgets to redial it. Scheduler only. */
  boolean disconnect(NodeId id) {
    Peer p = peers.get(id);
    if (p == null) {
      return false;
    }
    p.departed = true;
    DialTarget t = targetOf(id);
    if (t != null && t.retry != null) {
      t.retry.cancel();
    }
    if (p.connection != null) {
      p.connection.close(1000, "disconnected by operator");
    }
    setStatus(p, PeerStatusType.OFFLINE);
    return true;
  }

  void addListener(NodeEventListener l) {
    listeners.add(l);
  }

  void removeListener(NodeEventListener l) {
    listeners.remove(l);
  }

  /** Counters of the channel, for tests and metrics: replay log size, gaps, duplicates. */
  long replayLogSize() {
    return replayLog == null ? 0 : replayLog.size();
  }

  // ------------------------------------------------------------------ transport callbacks

  @Override
  public void connectionOpened(PeerConnection conn) {
    scheduler.execute(
        () -> {
          if (!running) {
            conn.close(1001, "node shutting down");
            return;
          }
          Map<String, String> params = conn.parameters();
          Subscription filter;
          try {
            filter = Subscription.parse(params.get("types"), params.get("blocks"));
          } catch (IllegalArgumentException e) {
            conn.close(1008, "bad subscription: " + e.getMessage());
            return;
          }
          Connection c = new Connection(conn, filter);
          if (conn.receiveOnly()) {
            // An event stream cannot answer a challenge: the transport admitted it over REST
            // first (session or operator token) and passes the one-time ticket it was given.
            Sessions.Principal who = sessions.redeem(params.get("ticket"));
            if (who == null) {
              log.info("event stream {} from {} without a valid ticket: closing", conn.id(), conn.remoteAddress());
              conn.close(1008, "not authenticated");
              return;
            }
            c.authenticated = who instanceof Sessions.Node n ? n.nodeId() : self;
            connections.put(conn.id(), c);
            log.debug("event stream {} opened for {}", conn.id(), c.authenticated.shortId());
            send(c, new Outgoing(Envelope.of(sign(announceSelf(), stamp(), null)))); // who speaks
            c.held = false;
            long after = parseResume(params.get("resume"));
            if (after > 0) {
              replay(c, after);
            }
            return;
          }
          connections.put(conn.id(), c);
          log.debug("connection {} opened ({}, {})", conn.id(), conn.outbound() ? "out" : "in", conn.remoteAddress());
          // Nothing but the handshake until the other side has proved its key and announced
          // itself; events logged meanwhile are held and delivered when it has.
          c.held = true;
          c.heldFrom = replayLog.nextSequence() - 1;
          c.resumeAfter = conn.outbound() ? Resume.LIVE : parseResume(params.get("resume"));
          send(c, new Outgoing(Envelope.of(sign(c.challenge, stamp(), null))));
          // A link that froze while the connection opened would otherwise leave it open and
          // useless forever; so would a client that never authenticates.
          c.handshakeTimer =
              scheduler.schedule(
                  () -> {
                    if (c.peerId == null && connections.get(conn.id()) == c) {
                      log.info("connection {} from {}: no {} within {}, closing", conn.id(), conn.remoteAddress(), c.authenticated == null ? "authentication" : "announce", security.handshakeTimeout());
                      refuse(c, "handshake_timeout", "authenticate and announce within " + security.handshakeTimeout().toMillis() + " ms", 0);
                      conn.close(1008, "handshake timeout");
                    }
                  },
                  security.handshakeTimeout());
        });
  }

  private static long parseResume(String value) {
    if (value == null || value.isBlank()) {
      return Resume.LIVE;
    }
    try {
      long v = Long.parseLong(value.trim());
      return v < 0 || v > org.brightchain.net.internal.Values.MAX_SAFE_INTEGER ? Resume.LIVE : v;
    } catch (NumberFormatException e) {
      return Resume.LIVE;
    }
  }

  @Override
  public void frameReceived(PeerConnection conn, Frame frame) {
    // Runs on a transport thread: decode and verify here, in parallel across connections.
    Connection rc = connections.get(conn.id());
    if (rc != null) {
      NodeId who = rc.authenticated;
      RateLimiter.Decision d = limiter.acquire(who != null ? "node:" + who.hex() : "addr:" + hostOf(conn.remoteAddress()));
      if (!d.allowed()) {
        rateLimited.incrementAndGet();
        messagesRejected.incrementAndGet();
        boolean black = d.outcome() == RateLimiter.Outcome.BLACKLISTED;
        long retry = Math.max(1, d.retryAfter().toMillis());
        scheduler.execute(
            () -> {
              long now = settings.clock().millis();
              if (black) {
                if (!rc.closing) {
                  rc.closing = true;
                  log.info("connection {} from {} ({}) blacklisted for {} ms: closing", conn.id(), conn.remoteAddress(), who == null ? "unauthenticated" : who.shortId(), retry);
                  refuse(rc, "blacklisted", "too many messages: refused for " + retry + " ms", retry);
                  conn.close(1008, "rate limited");
                }
              } else if (now - rc.lastRefusalMs >= 1000) {
                rc.lastRefusalMs = now; // at most one error a second: a flood gets no echo
                log.info("connection {} from {} over its rate limit: dropping messages", conn.id(), conn.remoteAddress());
                refuse(rc, "rate_limited", "at most " + security.rateLimit().maxRequests() + " messages per " + security.rateLimit().window().toMillis() + " ms", retry);
              }
            });
        return;
      }
    }
    Envelope e;
    try {
      e =
          frame.type() == Frame.Type.BINARY
              ? ProtoCodec.decodeEnvelope(frame.bytes())
              : JsonCodec.fromJson(frame.bytes(), Envelope.class);
    } catch (WireFormatException ex) {
      reject(conn, "malformed " + frame.type().name().toLowerCase(Locale.ROOT) + " frame: " + ex.getMessage(), "");
      return;
    } catch (RuntimeException ex) {
      reject(conn, "undecodable frame: " + ex.getClass().getSimpleName(), "");
      return;
    }
    Inbound in = check(conn, e);
    if (in == null) {
      return;
    }
    Frame.Type type = frame.type();
    scheduler.execute(() -> onVerified(conn, in, type));
  }

  /** Checks recipient, de-duplicates and verifies; null if dropped. Any thread. */
  private Inbound check(PeerConnection conn, Envelope e) {
    SignedMessage m = e.message();
    if (m.recipient() != null && !m.recipient().equals(self)) {
      reject(conn, "message addressed to another node", e.requestId());
      return null;
    }
    byte[] signed = MessageSigning.signedBytes(m, MessageSigning.purposeFor(m.payload().type()));
    ByteBuffer id = ByteBuffer.wrap(MessageSigning.messageId(signed));
    if (seen.getIfPresent(id) != null) {
      duplicates.incrementAndGet();
      if (m.nodeId().equals(self) && (m.payload().data() instanceof NodeAnnounce || m.payload().data() instanceof Challenge)) {
        // Our own announcement coming back on a connection: we dialled ourselves.
        scheduler.execute(
            () -> {
              Connection c = connections.get(conn.id());
              if (c != null && c.peerId == null) {
                closeSelf(c);
              }
            });
        return null;
      }
      if (!e.requestId().isEmpty() || e.sequence() > 0) {
        // Still acknowledge (the sender retries until it hears) and note the sequence.
        scheduler.execute(() -> onDuplicate(conn, e));
      }
      return null;
    }
    String stale = outsideWindow(m, e.sequence());
    if (stale != null) {
      reject(conn, stale, e.requestId());
      failProof(conn, m, "timestamp outside the replay window");
      return null;
    }
    // A forged copy shares its id with the genuine message (the id covers neither signature nor
    // key), so failures are remembered by id, signature and key: resending a bad message costs a
    // lookup, not a verification, and cannot block the genuine one.
    byte[] sig = m.signature();
    byte[] key = m.publicKey();
    ByteBuffer badKey = ByteBuffer.allocate(id.remaining() + 2 + sig.length + key.length).put(id.duplicate()).put((byte) sig.length).put(sig).put((byte) key.length).put(key).flip();
    MessageSigning.Verdict verdict = knownBad.getIfPresent(badKey);
    if (verdict == null) {
      verdict = MessageSigning.verify(m, signed);
      if (verdict != MessageSigning.Verdict.VALID) {
        knownBad.put(badKey, verdict);
      }
    }
    if (verdict != MessageSigning.Verdict.VALID) {
      reject(conn, "bad signature (" + verdict.name().toLowerCase(Locale.ROOT) + ") on " + m.payload().type().wireName() + " from " + m.nodeId().shortId(), e.requestId());
      failProof(conn, m, "bad signature (" + verdict.name().toLowerCase(Locale.ROOT) + ")");
      return null;
    }
    return new Inbound(e, id);
  }

  /**
   * The replay window: null if {@code m}'s timestamp is acceptable, else why not. A message from
   * the future could win every last-writer-wins contest, so it is refused; one from the past is
   * refused unless it comes from the sender's log (a sequence number: replayed after a
   * reconnection), where last-writer-wins keeps an old event harmless.
   */
  private String outsideWindow(SignedMessage m, long sequence) {
    long now = settings.clock().millis();
    long window = security.replayWindow().toMillis();
    if (m.timestamp() > now + window || (m.timestamp() < now - window && sequence <= 0)) {
      staleMessages.incrementAndGet();
      return "timestamp " + m.timestamp() + " outside the replay window (now " + now + " +/- "
          + window + " ms) on " + m.payload().type().wireName() + " from " + m.nodeId().shortId();
    }
    return null;
  }

  /** The operator token's file name in the data directory. */
  static final String OPERATOR_TOKEN_FILE = "operator.token";

  /** Writes the token readable by the owner only, replacing the last run's atomically. */
  static void writeOperatorToken(java.nio.file.Path file, String token) throws java.io.IOException {
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    java.nio.file.Files.deleteIfExists(tmp);
    boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (posix) {
      java.nio.file.Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } else {
      java.nio.file.Files.createFile(tmp);
    }
    java.nio.file.Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
    java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Sessions of REST clients and the operator token. */
  Sessions sessions() {
    return sessions;
  }

  SecurityConfig security() {
    return security;
  }

  NodeId self() {
    return self;
  }

  /**
   * Counts a request or message against {@code key}: null if allowed, else the refusal (429 with
   * {@code Retry-After}). Blacklisted keys are refused without counting.
   */
  RestResponse rateLimit(String key) {
    RateLimiter.Decision d = limiter.acquire(key);
    if (d.allowed()) {
      return null;
    }
    rateLimited.incrementAndGet();
    long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
    boolean black = d.outcome() == RateLimiter.Outcome.BLACKLISTED;
    return RestApi.error(429, black ? "blacklisted" : "rate_limited",
            black ? "too many requests: refused for " + seconds + " s" : "too many requests: at most " + security.rateLimit().maxRequests() + " per " + security.rateLimit().window().toSeconds() + " s")
        .withHeader("Retry-After", Long.toString(seconds));
  }

  /** A verified, first-seen message with its envelope. */
  private record Inbound(Envelope envelope, ByteBuffer id) {}

  @Override
  public void connectionClosed(PeerConnection conn, int code, String reason) {
    scheduler.execute(
        () -> {
          Connection c = connections.remove(conn.id());
          if (c == null) {
            return;
          }
          c.cancelTimers();
          failPending(c, new ConnectException("connection closed: " + code + " " + reason));
          dropDeliveries(c);
          log.debug("connection {} closed: {} {}", conn.id(), code, reason);
          if (c.peerId == null) {
            DialTarget t = c.target;
            if (running && conn.outbound() && t != null && !t.isSelf && !c.lostDuplicate && t.retry == null && !t.inFlight) {
              t.failures++; // refused before it told us who it is (starting, stopping): try again
              scheduleRedial(t);
            }
            return;
          }
          Peer p = peers.get(c.peerId);
          if (p == null || p.connection != conn) {
            return; // a duplicate connection that lost
          }
          p.connection = null;
          setStatus(p, PeerStatusType.OFFLINE);
          DialTarget t = targetOf(p.id);
          if (t != null && !c.stable) {
            t.failures++; // it did not last: keep backing off
          }
          if (running && t != null && (!p.departed || t.isStatic)) {
            scheduleRedial(t);
          }
        });
  }

  @Override
  public CompletableFuture<RestResponse> handle(RestRequest request) {
    return restApi.handle(request);
  }

  // ------------------------------------------------------------------ inbound

  private void reject(PeerConnection conn, String reason, String requestId) {
    messagesRejected.incrementAndGet();
    operationsFailed.incrementAndGet();
    log.info("dropped message on {} from {}: {}", conn == null ? "REST" : conn.id(), conn == null ? "-" : conn.remoteAddress(), reason);
    scheduler.execute(
        () -> {
          emit(l -> l.messageRejected(conn == null ? "rest" : conn.id(), reason));
          if (conn != null && !requestId.isEmpty()) {
            Connection c = connections.get(conn.id());
            if (c != null) {
              reply(c, requestId, Ack.failed(reason.length() > 256 ? reason.substring(0, 256) : reason));
            }
          }
        });
  }

  private void onDuplicate(PeerConnection conn, Envelope e) {
    Connection c = connections.get(conn.id());
    if (c == null) {
      return;
    }
    noteSequence(c, e.sequence());
    if (!e.requestId().isEmpty()) {
      // A retried request gets its real answer again; only changes are not applied twice.
      EventPayload data = e.message().payload().data();
      if ((data instanceof BlockSyncRequest r && r.session().isEmpty()) || data instanceof Ping) {
        apply(c, e.message(), e.requestId());
      } else {
        if (data instanceof BatchUpdate) {
          batchDuplicates.incrementAndGet();
        }
        reply(c, e.requestId(), Ack.success());
      }
    }
  }

  private void onVerified(PeerConnection conn, Inbound in, Frame.Type frameType) {
    Connection c = connections.get(conn.id());
    if (c == null) {
      return; // closed meanwhile: not marked seen, so another copy can still be applied
    }
    if (seen.asMap().putIfAbsent(in.id(), Boolean.TRUE) != null) {
      duplicates.incrementAndGet();
      onDuplicate(conn, in.envelope());
      return;
    }
    c.frameType = frameType;
    Envelope e = in.envelope();
    SignedMessage m = e.message();
    WSMessage p = m.payload();
    observe(p.timestamp());
    if (p.sender().equals(self)) {
      // Our own challenge or announcement coming back means we dialled ourselves.
      if (c.peerId == null && (p.data() instanceof NodeAnnounce || p.data() instanceof Challenge)) {
        closeSelf(c);
      }
      return;
    }
    if (p.data() instanceof Challenge ch) {
      onChallenge(c, m, ch);
      return;
    }
    if (p.data() instanceof AuthProof proof) {
      onAuth(c, m, proof);
      return;
    }
    if (p.data() instanceof ErrorEvent err) {
      log.info("connection {} ({}) refused something we sent: {} {}", conn.id(), c.peerId == null ? conn.remoteAddress() : c.peerId.shortId(), err.code(), err.message());
      return;
    }
    if (c.authenticated == null) {
      reject(conn, "not authenticated: " + p.type().wireName() + " before system:auth", e.requestId());
      refuse(c, "not_authenticated", "answer system:challenge with system:auth first", 0);
      return;
    }
    if (c.peerId == null && p.data() instanceof NodeAnnounce a0 && a0.nodeId().equals(p.sender()) && !p.sender().equals(c.authenticated)) {
      reject(conn, "announce for " + p.sender().shortId() + " on a connection authenticated as " + c.authenticated.shortId(), e.requestId());
      refuse(c, "not_authenticated", "a connection can announce only the node that authenticated on it", 0);
      return;
    }
    if (c.peerId == null
        && p.data() instanceof NodeAnnounce a
        && a.nodeId().equals(p.sender())
        && !identify(c, a)) {
      return;
    }
    if (c.peerId != null) {
      Peer peer = peers.get(c.peerId);
      if (peer != null && peer.connection == conn) {
        peer.info = peer.info.withStatus(peer.info.status(), settings.clock().instant());
      }
    }
    noteSequence(c, e.sequence());
    if (!e.replyTo().isEmpty() && batchAnswered(c, e)) {
      return;
    }
    if (!e.replyTo().isEmpty()) {
      PendingRequest r = pending.get(e.replyTo());
      if (r != null && r.connection == c) {
        pending.remove(e.replyTo());
        r.timeout.cancel();
        r.future.complete(e);
        if (p.data() instanceof MetadataSync ms && !ms.session().isEmpty()) {
          operationsOk.incrementAndGet();
          return; // a reconciliation answer: the waiting side has merged it
        }
      }
    }
    apply(c, m, e.requestId());
    operationsOk.incrementAndGet();
    emit(l -> l.messageReceived(m));
    if (m.recipient() == null && relayed(p) && !(p.data() instanceof BatchUpdate)) {
      relay(m, c); // a batch is passed on once it is applied (apply)
    }
  }

  /** The other side's challenge: prove our key for this connection, then announce ourselves. */
  private void onChallenge(Connection c, SignedMessage m, Challenge ch) {
    if (c.answered) {
      reject(c.conn, "second system:challenge on one connection", "");
      return;
    }
    c.answered = true;
    NodeId peer = m.nodeId();
    send(c, new Outgoing(Envelope.of(sign(new AuthProof(ch.challenge(), peer), stamp(), peer))));
    send(c, new Outgoing(Envelope.of(sign(announceSelf(), stamp(), null))));
  }

  /** The other side's proof: the connection is now authenticated as the node that signed it. */
  private void onAuth(Connection c, SignedMessage m, AuthProof proof) {
    String problem =
        c.authenticated != null
            ? "already authenticated"
            : !self.equals(m.recipient())
                ? "system:auth must be addressed to this node"
                : !proof.peer().equals(self)
                    ? "proof names another node"
                    : !proof.challenge().equals(c.challenge.challenge())
                        ? "proof answers another challenge"
                        : null;
    if (problem != null) {
      authFailures.incrementAndGet();
      reject(c.conn, "authentication failed: " + problem, "");
      refuse(c, "auth_failed", problem, 0);
      c.conn.close(1008, "authentication failed");
      return;
    }
    c.authenticated = m.nodeId();
    log.debug("connection {} authenticated as {}", c.conn.id(), c.authenticated.shortId());
  }

  /** A proof of key that fails the message checks ends the handshake as a wrong proof does. */
  private void failProof(PeerConnection conn, SignedMessage m, String why) {
    if (m.payload().type() != WSEventType.AUTH) {
      return;
    }
    scheduler.execute(
        () -> {
          Connection c = connections.get(conn.id());
          if (c != null && c.authenticated == null) {
            authFailures.incrementAndGet();
            refuse(c, "auth_failed", why, 0);
            conn.close(1008, "authentication failed");
          }
        });
  }

  /** Tells the other side why something it sent was refused. */
  private void refuse(Connection c, String code, String message, long retryAfterMs) {
    send(c, new Outgoing(Envelope.of(sign(new ErrorEvent(code, message, retryAfterMs), stamp(), c.authenticated))));
  }

  private void noteSequence(Connection c, long seq) {
    if (seq > 0 && c.peerId != null) {
      lastSequence.merge(c.peerId, seq, Math::max);
    }
  }

  private void closeSelf(Connection c) {
    if (c.target != null) {
      c.target.isSelf = true;
    }
    c.conn.close(1008, "connected to self");
  }

  /** Events passed on to the other peers: what concerns the whole network. */
  private static boolean relayed(WSMessage w) {
    return switch (w.type()) {
      case NODE_LEAVE, BLOCK_TEMPERATURE, BLOCK_LOCATION, METADATA_UPDATE, BLOCK_BATCH -> true;
      // A node's word about itself travels; its view of others stays with its neighbours.
      case NODE_STATUS -> ((NodeStatusUpdate) w.data()).nodeId().equals(w.sender());
      default -> false;
    };
  }

  /** Binds a connection to the peer that announced itself on it; false if it was closed. */
  private boolean identify(Connection c, NodeAnnounce a) {
    NodeId pid = a.nodeId();
    DialTarget dialled = c.conn.outbound() ? c.target : null;
    if (pid.equals(self)) {
      closeSelf(c);
      return false;
    }
    Peer peer = peers.get(pid);
    if (peer != null && peer.connection != null && peer.connection.isOpen() && peer.connection != c.conn) {
      // Both sides dialled: keep the connection opened by the smaller node id, on both ends.
      // Both opened by the same side means a reconnection over a stale socket: the new one wins.
      boolean keepNew =
          peer.connection.outbound() == c.conn.outbound()
              || (self.compareTo(pid) < 0) == c.conn.outbound();
      if (!keepNew) {
        c.lostDuplicate = true;
        c.conn.close(1000, "duplicate connection");
        return false;
      }
      PeerConnection old = peer.connection;
      peer.connection = null;
      old.close(1000, "duplicate connection");
    }
    String host = a.address().isEmpty() ? hostOf(c.conn.remoteAddress()) : a.address();
    Long rtt = peer == null ? null : peer.info.rttMs();
    PeerInfo info =
        new PeerInfo(
            pid,
            host,
            a.httpPort(),
            a.wsPort(),
            settings.clock().instant(),
            a.capabilities(),
            PeerStatusType.ACTIVE,
            a.region(),
            rtt);
    PeerStatusType previous = peer == null ? null : peer.info.status();
    if (peer == null) {
      roomForPeer(); // a live connection is kept even if nothing can be evicted
      peer = new Peer(pid, info);
      peers.put(pid, peer);
    } else {
      peer.info = info;
    }
    peer.version = a.version();
    if (peer.connectedSince < 0) {
      peer.connectedSince = settings.clock().millis();
    }
    peersDirty = true;
    peer.connection = c.conn;
    recountActive();
    peer.departed = false;
    peer.misses = 0;
    c.peerId = pid;
    if (c.handshakeTimer != null) {
      c.handshakeTimer.cancel();
      c.handshakeTimer = null;
    }
    // A peer that gave no port to dial back (a client, say) is not redialled.
    DialTarget t = dialled != null ? dialled : a.wsPort() > 0 ? target(host, a.wsPort(), false) : null;
    if (t != null) {
      t.nodeId = pid;
      if (t.retry != null) {
        t.retry.cancel();
        t.retry = null;
      }
    }
    c.stableTimer =
        scheduler.schedule(
            () -> {
              c.stable = true;
              DialTarget st = targetOf(pid);
              if (st != null) {
                st.failures = 0; // lasted: the next outage starts from a short backoff again
              }
            },
            channel.stableAfter());
    log.info("peer {} active at {}:{} ({})", pid.shortId(), host, a.wsPort(), c.conn.outbound() ? "outbound" : "inbound");
    Peer finalPeer = peer;
    if (previous != PeerStatusType.ACTIVE) {
      emit(l -> l.peerStatusChanged(finalPeer.info, previous));
      if (previous != null) {
        publishPeerStatus(finalPeer);
      }
    }
    if (!c.conn.outbound()) {
      // The dialler waits to hear where to resume its log for us: after the last event we saw.
      send(c, new Outgoing(Envelope.of(sign(new Resume(lastSequence.getOrDefault(pid, Resume.LIVE)), stamp(), pid))));
      // And we send it what it asked for when dialling, then what was logged since it opened.
      c.held = false;
      replay(c, c.resumeAfter > 0 ? Math.min(c.resumeAfter, c.heldFrom) : c.heldFrom);
    } else {
      // Hold our logged events until the other side says where to resume (or stops waiting).
      c.resumeTimer = scheduler.schedule(() -> release(c, Resume.LIVE), channel.resumeWait());
    }
    // Peer exchange: tell the newcomer of every other active peer, as a hint to dial.
    for (Peer other : peers.values()) {
      // A peer without a port to dial (a client) is no hint: receivers would ignore it.
      if (other != peer && other.info.status() == PeerStatusType.ACTIVE && other.info.wsPort() > 0) {
        PeerInfo o = other.info;
        NodeAnnounce hint =
            new NodeAnnounce(o.nodeId(), o.address(), o.httpPort(), o.wsPort(), o.capabilities(), other.version.isEmpty() ? "unknown" : other.version, o.region());
        send(c, new Outgoing(Envelope.of(sign(hint, stamp(), pid))));
      }
    }
    scheduleHeartbeat(c);
    if (syncConfig.onConnect() && c.conn.outbound()) {
      // Whatever either side missed while apart (or never had) comes across now; the dialler
      // asks, and asks again until it succeeds (or the peer leaves).
      owedSync.add(pid);
      if (syncing.containsKey(pid)) {
        syncAgain.add(pid); // a run from before this connection read an older snapshot
      } else {
        syncWith(pid);
      }
    }
    return true;
  }

  private void apply(Connection c, SignedMessage m, String requestId) {
    WSMessage w = m.payload();
    NodeId sender = w.sender();
    long ts = w.timestamp();
    EventPayload data = w.data();
    if (data instanceof NodeAnnounce a) {
      // A hint counts only from an identified peer, addressed to this node.
      if (!a.nodeId().equals(sender) && c != null && sender.equals(c.peerId) && self.equals(m.recipient())) {
        learn(a, "exchange:" + sender.hex());
      } else if (c != null && sender.equals(c.peerId)) {
        moved(c, a);
      }
    } else if (data instanceof NodeLeave leave) {
      Peer p = peers.get(leave.nodeId());
      if (p != null && leave.nodeId().equals(sender)) {
        p.departed = true;
        setStatus(p, PeerStatusType.OFFLINE);
      }
    } else if (data instanceof NodeStatusUpdate) {
      // Reported to listeners; the peer table tracks connectivity, not hearsay.
    } else if (data instanceof BlockTemperatureUpdate t) {
      applyTemperature(t.blockId(), t.temperature(), ts, sender);
    } else if (data instanceof BlockLocationUpdate l) {
      applyLocation(l.blockId(), l.location(), l.action(), ts, sender);
    } else if (data instanceof BatchUpdate b && b.timestamp() > ts) {
      // Its updates could be stamped ahead of the replay window the message itself passed.
      messagesRejected.incrementAndGet();
      reply(c, requestId, Ack.failed("batch timestamp after its message's"));
      return;
    } else if (data instanceof BatchUpdate b) {
      boolean pending =
          applyBatch(
              b,
              sender,
              ok -> {
                reply(c, requestId, ok ? Ack.success() : Ack.failed("could not apply the batch"));
                if (ok && m.recipient() == null) {
                  relay(m, c); // passed on whole, once applied here
                }
              });
      if (pending) {
        return; // acknowledged (and relayed) once the last slice is applied
      }
    } else if (data instanceof BlockSyncRequest r && !r.session().isEmpty()) {
      if (c != null) {
        answerSyncWhenReady(sender.hex(), r)
            .whenComplete(
                (answer, err) -> {
                  if (err == null) {
                    reply(c, requestId, answer);
                  } else {
                    String why = rootMessage(err);
                    log.info("sync with {} refused: {}", sender.shortId(), why);
                    reply(c, requestId, Ack.failed("sync_failed: " + why));
                  }
                });
      }
      return;
    } else if (data instanceof BlockSyncRequest r) {
      List<BlockMetadata> known = new ArrayList<>();
      for (BlockId id : r.blockIds()) {
        settings.metadataStore().get(id).ifPresent(known::add);
      }
      reply(c, requestId, new MetadataSync(known));
      return;
    } else if (data instanceof MetadataUpdate u) {
      mergeMetadata(List.of(u.metadata()));
    } else if (data instanceof MetadataSync s) {
      if (!s.session().isEmpty()) {
        syncEntriesReceived.addAndGet(s.entries().size());
      }
      mergeMetadata(s.entries());
    } else if (data instanceof Ping ping) {
      reply(c, requestId, new Pong(ping.nonce()));
      return;
    } else if (c == null) {
      // Control messages mean nothing outside a connection.
    } else if (data instanceof Pong pong) {
      onPong(c, pong);
    } else if (data instanceof Resume r) {
      release(c, r.afterSequence());
    } else if (data instanceof Gap g) {
      gapsReported.incrementAndGet();
      log.info("peer {} no longer has events {}..{}: catching up needs metadata sync", sender.shortId(), g.afterSequence() + 1, g.oldestAvailable() - 1);
      emit(l -> l.eventsMissed(sender, g.afterSequence(), g.oldestAvailable()));
    } else if (data instanceof Subscribe s) {
      c.filter = Subscription.of(s);
    } else if (data instanceof Ack) {
      // Answers are matched to their request by replyTo above.
    }
    if (!requestId.isEmpty()) {
      reply(c, requestId, Ack.success());
    }
  }

  /**
   * Answers a request on its connection; for messages that were not requests, answers that need
   * an answer anyway (pong, sync) go out unsolicited-reply style.
   */
  private void reply(Connection c, String requestId, EventPayload answer) {
    if (c == null || (requestId.isEmpty() && answer instanceof Ack)) {
      return; // posted over HTTP, or nothing asked
    }
    SignedMessage m = sign(answer, stamp(), c.peerId);
    send(c, new Outgoing(new Envelope(m, 0, "", requestId)));
  }

  /** A peer announced itself again: its endpoint changed (a port mapping came or went). */
  private void moved(Connection c, NodeAnnounce a) {
    Peer p = peers.get(c.peerId);
    if (p == null || p.connection != c.conn) {
      return;
    }
    PeerInfo i = p.info;
    String host = a.address().isEmpty() ? hostOf(c.conn.remoteAddress()) : a.address();
    if (host.equals(i.address()) && a.httpPort() == i.httpPort() && a.wsPort() == i.wsPort()) {
      return;
    }
    p.info = new PeerInfo(i.nodeId(), host, a.httpPort(), a.wsPort(), i.lastSeen(), i.capabilities(), i.status(), i.region(), i.rttMs());
    log.info("peer {} now announces {}:{}", i.nodeId().shortId(), host, a.wsPort());
  }

  /** A third-party announcement: a hint of a peer to dial. */
  private void learn(NodeAnnounce a, String source) {
    if (a.nodeId().equals(self) || a.address().isEmpty() || a.wsPort() == 0) {
      return;
    }
    Peer p = peers.get(a.nodeId());
    if (p != null && (p.info.status() == PeerStatusType.ACTIVE || p.departed)) {
      return;
    }
    if (p == null && !roomForPeer()) {
      log.debug("peer table full ({}): hint about {} ignored", discovery.maxPeers(), a.nodeId().shortId());
      return;
    }
    DialTarget t = admit(a.address(), a.wsPort(), a.nodeId(), source);
    if (t == null) {
      return;
    }
    if (p == null) {
      PeerInfo info = new PeerInfo(a.nodeId(), a.address(), a.httpPort(), a.wsPort(), settings.clock().instant(), a.capabilities(), PeerStatusType.PENDING, a.region(), null);
      Peer np = new Peer(a.nodeId(), info);
      np.version = a.version();
      peers.put(a.nodeId(), np);
      emit(l -> l.peerStatusChanged(info, null));
    }
    dial(t);
  }

  BlockMetadata applyTemperature(BlockId id, DataTemperature t, long ts, NodeId by) {
    Instant at = Instant.ofEpochMilli(ts);
    return change(id, cur -> base(id, cur).withTemperature(t, at, by));
  }

  BlockMetadata applyLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action, long ts, NodeId by) {
    Instant at = Instant.ofEpochMilli(ts);
    return change(
        id,
        cur ->
            action == BlockLocationUpdate.Action.ADD
                ? base(id, cur).withLocation(l, at, by)
                : base(id, cur).withoutLocation(l.nodeId(), at, by));
  }

  private static BlockMetadata base(BlockId id, BlockMetadata cur) {
    return cur == null ? BlockMetadata.empty(id) : cur;
  }

  /**
   * Applies a join to one block's metadata: every field keeps its later version, so changes
   * applied in any order, any number of times, leave the same metadata. Sets {@link
   * #lastChanged}.
   */
  private BlockMetadata change(BlockId id, java.util.function.UnaryOperator<BlockMetadata> join) {
    BlockMetadata[] before = new BlockMetadata[1];
    BlockMetadata after =
        settings
            .metadataStore()
            .update(
                id,
                cur -> {
                  before[0] = cur;
                  BlockMetadata next = join.apply(cur);
                  return next == null || next.equals(cur) ? cur : next;
                });
    lastChanged = after != null && !after.equals(before[0]);
    if (lastChanged) {
      metadataVersion++;
    }
    return after;
  }

  // ------------------------------------------------------------------ batching

  /** One field of one block: updates to the same key are coalesced, the later one kept. */
  private record UpdateKey(BlockId block, BatchUpdate.UpdateType type, NodeId holder) {}

  /** A batch sent to one connection, waiting for its acknowledgement. */
  private static final class Delivery {
    final Connection connection;
    final Outgoing out;
    final String batchId;
    int attempts;
    Scheduler.Cancellable timer;

    Delivery(Connection connection, Outgoing out, String batchId) {
      this.connection = connection;
      this.out = out;
      this.batchId = batchId;
    }
  }

  /**
   * Batches one connection may have sent and unacknowledged at once (a window): a slow peer
   * receives batches at the pace it acknowledges them, and retries concern only these.
   */
  static final int BATCH_WINDOW = 16;
  /** Batches waiting for a connection's window to open; past it, the peer is left to sync. */
  static final int MAX_QUEUED_BATCHES = 256;

  /** Queues a host update for the next batch; seals the batch when full. Scheduler only. */
  private void enqueue(UpdateKey key, BatchUpdate.Update update, int bytes) {
    updatesAccepted.incrementAndGet();
    if (pendingUpdates.put(key, update) != null) {
      updatesCoalesced.incrementAndGet();
    }
    pendingBytes += bytes; // a replaced update still counts: the estimate errs on the large side
    if (pendingUpdates.size() >= batching.maxSize() || pendingBytes >= maxBatchBytes()) {
      flushBatch();
    } else if (batchTimer == null) {
      batchTimer =
          scheduler.schedule(
              () -> {
                batchTimer = null;
                flushBatch();
              },
              batching.interval());
    }
  }

  /**
   * The most bytes a batch may take, estimated: half the frame limit, so that a batch fits a
   * text frame at a peer with the same limit.
   */
  private long maxBatchBytes() {
    return Math.max(4 * 1024, settings.transport().maxFrameBytes() / 2);
  }

  private static int estimateBytes(BlockMetadata m) {
    return 400 + 450 * m.locations().size() + 150 * m.versions().removed().size();
  }

  /** Seals the pending updates into one signed batch and sends it to every peer. */
  void flushBatch() {
    if (batchTimer != null) {
      batchTimer.cancel();
      batchTimer = null;
    }
    if (pendingUpdates.isEmpty()) {
      return;
    }
    List<BatchUpdate.Update> updates = new ArrayList<>(pendingUpdates.values());
    pendingUpdates.clear();
    pendingBytes = 0;
    if (!running || !anyBatchReceiver()) {
      return; // applied here already; peers that connect later catch up by reconciliation
    }
    long latest = 0;
    for (BatchUpdate.Update u : updates) {
      latest = Math.max(latest, u.timestamp());
    }
    long ts = stamp();
    if (ts < latest) {
      ts = latest; // a write just after a version from a peer whose clock is ahead
      lastStamp = ts;
    }
    BatchUpdate b = new BatchUpdate(batchPrefix + Long.toString(++batchCounter, 36), ts, updates);
    SignedMessage m = sign(b, ts, null);
    batchesSent.incrementAndGet();
    sendBatch(m, null);
  }

  private boolean anyBatchReceiver() {
    for (Connection c : connections.values()) {
      if ((c.peerId != null || (c.conn.receiveOnly() && c.authenticated != null)) && c.conn.isOpen()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends a signed batch (ours, or one we relay) to every identified connection but {@code from}
   * and its signer, each as a request that the peer acknowledges; unacknowledged ones are sent
   * again.
   */
  private void sendBatch(SignedMessage m, Connection from) {
    BatchUpdate b = (BatchUpdate) m.payload().data();
    Outgoing toStreams = null;
    for (Connection c : connections.values()) {
      if (c.conn.receiveOnly()) {
        // An event stream cannot acknowledge: it gets the batch once, like any event.
        if (c.authenticated != null && c.filter.matches(b)) {
          if (toStreams == null) {
            toStreams = new Outgoing(Envelope.of(m));
          }
          send(c, toStreams);
        }
        continue;
      }
      if (c == from || c.peerId == null || c.peerId.equals(m.nodeId()) || !c.conn.isOpen() || !c.filter.matches(b)) {
        continue;
      }
      if (c.unackedBatches < BATCH_WINDOW) {
        transmit(c, m);
      } else if (c.queuedBatches.size() < MAX_QUEUED_BATCHES) {
        c.queuedBatches.add(m);
      } else {
        batchesAbandoned.incrementAndGet();
        syncSoon(c.peerId);
      }
    }
  }

  private void transmit(Connection c, SignedMessage m) {
    String id = "b" + Long.toString(++requestCounter, 36);
    Delivery d = new Delivery(c, new Outgoing(new Envelope(m, 0, id, "")), ((BatchUpdate) m.payload().data()).batchId());
    deliveries.put(id, d);
    c.unackedBatches++;
    send(c, d.out);
    d.timer = scheduler.schedule(() -> batchTimedOut(id), ackWait());
  }

  /** A delivery of {@code c} ended: let the next queued batch through its window. */
  private void windowOpened(Connection c) {
    c.unackedBatches--;
    while (c.unackedBatches < BATCH_WINDOW && !c.queuedBatches.isEmpty() && c.conn.isOpen()) {
      transmit(c, c.queuedBatches.poll());
    }
  }

  private Duration ackWait() {
    return batching.retryDelay().isZero() ? channel.requestTimeout() : batching.retryDelay();
  }

  private void batchTimedOut(String requestId) {
    Delivery d = deliveries.get(requestId);
    if (d == null) {
      return;
    }
    Connection c = d.connection;
    boolean open = c.conn.isOpen() && connections.get(c.conn.id()) == c;
    if (open && d.attempts < batching.retryAttempts()) {
      d.attempts++;
      batchRetries.incrementAndGet();
      log.debug("batch {} to {}: no acknowledgement, sending it again ({} of {})", d.batchId, c.peerId.shortId(), d.attempts, batching.retryAttempts());
      send(c, d.out);
      d.timer = scheduler.schedule(() -> batchTimedOut(requestId), ackWait());
      return;
    }
    deliveries.remove(requestId);
    windowOpened(c);
    batchesAbandoned.incrementAndGet();
    log.info("batch {} to {}: not acknowledged after {} attempts; left to reconciliation", d.batchId, c.peerId.shortId(), d.attempts + 1);
    if (open) {
      syncSoon(c.peerId);
    }
  }

  /** An answer to a batch we sent. True if it was one. */
  private boolean batchAnswered(Connection c, Envelope e) {
    Delivery d = deliveries.get(e.replyTo());
    if (d == null || d.connection != c) {
      return false;
    }
    deliveries.remove(e.replyTo());
    d.timer.cancel();
    windowOpened(c);
    if (e.message().payload().data() instanceof Ack a && a.ok()) {
      batchesAcked.incrementAndGet();
    } else {
      batchesAbandoned.incrementAndGet();
      log.info("peer {} refused batch {}: {}; left to reconciliation", c.peerId.shortId(), d.batchId, e.message().payload().data());
      syncSoon(c.peerId);
    }
    return true;
  }

  /** Forgets the deliveries of a closed connection: reconciliation on reconnect covers them. */
  private void dropDeliveries(Connection c) {
    Iterator<Map.Entry<String, Delivery>> it = deliveries.entrySet().iterator();
    while (it.hasNext()) {
      Delivery d = it.next().getValue();
      if (c == null || d.connection == c) {
        it.remove();
        d.timer.cancel();
        batchesAbandoned.incrementAndGet();
        batchesAbandoned.addAndGet(d.connection.queuedBatches.size());
        d.connection.queuedBatches.clear();
      }
    }
  }

  /** Applies a received batch once; a batch seen before changes nothing. Scheduler only. */
  /** Updates applied in one go; a longer batch is applied in slices, other work in between. */
  static final int APPLY_SLICE = 1000;

  /**
   * Applies a received batch once; a batch seen before changes nothing. A long batch is applied
   * in slices of {@value #APPLY_SLICE} updates, each a task of its own, so that heartbeats and
   * other messages are not held up behind it. Scheduler only.
   *
   * @return true if {@code done} will run once the batch is applied; false if the batch was a
   *     duplicate (nothing to apply, {@code done} not run)
   */
  private boolean applyBatch(BatchUpdate b, NodeId sender, java.util.function.Consumer<Boolean> done) {
    if (seenBatches.asMap().putIfAbsent(sender.hex() + "/" + b.batchId(), Boolean.TRUE) != null) {
      batchDuplicates.incrementAndGet();
      return false;
    }
    batchesReceived.incrementAndGet();
    applySlice(b, sender, 0, done);
    return true;
  }

  private void applySlice(BatchUpdate b, NodeId sender, int from, java.util.function.Consumer<Boolean> done) {
    int to = Math.min(b.updates().size(), from + APPLY_SLICE);
    int changed;
    try {
      changed = applyUpdates(settings.metadataStore(), b, sender, from, to);
    } catch (RuntimeException e) {
      // The store failed: refuse the batch, so that the sender reconciles instead, and let a
      // copy of it be applied again.
      seenBatches.invalidate(sender.hex() + "/" + b.batchId());
      metadataVersion++;
      log.warn("applying batch {} from {} failed: {}", b.batchId(), sender.shortId(), rootMessage(e));
      done.accept(false);
      return;
    }
    if (changed > 0) {
      metadataVersion++;
    }
    updatesApplied.addAndGet(changed);
    if (to < b.updates().size()) {
      scheduler.execute(() -> applySlice(b, sender, to, done));
    } else {
      done.accept(true);
    }
  }

  static int applyUpdates(org.brightchain.net.spi.MetadataStore store, BatchUpdate b, NodeId sender) {
    return applyUpdates(store, b, sender, 0, b.updates().size());
  }

  /**
   * Applies every update of a batch signed by {@code sender} to {@code store}: each field of each
   * block keeps its later version (the update's stamp is its timestamp and the sender), so any
   * order of any number of copies of a set of batches leaves the same metadata.
   *
   * @return how many updates changed the store
   */
  static int applyUpdates(org.brightchain.net.spi.MetadataStore store, BatchUpdate b, NodeId sender, int from, int to) {
    int changed = 0;
    List<BatchUpdate.Update> updates = b.updates();
    for (int i = from; i < to; i++) {
      EventPayload d = updates.get(i).data();
      Instant at = Instant.ofEpochMilli(b.timestampOf(i));
      java.util.function.UnaryOperator<BlockMetadata> join;
      BlockId id = updates.get(i).blockId();
      if (d instanceof BlockTemperatureUpdate t) {
        join = cur -> base(id, cur).withTemperature(t.temperature(), at, sender);
      } else if (d instanceof BlockLocationUpdate l) {
        join =
            cur ->
                l.action() == BlockLocationUpdate.Action.ADD
                    ? base(id, cur).withLocation(l.location(), at, sender)
                    : base(id, cur).withoutLocation(l.location().nodeId(), at, sender);
      } else {
        BlockMetadata m = ((MetadataUpdate) d).metadata();
        if (m.updatedAt().toEpochMilli() > b.timestamp()) {
          continue; // versions later than the batch that carries them: not from its signer's time
        }
        join = cur -> cur == null ? m : cur.mergedWith(m);
      }
      BlockMetadata[] before = new BlockMetadata[1];
      BlockMetadata after =
          store.update(
              id,
              cur -> {
                before[0] = cur;
                BlockMetadata next = join.apply(cur);
                return next == null || next.equals(cur) ? cur : next;
              });
      if (after != null && !after.equals(before[0])) {
        changed++;
      }
    }
    return changed;
  }

  DeliveryStats deliveryStats() {
    return new DeliveryStats(
        updatesAccepted.get(),
        updatesCoalesced.get(),
        batchesSent.get(),
        batchesAcked.get(),
        batchRetries.get(),
        batchesAbandoned.get(),
        batchesReceived.get(),
        batchDuplicates.get(),
        updatesApplied.get(),
        syncsCompleted.get(),
        syncsFailed.get(),
        syncEntriesReceived.get());
  }

  // ------------------------------------------------------------------ reconciliation

  /** The items of this node's metadata at one moment, and which block each item is. */
  private record SyncSnapshot(long version, SyncStorage storage, Map<ItemId, BlockId> blocks) {}

  /** A reconciliation this node started. */
  private final class SyncRun {
    final NodeId peer;
    final String session;
    SyncSnapshot snap;
    Reconciler reconciler;
    final CompletableFuture<SyncResult> future = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    long received;
    long changed;
    long sent;
    Scheduler.Cancellable deadline;

    SyncRun(NodeId peer, String session) {
      this.peer = peer;
      this.session = session;
    }

    void begin(SyncSnapshot s) {
      this.snap = s;
      this.reconciler = Reconciler.initiator(s.storage(), SYNC_SETTINGS);
    }
  }

  /** The answering side of a reconciliation another node started. */
  private static final class SyncSession {
    final SyncSnapshot snap;
    final Reconciler reconciler;
    final Set<ItemId> sent = new java.util.HashSet<>();
    Scheduler.Cancellable expiry;

    SyncSession(SyncSnapshot snap) {
      this.snap = snap;
      this.reconciler = Reconciler.responder(snap.storage(), SYNC_SETTINGS);
    }
  }

  /** Wait before reconciling again with a peer that is owed it, after a failure. */
  static final Duration SYNC_RETRY = Duration.ofSeconds(5);

  /**
   * Reconciliation settings between nodes: 64 KiB messages, and up to 8,192 of them, so that a
   * node that lacks millions of blocks (a new one) can still be given all their ids; a
   * conversation is bounded by its timeouts rather than by its length.
   */
  static final org.brightchain.net.core.internal.sync.SyncSettings SYNC_SETTINGS =
      org.brightchain.net.core.internal.sync.SyncSettings.defaults().withMaxMessages(8192);
  /** A session this node answers ends after this long without a message. */
  static final Duration SESSION_IDLE = Duration.ofSeconds(60);

  /** Most reconciliations one asker may have this node answer at once. */
  static final int MAX_SESSIONS_PER_ASKER = 2;

  /** Most reconciliations this node answers at once. */
  static final int MAX_SYNC_SESSIONS = 32;
  /** Entry budget of one metadata:sync message, estimated bytes. */
  static final int SYNC_CHUNK_BYTES = 512 * 1024;

  /** Stores up to this many blocks are snapshotted on the scheduler; larger ones on a thread. */
  static final int INLINE_SNAPSHOT = 50_000;

  /**
   * The items of the metadata now; rebuilt only when something changed. A small store is
   * read at once; a large one on the node's sync thread, so that heartbeats and messages go on
   * meanwhile (the store is thread-safe; changes made during the read are picked up by the next
   * reconciliation). Completes on the scheduler. Scheduler only.
   */
  private CompletableFuture<SyncSnapshot> snapshotAsync() {
    return snapshotAsync(metadataVersion);
  }

  /**
   * A snapshot that holds at least the changes up to {@code minVersion}. At most one read runs
   * at a time; requests that need a newer one than the running read share the next read,
   * started when the running one ends.
   */
  private CompletableFuture<SyncSnapshot> snapshotAsync(long minVersion) {
    if (snapshot != null && snapshot.version() >= minVersion) {
      return CompletableFuture.completedFuture(snapshot);
    }
    org.brightchain.net.spi.MetadataStore store = settings.metadataStore();
    if (store.size() <= INLINE_SNAPSHOT) {
      snapshot = buildSnapshot(store, metadataVersion);
      return CompletableFuture.completedFuture(snapshot);
    }
    if (building != null && buildingVersion >= minVersion) {
      return building;
    }
    if (building != null) {
      if (nextBuild == null) {
        nextBuild = new CompletableFuture<>();
      }
      return nextBuild; // started, at the then current version, when the running read ends
    }
    startBuild(store);
    return building;
  }

  private void startBuild(org.brightchain.net.spi.MetadataStore store) {
    if (syncThread == null) {
      syncThread =
          java.util.concurrent.Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "brightchain-sync-" + self.shortId());
                t.setDaemon(true);
                return t;
              });
    }
    long version = metadataVersion;
    buildingVersion = version;
    CompletableFuture<SyncSnapshot> f = new CompletableFuture<>();
    building = f;
    CompletableFuture.supplyAsync(() -> buildSnapshot(store, version), syncThread)
        .whenCompleteAsync( // back on the scheduler, whatever the outcome
            (snap, err) -> {
              if (snap != null && (snapshot == null || snapshot.version() <= snap.version())) {
                snapshot = snap;
              }
              if (building == f) {
                building = null;
              }
              CompletableFuture<SyncSnapshot> waiting = nextBuild;
              nextBuild = null;
              if (waiting != null && running) {
                startBuild(store);
                building.whenComplete((s2, e2) -> {
                  if (e2 != null) {
                    waiting.completeExceptionally(e2);
                  } else {
                    waiting.complete(s2);
                  }
                });
              } else if (waiting != null) {
                waiting.completeExceptionally(new IllegalStateException("node stopped"));
              }
              if (err != null) {
                log.warn("reading the metadata for reconciliation failed: {}", rootMessage(err));
                f.completeExceptionally(err);
              } else {
                f.complete(snap);
              }
            },
            scheduler::execute);
  }

  /** Reads every block's item from {@code store}. Any thread. */
  private static SyncSnapshot buildSnapshot(org.brightchain.net.spi.MetadataStore store, long version) {
    long size = store.size();
    SyncStorage.Builder b = SyncStorage.builder((int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, size)));
    Map<ItemId, BlockId> blocks = new HashMap<>((int) Math.min(1 << 28, size * 4 / 3 + 16));
    BlockId from = null;
    int page = 4096;
    while (true) {
      List<BlockMetadata> got = store.scan(from, page + 1);
      int start = from == null ? 0 : 1; // the first entry of a later page is the last of the one before
      for (int i = start; i < got.size(); i++) {
        BlockMetadata m = got.get(i);
        SyncItem item = SyncItem.of(m);
        b.add(item);
        blocks.put(item.id(), m.blockId());
      }
      if (got.size() < page + 1) {
        break;
      }
      from = got.get(got.size() - 1).blockId();
    }
    return new SyncSnapshot(version, b.build(), blocks);
  }

  /** Starts (or joins) a reconciliation with {@code peer}. Scheduler only. */
  CompletableFuture<SyncResult> syncWith(NodeId peer) {
    SyncRun current = syncing.get(peer);
    if (current != null) {
      return current.future;
    }
    Peer p = peers.get(peer);
    if (p == null || p.connection == null || !p.connection.isOpen()) {
      return CompletableFuture.failedFuture(new ConnectException("peer " + peer.shortId() + " is not connected"));
    }
    String session = "s" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    SyncRun run = new SyncRun(peer, session);
    syncing.put(peer, run);
    run.deadline =
        scheduler.schedule(
            () -> run.future.completeExceptionally(new TimeoutException("sync with " + peer.shortId() + ": not done within " + syncConfig.timeout())),
            syncConfig.timeout());
    run.future.whenComplete(
        (r, err) -> {
          run.deadline.cancel();
          syncing.remove(peer, run);
          if (err != null) {
            syncsFailed.incrementAndGet();
            syncAgain.remove(peer); // the retry reads a fresh snapshot
            log.info("sync with {} failed: {}", peer.shortId(), rootMessage(err));
            if (owedSync.contains(peer) && running) {
              scheduler.schedule(() -> { if (owedSync.contains(peer)) { syncSoon(peer); } }, SYNC_RETRY);
            }
          } else if (syncAgain.remove(peer) && running) {
            syncsCompleted.incrementAndGet();
            syncSoon(peer); // batches were lost while it ran
          } else {
            owedSync.remove(peer);
            syncsCompleted.incrementAndGet();
            log.debug("sync with {}: {}", peer.shortId(), r);
          }
        });
    snapshotAsync()
        .whenComplete(
            (snap, err) -> {
              if (run.future.isDone()) {
                return;
              }
              if (err != null) {
                run.future.completeExceptionally(err);
                return;
              }
              run.begin(snap);
              syncStep(run, BlockSyncRequest.reconcile(session, base64(run.reconciler.initiate())));
            });
    return run.future;
  }

  /** Reconciles soon with a peer that may have missed batches, and again until it succeeds. */
  private void syncSoon(NodeId peer) {
    if (peer == null) {
      return;
    }
    Peer p = peers.get(peer);
    if (p == null || p.connection == null || !p.connection.isOpen()) {
      owedSync.remove(peer); // reconciled when it connects again
      return;
    }
    owedSync.add(peer);
    if (syncing.containsKey(peer)) {
      // The running one read its snapshot before this loss: reconcile once more after it.
      syncAgain.add(peer);
      return;
    }
    scheduler.execute(() -> {
      if (running) {
        syncWith(peer);
      }
    });
  }

  private void syncStep(SyncRun run, EventPayload message) {
    if (run.future.isDone()) {
      return;
    }
    request(run.peer, message, stepTimeout())
        .whenComplete(
            (env, err) -> {
              if (err != null) {
                run.future.completeExceptionally(err);
                return;
              }
              try {
                syncAnswered(run, env);
              } catch (SyncException | RuntimeException e) {
                run.future.completeExceptionally(e);
              }
            });
  }

  private void syncAnswered(SyncRun run, Envelope env) throws SyncException {
    if (run.future.isDone()) {
      return;
    }
    EventPayload data = env.message().payload().data();
    if (data instanceof Ack a) {
      if (!run.reconciler.isComplete() || !a.ok()) {
        throw new SyncException("peer answered " + (a.ok() ? "without sync data" : a.error()));
      }
      pushNext(run, new ArrayList<>(run.reconciler.have()), 0);
      return;
    }
    if (!(data instanceof MetadataSync ms) || !ms.session().equals(run.session)) {
      throw new SyncException("unexpected answer " + data.type().wireName());
    }
    run.received += ms.entries().size();
    syncEntriesReceived.addAndGet(ms.entries().size());
    run.changed += mergeMetadata(ms.entries());
    if (!run.reconciler.isComplete()) {
      if (ms.reconcile().isEmpty()) {
        throw new SyncException("peer stopped before the reconciliation ended");
      }
      Optional<byte[]> next = run.reconciler.reconcile(Base64.getDecoder().decode(ms.reconcile()));
      if (next.isPresent()) {
        syncStep(run, BlockSyncRequest.reconcile(run.session, base64(next.get())));
        return;
      }
    }
    // Done: fetch the rest of what the peer found we lack, then send what it lacks.
    if (run.received < run.reconciler.need().size() && !ms.entries().isEmpty()) {
      syncStep(run, new BlockSyncRequest(List.of(), run.session, ""));
      return;
    }
    pushNext(run, new ArrayList<>(run.reconciler.have()), 0);
  }

  /** Sends the peer, chunk by chunk, the metadata of the items it lacks; then completes. */
  private void pushNext(SyncRun run, List<ItemId> have, int from) {
    if (run.future.isDone()) {
      return; // failed or timed out meanwhile
    }
    List<BlockMetadata> chunk = new ArrayList<>();
    int i = from;
    long bytes = 0;
    while (i < have.size() && chunk.size() < MetadataSync.MAX_ENTRIES && bytes < syncChunkBytes()) {
      BlockId id = run.snap.blocks().get(have.get(i++));
      BlockMetadata m = id == null ? null : settings.metadataStore().get(id).orElse(null);
      if (m != null) {
        chunk.add(m);
        bytes += estimateBytes(m);
      }
    }
    if (chunk.isEmpty()) {
      run.future.complete(
          new SyncResult(
              run.peer,
              run.snap.storage().size(),
              run.reconciler.messages(),
              run.reconciler.bytesSent(),
              run.reconciler.bytesReceived(),
              run.sent,
              run.received,
              run.changed,
              Duration.ofNanos(System.nanoTime() - run.startNanos)));
      return;
    }
    run.sent += chunk.size();
    int next = i;
    request(run.peer, new MetadataSync(chunk, run.session, ""), stepTimeout())
        .whenComplete(
            (env, err) -> {
              if (err != null) {
                run.future.completeExceptionally(err);
              } else {
                pushNext(run, have, next);
              }
            });
  }

  /**
   * Answers one step of a reconciliation started by {@code who} (a peer's node id, or an HTTP
   * session): the next message, and the entries found so far that the asker lacks; or {@code
   * null} if a new session needs a snapshot of a large store that is being read (ask again).
   *
   * @throws SyncException if the message is malformed or does not fit the session
   */
  MetadataSync answerSync(String who, BlockSyncRequest r) throws SyncException {
    String key = who + "/" + r.session();
    SyncSession s = syncSessions.get(key);
    if (s == null) {
      if (r.reconcile().isEmpty()) {
        return new MetadataSync(List.of(), r.session(), ""); // over, or never was: nothing more
      }
      // One asker holds at most two sessions: a new one replaces its oldest.
      String prefix = who + "/";
      String oldest = null;
      int mine = 0;
      for (String k : syncSessions.keySet()) {
        if (k.startsWith(prefix)) {
          mine++;
          oldest = oldest == null ? k : oldest;
        }
      }
      if (mine >= MAX_SESSIONS_PER_ASKER && oldest != null) {
        SyncSession gone = syncSessions.remove(oldest);
        gone.expiry.cancel();
      }
      if (syncSessions.size() >= MAX_SYNC_SESSIONS) {
        throw new SyncException("busy: " + MAX_SYNC_SESSIONS + " reconciliations in progress, try again later");
      }
      // The snapshot must hold every change made before the session was asked for.
      Long since = awaitingSnapshot.get(key);
      if (since == null) {
        since = metadataVersion;
        awaitingSnapshot.put(key, since);
      }
      CompletableFuture<SyncSnapshot> snap = snapshotAsync(since);
      if (!snap.isDone()) {
        return null; // a large store is being read: ask again when it is
      }
      awaitingSnapshot.remove(key);
      if (snap.isCompletedExceptionally()) {
        throw new SyncException("cannot read this node's metadata now; try again later");
      }
      s = new SyncSession(snap.join());
      syncSessions.put(key, s);
      SyncSession fs = s;
      s.expiry = scheduler.schedule(() -> syncSessions.remove(key, fs), SESSION_IDLE);
    }
    return step(key, s, r);
  }

  /**
   * {@link #answerSync}, waiting for the snapshot a new session needs instead of refusing.
   * Completes on the scheduler.
   */
  CompletableFuture<MetadataSync> answerSyncWhenReady(String who, BlockSyncRequest r) {
    try {
      MetadataSync answer = answerSync(who, r);
      if (answer != null) {
        return CompletableFuture.completedFuture(answer);
      }
      Long since = awaitingSnapshot.get(who + "/" + r.session());
      return snapshotAsync(since == null ? metadataVersion : since).thenCompose(x -> answerSyncWhenReady(who, r));
    } catch (SyncException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private MetadataSync step(String key, SyncSession s, BlockSyncRequest r) throws SyncException {
    s.expiry.cancel();
    s.expiry = scheduler.schedule(() -> syncSessions.remove(key, s), SESSION_IDLE);
    String next = "";
    if (!r.reconcile().isEmpty()) {
      try {
        next = s.reconciler.reconcile(Base64.getDecoder().decode(r.reconcile())).map(NodeEngine::base64).orElse("");
      } catch (SyncException e) {
        syncSessions.remove(key);
        s.expiry.cancel();
        syncsFailed.incrementAndGet();
        throw e;
      }
    }
    List<BlockMetadata> entries = new ArrayList<>();
    long bytes = 0;
    boolean more = false;
    for (ItemId id : s.reconciler.have()) {
      if (s.sent.contains(id)) {
        continue;
      }
      if (entries.size() >= MetadataSync.MAX_ENTRIES || bytes >= syncChunkBytes()) {
        more = true;
        break;
      }
      s.sent.add(id);
      BlockId block = s.snap.blocks().get(id);
      BlockMetadata m = block == null ? null : settings.metadataStore().get(block).orElse(null);
      if (m != null) {
        entries.add(m);
        bytes += estimateBytes(m);
      }
    }
    if (s.reconciler.isComplete() && !more) {
      syncSessions.remove(key);
      s.expiry.cancel();
      syncsCompleted.incrementAndGet();
    }
    return new MetadataSync(entries, r.session(), next);
  }

  /** Starts background reconciliation: every interval, with one connected peer at random. */
  private void scheduleBackgroundSync() {
    if (syncConfig.interval().isZero() || !running) {
      return;
    }
    syncTimer =
        scheduler.schedule(
            () -> {
              List<NodeId> candidates = new ArrayList<>();
              for (Connection c : connections.values()) {
                if (c.peerId != null && c.conn.isOpen()) {
                  candidates.add(c.peerId);
                }
              }
              if (!candidates.isEmpty()) {
                syncWith(candidates.get(random.nextInt(candidates.size())));
              }
              scheduleBackgroundSync();
            },
            syncConfig.interval());
  }

  /** Entry budget of one metadata:sync message: a third of the frame limit, at most 512 KiB. */
  private long syncChunkBytes() {
    return Math.min(SYNC_CHUNK_BYTES, Math.max(4 * 1024, settings.transport().maxFrameBytes() / 3));
  }

  /** How long one reconciliation message waits for its answer. */
  private Duration stepTimeout() {
    Duration t = channel.requestTimeout();
    return t.compareTo(syncConfig.timeout()) < 0 ? t : syncConfig.timeout();
  }

  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  // ------------------------------------------------------------------ events from REST

  /** Outcome of an event posted over HTTP. */
  enum Accepted {
    ACCEPTED,
    DUPLICATE
  }

  /**
   * Takes an event posted to {@code POST /events}: checked exactly like a WebSocket frame, then
   * applied and passed on.
   *
   * @throws IllegalArgumentException with the reason if it is refused
   */
  Accepted acceptPosted(SignedMessage m) {
    Envelope e = Envelope.of(m);
    if (m.recipient() != null && !m.recipient().equals(self)) {
      throw new IllegalArgumentException("message addressed to another node");
    }
    byte[] signed = MessageSigning.signedBytes(m, MessageSigning.purposeFor(m.payload().type()));
    ByteBuffer id = ByteBuffer.wrap(MessageSigning.messageId(signed));
    if (seen.getIfPresent(id) != null) {
      duplicates.incrementAndGet();
      return Accepted.DUPLICATE;
    }
    String stale = outsideWindow(m, 0);
    if (stale != null) {
      messagesRejected.incrementAndGet();
      throw new IllegalArgumentException(stale);
    }
    MessageSigning.Verdict verdict = MessageSigning.verify(m, signed);
    if (verdict != MessageSigning.Verdict.VALID) {
      messagesRejected.incrementAndGet();
      throw new IllegalArgumentException("bad signature (" + verdict.name().toLowerCase(Locale.ROOT) + ")");
    }
    if (seen.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
      return Accepted.DUPLICATE;
    }
    if (m.payload().sender().equals(self)) {
      return Accepted.DUPLICATE;
    }
    observe(m.payload().timestamp());
    apply(null, m, e.requestId());
    emit(l -> l.messageReceived(m));
    if (m.recipient() == null && relayed(m.payload()) && !(m.payload().data() instanceof BatchUpdate)) {
      relay(m, null);
    }
    return Accepted.ACCEPTED;
  }

  // ------------------------------------------------------------------ heartbeats

  private void scheduleHeartbeat(Connection c) {
    if (c.conn.receiveOnly()) {
      return;
    }
    c.heartbeat = scheduler.schedule(() -> heartbeat(c), channel.heartbeatInterval());
  }

  private void heartbeat(Connection c) {
    if (!running || !c.conn.isOpen() || connections.get(c.conn.id()) != c) {
      return;
    }
    long nonce = random.nextLong() & org.brightchain.net.internal.Values.MAX_SAFE_INTEGER;
    c.pingNonce = nonce;
    c.pingSentNanos = nanos();
    send(c, new Outgoing(Envelope.of(sign(new Ping(nonce), stamp(), c.peerId))));
    c.pingTimeout =
        scheduler.schedule(
            () -> {
              if (c.pingNonce == nonce) {
                missed(c);
              }
            },
            channel.heartbeatTimeout());
    c.heartbeat = scheduler.schedule(() -> heartbeat(c), channel.heartbeatInterval());
  }

  private long nanos() {
    Instant now = settings.clock().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void missed(Connection c) {
    c.pingNonce = -1;
    Peer p = c.peerId == null ? null : peers.get(c.peerId);
    if (p == null || p.connection != c.conn) {
      return;
    }
    p.misses++;
    log.info("peer {} missed heartbeat {} of {}", p.id.shortId(), p.misses, channel.heartbeatMisses());
    if (p.misses >= channel.heartbeatMisses()) {
      c.conn.close(1001, "heartbeat timeout");
      // connectionClosed marks it OFFLINE and redials
    } else if (p.info.status() == PeerStatusType.ACTIVE) {
      setStatus(p, PeerStatusType.PENDING);
    }
  }

  private void onPong(Connection c, Pong pong) {
    if (pong.nonce() != c.pingNonce) {
      return; // late or unsolicited
    }
    c.pingNonce = -1;
    if (c.pingTimeout != null) {
      c.pingTimeout.cancel();
    }
    long rttMs = Math.max(0, (nanos() - c.pingSentNanos) / 1_000_000);
    Peer p = c.peerId == null ? null : peers.get(c.peerId);
    if (p != null && p.connection == c.conn) {
      p.misses = 0;
      p.info = p.info.withRtt(rttMs);
      if (p.info.status() != PeerStatusType.ACTIVE) {
        setStatus(p, PeerStatusType.ACTIVE);
      }
    }
  }

  // ------------------------------------------------------------------ outbound

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

  private SignedMessage sign(EventPayload payload, long ts, NodeId recipient) {
    WSMessage w = WSMessage.of(payload, ts, self);
    String purpose = MessageSigning.purposeFor(payload.type());
    SignedMessage m = MessageSigning.sign(settings.identity(), purpose, w, ts, recipient);
    seen.put(ByteBuffer.wrap(MessageSigning.messageId(MessageSigning.signedBytes(m, purpose))), Boolean.TRUE);
    return m;
  }

  private List<CompletableFuture<Void>> broadcastNow(EventPayload payload, Long ts) {
    return fanOut(sign(payload, ts == null ? stamp() : ts, null), null);
  }

  private void relay(SignedMessage m, Connection from) {
    if (m.payload().data() instanceof BatchUpdate) {
      sendBatch(m, from); // acknowledged hop by hop, not logged
      return;
    }
    fanOut(m, from);
  }

  /** Logs an event under the next sequence number and sends it to every connection that wants it. */
  private List<CompletableFuture<Void>> fanOut(SignedMessage m, Connection from) {
    long seq = replayLog.nextSequence();
    Outgoing out = new Outgoing(new Envelope(m, seq, "", ""));
    replayLog.append(out);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Connection c : connections.values()) {
      if (c != from && !c.held && (c.peerId == null || !c.peerId.equals(m.nodeId())) && c.filter.matches(m.payload().data())) {
        sent.add(send(c, out));
      }
    }
    return sent;
  }

  /** Sends the logged events after {@code after} that the connection wants, in order. */
  private void replay(Connection c, long after) {
    long oldest = replayLog.oldest();
    long next = replayLog.nextSequence();
    if (after >= next - 1) {
      return; // nothing missed
    }
    if (after + 1 < oldest) {
      gapsReported.incrementAndGet();
      log.info("connection {} asked to resume after {}, oldest logged is {}: gap reported", c.conn.id(), after, oldest);
      send(c, new Outgoing(Envelope.of(sign(new Gap(after, oldest), stamp(), c.peerId))));
    }
    int n = 0;
    for (ReplayLog.Entry entry : replayLog.after(after)) {
      Outgoing out = (Outgoing) entry.event();
      SignedMessage m = out.envelope.message();
      if ((c.peerId == null || !c.peerId.equals(m.nodeId())) && c.filter.matches(m.payload().data())) {
        send(c, out);
        n++;
      }
    }
    log.debug("replayed {} events to {}", n, c.conn.id());
  }

  /** Ends the hold of a dialled connection: replay what the other side asks for, then go live. */
  private void release(Connection c, long after) {
    if (!c.held) {
      if (after > 0) {
        replay(c, after); // a later resume request: honour it too
      }
      return;
    }
    c.held = false;
    if (c.resumeTimer != null) {
      c.resumeTimer.cancel();
    }
    // Live events logged while holding are due in any case.
    replay(c, after > 0 ? after : c.heldFrom);
  }

  private CompletableFuture<Void> send(Connection c, Outgoing out) {
    if (!c.conn.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    return c.conn.send(out.frame(c.frameType)).exceptionally(err -> null);
  }

  private void failPending(Connection c, Exception cause) {
    Iterator<Map.Entry<String, PendingRequest>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      PendingRequest r = it.next().getValue();
      if (c == null || r.connection == c) {
        it.remove();
        if (r.timeout != null) {
          r.timeout.cancel();
        }
        r.future.completeExceptionally(cause);
      }
    }
  }

  // ------------------------------------------------------------------ dialling

  private DialTarget target(String host, int port, boolean isStatic) {
    return targets.computeIfAbsent(DialTarget.key(host, port), k -> new DialTarget(host, port, isStatic));
  }

  private DialTarget targetOf(NodeId id) {
    for (DialTarget t : targets.values()) {
      if (id.equals(t.nodeId)) {
        return t;
      }
    }
    return null;
  }

  private void dial(DialTarget t) {
    if (!running || t.inFlight || t.isSelf) {
      return;
    }
    if (t.nodeId != null) {
      Peer p = peers.get(t.nodeId);
      if (p != null && p.connection != null && p.connection.isOpen()) {
        return;
      }
    }
    if (outboundGroupFull(t)) {
      // Spread outbound slots across networks: try again later, without counting a failure.
      if (t.retry == null) {
        t.retry = scheduler.schedule(() -> { t.retry = null; dial(t); }, channel.maxBackoff());
      }
      return;
    }
    t.inFlight = true;
    if (t.retry != null) {
      t.retry.cancel();
      t.retry = null;
    }
    // Ask the other side to replay what we missed from it while apart.
    long after = t.nodeId == null ? Resume.LIVE : lastSequence.getOrDefault(t.nodeId, Resume.LIVE);
    Map<String, String> params = after > 0 ? Map.of("resume", Long.toString(after)) : Map.of();
    transport
        .connect(t.host, t.port, params)
        .whenComplete(
            (conn, err) ->
                scheduler.execute(
                    () -> {
                      t.inFlight = false;
                      if (err != null) {
                        t.failures++;
                        log.info("could not reach {} (attempt {}): {}", t.key(), t.failures, rootMessage(err));
                        scheduleRedial(t);
                        return;
                      }
                      Connection c = connections.get(conn.id());
                      if (c != null) {
                        c.target = t;
                        if (c.peerId != null) {
                          t.nodeId = c.peerId; // identified before this callback ran
                        }
                      } else if (!conn.isOpen() && t.nodeId == null) {
                        // Closed before we saw it: if it was ourselves, the close said so.
                        log.debug("connection to {} closed at once", t.key());
                      }
                    }));
  }

  private void scheduleRedial(DialTarget t) {
    if (!running || t.isSelf) {
      return;
    }
    int max = settings.bootstrap().maxRetries();
    if (!t.isStatic && t.failures > max) {
      log.info("giving up on {} after {} attempts", t.key(), t.failures);
      Peer p = t.nodeId == null ? null : peers.get(t.nodeId);
      if (p != null && p.connection == null) {
        setStatus(p, PeerStatusType.OFFLINE);
      }
      targets.remove(t.key()); // forget it: a later hint or announce starts afresh
      return;
    }
    Duration delay = backoff(t.failures);
    if (t.retry != null) {
      t.retry.cancel();
    }
    t.retry =
        scheduler.schedule(
            () -> {
              t.retry = null;
              dial(t);
            },
            delay);
  }

  /**
   * Exponential backoff with full jitter: a uniform wait between a floor and {@code
   * min(cap, base * 2^failures)}, so that peers that lost the same node do not come back at the
   * same moment.
   */
  Duration backoff(int failures) {
    long base = settings.bootstrap().retryInterval().toMillis();
    long cap = Math.max(base, channel.maxBackoff().toMillis());
    long ceiling = Math.min(cap, base << Math.min(30, Math.max(0, failures)));
    long floor = Math.min(MIN_BACKOFF.toMillis(), ceiling);
    return Duration.ofMillis(floor + random.nextLong(Math.max(1, ceiling - floor + 1)));
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  private void setStatus(Peer p, PeerStatusType status) {
    PeerStatusType previous = p.info.status();
    if (previous == status) {
      return;
    }
    p.info = p.info.withStatus(status, p.info.lastSeen());
    if (status != PeerStatusType.ACTIVE && p.connectedSince >= 0) {
      p.connectedMs += settings.clock().millis() - p.connectedSince;
      p.connectedSince = -1;
    }
    recountActive();
    peersDirty = true;
    PeerInfo now = p.info;
    log.info("peer {} {} -> {}", p.id.shortId(), previous, status);
    emit(l -> l.peerStatusChanged(now, previous));
    publishPeerStatus(p);
  }

  /** Tells neighbours and subscribers how this node sees a peer now, as {@code node:status}. */
  private void publishPeerStatus(Peer p) {
    if (!running) {
      return;
    }
    NodeStatus s =
        switch (p.info.status()) {
          case ACTIVE -> NodeStatus.ONLINE;
          case PENDING -> NodeStatus.UNREACHABLE;
          case OFFLINE -> NodeStatus.OFFLINE;
        };
    broadcastNow(new NodeStatusUpdate(p.id, s), null);
  }

  private void emit(Consumer<NodeEventListener> event) {
    for (NodeEventListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        log.warn("listener {} failed", l.getClass().getName(), e);
      }
    }
  }

  static String hostOf(InetSocketAddress a) {
    InetAddress addr = a.getAddress();
    return addr != null ? addr.getHostAddress() : a.getHostString();
  }

  /** One open connection and what the node knows of it. Scheduler-confined. */
  private static final class Connection {
    final PeerConnection conn;
    volatile Frame.Type frameType;
    Subscription filter;
    NodeId peerId;
    DialTarget target;
    boolean lostDuplicate;
    boolean held;
    long heldFrom;
    boolean stable;
    long pingNonce = -1;
    long pingSentNanos;
    Scheduler.Cancellable resumeTimer;
    Scheduler.Cancellable stableTimer;
    Scheduler.Cancellable heartbeat;
    Scheduler.Cancellable pingTimeout;
    Scheduler.Cancellable handshakeTimer;
    /** Ours, sent on opening; the other side must sign it. */
    final Challenge challenge = Challenge.random();
    /** Whether we answered the other side's challenge. */
    boolean answered;
    /** The node that proved its key on this connection; null until then. */
    volatile NodeId authenticated;
    boolean closing;
    long lastRefusalMs = Long.MIN_VALUE / 2;
    /** Where the other side asked us to resume our log (inbound connections). */
    long resumeAfter;
    /** Batches sent on this connection and not yet acknowledged. */
    int unackedBatches;
    /** Batches waiting for the window of this connection to open. */
    final java.util.ArrayDeque<SignedMessage> queuedBatches = new java.util.ArrayDeque<>();

    Connection(PeerConnection conn, Subscription filter) {
      this.conn = conn;
      this.filter = filter;
      this.frameType = conn.preferredFrameType();
    }

    void cancelTimers() {
      for (Scheduler.Cancellable t : new Scheduler.Cancellable[] {resumeTimer, stableTimer, heartbeat, pingTimeout, handshakeTimer}) {
        if (t != null) {
          t.cancel();
        }
      }
    }
  }

  /** A request waiting for its answer. */
  private static final class PendingRequest {
    final Connection connection;
    final CompletableFuture<Envelope> future;
    Scheduler.Cancellable timeout;

    PendingRequest(Connection connection, CompletableFuture<Envelope> future) {
      this.connection = connection;
      this.future = future;
    }
  }

  /** A frame to send, encoded at most once per frame type however many peers get it. */
  private static final class Outgoing {
    final Envelope envelope;
    Frame binary;
    Frame text;

    Outgoing(Envelope envelope) {
      this.envelope = envelope;
    }

    Frame frame(Frame.Type type) {
      String label = envelope.message().payload().type().wireName();
      if (type == Frame.Type.TEXT) {
        if (text == null) {
          text = new Frame(Frame.Type.TEXT, JsonCodec.toJsonBytes(envelope), envelope.sequence(), label);
        }
        return text;
      }
      if (binary == null) {
        binary = new Frame(Frame.Type.BINARY, ProtoCodec.encodeEnvelope(envelope), envelope.sequence(), label);
      }
      return binary;
    }
  }
}
