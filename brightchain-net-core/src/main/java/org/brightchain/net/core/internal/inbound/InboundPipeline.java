package org.brightchain.net.core.internal.inbound;

import com.github.benmanes.caffeine.cache.Cache;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.internal.batch.BatchApplier;
import org.brightchain.net.core.internal.batch.BatchDelivery;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.channel.Caches;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.HybridClock;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.Requests;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.core.internal.channel.SeenMessages;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.core.internal.peer.Heartbeats;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SyncCoordinator;
import org.brightchain.net.core.internal.sync.SyncResponder;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every message that reaches the node, from a WebSocket frame or {@code POST /events}, passes here:
 * rate limit → decode → recipient → de-duplication → replay window → signature, on the transport
 * thread; then, on the scheduler, the first copy is recorded, the handshake or the {@link
 * MessageDispatcher} takes it, listeners hear of it, and it is relayed if it concerns the whole
 * network.
 */
public final class InboundPipeline {
  private static final Logger log = LoggerFactory.getLogger(InboundPipeline.class);

  private final NodeId self;
  private final SecurityConfig security;
  private final Clock clock;
  private final RateLimiter limiter;
  private final SeenMessages seen;

  /** Verdicts of messages that failed verification, by id, signature and key. */
  private final Cache<ByteBuffer, MessageSigning.Verdict> knownBad;

  private final Connections connections;
  private final Scheduler scheduler;
  private final HybridClock stamps;
  private final ResumePoints resume;
  private final Requests requests;
  private final PeerTable peers;
  private final Outbox outbox;
  private final Handshake handshake;
  private final MessageDispatcher dispatcher;
  private final BatchDelivery delivery;
  private final NodeCounters counters;
  private final NodeEvents events;
  private final Rejections rejections;
  private final WriteRules rules;

  /** Outcome of an event posted over HTTP. */
  public enum Accepted {
    /** Applied and passed on. */
    ACCEPTED,
    /** Seen before: nothing done. */
    DUPLICATE
  }

  private InboundPipeline(
      NodeId self,
      SecurityConfig security,
      Clock clock,
      RateLimiter limiter,
      SeenMessages seen,
      Connections connections,
      Scheduler scheduler,
      HybridClock stamps,
      ResumePoints resume,
      Requests requests,
      PeerTable peers,
      Outbox outbox,
      Handshake handshake,
      MessageDispatcher dispatcher,
      BatchDelivery delivery,
      NodeCounters counters,
      NodeEvents events,
      Rejections rejections) {
    this.self = self;
    this.security = security;
    this.clock = clock;
    this.limiter = limiter;
    this.seen = seen;
    this.knownBad = Caches.expiring(100_000, security.replayWindow().multipliedBy(2), clock);
    this.connections = connections;
    this.scheduler = scheduler;
    this.stamps = stamps;
    this.resume = resume;
    this.requests = requests;
    this.peers = peers;
    this.outbox = outbox;
    this.handshake = handshake;
    this.dispatcher = dispatcher;
    this.delivery = delivery;
    this.counters = counters;
    this.events = events;
    this.rejections = rejections;
    this.rules = new WriteRules(clock, security.maxClockSkew().toMillis());
  }

  /** What the pipeline and its parts (handshake, dispatcher) are built from. */
  public record Parts(
      NodeId self,
      SecurityConfig security,
      Clock clock,
      Scheduler scheduler,
      RateLimiter limiter,
      SeenMessages seen,
      Connections connections,
      HybridClock stamps,
      ResumePoints resume,
      Requests requests,
      Outbox outbox,
      Sessions sessions,
      PeerTable peers,
      Dialer dialer,
      Heartbeats heartbeats,
      MetadataChanges changes,
      BatchApplier batches,
      BatchDelivery delivery,
      SyncCoordinator sync,
      SyncResponder responder,
      NodeCounters counters,
      NodeEvents events,
      Supplier<NodeAnnounce> announceSelf,
      BooleanSupplier running) {}

