package org.brightchain.net.core.internal.peer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.internal.Values;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats: a ping to every identified peer each interval, answered within the timeout; one miss
 * makes the peer PENDING, several in a row close its connection (it is then OFFLINE and redialled).
 * The answer's delay is the peer's round-trip time. Scheduler-confined.
 */
public final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** Heartbeat settings: a ping every {@code interval}, answered within {@code timeout}. */
  public record Settings(Duration interval, Duration timeout, int misses) {}

  private final Settings settings;
  private final Scheduler scheduler;
  private final Clock clock;
  private final PeerTable peers;
  private final Connections connections;
  private final Outbox outbox;
  private final SplittableRandom random;
  private final BooleanSupplier running;
  private final Map<Connection, Beat> beats = new HashMap<>();

  /** The ping in flight on one connection, and its timers. */
  private static final class Beat {
    long nonce = -1;
    long sentNanos;
    Scheduler.Cancellable next;
    Scheduler.Cancellable timeout;

    void cancel() {
      if (next != null) {
        next.cancel();
      }
      if (timeout != null) {
        timeout.cancel();
      }
    }
  }

  /** Heartbeats on the node's connections. */
  public Heartbeats(
      Settings settings,
      Scheduler scheduler,
      Clock clock,
      PeerTable peers,
      Connections connections,
      Outbox outbox,
      SplittableRandom random,
      BooleanSupplier running) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.clock = clock;
    this.peers = peers;
    this.connections = connections;
    this.outbox = outbox;
    this.random = random;
    this.running = running;
  }

  /** Starts pinging an identified peer's connection (event streams are not pinged). */
  public void start(Connection c) {
    assert Confinement.onScheduler(scheduler);
    if (c.conn.receiveOnly()) {
      return;
    }
    Beat b = beats.computeIfAbsent(c, k -> new Beat());
    b.next = scheduler.schedule(() -> beat(c, b), settings.interval());
  }

  private void beat(Connection c, Beat b) {
    if (!running.getAsBoolean() || !c.isOpen() || !connections.isCurrent(c)) {
      return;
    }
    long nonce = random.nextLong() & Values.MAX_SAFE_INTEGER;
    b.nonce = nonce;
    b.sentNanos = nanos();
    outbox.sendSigned(c, new Ping(nonce), c.peerId);
    b.timeout =
        scheduler.schedule(
            () -> {
              if (b.nonce == nonce) {
                missed(c, b);
              }
            },
            settings.timeout());
    b.next = scheduler.schedule(() -> beat(c, b), settings.interval());
  }

  private void missed(Connection c, Beat b) {
    b.nonce = -1;
    int misses = peers.missedHeartbeat(c.peerId, c.conn);
    if (misses < 0) {
      return;
    }
    log.info("peer {} missed heartbeat {} of {}", c.peerId.shortId(), misses, settings.misses());
    if (misses >= settings.misses()) {
      c.conn.close(1001, "heartbeat timeout"); // the close marks it OFFLINE and redials
    } else {
      peers.suspect(c.peerId);
    }
  }

  /** An answer to a ping: the peer is alive, and its round-trip time known. Returns false. */
  public boolean pong(Connection c, Pong pong) {
    assert Confinement.onScheduler(scheduler);
    Beat b = beats.get(c);
    if (b == null || pong.nonce() != b.nonce) {
      return false; // late or unsolicited
    }
    b.nonce = -1;
    if (b.timeout != null) {
      b.timeout.cancel();
    }
    long rttMs = Math.max(0, (nanos() - b.sentNanos) / 1_000_000);
    peers.answered(c.peerId, c.conn, rttMs);
    return false;
  }

  /** A connection closed: its heartbeat stops. */
  public void closed(Connection c) {
    assert Confinement.onScheduler(scheduler);
    Beat b = beats.remove(c);
    if (b != null) {
      b.cancel();
    }
  }

  /** The node stops: every heartbeat stops. */
  public void stop() {
    beats.values().forEach(Beat::cancel);
    beats.clear();
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
