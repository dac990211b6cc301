package org.brightchain.net.core.internal.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which addresses the node dials, and when: bootstrap nodes, saved peers and discovery candidates,
 * each counted against its source and its network group (eclipse resistance), dialled with
 * exponential backoff and full jitter, redialled when a connection is lost, forgotten after too
 * many failures (unless static). Scheduler-confined.
 */
public final class Dialer {
  private static final Logger log = LoggerFactory.getLogger(Dialer.class);

  /** The shortest wait before a redial. */
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  /** Outbound connections to one public network group (/24, /56) at most: eclipse resistance. */
  public static final int OUTBOUND_PER_GROUP = 2;

  /** How often a changed peer table is written to the data directory. */
  static final Duration PEER_SAVE_INTERVAL = Duration.ofSeconds(30);

  /** Settings the dialler follows; {@code targets} says which addresses a peer may hint at. */
  public record Settings(
      BootstrapConfig bootstrap,
      int maxPeers,
      Duration maxBackoff,
      Duration stableAfter,
      TargetPolicy targets) {}

  private final NodeId self;
  private final Settings settings;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Transport transport;
  private final PeerTable peers;
  private final Connections connections;
  private final ResumePoints resume;
  private final NodeCounters counters;
  private final SplittableRandom random;
  private final BooleanSupplier running;
  private final Map<String, DialTarget> targets = new HashMap<>();

  /** The target each dialled connection was opened for, by connection id. */
  private final Map<String, DialTarget> dialledOn = new HashMap<>();

  private final Map<Connection, Link> links = new HashMap<>();
  private Scheduler.Cancellable peerSaver;

  /** What the dialler knows of one identified or dialled connection. */
  private static final class Link {
    boolean stable;
    boolean lostDuplicate;
    Scheduler.Cancellable stableTimer;
  }

