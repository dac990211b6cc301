package org.brightchain.net.core.internal.peer;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.spi.PeerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer table: every node this one knows, its status (ACTIVE, PENDING, OFFLINE) and its
 * identified connection; bounded, evicting the least valuable offline peer when full, and saved to
 * the data directory so that a restarted node redials what it knew. Changed on the scheduler only;
 * read from any thread.
 */
public final class PeerTable {
  private static final Logger log = LoggerFactory.getLogger(PeerTable.class);

  private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
  private final int maxPeers;
  private final Clock clock;
  private final NodeEvents events;
  private final PeerStore store;
  private final Consumer<Peer> statusChanged;
  private final Consumer<NodeId> evicted;
  private boolean dirty;
  private volatile int activeCount;

  /**
   * A table of at most {@code maxPeers} rows. {@code statusChanged} runs after listeners heard of a
   * status change (the node tells its peers); {@code evicted} runs for a row dropped to make room;
   * {@code store} may be null (no data directory).
   */
  public PeerTable(
      int maxPeers,
      Clock clock,
      NodeEvents events,
      PeerStore store,
      Consumer<Peer> statusChanged,
      Consumer<NodeId> evicted) {
    this.maxPeers = maxPeers;
    this.clock = clock;
    this.events = events;
    this.store = store;
    this.statusChanged = statusChanged;
    this.evicted = evicted;
  }

  /** The row of {@code id}, or null. */
  public Peer get(NodeId id) {
    return peers.get(id);
  }

  /** Whether the table has a row for {@code id}. */
  public boolean contains(NodeId id) {
    return peers.containsKey(id);
  }

  /** The open identified connection of {@code id}, or null. */
  public PeerConnection connectionOf(NodeId id) {
    Peer p = peers.get(id);
    return p == null || p.connection == null || !p.connection.isOpen() ? null : p.connection;
  }