  /** Builds the pipeline with its handshake and dispatcher. */
  public static InboundPipeline create(Parts p) {
    Rejections rejections =
        new Rejections(p.connections(), p.outbox(), p.scheduler(), p.counters(), p.events());
    Handshake handshake =
        new Handshake(
            p.self(),
            p.security().handshakeTimeout(),
            p.scheduler(),
            p.connections(),
            p.outbox(),
            p.sessions(),
            p.peers(),
            p.dialer(),
            p.heartbeats(),
            p.sync(),
            p.resume(),
            p.counters(),
            rejections,
            p.announceSelf(),
            p.running());
    MessageDispatcher dispatcher =
        new MessageDispatcher(
            p.self(),
            p.scheduler(),
            p.peers(),
            p.dialer(),
            p.heartbeats(),
            p.outbox(),
            p.resume(),
            p.changes(),
            p.batches(),
            p.delivery(),
            p.responder(),
            p.counters(),
            p.events());
    return new InboundPipeline(
        p.self(),
        p.security(),
        p.clock(),
        p.limiter(),
        p.seen(),
        p.connections(),
        p.scheduler(),
        p.stamps(),
        p.resume(),
        p.requests(),
        p.peers(),
        p.outbox(),
        handshake,
        dispatcher,
        p.delivery(),
        p.counters(),
        p.events(),
        rejections);
  }

  /** A connection opened: the handshake begins. Scheduler only. */
  public void opened(PeerConnection conn) {
    handshake.opened(conn);
  }

  /** A connection closed. Scheduler only. */
  public void closed(Connection c) {
    handshake.closed(c);
  }

  /** The node stops. Scheduler only. */
  public void stop() {
    handshake.stop();
  }

  /** A verified, first-seen message with its envelope. */
  private record Inbound(Envelope envelope, ByteBuffer id, boolean replayed) {}

  // ------------------------------------------------------------------ transport threads

  /** A frame arrived on {@code conn}. Runs on a transport thread: decodes and verifies here. */
  public void frameReceived(PeerConnection conn, Frame frame) {
    Connection rc = connections.get(conn);
    if (rc != null && !admitted(conn, rc)) {
      return;
    }
    Envelope e;
    try {
      e =
          frame.type() == Frame.Type.BINARY
              ? ProtoCodec.decodeEnvelope(frame.bytes())
              : JsonCodec.fromJson(frame.bytes(), Envelope.class);
    } catch (WireFormatException ex) {
      rejections.reject(
          conn,
          "malformed "
              + frame.type().name().toLowerCase(Locale.ROOT)
              + " frame: "
              + ex.getMessage(),
          "");
      return;
    } catch (RuntimeException ex) {
      rejections.reject(conn, "undecodable frame: " + ex.getClass().getSimpleName(), "");
      return;
    }
    Inbound in = check(conn, e);
    if (in == null) {
      return;
    }
    Frame.Type type = frame.type();
    scheduler.execute(() -> verified(conn, in, type));
  }

  /** Counts a frame against its sender's rate limit; false (and a refusal) if over it. */
  private boolean admitted(PeerConnection conn, Connection rc) {
    NodeId who = rc.authenticated;
    RateLimiter.Decision d =
        limiter.acquire(
            who != null ? "node:" + who.hex() : "addr:" + Addresses.hostOf(conn.remoteAddress()));
    if (d.allowed()) {
      return true;
    }
    counters.rateLimited.incrementAndGet();
    counters.messagesRejected.incrementAndGet();
    boolean black = d.outcome() == RateLimiter.Outcome.BLACKLISTED;
    long retry = Math.max(1, d.retryAfter().toMillis());
    scheduler.execute(
        () -> {
          long now = clock.millis();
          if (black) {
            if (!rc.closing) {
              rc.closing = true;
              log.info(
                  "connection {} from {} ({}) blacklisted for {} ms: closing",
                  conn.id(),
                  conn.remoteAddress(),
                  who == null ? "unauthenticated" : who.shortId(),
                  retry);
              outbox.refuse(
                  rc, "blacklisted", "too many messages: refused for " + retry + " ms", retry);
              conn.close(1008, "rate limited");
            }
          } else if (now - rc.lastRefusalMs >= 1000) {
            rc.lastRefusalMs = now; // at most one error a second: a flood gets no echo
            log.info(
                "connection {} from {} over its rate limit: dropping messages",
                conn.id(),
                conn.remoteAddress());
            outbox.refuse(
                rc,
                "rate_limited",
                "at most "
                    + security.rateLimit().maxRequests()
                    + " messages per "
                    + security.rateLimit().window().toMillis()
                    + " ms",
                retry);
          }
        });
    return false;
  }