  /** A dialler for this node. {@code running} tells whether the node is running. */
  public Dialer(
      NodeId self,
      Settings settings,
      Scheduler scheduler,
      Clock clock,
      Transport transport,
      PeerTable peers,
      Connections connections,
      ResumePoints resume,
      NodeCounters counters,
      SplittableRandom random,
      BooleanSupplier running) {
    this.self = self;
    this.settings = settings;
    this.scheduler = scheduler;
    this.clock = clock;
    this.transport = transport;
    this.peers = peers;
    this.connections = connections;
    this.resume = resume;
    this.counters = counters;
    this.random = random;
    this.running = running;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Dials the bootstrap nodes and the saved peers; starts saving the peer table. */
  public void start() {
    assert Confinement.onScheduler(scheduler);
    for (BootstrapConfig.Node n : settings.bootstrap().nodes()) {
      DialTarget t = target(n.address(), n.port(), n.isStatic());
      t.source = "bootstrap";
      dial(t);
    }
    redialSaved();
    peerSaver = scheduler.schedule(this::savePeriodically, PEER_SAVE_INTERVAL);
  }

  /** Stops redialling and saves the peer table. */
  public void stop() {
    assert Confinement.onScheduler(scheduler);
    for (DialTarget t : targets.values()) {
      if (t.retry != null) {
        t.retry.cancel();
      }
    }
    for (Link l : links.values()) {
      if (l.stableTimer != null) {
        l.stableTimer.cancel();
      }
    }
    if (peerSaver != null) {
      peerSaver.cancel();
    }
    peers.save();
  }

  /** Dials the peers of the saved table, best first. */
  private void redialSaved() {
    int n = 0;
    for (PeerStore.Entry e : peers.loadSaved()) {
      if (n >= settings.maxPeers() || e.nodeId().equals(self)) {
        continue;
      }
      peers.restore(e);
      DialTarget t = target(e.address(), e.wsPort(), false);
      t.nodeId = e.nodeId();
      t.source = "persisted";
      dial(t);
      n++;
    }
    if (n > 0) {
      log.info("dialling {} peers saved in {}", n, peers.file());
    }
  }

  private void savePeriodically() {
    if (!running.getAsBoolean()) {
      return;
    }
    peers.saveIfChanged();
    peerSaver = scheduler.schedule(this::savePeriodically, PEER_SAVE_INTERVAL);
  }

  /** Addresses this node dials or would redial. */
  public int targetCount() {
    return targets.size();
  }

  // ------------------------------------------------------------------ candidates

  /** Dials {@code host:port} on the operator's word, unless connected or dialling already. */
  public void connect(String host, int port) {
    assert Confinement.onScheduler(scheduler);
    dial(target(host, port, false));
  }

  /**
   * A candidate peer from discovery or peer exchange: counted against its source and its network
   * group, then dialled. Returns false if refused.
   */
  public boolean admit(String host, int port, NodeId expected, String source) {
    return admitTarget(host, port, expected, source) != null;
  }

  private DialTarget admitTarget(String host, int port, NodeId expected, String source) {
    assert Confinement.onScheduler(scheduler);
    if (!running.getAsBoolean()
        || host.isEmpty()
        || port <= 0
        || port > 65535
        || (expected != null && expected.equals(self))) {
      return null;
    }
    if (expected != null) {
      Peer p = peers.get(expected);
      if (p != null && (p.departed || p.connected())) {
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
      counters.candidatesRefused.incrementAndGet();
      log.debug(
          "candidate {}:{} from {} refused: {}",
          LogText.safe(host),
          port,
          LogText.safe(source),
          LogText.safe(refusal));
      return null;
    }
    DialTarget t = target(host, port, false);
    t.nodeId = expected;
    t.source = source;
    if (expected != null && !peers.contains(expected) && peers.roomForPeer()) {
      // Listed at once as PENDING (what discovery said of it), ACTIVE once it proves its key.
      PeerInfo info =
          new PeerInfo(
              expected,
              host,
              0,
              port,
              clock.instant(),
              Set.of(),
              PeerStatusType.PENDING,
              null,
              null);
      peers.listPending(info, "");
      log.info(
          "peer {} listed at {}:{} (from {})",
          expected.shortId(),
          LogText.safe(host),
          port,
          LogText.safe(source.startsWith("exchange:") ? "peer exchange" : source));
    }
    dial(t);
    return t;
  }

  /**
   * A third-party announcement from an identified peer at {@code from}: a hint of a peer to dial,
   * if the peer may point this node there ({@link TargetPolicy}).
   */
  public void learn(NodeAnnounce a, String source, String from) {
    assert Confinement.onScheduler(scheduler);
    if (a.nodeId().equals(self) || a.address().isEmpty() || a.wsPort() == 0) {
      return;
    }
    String refused = settings.targets().refusal(from, a.address());
    if (refused != null) {
      counters.candidatesRefused.incrementAndGet();
      log.debug("hint about {} refused: {}", a.nodeId().shortId(), refused);
      return;
    }
    Peer p = peers.get(a.nodeId());
    if (p != null && (p.info.status() == PeerStatusType.ACTIVE || p.departed)) {
      return;
    }
    if (p == null && !peers.roomForPeer()) {
      log.debug(
          "peer table full ({}): hint about {} ignored", settings.maxPeers(), a.nodeId().shortId());
      return;
    }
    DialTarget t = admitTarget(a.address(), a.wsPort(), a.nodeId(), source);
    if (t == null) {
      return;
    }
    if (p == null) {
      PeerInfo info =
          new PeerInfo(
              a.nodeId(),
              a.address(),
              a.httpPort(),
              a.wsPort(),
              clock.instant(),
              a.capabilities(),
              PeerStatusType.PENDING,
              a.region(),
              null);
      peers.listPending(info, a.version());
    }
    dial(t);
  }

  /**
   * Eclipse resistance: no one source may fill more than a quarter of the table, and no public
   * network group more than a sixteenth. Null if the candidate fits.
   */
  private String capFor(String host, String source) {
    int max = settings.maxPeers();
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
    if (t.isStatic || t.source.equals("bootstrap") || t.group == null) {
      return false;
    }
    int n = 0;
    for (DialTarget o : targets.values()) {
      if (o == t || !t.group.equals(o.group)) {
        continue;
      }
      Peer p = o.nodeId == null ? null : peers.get(o.nodeId);
      if (o.inFlight
          || (p != null
              && p.connection != null
              && p.connection.outbound()
              && p.connection.isOpen())) {
        n++;
      }
    }
    return n >= OUTBOUND_PER_GROUP;
  }

  // ------------------------------------------------------------------ dialling

  private DialTarget target(String host, int port, boolean isStatic) {
    return targets.computeIfAbsent(
        DialTarget.key(host, port), k -> new DialTarget(host, port, isStatic));
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
    if (!running.getAsBoolean() || t.inFlight || t.isSelf) {
      return;
    }
    if (t.nodeId != null && peers.connectionOf(t.nodeId) != null) {
      return;
    }
    if (outboundGroupFull(t)) {
      // Spread outbound slots across networks: try again later, without counting a failure.
      if (t.retry == null) {
        t.retry =
            scheduler.schedule(
                () -> {
                  t.retry = null;
                  dial(t);
                },
                settings.maxBackoff());
      }
      return;
    }
    t.inFlight = true;
    if (t.retry != null) {
      t.retry.cancel();
      t.retry = null;
    }
    // Ask the other side to replay what we missed from it while apart.
    long after = resume.after(t.nodeId);
    Map<String, String> params = after > 0 ? Map.of("resume", Long.toString(after)) : Map.of();
    transport
        .connect(t.host, t.port, params)
        .whenComplete((conn, err) -> scheduler.execute(() -> connected(t, conn, err)));
  }

  private void connected(DialTarget t, PeerConnection conn, Throwable err) {
    t.inFlight = false;
    if (err != null) {
      t.failures++;
      log.info(
          "could not reach {} (attempt {}): {}",
          LogText.safe(t.key()),
          t.failures,
          LogText.safe(Errors.rootMessage(err)));
      scheduleRedial(t);
      return;
    }
    Connection c = connections.get(conn);
    if (c != null) {
      dialledOn.put(conn.id(), t);
      if (c.peerId != null) {
        t.nodeId = c.peerId; // identified before this callback ran
      }
    } else if (!conn.isOpen() && t.nodeId == null) {
      // Closed before we saw it: if it was ourselves, the close said so.
      log.debug("connection to {} closed at once", t.key());
    }
  }

  private void scheduleRedial(DialTarget t) {
    if (!running.getAsBoolean() || t.isSelf) {
      return;
    }
    int max = settings.bootstrap().maxRetries();
    if (!t.isStatic && t.failures > max) {
      log.info("giving up on {} after {} attempts", LogText.safe(t.key()), t.failures);
      peers.unreachable(t.nodeId);
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
   * Exponential backoff with full jitter: a uniform wait between a floor and {@code min(cap, base *
   * 2^failures)}, so that peers that lost the same node do not come back at the same moment.
   */
  public Duration backoff(int failures) {
    long base = settings.bootstrap().retryInterval().toMillis();
    long cap = Math.max(base, settings.maxBackoff().toMillis());
    long ceiling = Math.min(cap, base << Math.min(30, Math.max(0, failures)));
    long floor = Math.min(MIN_BACKOFF.toMillis(), ceiling);
    return Duration.ofMillis(floor + random.nextLong(Math.max(1, ceiling - floor + 1)));
  }

  // ------------------------------------------------------------------ connection events

  /**
   * A peer identified itself on {@code c}: the target it was dialled for (or the address it
   * announced) now names it, stops retrying, and once the connection lasts, backs off from the
   * bottom again.
   */
  public void identified(Connection c, NodeAnnounce a, String host) {
    assert Confinement.onScheduler(scheduler);
    NodeId pid = a.nodeId();
    DialTarget dialled = c.conn.outbound() ? dialledOn.get(c.id()) : null;
    // A peer that gave no port to dial back (a client, say) is not redialled.
    DialTarget t =
        dialled != null ? dialled : a.wsPort() > 0 ? target(host, a.wsPort(), false) : null;
    if (t != null) {
      t.nodeId = pid;
      if (t.retry != null) {
        t.retry.cancel();
        t.retry = null;
      }
    }
    Link link = links.computeIfAbsent(c, k -> new Link());
    link.stableTimer =
        scheduler.schedule(
            () -> {
              link.stable = true;
              DialTarget st = targetOf(pid);
              if (st != null) {
                st.failures = 0; // lasted: the next outage starts from a short backoff again
              }
            },
            settings.stableAfter());
  }

  /** {@code c} lost to another connection to the same peer: not a failure to redial. */
  public void lostDuplicate(Connection c) {
    links.computeIfAbsent(c, k -> new Link()).lostDuplicate = true;
  }

  /** {@code c} reached this node itself: never dial that address again. */
  public void reachedSelf(Connection c) {
    DialTarget t = dialledOn.get(c.id());
    if (t != null) {
      t.isSelf = true;
    }
  }

  /** The operator disconnected {@code id}: no redial is pending. */
  public void departed(NodeId id) {
    DialTarget t = targetOf(id);
    if (t != null && t.retry != null) {
      t.retry.cancel();
    }
  }

  /** A row was evicted from the peer table: its target goes too, unless static. */
  public void forget(NodeId id) {
    DialTarget t = targetOf(id);
    if (t != null && !t.isStatic) {
      if (t.retry != null) {
        t.retry.cancel();
      }
      targets.remove(t.key());
    }
  }

  /**
   * {@code c} closed. {@code lost} is its peer's row if it was that peer's identified connection
   * (now OFFLINE), or null.
   */
  public void closed(Connection c, Peer lost) {
    assert Confinement.onScheduler(scheduler);
    Link link = links.remove(c);
    DialTarget dialled = dialledOn.remove(c.id());
    if (link != null && link.stableTimer != null) {
      link.stableTimer.cancel();
    }
    boolean stable = link != null && link.stable;
    if (c.peerId == null) {
      boolean lostDuplicate = link != null && link.lostDuplicate;
      if (running.getAsBoolean()
          && c.conn.outbound()
          && dialled != null
          && !dialled.isSelf
          && !lostDuplicate
          && dialled.retry == null
          && !dialled.inFlight) {
        dialled.failures++; // refused before it told us who it is (starting, stopping): try again
        scheduleRedial(dialled);
      }
      return;
    }
    if (lost == null) {
      return;
    }
    DialTarget t = targetOf(lost.id);
    if (t != null && !stable) {
      t.failures++; // it did not last: keep backing off
    }
    if (running.getAsBoolean() && t != null && (!lost.departed || t.isStatic)) {
      scheduleRedial(t);
    }
  }
}
