package org.brightchain.net.core.internal.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.Outgoing;
import org.brightchain.net.core.internal.inbound.InboundPipeline;
import org.brightchain.net.core.internal.peer.Peer;
import org.brightchain.net.core.internal.rest.NodeOperations;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.core.internal.sync.SyncReport;
import org.brightchain.net.internal.LogText;
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
 * starts and stops them in order. It is also the transport's handler, and answers the front door's
 * reads. Every component is scheduler-confined unless its documentation says otherwise.
 */
public final class NodeEngine implements TransportHandler, NodeOperations {
  private static final Logger log = LoggerFactory.getLogger(NodeEngine.class);

  /** Software version, also sent in announcements. */
  public static final String VERSION = "0.1.0";

  /** Wire protocol version. */
  public static final int PROTOCOL_VERSION = 1;

  /** The operator token's file name in the data directory. */
  public static final String OPERATOR_TOKEN_FILE = "operator.token";

  /** How long a stopping node waits for its goodbyes to be written. */
  private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);

  private final NodeSettings settings;
  private final NodeId self;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Transport transport;
  private final Components parts;

  /**
   * An engine for {@code settings} on {@code transport}; {@code mappers} makes the port mappers NAT
   * traversal tries (none: an empty list).
   */
  public NodeEngine(
      NodeSettings settings,
      Transport transport,
      NatConfig natConfig,
      Supplier<List<PortMapper>> mappers) {
    this.settings = settings;
    this.self = settings.identity().nodeId();
    this.scheduler = settings.scheduler();
    this.clock = settings.clock();
    this.transport = transport;
    this.parts = new Components(settings, transport, this, natConfig, mappers);
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Binds the transport, then starts dialling, parts.discovery, background work and NAT traversal.
   */
  public CompletableFuture<Void> start() {
    if (settings.dataDirectory() != null) {
      try {
        DataDirectories.writeOperatorToken(
            settings.dataDirectory().resolve(OPERATOR_TOKEN_FILE), parts.sessions.operatorToken());
      } catch (IOException e) {
        return CompletableFuture.failedFuture(
            new UncheckedIOException("cannot write the operator token: " + e.getMessage(), e));
      }
    }
    return transport.start(this).thenCompose(addresses -> onScheduler(() -> started(addresses)));
  }

  private Void started(Transport.BoundAddresses addresses) {
    parts.view.started(addresses);
    parts.outbox.start(clock.millis());
    String host = settings.transport().host();
    log.info(
        "node {} listening: http://{}:{} ws://{}:{}{}",
        self,
        host,
        addresses.http().getPort(),
        host,
        addresses.ws().getPort(),
        TransportSettings.WEBSOCKET_PATH);
    NodeInfo info = info();
    parts.events.emit(l -> l.nodeStarted(info));
    parts.dialer.start();
    parts.discovery.start();
    parts.writes.startCooling();
    parts.sync.start();
    // Port mapping runs in the background: no gateway, or a bad one, never fails a start.
    parts.nat.start(host, addresses.http().getPort(), addresses.ws().getPort());
    return null;
  }

  /**
   * Unmaps the gateway's ports, says goodbye to parts.peers, waits briefly for the words to leave,
   * then closes everything.
   */
  public CompletableFuture<Void> stop() {
    return onScheduler(parts.nat::stop)
        .thenCompose(f -> f)
        .exceptionally(e -> null)
        .thenCompose(v -> onScheduler(this::leave))
        .thenCompose(f -> f)
        .thenCompose(
            v -> {
              for (Connection c : parts.connections.all()) {
                c.conn.close(1001, "node shutting down");
              }
              return transport.stop();
            })
        .thenCompose(
            v ->
                onScheduler(
                    () -> {
                      parts.events.emit(NodeEventListener::nodeStopped);
                      return null;
                    }));
  }

  /** Stops every component, then sends {@code node:leave} to every connection. */
  private CompletableFuture<Void> leave() {
    if (!parts.view.running()) {
      return CompletableFuture.completedFuture(null);
    }
    parts.batcher.flush(); // the last updates go out before the goodbye
    parts.view.stopped();
    parts.discovery.stop();
    parts.sync.stop();
    parts.batcher.cancelTimer();
    parts.writes.stop();
    parts.dialer.stop();
    parts.heartbeats.stop();
    parts.inbound.stop();
    for (Connection c : parts.connections.all()) {
      parts.outbox.closed(c);
    }
    parts.requests.fail(null, new ConnectException("node stopped"));
    parts.delivery.drop(null);
    parts.responder.stop();
    parts.snapshots.stop();
    if (parts.ownBackground != null) {
      parts.ownBackground.shutdownNow();
    }
    Outgoing out =
        new Outgoing(Envelope.of(parts.signer.sign(new NodeLeave(self, "shutdown"), null)));
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Connection c : parts.connections.all()) {
      sent.add(parts.outbox.send(c, out)); // every connection, held ones included
    }
    // Wait for the goodbyes to be written, but never longer than the grace period (measured on
    // the node's scheduler, so virtual time works too).
    CompletableFuture<Void> written = new CompletableFuture<>();
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> written.complete(null));
    scheduler.schedule(() -> written.complete(null), LEAVE_GRACE);
    return written;
  }

  /** Whether the node is running. Any thread. */
  public boolean running() {
    return parts.view.running();
  }

  /** Runs {@code work} on the scheduler (at once if already there); completes when it has run. */
  public CompletableFuture<Void> onScheduler(Runnable work) {
    return onScheduler(
        () -> {
          work.run();
          return (Void) null;
        });
  }

  /**
   * Runs {@code work} on the scheduler (at once if already there) and completes with its result.
   */
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
    scheduler.execute(() -> parts.inbound.opened(conn));
  }

  @Override
  public void frameReceived(PeerConnection conn, Frame frame) {
    parts.inbound.frameReceived(conn, frame);
  }

  @Override
  public void connectionClosed(PeerConnection conn, int code, String reason) {
    scheduler.execute(
        () -> {
          Connection c = parts.connections.remove(conn);
          if (c == null) {
            return;
          }
          parts.inbound.closed(c);
          parts.heartbeats.closed(c);
          parts.outbox.closed(c);
          parts.requests.fail(c, new ConnectException("connection closed: " + code + " " + reason));
          parts.delivery.drop(c);
          log.debug("connection {} closed: {} {}", conn.id(), code, LogText.safe(reason));
          Peer lost = c.peerId == null ? null : parts.peers.connectionLost(c.peerId, conn);
          parts.dialer.closed(c, lost);
        });
  }

  @Override
  public CompletableFuture<RestResponse> handle(RestRequest request) {
    return parts.rest.handle(request);
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
    return parts.view.info();
  }

  @Override
  public List<PeerInfo> peers() {
    return parts.peers.infos();
  }

  /** The node's parts.counters. */
  public NodeCounters counters() {
    return parts.counters;
  }

  /** Uptime, active parts.peers, blocks, bandwidth and operations. */
  public NodeMetrics metrics() {
    return parts.view.metrics();
  }

  /** The network as this node sees it. */
  public NetworkHealth health() {
    return parts.view.health();
  }

  @Override
  public NodeStatusReport statusReport() {
    return parts.view.statusReport();
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
    return parts.sessions;
  }

  /** Addresses this node dials or would redial. Scheduler only; for tests. */
  public int dialTargetCount() {
    return parts.dialer.targetCount();
  }

  /** The wait before redial attempt {@code failures + 1}; for tests. */
  public Duration backoff(int failures) {
    return parts.dialer.backoff(failures);
  }

  /** Names of the parts.discovery providers running. */
  public List<String> discoveryProviders() {
    return parts.discovery.names();
  }

  /** Events in the replay log. */
  public long replayLogSize() {
    return parts.outbox.logSize();
  }

  // ------------------------------------------------------------------ announcements

  /**
   * The node's port mapping changed: kept for status and announcements, told to listeners, and,
   * when the endpoint the node announces changed, announced again to every peer. Scheduler only.
   */
  void reachability(Reachability r) {
    NodeAnnounce before =
        parts.view.running() && parts.view.bound() ? parts.view.announceSelf() : null;
    parts.view.reachability(r);
    parts.events.emit(l -> l.reachabilityChanged(r));
    if (before != null && !before.equals(parts.view.announceSelf())) {
      Outgoing out = new Outgoing(Envelope.of(parts.signer.sign(parts.view.announceSelf(), null)));
      for (Connection c : parts.connections.all()) {
        if (c.peerId != null) {
          parts.outbox.send(c, out);
        }
      }
    }
  }

  /** Tells neighbours and subscribers how this node sees a peer now, as {@code node:status}. */
  void publishPeerStatus(Peer p) {
    if (!parts.view.running()) {
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
    return parts.writes.updateTemperature(id, t, author);
  }

  @Override
  public BlockMetadata updateLocation(
      BlockId id, BlockLocation l, BlockLocationUpdate.Action action) {
    return parts.writes.updateLocation(id, l, action);
  }

  @Override
  public BlockMetadata updateMetadata(BlockMetadata m) {
    return parts.writes.updateMetadata(m);
  }

  @Override
  public String futureVersion(BlockMetadata m) {
    return parts.changes.futureVersion(m);
  }

  /** A block was used: the temperature policy may change its temperature. */
  public void recordAccess(BlockId id) {
    parts.writes.recordAccess(id);
  }

  /** Seals the pending updates into a batch now. */
  public void flushBatch() {
    parts.batcher.flush();
  }

  /** Starts (or joins) a reconciliation with {@code peer}. */
  public CompletableFuture<SyncReport> syncWith(NodeId peer) {
    return parts.sync.syncWith(peer);
  }

  @Override
  public MetadataSync answerSync(String who, BlockSyncRequest r) throws SyncException {
    return parts.responder.answer(who, r);
  }

  /** Signs and sends a payload to every open connection that wants it, through the replay log. */
  public void broadcast(EventPayload payload) {
    assert Confinement.onScheduler(scheduler);
    parts.outbox.fanOut(parts.signer.sign(payload, null), null);
  }

  /**
   * Sends {@code payload} to one peer and completes with its answer. Fails with {@link
   * ConnectException} if the peer is not connected, with {@link
   * java.util.concurrent.TimeoutException} if no answer comes in time.
   */
  public CompletableFuture<Envelope> request(NodeId peer, EventPayload payload, Duration timeout) {
    assert Confinement.onScheduler(scheduler);
    PeerConnection pc = parts.peers.connectionOf(peer);
    Connection c = pc == null ? null : parts.connections.get(pc);
    if (c == null || !c.isOpen()) {
      return CompletableFuture.failedFuture(
          new ConnectException("peer " + peer.shortId() + " is not connected"));
    }
    return parts.requests.send(c, peer, payload, timeout);
  }

  /** The default time a request waits for its answer. */
  public Duration defaultRequestTimeout() {
    return settings.channel().requestTimeout();
  }

  List<NodeId> connectedPeers() {
    List<NodeId> out = new ArrayList<>();
    for (Connection c : parts.connections.all()) {
      if (c.peerId != null && c.isOpen()) {
        out.add(c.peerId);
      }
    }
    return out;
  }

  @Override
  public boolean admit(String host, int port, NodeId expected, String source) {
    return parts.dialer.admit(host, port, expected, source);
  }

  @Override
  public void connect(String host, int port) {
    parts.dialer.connect(host, port);
  }

  @Override
  public boolean disconnect(NodeId id) {
    assert Confinement.onScheduler(scheduler);
    Peer p = parts.peers.get(id);
    if (p == null) {
      return false;
    }
    parts.dialer.departed(id);
    if (p.connection() != null) {
      p.connection().close(1000, "disconnected by operator");
    }
    parts.peers.depart(id, Long.MAX_VALUE);
    return true;
  }

  @Override
  public InboundPipeline.Accepted acceptPosted(SignedMessage m) {
    return parts.inbound.acceptPosted(m);
  }

  /** Adds a listener. Any thread. */
  public void addListener(NodeEventListener l) {
    parts.events.add(l);
  }

  /** Removes a listener. Any thread. */
  public void removeListener(NodeEventListener l) {
    parts.events.remove(l);
  }
}
