package org.brightchain.net.core.internal.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node sends: single frames to one connection, and events fanned out to every connection
 * that wants them through the {@link ReplayLog}, from which a connection that comes back is sent
 * what it missed. A new connection is held (sent nothing from the log) until the other side says
 * where to resume. Scheduler-confined.
 */
public final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private final Connections connections;
  private final Signer signer;
  private final Scheduler scheduler;
  private final NodeCounters counters;
  private final int replayLogSize;
  private final Duration resumeWait;
  private ReplayLog replayLog;

  /** An outbox over {@code connections}, keeping {@code replayLogSize} events. */
  public Outbox(
      Connections connections,
      Signer signer,
      Scheduler scheduler,
      NodeCounters counters,
      int replayLogSize,
      Duration resumeWait) {
    this.connections = connections;
    this.signer = signer;
    this.scheduler = scheduler;
    this.counters = counters;
    this.replayLogSize = replayLogSize;
    this.resumeWait = resumeWait;
  }

  /** Opens the log; its sequence numbers start from the node's start time. */
  public void start(long startMillis) {
    replayLog = new ReplayLog(replayLogSize, startMillis);
  }

  /** Events in the log. */
  public long logSize() {
    return replayLog == null ? 0 : replayLog.size();
  }

  /** Sends a frame; completes when written, or at once if the connection is closed. */
  public CompletableFuture<Void> send(Connection c, Outgoing out) {
    if (!c.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    return c.conn.send(out.frame(c.frameType)).exceptionally(err -> null);
  }

  /** Signs {@code payload} for {@code recipient} and sends it on {@code c}, outside the log. */
  public CompletableFuture<Void> sendSigned(Connection c, EventPayload payload, NodeId recipient) {
    return send(c, new Outgoing(Envelope.of(signer.sign(payload, recipient))));
  }

  /**
   * Answers a request on {@code c} (its id in {@code replyTo}). An acknowledgement of something
   * that was not a request is not sent; other answers (a pong, say) are.
   */
  public void reply(Connection c, String requestId, EventPayload answer) {
    assert Confinement.onScheduler(scheduler);
    if (c == null || (requestId.isEmpty() && answer instanceof Ack)) {
      return; // posted over HTTP, or nothing asked
    }
    SignedMessage m = signer.sign(answer, c.peerId);
    send(c, new Outgoing(new Envelope(m, 0, "", requestId)));
  }

  /** Tells the other side why something it sent was refused ({@code system:error}). */
  public void refuse(Connection c, String code, String message, long retryAfterMs) {
    sendSigned(c, new ErrorEvent(code, message, retryAfterMs), c.authenticated);
  }

  /**
   * Logs an event under the next sequence number and sends it to every connection that wants it,
   * but {@code from} and the event's signer.
   */
  public List<CompletableFuture<Void>> fanOut(SignedMessage m, Connection from) {
    assert Confinement.onScheduler(scheduler);
    long seq = replayLog.nextSequence();
    Outgoing out = new Outgoing(new Envelope(m, seq, "", ""));
    replayLog.append(out);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Connection c : connections.all()) {
      if (c != from
          && !c.held
          && (c.peerId == null || !c.peerId.equals(m.nodeId()))
          && c.filter.matches(m.payload().data())) {
        sent.add(send(c, out));
      }
    }
    return sent;
  }

  /**
   * Holds a new connection: events logged from now on are delivered when it is released. {@code
   * resumeAfter} is where the other side asked, when dialling, to resume (inbound connections).
   */
  public void hold(Connection c, long resumeAfter) {
    assert Confinement.onScheduler(scheduler);
    c.held = true;
    c.heldFrom = replayLog.nextSequence() - 1;
    c.resumeAfter = resumeAfter;
  }

  /** An inbound connection identified: sends what it asked for, then what was logged since. */
  public void releaseInbound(Connection c) {
    c.held = false;
    replay(c, c.resumeAfter > 0 ? Math.min(c.resumeAfter, c.heldFrom) : c.heldFrom);
  }

  /** A dialled connection identified: holds the log until the other side says where to resume. */
  public void awaitResume(Connection c) {
    c.resumeTimer = scheduler.schedule(() -> release(c, Resume.LIVE), resumeWait);
  }

  /** An event stream: live at once, after replaying from {@code after} if it asked. */
  public void startStream(Connection c, long after) {
    c.held = false;
    if (after > 0) {
      replay(c, after);
    }
  }

  /**
   * Ends the hold of a connection: replay what the other side asks for, then go live. Returns
   * false.
   */
  public boolean release(Connection c, long after) {
    assert Confinement.onScheduler(scheduler);
    if (!c.held) {
      if (after > 0) {
        replay(c, after); // a later resume request: honour it too
      }
      return false;
    }
    c.held = false;
    if (c.resumeTimer != null) {
      c.resumeTimer.cancel();
    }
    // Live events logged while holding are due in any case.
    replay(c, after > 0 ? after : c.heldFrom);
    return false;
  }

  /** Sends the logged events after {@code after} that the connection wants, in order. */
  void replay(Connection c, long after) {
    long oldest = replayLog.oldest();
    long next = replayLog.nextSequence();
    if (after >= next - 1) {
      return; // nothing missed
    }
    if (after + 1 < oldest) {
      counters.gapsReported.incrementAndGet();
      log.info(
          "connection {} asked to resume after {}, oldest logged is {}: gap reported",
          c.id(),
          after,
          oldest);
      sendSigned(c, new Gap(after, oldest), c.peerId);
    }
    int n = 0;
    for (ReplayLog.Entry entry : replayLog.after(after)) {
      Outgoing out = (Outgoing) entry.event();
      SignedMessage m = out.envelope().message();
      if ((c.peerId == null || !c.peerId.equals(m.nodeId()))
          && c.filter.matches(m.payload().data())) {
        send(c, out);
        n++;
      }
    }
    log.debug("replayed {} events to {}", n, c.id());
  }

  /** A connection closed: its timers go. */
  public void closed(Connection c) {
    if (c.resumeTimer != null) {
      c.resumeTimer.cancel();
    }
  }
}
