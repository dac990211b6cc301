package org.brightchain.net.core.internal.inbound;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.core.internal.channel.Subscription;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.core.internal.peer.Heartbeats;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SyncCoordinator;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.internal.Values;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a connection: each side sends a challenge, the other proves its key by signing it ({@code
 * system:auth}), then announces itself; the announcement binds the connection to that peer, which
 * becomes ACTIVE. Event streams are admitted by the ticket REST gave them instead. Also: duplicate
 * connections (both sides dialled) and connections to this node itself. Scheduler-confined.
 */
public final class Handshake {
  private static final Logger log = LoggerFactory.getLogger(Handshake.class);

  private final NodeId self;
  private final Duration timeout;
  private final Scheduler scheduler;
  private final Connections connections;
  private final Outbox outbox;
  private final Sessions sessions;
  private final PeerTable peers;
  private final Dialer dialer;
  private final Heartbeats heartbeats;
  private final SyncCoordinator sync;
  private final ResumePoints resume;
  private final NodeCounters counters;
  private final Rejections rejections;
  private final Supplier<NodeAnnounce> announceSelf;
  private final BooleanSupplier running;
  private final Map<Connection, State> states = new HashMap<>();

  /** The handshake of one connection. */
  private static final class State {
    /** Ours, sent on opening; the other side must sign it. */
    final Challenge challenge = Challenge.random();

    /** Whether we answered the other side's challenge. */
    boolean answered;

    Scheduler.Cancellable timer;
  }

  Handshake(
      NodeId self,
      Duration timeout,
      Scheduler scheduler,
      Connections connections,
      Outbox outbox,
      Sessions sessions,
      PeerTable peers,
      Dialer dialer,
      Heartbeats heartbeats,
      SyncCoordinator sync,
      ResumePoints resume,
      NodeCounters counters,
      Rejections rejections,
      Supplier<NodeAnnounce> announceSelf,
      BooleanSupplier running) {
    this.self = self;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.connections = connections;
    this.outbox = outbox;
    this.sessions = sessions;
    this.peers = peers;
    this.dialer = dialer;
    this.heartbeats = heartbeats;
    this.sync = sync;
    this.resume = resume;
    this.counters = counters;
    this.rejections = rejections;
    this.announceSelf = announceSelf;
    this.running = running;
  }

  /** A connection opened: challenge the other side (or admit an event stream by its ticket). */
  void opened(PeerConnection conn) {
    assert Confinement.onScheduler(scheduler);
    if (!running.getAsBoolean()) {
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
      openStream(c, params);
      return;
    }
    connections.add(c);
    log.debug(
        "connection {} opened ({}, {})",
        conn.id(),
        conn.outbound() ? "out" : "in",
        conn.remoteAddress());
    // Nothing but the handshake until the other side has proved its key and announced itself;
    // events logged meanwhile are held and delivered when it has.
    outbox.hold(c, conn.outbound() ? Resume.LIVE : parseResume(params.get("resume")));
    State s = new State();
    states.put(c, s);
    outbox.sendSigned(c, s.challenge, null);
    // A link that froze while the connection opened would otherwise leave it open and useless
    // forever; so would a client that never authenticates.
    s.timer =
        scheduler.schedule(
            () -> {
              if (c.peerId == null && connections.isCurrent(c)) {
                log.info(
                    "connection {} from {}: no {} within {}, closing",
                    conn.id(),
                    conn.remoteAddress(),
                    c.authenticated == null ? "authentication" : "announce",
                    timeout);
                outbox.refuse(
                    c,
                    "handshake_timeout",
                    "authenticate and announce within " + timeout.toMillis() + " ms",
                    0);
                conn.close(1008, "handshake timeout");
              }
            },
            timeout);
  }

  /**
   * An event stream cannot answer a challenge: the transport admitted it over REST first (session
   * or operator token) and passes the one-time ticket it was given.
   */
  private void openStream(Connection c, Map<String, String> params) {
    PeerConnection conn = c.conn;
    Sessions.Principal who = sessions.redeem(params.get("ticket"));
    if (who == null) {
      log.info(
          "event stream {} from {} without a valid ticket: closing",
          conn.id(),
          conn.remoteAddress());
      conn.close(1008, "not authenticated");
      return;
    }
    c.authenticated = who instanceof Sessions.Node n ? n.nodeId() : self;
    connections.add(c);
    log.debug("event stream {} opened for {}", conn.id(), c.authenticated.shortId());
    outbox.sendSigned(c, announceSelf.get(), null); // who speaks
    outbox.startStream(c, parseResume(params.get("resume")));
  }

  private static long parseResume(String value) {
    if (value == null || value.isBlank()) {
      return Resume.LIVE;
    }
    try {
      long v = Long.parseLong(value.trim());
      return v < 0 || v > Values.MAX_SAFE_INTEGER ? Resume.LIVE : v;
    } catch (NumberFormatException e) {
      return Resume.LIVE;
    }
  }

