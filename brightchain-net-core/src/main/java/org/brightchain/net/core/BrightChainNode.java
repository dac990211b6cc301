package org.brightchain.net.core;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.checkPort;
import static org.brightchain.net.internal.Checks.notNull;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeCapability;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.config.DiscoveryConfig;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.node.DataDirectories;
import org.brightchain.net.core.internal.node.NodeEngine;
import org.brightchain.net.core.internal.node.NodeSettings;
import org.brightchain.net.core.internal.node.Plugins;
import org.brightchain.net.core.internal.node.Providers;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.spi.BlockStore;
import org.brightchain.net.spi.ConnectionLimits;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.MetadataStore;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.NodePlugin;
import org.brightchain.net.spi.PortMapperProvider;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.TemperaturePolicy;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportProvider;
import org.brightchain.net.spi.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BrightChain network node inside a host application: the front door of the library.
 *
 * <h2>Starting a node</h2>
 *
 * <pre>{@code
 * try (BrightChainNode node = BrightChainNode.builder()
 *         .dataDirectory(Path.of("brightchain-data"))   // keeps the node's key
 *         .httpPort(4242)                                // REST and WebSocket (/ws)
 *         .addBootstrapNode("seed.example.org", 4242)
 *         .region("eu-west")
 *         .blockStore(myBlocks)
 *         .addListener(new NodeEventListener() {
 *           public void messageReceived(SignedMessage m) { ... }
 *         })
 *         .build()) {
 *   node.start().join();
 *   node.updateTemperature(blockId, DataTemperature.HOT).join();
 *   ...
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 *
 * <p>A started node serves the REST API of the design ({@code docs/openapi.yaml}) and the WebSocket
 * event channel ({@code docs/protocol.md}); dials its bootstrap nodes; announces itself to every
 * peer it connects to and tells it of its other peers; signs every message it sends; verifies every
 * message it receives exactly once, dropping bad ones with a log line and a counter; applies block
 * temperature, location and metadata changes to its {@link MetadataStore} field by field (each
 * field keeps its later version) and passes them on to its other peers; sends the host's changes in
 * signed, acknowledged batches ({@link Builder#batching}); and reconciles its metadata with each
 * peer it dials ({@link Builder#sync}). On {@link #stop()} it says goodbye ({@code node:leave})
 * before closing.
 *
 * <h2>Threads</h2>
 *
 * <p>All node state changes on one {@link Scheduler} (by default a daemon thread owned by the
 * node). Every method here may be called from any thread; the ones that change state return a
 * {@link CompletableFuture} completed on the scheduler.
 *
 * <p>A transport is required: add {@code brightchain-net-netty} to the class path (found through
 * {@link ServiceLoader}), or pass one to {@link Builder#transport(Transport)}.
 */
public final class BrightChainNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrightChainNode.class);

  private final NodeSettings settings;
  private final NodeEngine engine;
  private final Plugins plugins;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile CompletableFuture<Void> stopFuture;

  private enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPED
  }

  private BrightChainNode(
      NodeSettings settings, Transport transport, NatConfig natConfig, PortMapperProvider mappers) {
    this.settings = settings;
    this.engine =
        new NodeEngine(
            settings,
            transport,
            natConfig,
            () ->
                mappers == null
                    ? List.of()
                    : mappers.create(natConfig, settings.transport().host()));
    this.plugins = new Plugins(settings.plugins(), engine, this::publish);
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Binds the listeners, sets up plugins, and dials the bootstrap nodes.
   *
   * @return completes when the node is serving, or exceptionally (for example if a port is taken);
   *     a node starts once
   */
  public CompletableFuture<Void> start() {
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("start: node already " + state.get().name().toLowerCase()));
    }
    return engine
        .start()
        .thenCompose(v -> engine.onScheduler(plugins::setup))
        .<Void>thenApply(
            v -> {
              state.set(State.RUNNING);
              return null;
            })
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                state.set(State.STOPPED);
                shutdownScheduler();
              }
            });
  }

  /**
   * Says {@code node:leave} to every peer, closes every connection and listener, and closes
   * plugins. Idempotent: later calls return the same future.
   */
  public synchronized CompletableFuture<Void> stop() {
    if (stopFuture != null) {
      return stopFuture;
    }
    State previous = state.getAndSet(State.STOPPED);
    if (previous == State.NEW) {
      shutdownScheduler();
      stopFuture = CompletableFuture.completedFuture(null);
      return stopFuture;
    }
    // Mappings go first, while the transport still serves (the engine does that).
    stopFuture =
        engine
            .stop()
            .thenCompose(v -> engine.onScheduler(plugins::close))
            .<Void>thenApply(v -> null)
            .whenComplete((v, e) -> shutdownScheduler());
    return stopFuture;
  }

  /** Stops the node and waits for it, at most 10 seconds. */
  @Override
  public void close() {
    try {
      stop().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("node {} did not stop cleanly: {}", nodeId().shortId(), e.toString());
    }
  }

  private void shutdownScheduler() {
    if (settings.ownsScheduler() && settings.scheduler() instanceof Schedulers.ThreadScheduler t) {
      t.shutdown();
    }
  }

  // ------------------------------------------------------------------ reads

  /** This node's id. */
  public NodeId nodeId() {
    return settings.identity().nodeId();
  }

  /**
   * The operator token of this run: a request bearing {@code Authorization: Bearer <token>} acts as
   * the local operator. New at every start; also written to {@code operator.token} in the data
   * directory (owner-only) when the node has one, as Bitcoin Core does with its cookie.
   */
  public String operatorToken() {
    return engine.sessions().operatorToken();
  }

  /** Addresses the node dials or redials; for tests. */
  CompletableFuture<Integer> dialTargetCountForTests() {
    return engine.onScheduler(engine::dialTargetCount);
  }

  /** This node's identity (key pair). */
  public NodeIdentity identity() {
    return settings.identity();
  }

  /** What {@code GET /node/info} serves. */
  public NodeInfo info() {
    return engine.info();
  }

  /** The peer table, sorted by node id: what {@code GET /node/peers} serves. */
  public List<PeerInfo> peers() {
    return engine.peers();
  }

  /** One peer, if known. */
  public Optional<PeerInfo> peer(NodeId id) {
    return engine.peers().stream().filter(p -> p.nodeId().equals(id)).findFirst();
  }

  /** What {@code GET /node/status} serves: status, metrics and network health. */
  public NodeStatusReport status() {
    return engine.statusReport();
  }

  /** This node's counters. */
  public NodeMetrics metrics() {
    return engine.metrics();
  }

  /** The network as this node sees it. */
  public NetworkHealth health() {
    return engine.health();
  }

  /** The metadata this node has for a block. */
  public Optional<BlockMetadata> metadata(BlockId id) {
    return settings.metadataStore().get(id);
  }

  /**
   * The REST listener's address once started.
   *
   * @throws IllegalStateException before the node has started
   */
  public InetSocketAddress httpAddress() {
    return new InetSocketAddress(settings.transport().host(), requireStarted().httpPort());
  }

  /**
   * The WebSocket listener's address once started (its path is {@code /ws}).
   *
   * @throws IllegalStateException before the node has started
   */
  public InetSocketAddress wsAddress() {
    return new InetSocketAddress(settings.transport().host(), requireStarted().wsPort());
  }

  private NodeInfo requireStarted() {
    if (!engine.running()) {
      throw new IllegalStateException("node not running");
    }
    return engine.info();
  }

  // ------------------------------------------------------------------ changes

  /**
   * Sets a block's temperature here and tells the network ({@code block:temperature}).
   *
   * @return the block's metadata afterwards
   */
  public CompletableFuture<BlockMetadata> updateTemperature(BlockId id, DataTemperature t) {
    notNull(id, "id");
    notNull(t, "temperature");
    return whenRunning(() -> engine.updateTemperature(id, t, engine.self()));
  }

  /**
   * Tells the node a block was used (read, served, pinned...). The temperature policy (by default
   * {@link DecayingTemperaturePolicy}) may then change the block's temperature, which is set and
   * announced as with {@link #updateTemperature}.
   *
   * @return done once the access is recorded
   */
  public CompletableFuture<Void> recordAccess(BlockId id) {
    notNull(id, "id");
    return whenRunningDo(() -> engine.recordAccess(id));
  }

  /** Records a copy of a block and tells the network ({@code block:location}). */
  public CompletableFuture<BlockMetadata> addLocation(BlockId id, BlockLocation location) {
    notNull(id, "id");
    notNull(location, "location");
    return whenRunning(() -> engine.updateLocation(id, location, BlockLocationUpdate.Action.ADD));
  }

  /** Records that {@code holder} no longer has a block and tells the network. */
  public CompletableFuture<BlockMetadata> removeLocation(BlockId id, NodeId holder) {
    notNull(id, "id");
    notNull(holder, "holder");
    return whenRunning(
        () ->
            engine.updateLocation(
                id,
                BlockLocation.of(holder, settings.clock().instant(), false),
                BlockLocationUpdate.Action.REMOVE));
  }

  /**
   * Merges a block's metadata into this node's, field by field (each field keeps its later version;
   * see {@link BlockMetadata#mergedWith}), and tells the network what changed.
   *
   * @return the block's metadata afterwards; fails with {@link IllegalArgumentException} if a
   *     version of {@code metadata} lies further ahead of this node's clock than the replay window
   *     (it would pin its field and pull the node's clock ahead)
   */
  public CompletableFuture<BlockMetadata> updateMetadata(BlockMetadata metadata) {
    notNull(metadata, "metadata");
    return whenRunning(() -> engine.updateMetadata(metadata));
  }

  /**
   * Seals and sends the updates waiting for the next batch now, instead of at the end of the batch
   * interval.
   *
   * @return done once the batch is handed to the connections (not when peers acknowledge it)
   */
  public CompletableFuture<Void> flush() {
    return whenRunningDo(engine::flushBatch);
  }

  /**
   * Reconciles this node's block metadata with a connected peer now: both end with the union of
   * their metadata, each block merged field by field. Bytes exchanged grow with the number of
   * differences, not with the number of blocks ({@code docs/sync.md}).
   *
   * @return what the reconciliation did; fails with {@link java.net.ConnectException} if the peer
   *     is not connected, or {@link TimeoutException} after the sync timeout
   */
  public CompletableFuture<SyncResult> sync(NodeId peer) {
    notNull(peer, "peer");
    return whenRunning(() -> engine.syncWith(peer)).thenCompose(f -> f).thenApply(SyncResult::from);
  }

  /** Counters of batched updates and reconciliation since the node started. */
  public DeliveryStats deliveryStats() {
    return DeliveryStats.from(engine.counters());
  }

  /** Signs {@code payload} as this node and sends it to every connected peer. */
  public CompletableFuture<Void> publish(EventPayload payload) {
    notNull(payload, "payload");
    return whenRunningDo(() -> engine.broadcast(payload));
  }

  /**
   * Sends {@code payload} to one connected peer and completes with its answer: the reply's
   * envelope, whose message is a {@code system:ack} (or the type's own answer, such as {@code
   * metadata:sync} for {@code block:sync}). Fails with {@link java.net.ConnectException} if the
   * peer is not connected and with {@link java.util.concurrent.TimeoutException} after {@code
   * timeout}. A request that reaches the peer twice is applied once and acknowledged twice.
   */
  public CompletableFuture<org.brightchain.net.message.Envelope> request(
      NodeId peer, EventPayload payload, Duration timeout) {
    notNull(peer, "peer");
    notNull(payload, "payload");
    notNull(timeout, "timeout");
    return whenRunning(() -> engine.request(peer, payload, timeout)).thenCompose(f -> f);
  }

  /** {@link #request(NodeId, EventPayload, Duration)} with the builder's request timeout. */
  public CompletableFuture<org.brightchain.net.message.Envelope> request(
      NodeId peer, EventPayload payload) {
    return request(peer, payload, engine.defaultRequestTimeout());
  }

  /** Dials a peer's WebSocket at {@code host:port}, unless already connected to it. */
  public CompletableFuture<Void> connect(String host, int port) {
    notNull(host, "host");
    checkArgument(port > 0 && port <= 65535, "port: %s (expected: 1-65535)", port);
    return engine.onScheduler(() -> engine.connect(host, port)).thenApply(v -> null);
  }

  /**
   * Closes the connection to a peer and stops redialling it.
   *
   * @return true if the peer was known
   */
  public CompletableFuture<Boolean> disconnect(NodeId id) {
    notNull(id, "id");
    return whenRunning(() -> engine.disconnect(id));
  }

  /** The engine, for tests in this package. */
  NodeEngine engineForTests() {
    return engine;
  }

  /** Runs {@code work} on the scheduler if the node is running; else a failed future. */
  private <T> CompletableFuture<T> whenRunning(java.util.function.Supplier<T> work) {
    CompletableFuture<T> refused = notRunning();
    return refused != null ? refused : engine.onScheduler(work);
  }

  /** {@link #whenRunning} for work without a result. */
  private CompletableFuture<Void> whenRunningDo(Runnable work) {
    return whenRunning(
        () -> {
          work.run();
          return null;
        });
  }

  /** A failed future if the node is not running (changes need a started, unstopped node). */
  private <T> CompletableFuture<T> notRunning() {
    State s = state.get();
    if (engine.running() && s != State.STOPPED) {
      return null;
    }
    return CompletableFuture.failedFuture(
        new IllegalStateException("node " + (s == State.STOPPED ? "stopped" : "not started")));
  }

  /** Adds a listener; it sees events from now on. */
  public void addListener(NodeEventListener listener) {
    engine.addListener(notNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(NodeEventListener listener) {
    engine.removeListener(listener);
  }

  @Override
  public String toString() {
    return "BrightChainNode[" + nodeId() + ", " + state.get().name().toLowerCase() + "]";
  }

  // ------------------------------------------------------------------ builder

  /**
   * Settings of a node. Every setter validates at once and says its default; {@link #build()}
   * freezes them. Not thread-safe.
   */
  public static final class Builder {
    private NodeIdentity identity;
    private Path dataDirectory;
    private String host = "0.0.0.0";
    private int httpPort = 4242;
    private Integer wsPort;
    private String advertisedAddress = "";
    private String region;
    private final Set<String> capabilities =
        new LinkedHashSet<>(
            List.of(
                NodeCapability.ROUTING.wireName(),
                NodeCapability.METADATA.wireName(),
                NodeCapability.TEMPERATURE.wireName()));
    private final List<BootstrapConfig.Node> bootstrapNodes = new ArrayList<>();
    private Duration bootstrapRetryInterval = Duration.ofSeconds(2);
    private int bootstrapMaxRetries = 10;
    private BlockStore blockStore;
    private MetadataStore metadataStore;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private Transport transport;
    private TransportProvider transportProvider;
    private int maxBodyBytes = 1 << 20;
    private int maxFrameBytes = 1 << 20;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private final List<NodeEventListener> listeners = new ArrayList<>();
    private final List<NodePlugin> plugins = new ArrayList<>();
    private boolean loadPlugins;
    private org.brightchain.net.config.BatchConfig batching =
        org.brightchain.net.config.BatchConfig.defaults();
    private org.brightchain.net.config.SyncConfig sync =
        org.brightchain.net.config.SyncConfig.defaults();
    private NatConfig natConfig = NatConfig.defaults();
    private boolean natSet;
    private PortMapperProvider portMapperProvider;
    private NodeSettings.Channel channel = NodeSettings.Channel.defaults();
    private SecurityConfig security = SecurityConfig.defaults();
    private DiscoverySettings discovery = DiscoverySettings.defaults();
    private final List<DiscoveryProvider> discoveryProvidersAdded = new ArrayList<>();
    private boolean loadDiscoveryProviders = true;
    private TemperaturePolicy temperaturePolicy;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxConnections = 10_000;
    private int maxQueuedBytes = 4 << 20;
    private TransportSettings.SlowConsumerPolicy slowConsumerPolicy =
        TransportSettings.SlowConsumerPolicy.DISCONNECT;
    private ConnectionLimits connectionLimits = ConnectionLimits.defaults();
    private java.util.concurrent.Executor backgroundExecutor;

    private Builder() {}

    /**
     * How the node defends itself: handshake deadline, replay window, rate limits and blacklist,
     * token lifetime, public reads. Default: {@link SecurityConfig#defaults()}; see {@code
     * docs/security.md}.
     */
    public Builder security(SecurityConfig config) {
      this.security = notNull(config, "security");
      return this;
    }

    /**
     * How the node finds peers besides its bootstrap nodes: LAN multicast (off by default), DNS
     * seeds, the DNS server, the size of the peer table. See {@code docs/discovery.md}.
     */
    public Builder discovery(DiscoverySettings settings) {
      this.discovery = notNull(settings, "discovery");
      return this;
    }

    /**
     * How block accesses ({@link BrightChainNode#recordAccess}) turn into temperatures. Default:
     * {@link DecayingTemperaturePolicy#defaults()}, a fresh one for each node.
     */
    public Builder temperaturePolicy(TemperaturePolicy policy) {
      this.temperaturePolicy = notNull(policy, "temperaturePolicy");
      return this;
    }

    /**
     * Turns LAN multicast discovery on with {@code config} (needs {@code brightchain-net-netty}).
     */
    public Builder multicast(DiscoveryConfig config) {
      this.discovery = discovery.withMulticast(notNull(config, "multicast"));
      return this;
    }

    /** DNS names that list nodes, consulted while the node has too few peers. */
    public Builder dnsSeeds(DnsSeedsConfig seeds) {
      this.discovery = discovery.withDnsSeeds(notNull(seeds, "dnsSeeds"));
      return this;
    }

    /**
     * Adds a discovery provider. Providers found through {@link java.util.ServiceLoader} are added
     * too, unless {@link #loadDiscoveryProviders(boolean)} says not to. A provider that fails to
     * start is logged and skipped.
     */
    public Builder addDiscoveryProvider(DiscoveryProvider provider) {
      discoveryProvidersAdded.add(notNull(provider, "provider"));
      return this;
    }

    /**
     * Whether to add the discovery providers found through {@link java.util.ServiceLoader} (default
     * true).
     */
    public Builder loadDiscoveryProviders(boolean load) {
      this.loadDiscoveryProviders = load;
      return this;
    }

    /** The rate limit per remote address and per node; shorthand for {@link #security}. */
    public Builder rateLimit(RateLimitConfig limit) {
      this.security = security.withRateLimit(notNull(limit, "rateLimit"));
      return this;
    }

    /**
     * Per-address and per-subnet connection caps, the absolute deadline for request headers and the
     * WebSocket handshake, and the header size limit. Default: {@link ConnectionLimits#defaults()}.
     */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.connectionLimits = notNull(limits, "connectionLimits");
      return this;
    }

    /**
     * The node's key pair. Default: loaded from (or created in) the data directory, if set; else a
     * new one each start.
     */
    public Builder identity(NodeIdentity identity) {
      this.identity = notNull(identity, "identity");
      return this;
    }

    /**
     * Directory for the node's files: the key file {@code node.key}, created on first start,
     * readable by the owner only. Default: none (a fresh identity each run).
     */
    public Builder dataDirectory(Path dir) {
      this.dataDirectory = notNull(dir, "dataDirectory");
      return this;
    }

    /** Address to bind. Default {@code 0.0.0.0}. */
    public Builder host(String host) {
      this.host = HostNames.check(notNull(host, "host"), "host");
      return this;
    }

    /** REST port; 0 picks a free one. Default 4242. */
    public Builder httpPort(int port) {
      this.httpPort = checkPort(port, "httpPort");
      return this;
    }

    /**
     * WebSocket port. Default: the HTTP port, one listener serving both with WebSocket at {@code
     * /ws}.
     */
    public Builder wsPort(int port) {
      this.wsPort = checkPort(port, "wsPort");
      return this;
    }

    /**
     * Address peers should use to reach this node. Default: empty, meaning each peer uses the
     * address it sees this node's connections come from.
     */
    public Builder advertisedAddress(String address) {
      this.advertisedAddress =
          HostNames.checkOrEmpty(notNull(address, "advertisedAddress"), "advertisedAddress");
      return this;
    }

    /** Region name counted by network health. Default: none ({@code unknown}). */
    public Builder region(String region) {
      notNull(region, "region");
      checkArgument(
          !region.isBlank() && region.length() <= 64,
          "region: '%s' (expected: 1-64 characters)",
          region);
      this.region = region;
      return this;
    }

    /** Capabilities announced. Default: routing, metadata, temperature. */
    public Builder capabilities(Set<NodeCapability> caps) {
      capabilities.clear();
      notNull(caps, "capabilities").forEach(c -> capabilities.add(c.wireName()));
      return this;
    }

    /** Adds a static bootstrap node (retried forever). Default: none. */
    public Builder addBootstrapNode(String host, int port) {
      bootstrapNodes.add(new BootstrapConfig.Node(host, port, true));
      return this;
    }

    /**
     * Replaces the bootstrap configuration. Default: no nodes, retry every 2 s doubling up to 60 s,
     * 10 retries for non-static peers.
     */
    public Builder bootstrap(BootstrapConfig config) {
      notNull(config, "bootstrap");
      bootstrapNodes.clear();
      bootstrapNodes.addAll(config.nodes());
      bootstrapRetryInterval = config.retryInterval();
      bootstrapMaxRetries = config.maxRetries();
      return this;
    }

    /** The host's blocks, served by {@code GET /blocks/:id}. Default: an empty store. */
    public Builder blockStore(BlockStore store) {
      this.blockStore = notNull(store, "blockStore");
      return this;
    }

    /** Where block metadata is kept. Default: a new {@link InMemoryMetadataStore}. */
    public Builder metadataStore(MetadataStore store) {
      this.metadataStore = notNull(store, "metadataStore");
      return this;
    }

    /** The node's clock. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = notNull(clock, "clock");
      return this;
    }

    /**
     * Where the node runs its work; must run tasks one at a time. Default: a daemon thread owned
     * and shut down by the node.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = notNull(scheduler, "scheduler");
      return this;
    }

    /** The transport to use. Default: the highest-priority {@link TransportProvider} found. */
    public Builder transport(Transport transport) {
      this.transport = notNull(transport, "transport");
      return this;
    }

    /** The transport provider to use. Default: found through {@link ServiceLoader}. */
    public Builder transportProvider(TransportProvider provider) {
      this.transportProvider = notNull(provider, "transportProvider");
      return this;
    }

    /** Largest REST body accepted; larger gets 413. Default 1 MiB. */
    public Builder maxBodyBytes(int bytes) {
      checkArgument(bytes > 0, "maxBodyBytes: %s (expected: > 0)", bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Largest WebSocket message accepted; larger closes the connection with 1009. Default 1 MiB.
     */
    public Builder maxFrameBytes(int bytes) {
      checkArgument(bytes > 0, "maxFrameBytes: %s (expected: > 0)", bytes);
      this.maxFrameBytes = bytes;
      return this;
    }

    /** Time allowed to open a connection to a peer. Default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      notNull(timeout, "connectTimeout");
      checkArgument(
          !timeout.isNegative() && !timeout.isZero(),
          "connectTimeout: %s (expected: > 0)",
          timeout);
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Heartbeats: a ping to every peer each {@code interval}, answered within {@code timeout}; one
     * miss makes the peer PENDING, {@code misses} in a row OFFLINE (and disconnected). Default 5 s,
     * 2 s, 3 (BrightChain's).
     */
    public Builder heartbeat(Duration interval, Duration timeout, int misses) {
      checkPositive(interval, "heartbeat interval");
      checkPositive(timeout, "heartbeat timeout");
      checkArgument(
          timeout.compareTo(interval) <= 0,
          "heartbeat timeout: %s (expected: <= interval %s)",
          timeout,
          interval);
      checkArgument(misses > 0, "heartbeat misses: %s (expected: > 0)", misses);
      channel = channel.withHeartbeat(interval, timeout, misses);
      return this;
    }

    /**
     * Events kept for peers that reconnect: a peer away for fewer events than this gets exactly the
     * ones it missed; one away longer is told of the gap and catches up by metadata sync. Default
     * 10,000.
     */
    public Builder replayLogSize(int events) {
      checkArgument(events > 0, "replayLogSize: %s (expected: > 0)", events);
      channel = channel.withReplayLogSize(events);
      return this;
    }

    /**
     * Reconnection: the longest wait between dial attempts (default 60 s) and how long a connection
     * must last before the backoff starts again from the bottom (default 30 s).
     */
    public Builder reconnect(Duration maxBackoff, Duration stableAfter) {
      checkPositive(maxBackoff, "maxBackoff");
      checkPositive(stableAfter, "stableAfter");
      channel = channel.withReconnect(maxBackoff, stableAfter);
      return this;
    }

    /** Default time a {@link BrightChainNode#request} waits for its answer. Default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      checkPositive(timeout, "requestTimeout");
      channel = channel.withRequestTimeout(timeout);
      return this;
    }

    /** A connection that receives nothing for this long is closed. Default 60 s. */
    public Builder idleTimeout(Duration timeout) {
      checkPositive(timeout, "idleTimeout");
      this.idleTimeout = timeout;
      return this;
    }

    /** Most WebSocket and event-stream connections at once; more get 503. Default 10,000. */
    public Builder maxConnections(int max) {
      checkArgument(max > 0, "maxConnections: %s (expected: > 0)", max);
      this.maxConnections = max;
      return this;
    }

    /**
     * A connection that does not read fast enough may have at most {@code maxQueuedBytes} waiting
     * to be written to it; then {@code policy} applies. Default 4 MiB, {@link
     * TransportSettings.SlowConsumerPolicy#DISCONNECT}.
     */
    public Builder slowConsumer(int maxQueuedBytes, TransportSettings.SlowConsumerPolicy policy) {
      checkArgument(maxQueuedBytes > 0, "maxQueuedBytes: %s (expected: > 0)", maxQueuedBytes);
      this.maxQueuedBytes = maxQueuedBytes;
      this.slowConsumerPolicy = notNull(policy, "policy");
      return this;
    }

    private static void checkPositive(Duration d, String name) {
      notNull(d, name);
      checkArgument(!d.isNegative() && !d.isZero(), "%s: %s (expected: > 0)", name, d);
    }

    /** Adds a listener for the node's events. */
    public Builder addListener(NodeEventListener listener) {
      listeners.add(notNull(listener, "listener"));
      return this;
    }

    /** Adds a plugin, set up when the node starts. */
    public Builder addPlugin(NodePlugin plugin) {
      plugins.add(notNull(plugin, "plugin"));
      return this;
    }

    /**
     * How the node makes itself reachable through a NAT gateway: {@link NatMode#AUTO} tries PCP,
     * NAT-PMP and UPnP IGD, fastest first. Default: {@code AUTO} with the default transport (the
     * mappers come from a {@link PortMapperProvider}, which {@code brightchain-net-netty}
     * provides), {@code NONE} with a transport passed to {@link #transport(Transport)}. Mapping
     * starts once the listeners are bound and never fails a start; {@link BrightChainNode#status()}
     * and {@link NodeEventListener#reachabilityChanged} tell how it goes.
     */
    public Builder nat(NatMode mode) {
      return nat(natConfig.withMode(notNull(mode, "nat")));
    }

    /**
     * Port mapping with every setting given: mode, lease, renewal checks, retries, timeouts,
     * gateway. Default: {@link NatConfig#defaults()} (mode as {@link #nat(NatMode)} says).
     */
    public Builder nat(NatConfig config) {
      this.natConfig = notNull(config, "nat");
      this.natSet = true;
      return this;
    }

    /**
     * Where port mappers come from. Default: the highest-priority one found by {@link
     * ServiceLoader}.
     */
    public Builder portMapperProvider(PortMapperProvider provider) {
      this.portMapperProvider = notNull(provider, "portMapperProvider");
      return this;
    }

    /**
     * How block updates made here are batched before they are sent: {@code maxSize} updates or
     * every {@code interval}, whichever comes first, each batch acknowledged by every peer and sent
     * again {@code retryAttempts} times {@code retryDelay} apart. Default {@link
     * BatchConfig#defaults()} (100 updates, 1 s, 3 retries 2 s apart).
     */
    public Builder batching(org.brightchain.net.config.BatchConfig config) {
      this.batching = notNull(config, "batching");
      return this;
    }

    /**
     * When block metadata is reconciled with peers. Default {@link
     * org.brightchain.net.config.SyncConfig#defaults()}: on every new connection and every 5
     * minutes with one peer.
     */
    public Builder sync(org.brightchain.net.config.SyncConfig config) {
      this.sync = notNull(config, "sync");
      return this;
    }

    /**
     * Where the node runs slow work that must not hold up its scheduler, such as reading a large
     * metadata store for reconciliation; must run tasks eventually, in any order. The node never
     * shuts it down. Default: a daemon thread of the node's own, started on first use and stopped
     * with the node.
     */
    public Builder backgroundExecutor(java.util.concurrent.Executor executor) {
      this.backgroundExecutor = notNull(executor, "backgroundExecutor");
      return this;
    }

    /** Also loads plugins found through {@link ServiceLoader}. Default: off. */
    public Builder loadPlugins(boolean load) {
      this.loadPlugins = load;
      return this;
    }

    /**
     * Builds the node, unstarted.
     *
     * @throws IllegalStateException if no transport is available
     * @throws UncheckedIOException if the key file cannot be read or created
     */
    public BrightChainNode build() {
      NodeIdentity id = DataDirectories.identity(identity, dataDirectory);
      int ws = wsPort == null ? httpPort : wsPort;
      TransportSettings ts =
          new TransportSettings(
              host,
              httpPort,
              ws,
              maxBodyBytes,
              maxFrameBytes,
              connectTimeout,
              idleTimeout,
              maxConnections,
              maxQueuedBytes,
              slowConsumerPolicy,
              connectionLimits);
      Transport t = transport != null ? transport : Providers.transport(transportProvider, ts);
      boolean owns = scheduler == null;
      Scheduler s =
          owns ? Schedulers.singleThread("brightchain-node-" + id.nodeId().shortId()) : scheduler;
      List<NodePlugin> allPlugins = new ArrayList<>(plugins);
      if (loadPlugins) {
        allPlugins.addAll(Providers.load(NodePlugin.class));
      }
      NodeSettings settings =
          new NodeSettings(
              id,
              ts,
              advertisedAddress,
              region,
              java.util.Collections.unmodifiableSet(new LinkedHashSet<>(capabilities)),
              new BootstrapConfig(bootstrapNodes, bootstrapRetryInterval, bootstrapMaxRetries),
              blockStore == null ? BlockStore.empty() : blockStore,
              metadataStore == null ? new InMemoryMetadataStore() : metadataStore,
              clock,
              s,
              owns,
              List.copyOf(listeners),
              List.copyOf(allPlugins),
              channel,
              security,
              dataDirectory,
              discovery,
              Providers.discovery(discoveryProvidersAdded, loadDiscoveryProviders),
              temperaturePolicy == null ? DecayingTemperaturePolicy.defaults() : temperaturePolicy,
              batching,
              sync,
              backgroundExecutor);
      // A transport passed in (the in-memory one of tests, say) maps nothing unless asked to.
      NatConfig nc = natSet || transport == null ? natConfig : natConfig.withMode(NatMode.NONE);
      PortMapperProvider mappers =
          nc.mode() == NatMode.NONE
              ? null
              : portMapperProvider != null ? portMapperProvider : Providers.portMappers();
      return new BrightChainNode(settings, t, nc, mappers);
    }
  }
}