  /** Every row's info, sorted by node id. Any thread. */
  public List<PeerInfo> infos() {
    List<PeerInfo> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      out.add(p.info);
    }
    out.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    return out;
  }

  /** Rows that are ACTIVE now. Any thread. */
  public int activeCount() {
    return activeCount;
  }

  /** Rows that are ACTIVE, counted now. Any thread. */
  public List<PeerInfo> active() {
    List<PeerInfo> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      if (p.info.status() == PeerStatusType.ACTIVE) {
        out.add(p.info);
      }
    }
    return out;
  }

  /** Whether the table can take one more row, evicting the least valuable if need be. */
  public boolean roomForPeer() {
    if (peers.size() < maxPeers) {
      return true;
    }
    // Keep long-lived good peers: evict the offline peer with the least connected time.
    Peer victim = null;
    for (Peer p : peers.values()) {
      if (p.connection == null
          && p.info.status() != PeerStatusType.ACTIVE
          && (victim == null
              || p.connectedMs < victim.connectedMs
              || (p.connectedMs == victim.connectedMs
                  && p.info.lastSeen().isBefore(victim.info.lastSeen())))) {
        victim = p;
      }
    }
    if (victim == null) {
      return false;
    }
    peers.remove(victim.id);
    evicted.accept(victim.id);
    log.debug(
        "peer table full: evicted {} (connected {} ms in all)",
        victim.id.shortId(),
        victim.connectedMs);
    return true;
  }

  /** Lists a peer discovery told of, PENDING until it proves its key; listeners hear of it. */
  public void listPending(PeerInfo info, String version) {
    Peer p = new Peer(info.nodeId(), info);
    p.version = version;
    peers.put(info.nodeId(), p);
    events.emit(l -> l.peerStatusChanged(info, null));
  }

  /** Lists a peer from the saved table, quietly (it was known before the restart). */
  void restore(PeerStore.Entry e) {
    if (peers.containsKey(e.nodeId())) {
      return;
    }
    PeerInfo info =
        new PeerInfo(
            e.nodeId(),
            e.address(),
            0,
            e.wsPort(),
            Instant.ofEpochMilli(e.lastSeenMs()),
            Set.of(),
            PeerStatusType.PENDING,
            null,
            null);
    Peer p = new Peer(e.nodeId(), info);
    p.connectedMs = e.connectedMs();
    peers.put(e.nodeId(), p);
  }

  /**
   * A peer proved its key and announced itself on {@code conn}: its row becomes ACTIVE with what it
   * announced. Listeners hear of the change.
   *
   * @return its status before, or null if it was not listed
   */
  public PeerStatusType bind(PeerConnection conn, NodeAnnounce a, String host, long announcedAt) {
    NodeId pid = a.nodeId();
    Peer peer = peers.get(pid);
    Long rtt = peer == null ? null : peer.info.rttMs();
    PeerInfo info =
        new PeerInfo(
            pid,
            host,
            a.httpPort(),
            a.wsPort(),
            clock.instant(),
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
    peer.announcedAt = Math.max(peer.announcedAt, announcedAt);
    if (peer.connectedSince < 0) {
      peer.connectedSince = clock.millis();
    }
    dirty = true;
    peer.connection = conn;
    recountActive();
    peer.departed = false;
    peer.misses = 0;
    if (previous != PeerStatusType.ACTIVE) {
      PeerInfo now = peer.info;
      events.emit(l -> l.peerStatusChanged(now, previous));
      if (previous != null) {
        statusChanged.accept(peer);
      }
    }
    return previous;
  }

  /** A newer connection of {@code pid} replaces its current one, which is about to close. */
  public void detach(NodeId pid) {
    Peer p = peers.get(pid);
    if (p != null) {
      p.connection = null;
    }
  }

  /** A message arrived from {@code pid} on its connection: it was seen now. */
  public void touch(NodeId pid, PeerConnection conn) {
    Peer peer = peers.get(pid);
    if (peer != null && peer.connection == conn) {
      peer.info = peer.info.withStatus(peer.info.status(), clock.instant());
    }
  }

  /** A peer announced itself again on its connection: its endpoint changed. */
  public void moved(NodeId pid, PeerConnection conn, String host, int httpPort, int wsPort) {
    Peer p = peers.get(pid);
    if (p == null || p.connection != conn) {
      return;
    }
    PeerInfo i = p.info;
    if (host.equals(i.address()) && httpPort == i.httpPort() && wsPort == i.wsPort()) {
      return;
    }
    p.info =
        new PeerInfo(
            i.nodeId(),
            host,
            httpPort,
            wsPort,
            i.lastSeen(),
            i.capabilities(),
            i.status(),
            i.region(),
            i.rttMs());
    log.info("peer {} now announces {}:{}", i.nodeId().shortId(), LogText.safe(host), wsPort);
  }

  /**
   * The identified connection of a peer closed: OFFLINE. Returns its row, or null if {@code conn}
   * was not its connection.
   */
  public Peer connectionLost(NodeId pid, PeerConnection conn) {
    Peer p = peers.get(pid);
    if (p == null || p.connection != conn) {
      return null; // a duplicate connection that lost
    }
    p.connection = null;
    setStatus(p, PeerStatusType.OFFLINE);
    return p;
  }

  /**
   * A peer left (its own {@code node:leave} signed at {@code leftAt}, or the operator at {@code
   * Long.MAX_VALUE}): OFFLINE, not redialled. A goodbye signed before the peer's latest
   * announcement belongs to an earlier session: ignored (returns null).
   */
  public Peer depart(NodeId id, long leftAt) {
    Peer p = peers.get(id);
    if (p != null && leftAt < p.announcedAt) {
      log.info("peer {}: a node:leave older than its current session ignored", id.shortId());
      return null;
    }
    if (p != null) {
      p.departed = true;
      setStatus(p, PeerStatusType.OFFLINE);
    }
    return p;
  }

  /**
   * A heartbeat of {@code pid} went unanswered on {@code conn}; returns the misses in a row, or -1.
   */
  public int missedHeartbeat(NodeId pid, PeerConnection conn) {
    Peer p = pid == null ? null : peers.get(pid);
    if (p == null || p.connection != conn) {
      return -1;
    }
    p.misses++;
    return p.misses;
  }

  /** One miss made the peer PENDING. */
  public void suspect(NodeId pid) {
    Peer p = peers.get(pid);
    if (p != null && p.info.status() == PeerStatusType.ACTIVE) {
      setStatus(p, PeerStatusType.PENDING);
    }
  }

  /** A heartbeat of {@code pid} was answered in {@code rttMs}: ACTIVE again if it was not. */
  public void answered(NodeId pid, PeerConnection conn, long rttMs) {
    Peer p = pid == null ? null : peers.get(pid);
    if (p != null && p.connection == conn) {
      p.misses = 0;
      p.info = p.info.withRtt(rttMs);
      if (p.info.status() != PeerStatusType.ACTIVE) {
        setStatus(p, PeerStatusType.ACTIVE);
      }
    }
  }

  /** A peer the node gave up dialling: OFFLINE unless connected meanwhile. */
  public void unreachable(NodeId pid) {
    Peer p = pid == null ? null : peers.get(pid);
    if (p != null && p.connection == null) {
      setStatus(p, PeerStatusType.OFFLINE);
    }
  }

  /** Hints for a newcomer: every other ACTIVE peer with a port to dial, as announcements. */
  public List<NodeAnnounce> hintsFor(NodeId newcomer) {
    List<NodeAnnounce> out = new ArrayList<>();
    for (Peer other : peers.values()) {
      // A peer without a port to dial (a client) is no hint: receivers would ignore it.
      if (!other.id.equals(newcomer)
          && other.info.status() == PeerStatusType.ACTIVE
          && other.info.wsPort() > 0) {
        PeerInfo o = other.info;
        out.add(
            new NodeAnnounce(
                o.nodeId(),
                o.address(),
                o.httpPort(),
                o.wsPort(),
                o.capabilities(),
                other.version.isEmpty() ? "unknown" : other.version,
                o.region()));
      }
    }
    return out;
  }

  /** Changes a row's status; listeners hear of it and the node tells its peers. */
  void setStatus(Peer p, PeerStatusType status) {
    PeerStatusType previous = p.info.status();
    if (previous == status) {
      return;
    }
    p.info = p.info.withStatus(status, p.info.lastSeen());
    if (status != PeerStatusType.ACTIVE && p.connectedSince >= 0) {
      p.connectedMs += clock.millis() - p.connectedSince;
      p.connectedSince = -1;
    }
    recountActive();
    dirty = true;
    PeerInfo now = p.info;
    log.info("peer {} {} -> {}", p.id.shortId(), previous, status);
    events.emit(l -> l.peerStatusChanged(now, previous));
    statusChanged.accept(p);
  }

  private void recountActive() {
    int n = 0;
    for (Peer p : peers.values()) {
      if (p.info.status() == PeerStatusType.ACTIVE) {
        n++;
      }
    }
    activeCount = n;
  }

  // ------------------------------------------------------------------ on disk

  /** The saved table, best first, or empty without a data directory. */
  List<PeerStore.Entry> loadSaved() {
    return store == null ? List.of() : store.load();
  }

  /** The file the table is saved to, or null. */
  Object file() {
    return store == null ? null : store.file();
  }

  /** Saves the table if it changed since the last save. */
  public void saveIfChanged() {
    if (dirty) {
      save();
    }
  }

  /** Writes the peers worth dialling again: with a port, not departed; longest connected first. */
  public void save() {
    if (store == null) {
      return;
    }
    long now = clock.millis();
    List<PeerStore.Entry> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      PeerInfo i = p.info;
      if (i.wsPort() <= 0 || i.address().isEmpty() || p.departed) {
        continue;
      }
      long connected = p.connectedMs + (p.connectedSince >= 0 ? now - p.connectedSince : 0);
      out.add(
          new PeerStore.Entry(
              p.id, i.address(), i.wsPort(), i.lastSeen().toEpochMilli(), connected));
    }
    out.sort(
        Comparator.comparingLong(PeerStore.Entry::connectedMs)
            .reversed()
            .thenComparing(Comparator.comparingLong(PeerStore.Entry::lastSeenMs).reversed()));
    try {
      store.save(out.size() > maxPeers ? out.subList(0, maxPeers) : out);
      dirty = false;
    } catch (IOException e) {
      log.warn("cannot save the peer table to {}: {}", store.file(), e.getMessage());
    }
  }
}