  /** Checks recipient, de-duplicates and verifies; null if dropped. Any thread. */
  private Inbound check(PeerConnection conn, Envelope e) {
    SignedMessage m = e.message();
    if (m.recipient() != null && !m.recipient().equals(self)) {
      rejections.reject(conn, "message addressed to another node", e.requestId());
      return null;
    }
    byte[] signed = MessageSigning.signedBytes(m, MessageSigning.purposeFor(m.payload().type()));
    ByteBuffer id = ByteBuffer.wrap(MessageSigning.messageId(signed));
    if (seen.contains(id)) {
      counters.duplicates.incrementAndGet();
      if (m.nodeId().equals(self)
          && (m.payload().data() instanceof NodeAnnounce
              || m.payload().data() instanceof Challenge)) {
        // Our own announcement coming back on a connection: we dialled ourselves.
        scheduler.execute(
            () -> {
              Connection c = connections.get(conn);
              if (c != null && c.peerId == null) {
                handshake.closeSelf(c);
              }
            });
        return null;
      }
      if (!e.requestId().isEmpty() || e.sequence() > 0) {
        // Still acknowledge (the sender retries until it hears) and note the sequence.
        scheduler.execute(
            () -> {
              Connection c = connections.get(conn);
              if (c != null) {
                dispatcher.duplicate(c, e);
              }
            });
      }
      return null;
    }
    String stale = outsideWindow(m, e.sequence());
    if (stale != null) {
      rejections.reject(conn, stale, e.requestId());
      handshake.failProof(conn, m, "timestamp outside the replay window");
      return null;
    }
    MessageSigning.Verdict verdict = verify(m, signed, id);
    if (verdict != MessageSigning.Verdict.VALID) {
      String v = verdict.name().toLowerCase(Locale.ROOT);
      rejections.reject(
          conn,
          "bad signature ("
              + v
              + ") on "
              + m.payload().type().wireName()
              + " from "
              + m.nodeId().shortId(),
          e.requestId());
      handshake.failProof(conn, m, "bad signature (" + v + ")");
      return null;
    }
    String refused = rules.refusal(m);
    if (refused != null) {
      rejections.reject(
          conn,
          "refused "
              + m.payload().type().wireName()
              + " from "
              + m.nodeId().shortId()
              + ": "
              + refused,
          e.requestId());
      return null;
    }
    return new Inbound(e, id, m.timestamp() < clock.millis() - security.replayWindow().toMillis());
  }

  /**
   * Verifies a message's signature. A forged copy shares its id with the genuine message (the id
   * covers neither signature nor key), so failures are remembered by id, signature and key:
   * resending a bad message costs a lookup, not a verification, and cannot block the genuine one.
   */
  private MessageSigning.Verdict verify(SignedMessage m, byte[] signed, ByteBuffer id) {
    byte[] sig = m.signature();
    byte[] key = m.publicKey();
    ByteBuffer badKey =
        ByteBuffer.allocate(id.remaining() + 2 + sig.length + key.length)
            .put(id.duplicate())
            .put((byte) sig.length)
            .put(sig)
            .put((byte) key.length)
            .put(key)
            .flip();
    MessageSigning.Verdict verdict = knownBad.getIfPresent(badKey);
    if (verdict == null) {
      verdict = MessageSigning.verify(m, signed);
      if (verdict != MessageSigning.Verdict.VALID) {
        knownBad.put(badKey, verdict);
      }
    }
    return verdict;
  }