  /** The other side's challenge: prove our key for this connection, then announce ourselves. */
  void challenged(Connection c, SignedMessage m, Challenge ch) {
    assert Confinement.onScheduler(scheduler);
    State s = states.get(c);
    if (s == null || s.answered) {
      rejections.reject(c.conn, "second system:challenge on one connection", "");
      return;
    }
    s.answered = true;
    NodeId peer = m.nodeId();
    outbox.sendSigned(c, new AuthProof(ch.challenge(), peer), peer);
    outbox.sendSigned(c, announceSelf.get(), null);
  }

  /** The other side's proof: the connection is now authenticated as the node that signed it. */
  void proved(Connection c, SignedMessage m, AuthProof proof) {
    assert Confinement.onScheduler(scheduler);
    State s = states.get(c);
    String problem =
        c.authenticated != null
            ? "already authenticated"
            : !self.equals(m.recipient())
                ? "system:auth must be addressed to this node"
                : !proof.peer().equals(self)
                    ? "proof names another node"
                    : s == null || !proof.challenge().equals(s.challenge.challenge())
                        ? "proof answers another challenge"
                        : null;
    if (problem != null) {
      counters.authFailures.incrementAndGet();
      rejections.reject(c.conn, "authentication failed: " + problem, "");
      outbox.refuse(c, "auth_failed", problem, 0);
      c.conn.close(1008, "authentication failed");
      return;
    }
    c.authenticated = m.nodeId();
    log.debug("connection {} authenticated as {}", c.id(), c.authenticated.shortId());
  }

  /** A proof of key that fails the message checks ends the handshake as a wrong proof does. */
  void failProof(PeerConnection conn, SignedMessage m, String why) {
    if (m.payload().type() != WSEventType.AUTH) {
      return;
    }
    scheduler.execute(
        () -> {
          Connection c = connections.get(conn);
          if (c != null && c.authenticated == null) {
            counters.authFailures.incrementAndGet();
            outbox.refuse(c, "auth_failed", why, 0);
            conn.close(1008, "authentication failed");
          }
        });
  }

  /** This node dialled itself: close, and never dial that address again. */
  void closeSelf(Connection c) {
    dialer.reachedSelf(c);
    c.conn.close(1008, "connected to self");
  }

  /**
   * Binds a connection to the peer that announced itself on it (in a message stamped {@code
   * announcedAt}); false if it was closed.
   */
  boolean identify(Connection c, NodeAnnounce a, long announcedAt) {
    assert Confinement.onScheduler(scheduler);
    NodeId pid = a.nodeId();
    if (pid.equals(self)) {
      closeSelf(c);
      return false;
    }
    PeerConnection existing = peers.connectionOf(pid);
    if (existing != null && existing != c.conn) {
      // Both sides dialled: keep the connection opened by the smaller node id, on both ends.
      // Both opened by the same side means a reconnection over a stale socket: the new one wins.
      boolean keepNew =
          existing.outbound() == c.conn.outbound()
              || (self.compareTo(pid) < 0) == c.conn.outbound();
      if (!keepNew) {
        dialer.lostDuplicate(c);
        c.conn.close(1000, "duplicate connection");
        return false;
      }
      peers.detach(pid);
      existing.close(1000, "duplicate connection");
    }
    String host = a.address().isEmpty() ? Addresses.hostOf(c.conn.remoteAddress()) : a.address();
    PeerStatusType previous = peers.bind(c.conn, a, host, announcedAt);
    c.peerId = pid;
    State s = states.get(c);
    if (s != null && s.timer != null) {
      s.timer.cancel();
    }
    dialer.identified(c, a, host);
    log.info(
        "peer {} active at {}:{} ({})",
        pid.shortId(),
        LogText.safe(host),
        a.wsPort(),
        c.conn.outbound() ? "outbound" : "inbound");
    if (!c.conn.outbound()) {
      // The dialler waits to hear where to resume its log for us: after the last event we saw.
      long after = resume.after(pid);
      c.replaysAfter = after;
      outbox.sendSigned(c, new Resume(after), pid);
      // And we send it what it asked for when dialling, then what was logged since it opened.
      outbox.releaseInbound(c);
    } else {
      // What we asked the other side to replay when we dialled it.
      c.replaysAfter = parseResume(c.conn.parameters().get("resume"));
      // Hold our logged events until the other side says where to resume (or stops waiting).
      outbox.awaitResume(c);
    }
    // Peer exchange: tell the newcomer of every other active peer, as a hint to dial.
    for (NodeAnnounce hint : peers.hintsFor(pid)) {
      outbox.sendSigned(c, hint, pid);
    }
    heartbeats.start(c);
    if (c.conn.outbound()) {
      sync.dialled(pid);
    }
    log.trace("peer {} was {}", pid.shortId(), previous);
    return true;
  }

  /** A connection closed: its handshake timer goes. */
  void closed(Connection c) {
    State s = states.remove(c);
    if (s != null && s.timer != null) {
      s.timer.cancel();
    }
  }

  /** The node stops: every handshake timer goes. */
  void stop() {
    for (State s : states.values()) {
      if (s.timer != null) {
        s.timer.cancel();
      }
    }
    states.clear();
  }
}
