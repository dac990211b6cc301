package org.brightchain.net.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.wire.JsonCodec;
import org.brightchain.net.core.wire.ProtoCodec;
import org.brightchain.net.core.wire.WireFormatException;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
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

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);

  final NodeSettings settings;
  final NodeId self;
  private final Scheduler scheduler;
  private final Transport transport;
  private final RestApi restApi;
  private final List<NodeEventListener> listeners;
  private final SplittableRandom random;

  /** Ids of messages seen and verified; bounded, expires after an hour. */
  private final Cache<ByteBuffer, Boolean> seen;

  private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Map<String, DialTarget> targets = new HashMap<>();

  final AtomicLong operationsOk = new AtomicLong();
  final AtomicLong operationsFailed = new AtomicLong();
  final AtomicLong messagesRejected = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();

  private volatile boolean running;
  private volatile Instant startedAt;
  private volatile Transport.BoundAddresses bound;
  private long lastStamp;

  NodeEngine(NodeSettings settings, Transport transport) {
    this.settings = settings;
    this.self = settings.identity().nodeId();
    this.scheduler = settings.scheduler();
    this.transport = transport;
    this.listeners = new CopyOnWriteArrayList<>(settings.listeners());
    this.random = new SplittableRandom(self.hashCode() ^ System.identityHashCode(this));
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(1, TimeUnit.HOURS)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(settings.clock().millis()))
            .executor(Runnable::run)
            .build();
    this.restApi = new RestApi(this);
  }

  // ------------------------------------------------------------------ lifecycle

  CompletableFuture<Void> start() {
    return transport
        .start(this)
        .thenCompose(
            addresses ->
                onScheduler(
                    () -> {
                      bound = addresses;
                      startedAt = settings.clock().instant();
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
                        dial(t);
                      }
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
              running = false;
              for (DialTarget t : targets.values()) {
                if (t.retry != null) {
                  t.retry.cancel();
                }
              }
              List<CompletableFuture<Void>> sent =
                  broadcastNow(new NodeLeave(self, "shutdown"), null);
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
        .thenCompose(v -> onScheduler(() -> {
          emit(NodeEventListener::nodeStopped);
          return null;
        }));
  }

  boolean running() {
    return running;
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
    double redundancy = blocks == 0 ? 0 : (double) settings.metadataStore().totalLocations() / blocks;
    return new NetworkHealth(active, blocks, redundancy, regions);
  }

  private static String regionName(String region) {
    return region == null || region.isBlank() ? "unknown" : region;
  }

  NodeStatusReport statusReport() {
    return new NodeStatusReport(self, info().status(), metrics(), health());
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

  /** A strictly increasing time stamp for this node's own changes. Scheduler only. */
  long stamp() {
    long now = settings.clock().millis();
    lastStamp = Math.max(now, lastStamp + 1);
    return lastStamp;
  }

  /** Applies a temperature change made here and tells the peers. Scheduler only. */
  BlockMetadata updateTemperature(BlockId id, DataTemperature t) {
    long ts = stamp();
    BlockMetadata m = applyTemperature(id, t, ts, self);
    broadcastNow(new BlockTemperatureUpdate(id, t), ts);
    return m;
  }

  /** Applies a location change made here and tells the peers. Scheduler only. */
  BlockMetadata updateLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action) {
    long ts = stamp();
    BlockMetadata m = applyLocation(id, l, action, ts, self);
    broadcastNow(new BlockLocationUpdate(id, l, action), ts);
    return m;
  }

  /** Merges metadata from a host or peer; returns how many entries changed. Scheduler only. */
  int mergeMetadata(Collection<BlockMetadata> entries) {
    int changed = 0;
    for (BlockMetadata incoming : entries) {
      BlockMetadata[] before = new BlockMetadata[1];
      BlockMetadata after =
          settings
              .metadataStore()
              .update(
                  incoming.blockId(),
                  cur -> {
                    before[0] = cur;
                    return cur == null || incoming.isNewerThan(cur) ? incoming : cur;
                  });
      if (after != before[0]) {
        changed++;
      }
    }
    return changed;
  }

  /** Signs and sends a payload to every open connection. Scheduler only. */
  void broadcast(EventPayload payload) {
    broadcastNow(payload, null);
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

  // ------------------------------------------------------------------ transport callbacks

  @Override
  public void connectionOpened(PeerConnection conn) {
    scheduler.execute(
        () -> {
          if (!running) {
            conn.close(1001, "node shutting down");
            return;
          }
          Connection c = new Connection(conn);
          connections.put(conn.id(), c);
          log.debug("connection {} opened ({}, {})", conn.id(), conn.outbound() ? "out" : "in", conn.remoteAddress());
          send(c, Encoded.of(sign(announceSelf(), stamp(), null)));
        });
  }

  @Override
  public void frameReceived(PeerConnection conn, Frame frame) {
    // Runs on a transport thread: decode and verify here, in parallel across connections.
    SignedMessage m;
    try {
      m =
          frame.type() == Frame.Type.BINARY
              ? ProtoCodec.decodeSignedMessage(frame.bytes())
              : JsonCodec.fromJson(frame.bytes(), SignedMessage.class);
    } catch (WireFormatException e) {
      reject(conn, "malformed " + frame.type().name().toLowerCase(java.util.Locale.ROOT) + " frame: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      reject(conn, "undecodable frame: " + e.getClass().getSimpleName());
      return;
    }
    if (m.recipient() != null && !m.recipient().equals(self)) {
      reject(conn, "message addressed to another node");
      return;
    }
    byte[] signed = MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE);
    ByteBuffer id = ByteBuffer.wrap(MessageSigning.messageId(signed));
    if (seen.getIfPresent(id) != null) {
      duplicates.incrementAndGet();
      // Our own announcement coming back means we dialled ourselves; it is always "seen"
      // (we signed it), so it would never reach identify(): close that loopback here.
      if (m.nodeId().equals(self)
          && m.payload().data() instanceof NodeAnnounce a
          && a.nodeId().equals(self)
          && MessageSigning.verify(m, signed) == MessageSigning.Verdict.VALID) {
        scheduler.execute(() -> onOwnAnnounce(conn));
      }
      return;
    }
    MessageSigning.Verdict verdict = MessageSigning.verify(m, signed);
    if (verdict != MessageSigning.Verdict.VALID) {
      reject(conn, "bad signature (" + verdict.name().toLowerCase(java.util.Locale.ROOT) + ") on " + m.payload().type().wireName() + " from " + m.nodeId().shortId());
      return;
    }
    Frame.Type type = frame.type();
    scheduler.execute(() -> onVerified(conn, m, id, type));
  }

  @Override
  public void connectionClosed(PeerConnection conn, int code, String reason) {
    scheduler.execute(
        () -> {
          Connection c = connections.remove(conn.id());
          if (c == null) {
            return;
          }
          log.debug("connection {} closed: {} {}", conn.id(), code, reason);
          if (c.peerId == null) {
            return;
          }
          Peer p = peers.get(c.peerId);
          if (p == null || p.connection != conn) {
            return; // a duplicate connection that lost
          }
          p.connection = null;
          setStatus(p, PeerStatusType.OFFLINE);
          DialTarget t = targetOf(p.id);
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

  private void reject(PeerConnection conn, String reason) {
    messagesRejected.incrementAndGet();
    operationsFailed.incrementAndGet();
    log.info("dropped message on {} from {}: {}", conn.id(), conn.remoteAddress(), reason);
    scheduler.execute(() -> emit(l -> l.messageRejected(conn.id(), reason)));
  }

  private void onVerified(PeerConnection conn, SignedMessage m, ByteBuffer id, Frame.Type frameType) {
    if (seen.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
      duplicates.incrementAndGet();
      return;
    }
    Connection c = connections.get(conn.id());
    if (c == null) {
      return; // closed meanwhile
    }
    c.frameType = frameType;
    WSMessage p = m.payload();
    if (p.sender().equals(self)) {
      return; // our own message, echoed back
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
        peer.info = peer.info.withStatus(PeerStatusType.ACTIVE, settings.clock().instant());
      }
    }
    apply(c, m);
    operationsOk.incrementAndGet();
    emit(l -> l.messageReceived(m));
    if (m.recipient() == null && gossiped(p.type())) {
      relay(m, c);
    }
  }

  private static boolean gossiped(WSEventType type) {
    return switch (type) {
      case NODE_LEAVE, NODE_STATUS, BLOCK_TEMPERATURE, BLOCK_LOCATION, METADATA_UPDATE -> true;
      default -> false;
    };
  }

  /** Our own announcement arrived on an unidentified connection: it leads back to us. */
  private void onOwnAnnounce(PeerConnection conn) {
    Connection c = connections.get(conn.id());
    if (c == null || c.peerId != null) {
      return;
    }
    if (conn.outbound() && c.target != null) {
      c.target.isSelf = true;
    }
    conn.close(1008, "connected to self");
  }

  /** Binds a connection to the peer that announced itself on it; false if it was closed. */
  private boolean identify(Connection c, NodeAnnounce a) {
    NodeId pid = a.nodeId();
    DialTarget dialled = c.conn.outbound() ? c.target : null;
    if (pid.equals(self)) {
      if (dialled != null) {
        dialled.isSelf = true;
      }
      c.conn.close(1008, "connected to self");
      return false;
    }
    Peer peer = peers.get(pid);
    if (peer != null && peer.connection != null && peer.connection.isOpen() && peer.connection != c.conn) {
      // Both sides dialled: keep the connection opened by the smaller node id, on both ends.
      boolean keepNew = (self.compareTo(pid) < 0) == c.conn.outbound();
      if (!keepNew) {
        c.conn.close(1000, "duplicate connection");
        return false;
      }
      PeerConnection old = peer.connection;
      peer.connection = null;
      old.close(1000, "duplicate connection");
    }
    String host = a.address().isEmpty() ? hostOf(c.conn.remoteAddress()) : a.address();
    PeerInfo info =
        new PeerInfo(
            pid,
            host,
            a.httpPort(),
            a.wsPort(),
            settings.clock().instant(),
            a.capabilities(),
            PeerStatusType.ACTIVE,
            a.region());
    PeerStatusType previous = peer == null ? null : peer.info.status();
    if (peer == null) {
      peer = new Peer(pid, info);
      peers.put(pid, peer);
    } else {
      peer.info = info;
    }
    peer.version = a.version();
    peer.connection = c.conn;
    peer.departed = false;
    c.peerId = pid;
    // A peer that gave no port to dial back (a client, say) is not redialled.
    DialTarget t = dialled != null ? dialled : a.wsPort() > 0 ? target(host, a.wsPort(), false) : null;
    if (t != null) {
      t.nodeId = pid;
      t.failures = 0;
      if (t.retry != null) {
        t.retry.cancel();
        t.retry = null;
      }
    }
    log.info("peer {} active at {}:{} ({})", pid.shortId(), host, a.wsPort(), c.conn.outbound() ? "outbound" : "inbound");
    Peer finalPeer = peer;
    if (previous != PeerStatusType.ACTIVE) {
      emit(l -> l.peerStatusChanged(finalPeer.info, previous));
    }
    // Peer exchange: tell the newcomer of every other active peer, as a hint to dial.
    for (Peer other : peers.values()) {
      if (other != peer && other.info.status() == PeerStatusType.ACTIVE) {
        PeerInfo o = other.info;
        NodeAnnounce hint =
            new NodeAnnounce(o.nodeId(), o.address(), o.httpPort(), o.wsPort(), o.capabilities(), other.version.isEmpty() ? "unknown" : other.version, o.region());
        send(c, Encoded.of(sign(hint, stamp(), pid)));
      }
    }
    return true;
  }

  private void apply(Connection c, SignedMessage m) {
    WSMessage w = m.payload();
    NodeId sender = w.sender();
    long ts = w.timestamp();
    EventPayload data = w.data();
    if (data instanceof NodeAnnounce a) {
      if (!a.nodeId().equals(sender)) {
        learn(a);
      }
    } else if (data instanceof NodeLeave leave) {
      Peer p = peers.get(leave.nodeId());
      if (p != null && leave.nodeId().equals(sender)) {
        p.departed = true;
        setStatus(p, PeerStatusType.OFFLINE);
      }
    } else if (data instanceof NodeStatusUpdate) {
      // Reported to listeners; the peer table tracks connectivity, not self-reported status.
    } else if (data instanceof BlockTemperatureUpdate t) {
      applyTemperature(t.blockId(), t.temperature(), ts, sender);
    } else if (data instanceof BlockLocationUpdate l) {
      applyLocation(l.blockId(), l.location(), l.action(), ts, sender);
    } else if (data instanceof BlockSyncRequest r) {
      List<BlockMetadata> known = new ArrayList<>();
      for (BlockId id : r.blockIds()) {
        settings.metadataStore().get(id).ifPresent(known::add);
      }
      send(c, Encoded.of(sign(new MetadataSync(known), stamp(), c.peerId)));
    } else if (data instanceof MetadataUpdate u) {
      mergeMetadata(List.of(u.metadata()));
    } else if (data instanceof MetadataSync s) {
      mergeMetadata(s.entries());
    } else if (data instanceof Ping ping) {
      send(c, Encoded.of(sign(new Pong(ping.nonce()), stamp(), c.peerId)));
    } else if (data instanceof Pong) {
      // Round-trip times are recorded by the heartbeat; a pong needs nothing else.
    }
  }

  /** A third-party announcement: a hint of a peer to dial. */
  private void learn(NodeAnnounce a) {
    if (a.nodeId().equals(self) || a.address().isEmpty() || a.wsPort() == 0) {
      return;
    }
    Peer p = peers.get(a.nodeId());
    if (p != null && (p.info.status() == PeerStatusType.ACTIVE || p.departed)) {
      return;
    }
    DialTarget t = target(a.address(), a.wsPort(), false);
    t.nodeId = a.nodeId();
    if (p == null) {
      PeerInfo info = new PeerInfo(a.nodeId(), a.address(), a.httpPort(), a.wsPort(), settings.clock().instant(), a.capabilities(), PeerStatusType.PENDING, a.region());
      Peer np = new Peer(a.nodeId(), info);
      np.version = a.version();
      peers.put(a.nodeId(), np);
      emit(l -> l.peerStatusChanged(info, null));
    }
    dial(t);
  }

  BlockMetadata applyTemperature(BlockId id, DataTemperature t, long ts, NodeId by) {
    Instant at = Instant.ofEpochMilli(ts);
    return settings
        .metadataStore()
        .update(
            id,
            cur -> {
              if (cur != null && newer(cur, at, by)) {
                return cur;
              }
              BlockMetadata base = cur == null ? BlockMetadata.initial(id, at, by) : cur;
              return base.withTemperature(t, at, by);
            });
  }

  BlockMetadata applyLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action, long ts, NodeId by) {
    Instant at = Instant.ofEpochMilli(ts);
    return settings
        .metadataStore()
        .update(
            id,
            cur -> {
              if (cur != null && newer(cur, at, by)) {
                return cur;
              }
              BlockMetadata base = cur == null ? BlockMetadata.initial(id, at, by) : cur;
              return action == BlockLocationUpdate.Action.ADD
                  ? base.withLocation(l, at, by)
                  : base.withoutLocation(l.nodeId(), at, by);
            });
  }

  /** True if {@code cur} was stamped strictly later than (at, by): last writer wins. */
  private static boolean newer(BlockMetadata cur, Instant at, NodeId by) {
    int c = cur.updatedAt().compareTo(at);
    return c != 0 ? c > 0 : cur.updatedBy().compareTo(by) > 0;
  }

  // ------------------------------------------------------------------ outbound

  private NodeAnnounce announceSelf() {
    Transport.BoundAddresses b = bound;
    return new NodeAnnounce(
        self,
        settings.advertisedAddress(),
        b.http().getPort(),
        b.ws().getPort(),
        settings.capabilities(),
        VERSION,
        settings.region());
  }

  private SignedMessage sign(EventPayload payload, long ts, NodeId recipient) {
    WSMessage w = WSMessage.of(payload, ts, self);
    SignedMessage m =
        MessageSigning.sign(settings.identity(), MessageSigning.EVENT_PURPOSE, w, ts, recipient);
    seen.put(ByteBuffer.wrap(MessageSigning.messageId(MessageSigning.signedBytes(m, MessageSigning.EVENT_PURPOSE))), Boolean.TRUE);
    return m;
  }

  private List<CompletableFuture<Void>> broadcastNow(EventPayload payload, Long ts) {
    Encoded e = Encoded.of(sign(payload, ts == null ? stamp() : ts, null));
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Connection c : connections.values()) {
      sent.add(send(c, e));
    }
    return sent;
  }

  private void relay(SignedMessage m, Connection from) {
    Encoded e = Encoded.of(m);
    for (Connection c : connections.values()) {
      if (c != from && (c.peerId == null || !c.peerId.equals(m.nodeId()))) {
        send(c, e);
      }
    }
  }

  private CompletableFuture<Void> send(Connection c, Encoded e) {
    if (!c.conn.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    return c.conn.send(e.frame(c.frameType)).exceptionally(err -> null);
  }

  // ------------------------------------------------------------------ dialling

  private DialTarget target(String host, int port, boolean isStatic) {
    DialTarget t = targets.computeIfAbsent(DialTarget.key(host, port), k -> new DialTarget(host, port, isStatic));
    return t;
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
    t.inFlight = true;
    if (t.retry != null) {
      t.retry.cancel();
      t.retry = null;
    }
    transport
        .connect(t.host, t.port)
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
                          t.failures = 0;
                        }
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
      return;
    }
    long base = settings.bootstrap().retryInterval().toMillis();
    long cap = Math.max(base, MAX_BACKOFF.toMillis());
    long exp = Math.min(cap, base << Math.min(20, Math.max(0, t.failures - 1)));
    long delay = exp / 2 + random.nextLong(exp / 2 + 1); // "equal jitter"
    if (t.retry != null) {
      t.retry.cancel();
    }
    t.retry = scheduler.schedule(() -> {
      t.retry = null;
      dial(t);
    }, Duration.ofMillis(delay));
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
    PeerInfo now = p.info;
    log.info("peer {} {} -> {}", p.id.shortId(), previous, status);
    emit(l -> l.peerStatusChanged(now, previous));
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

  /** One open WebSocket connection and what the node knows of it. Scheduler-confined. */
  private static final class Connection {
    final PeerConnection conn;
    volatile Frame.Type frameType;
    NodeId peerId;
    DialTarget target;

    Connection(PeerConnection conn) {
      this.conn = conn;
      this.frameType = conn.preferredFrameType();
    }
  }

  /** A signed message, encoded at most once per frame type however many peers get it. */
  private static final class Encoded {
    final SignedMessage message;
    Frame binary;
    Frame text;

    private Encoded(SignedMessage message) {
      this.message = message;
    }

    static Encoded of(SignedMessage m) {
      return new Encoded(m);
    }

    Frame frame(Frame.Type type) {
      if (type == Frame.Type.TEXT) {
        if (text == null) {
          text = new Frame(Frame.Type.TEXT, JsonCodec.toJsonBytes(message));
        }
        return text;
      }
      if (binary == null) {
        binary = Frame.binary(ProtoCodec.encode(message));
      }
      return binary;
    }
  }
}