  /**
   * The replay rule, its first half (the second is in {@link #verified}): null if {@code m} may go
   * on for its timestamp, else why not. Nothing outside the window is applied — a message from the
   * future could win every last-writer-wins contest — unless this node asked for it: an event
   * replayed from the log of the peer identified on the connection, above the sequence number this
   * node asked it to resume after, and only a register write that re-applying cannot harm. Liveness
   * events ({@code node:leave}, {@code node:status}, announcements, pings) never are. Whether this
   * node asked is known only on the scheduler (the connection may not be identified yet when a
   * frame is checked here): an old register write with a sequence number goes on to be decided
   * there. The sequence number is a hop-by-hop field, not signed: it can widen nothing beyond what
   * this node asked for.
   */
  private String outsideWindow(SignedMessage m, long sequence) {
    long now = clock.millis();
    long window = security.replayWindow().toMillis();
    boolean future = m.timestamp() > now + window;
    boolean mayBeAsked = sequence > 0 && WriteRules.REPLAYABLE.contains(m.payload().type());
    if (future || (m.timestamp() < now - window && !mayBeAsked)) {
      counters.staleMessages.incrementAndGet();
      return stale(m, now, window);
    }
    return null;
  }

  private String stale(SignedMessage m, long now, long window) {
    return "timestamp "
        + m.timestamp()
        + " outside the replay window (now "
        + now
        + " +/- "
        + window
        + " ms) on "
        + m.payload().type().wireName()
        + " from "
        + m.nodeId().shortId();
  }

  /**
   * Whether an old {@code m} is part of a replay this node asked {@code c}'s peer for: above the
   * sequence number asked for, after the last one accepted (in log order, once). Scheduler only.
   */
  private static boolean asked(Connection c, SignedMessage m, long sequence) {
    return c.peerId != null
        && c.replaysAfter > 0
        && sequence > Math.max(c.replaysAfter, c.lastReplayed)
        && WriteRules.REPLAYABLE.contains(m.payload().type());
  }

  // ------------------------------------------------------------------ scheduler

  private void verified(PeerConnection conn, Inbound in, Frame.Type frameType) {
    Connection c = connections.get(conn);
    if (c == null) {
      return; // closed meanwhile: not marked seen, so another copy can still be applied
    }
    Envelope e = in.envelope();
    SignedMessage m = e.message();
    WSMessage p = m.payload();
    if (in.replayed() && !asked(c, m, e.sequence())) {
      // Refused before it is marked seen: a copy this node does ask for may still come.
      counters.staleMessages.incrementAndGet();
      long window = security.replayWindow().toMillis();
      rejections.reject(
          c.conn,
          stale(m, clock.millis(), window) + " (not a replay this node asked for)",
          e.requestId());
      return;
    }
    if (!seen.add(in.id())) {
      counters.duplicates.incrementAndGet();
      dispatcher.duplicate(c, e);
      return;
    }
    if (in.replayed()) {
      c.lastReplayed = e.sequence();
    }
    c.frameType = frameType;
    stamps.observe(p.timestamp());
    if (p.sender().equals(self)) {
      // Our own challenge or announcement coming back means we dialled ourselves.
      if (c.peerId == null && (p.data() instanceof NodeAnnounce || p.data() instanceof Challenge)) {
        handshake.closeSelf(c);
      }
      return;
    }
    if (!handshaken(c, m, e.requestId())) {
      return;
    }
    if (c.peerId != null) {
      peers.touch(c.peerId, c.conn);
    }
    resume.note(c.peerId, e.sequence());
    if (!e.replyTo().isEmpty() && delivery.answered(c, e)) {
      return;
    }
    if (!e.replyTo().isEmpty()
        && requests.answer(c, e)
        && p.data() instanceof MetadataSync ms
        && !ms.session().isEmpty()) {
      counters.operationsOk.incrementAndGet();
      return; // a reconciliation answer: the waiting side has merged it
    }
    dispatcher.apply(c, m, e.requestId());
    counters.operationsOk.incrementAndGet();
    events.emit(l -> l.messageReceived(m));
    if (m.recipient() == null
        && MessageDispatcher.relayed(p)
        && !(p.data() instanceof BatchUpdate)) {
      dispatcher.relay(m, c); // a batch is passed on once it is applied
    }
  }

