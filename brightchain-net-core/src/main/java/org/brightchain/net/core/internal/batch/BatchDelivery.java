package org.brightchain.net.core.internal.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.Outgoing;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers signed batches — the node's own and the ones it relays — to every identified peer, each
 * as a request the peer acknowledges: at most a window of unacknowledged batches per peer, more
 * queued behind it, each sent again a few times and then abandoned to reconciliation. Event streams
 * get each batch once, without acknowledgement. Scheduler-confined.
 */
public final class BatchDelivery {
  private static final Logger log = LoggerFactory.getLogger(BatchDelivery.class);

  /**
   * Batches one connection may have sent and unacknowledged at once (a window): a slow peer
   * receives batches at the pace it acknowledges them, and retries concern only these.
   */
  public static final int BATCH_WINDOW = 16;

  /** Batches waiting for a connection's window to open; past it, the peer is left to sync. */
  public static final int MAX_QUEUED_BATCHES = 256;

  private final Connections connections;
  private final Outbox outbox;
  private final Scheduler scheduler;
  private final NodeCounters counters;
  private final BatchConfig config;
  private final Duration requestTimeout;
  private final Consumer<NodeId> reconcile;

  /** Batches sent to a connection and not yet acknowledged, by request id. */
  private final Map<String, Delivery> deliveries = new HashMap<>();

  private final Map<Connection, Window> windows = new HashMap<>();
  private long counter;

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

  /** One connection's batches in flight and waiting. */
  private static final class Window {
    int unacked;
    final ArrayDeque<SignedMessage> queued = new ArrayDeque<>();
  }

  /**
   * Delivers batches over {@code connections}; a peer that misses one is handed to {@code
   * reconcile}.
   */
  public BatchDelivery(
      Connections connections,
      Outbox outbox,
      Scheduler scheduler,
      NodeCounters counters,
      BatchConfig config,
      Duration requestTimeout,
      Consumer<NodeId> reconcile) {
    this.connections = connections;
    this.outbox = outbox;
    this.scheduler = scheduler;
    this.counters = counters;
    this.config = config;
    this.requestTimeout = requestTimeout;
    this.reconcile = reconcile;
  }

  /**
   * Sends a signed batch (ours, or one we relay) to every identified connection but {@code from}
   * and its signer.
   */
  public void send(SignedMessage m, Connection from) {
    assert Confinement.onScheduler(scheduler);
    BatchUpdate b = (BatchUpdate) m.payload().data();
    Outgoing toStreams = null;
    for (Connection c : connections.all()) {
      if (c.conn.receiveOnly()) {
        // An event stream cannot acknowledge: it gets the batch once, like any event.
        if (c.authenticated != null && c.filter.matches(b)) {
          if (toStreams == null) {
            toStreams = new Outgoing(Envelope.of(m));
          }
          outbox.send(c, toStreams);
        }
        continue;
      }
      if (c == from
          || c.peerId == null
          || c.peerId.equals(m.nodeId())
          || !c.isOpen()
          || !c.filter.matches(b)) {
        continue;
      }
      Window w = windows.computeIfAbsent(c, k -> new Window());
      if (w.unacked < BATCH_WINDOW) {
        transmit(c, w, m);
      } else if (w.queued.size() < MAX_QUEUED_BATCHES) {
        w.queued.add(m);
      } else {
        counters.batchesAbandoned.incrementAndGet();
        reconcile.accept(c.peerId);
      }
    }
  }

  private void transmit(Connection c, Window w, SignedMessage m) {
    String id = "b" + Long.toString(++counter, 36);
    Delivery d =
        new Delivery(
            c,
            new Outgoing(new Envelope(m, 0, id, "")),
            ((BatchUpdate) m.payload().data()).batchId());
    deliveries.put(id, d);
    w.unacked++;
    outbox.send(c, d.out);
    d.timer = scheduler.schedule(() -> timedOut(id), ackWait());
  }

  /** A delivery of {@code c} ended: let the next queued batch through its window. */
  private void windowOpened(Connection c) {
    Window w = windows.get(c);
    if (w == null) {
      return;
    }
    w.unacked--;
    while (w.unacked < BATCH_WINDOW && !w.queued.isEmpty() && c.isOpen()) {
      transmit(c, w, w.queued.poll());
    }
  }

  private Duration ackWait() {
    return config.retryDelay().isZero() ? requestTimeout : config.retryDelay();
  }

  private void timedOut(String requestId) {
    Delivery d = deliveries.get(requestId);
    if (d == null) {
      return;
    }
    Connection c = d.connection;
    boolean open = c.isOpen() && connections.isCurrent(c);
    if (open && d.attempts < config.retryAttempts()) {
      d.attempts++;
      counters.batchRetries.incrementAndGet();
      log.debug(
          "batch {} to {}: no acknowledgement, sending it again ({} of {})",
          d.batchId,
          c.peerId.shortId(),
          d.attempts,
          config.retryAttempts());
      outbox.send(c, d.out);
      d.timer = scheduler.schedule(() -> timedOut(requestId), ackWait());
      return;
    }
    deliveries.remove(requestId);
    windowOpened(c);
    counters.batchesAbandoned.incrementAndGet();
    log.info(
        "batch {} to {}: not acknowledged after {} attempts; left to reconciliation",
        d.batchId,
        c.peerId.shortId(),
        d.attempts + 1);
    if (open) {
      reconcile.accept(c.peerId);
    }
  }

  /** An answer to a batch we sent on {@code c}; true if it was one. */
  public boolean answered(Connection c, Envelope e) {
    assert Confinement.onScheduler(scheduler);
    Delivery d = deliveries.get(e.replyTo());
    if (d == null || d.connection != c || !e.message().nodeId().equals(c.peerId)) {
      return false; // replyTo is not signed: only the peer's own answer counts
    }
    deliveries.remove(e.replyTo());
    d.timer.cancel();
    windowOpened(c);
    if (e.message().payload().data() instanceof Ack a && a.ok()) {
      counters.batchesAcked.incrementAndGet();
    } else {
      counters.batchesAbandoned.incrementAndGet();
      log.info(
          "peer {} refused batch {}: {}; left to reconciliation",
          c.peerId.shortId(),
          d.batchId,
          LogText.safe(e.message().payload().data()));
      reconcile.accept(c.peerId);
    }
    return true;
  }

  /**
   * Forgets the deliveries of a closed connection ({@code null}: of every connection):
   * reconciliation on reconnect covers them.
   */
  public void drop(Connection c) {
    assert Confinement.onScheduler(scheduler);
    Iterator<Map.Entry<String, Delivery>> it = deliveries.entrySet().iterator();
    while (it.hasNext()) {
      Delivery d = it.next().getValue();
      if (c == null || d.connection == c) {
        it.remove();
        d.timer.cancel();
        counters.batchesAbandoned.incrementAndGet();
      }
    }
    Iterator<Map.Entry<Connection, Window>> ws = windows.entrySet().iterator();
    while (ws.hasNext()) {
      Map.Entry<Connection, Window> w = ws.next();
      if (c == null || w.getKey() == c) {
        counters.batchesAbandoned.addAndGet(w.getValue().queued.size());
        ws.remove();
      }
    }
  }
}