  /**
   * The handshake's part: challenges, proofs and refusals end here; anything else needs an
   * authenticated connection, and an announcement of the authenticated node identifies it. False if
   * the message goes no further.
   */
  private boolean handshaken(Connection c, SignedMessage m, String requestId) {
    WSMessage p = m.payload();
    if (p.data() instanceof Challenge ch) {
      handshake.challenged(c, m, ch);
      return false;
    }
    if (p.data() instanceof AuthProof proof) {
      handshake.proved(c, m, proof);
      return false;
    }
    if (p.data() instanceof ErrorEvent err) {
      log.info(
          "connection {} ({}) refused something we sent: {} {}",
          c.id(),
          c.peerId == null ? c.conn.remoteAddress() : c.peerId.shortId(),
          LogText.safe(err.code()),
          LogText.safe(err.message()));
      return false;
    }
    if (c.authenticated == null) {
      rejections.reject(
          c.conn, "not authenticated: " + p.type().wireName() + " before system:auth", requestId);
      outbox.refuse(c, "not_authenticated", "answer system:challenge with system:auth first", 0);
      return false;
    }
    if (c.peerId == null && p.data() instanceof NodeAnnounce a && a.nodeId().equals(p.sender())) {
      if (!p.sender().equals(c.authenticated)) {
        rejections.reject(
            c.conn,
            "announce for "
                + p.sender().shortId()
                + " on a connection authenticated as "
                + c.authenticated.shortId(),
            requestId);
        outbox.refuse(
            c,
            "not_authenticated",
            "a connection can announce only the node that authenticated on it",
            0);
        return false;
      }
      return handshake.identify(c, a, m.timestamp());
    }
    return true;
  }

  // ------------------------------------------------------------------ REST

  /**
   * Takes an event posted to {@code POST /events}: checked exactly like a WebSocket frame, then
   * applied and passed on. Scheduler only.
   *
   * @throws IllegalArgumentException with the reason if it is refused
   */
  public Accepted acceptPosted(SignedMessage m) {
    assert Confinement.onScheduler(scheduler);
    Envelope e = Envelope.of(m);
    if (m.recipient() != null && !m.recipient().equals(self)) {
      throw new IllegalArgumentException("message addressed to another node");
    }
    byte[] signed = MessageSigning.signedBytes(m, MessageSigning.purposeFor(m.payload().type()));
    ByteBuffer id = ByteBuffer.wrap(MessageSigning.messageId(signed));
    if (seen.contains(id)) {
      counters.duplicates.incrementAndGet();
      return Accepted.DUPLICATE;
    }
    String stale = outsideWindow(m, 0);
    if (stale != null) {
      counters.messagesRejected.incrementAndGet();
      throw new IllegalArgumentException(stale);
    }
    MessageSigning.Verdict verdict = MessageSigning.verify(m, signed);
    if (verdict != MessageSigning.Verdict.VALID) {
      counters.messagesRejected.incrementAndGet();
      throw new IllegalArgumentException(
          "bad signature (" + verdict.name().toLowerCase(Locale.ROOT) + ")");
    }
    String refused = rules.refusal(m);
    if (refused != null) {
      counters.messagesRejected.incrementAndGet();
      throw new IllegalArgumentException(refused);
    }
    if (!seen.add(id) || m.payload().sender().equals(self)) {
      return Accepted.DUPLICATE;
    }
    stamps.observe(m.payload().timestamp());
    dispatcher.apply(null, m, e.requestId());
    events.emit(l -> l.messageReceived(m));
    if (m.recipient() == null
        && MessageDispatcher.relayed(m.payload())
        && !(m.payload().data() instanceof BatchUpdate)) {
      dispatcher.relay(m, null);
    }
    return Accepted.ACCEPTED;
  }
}
