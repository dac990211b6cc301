package org.brightchain.net.core.internal.inbound;

import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.Ack;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message refused: counted, logged, told to listeners, and — if it was a request — answered with
 * a failed acknowledgement so the sender stops retrying. Any thread.
 */
final class Rejections {
  private static final Logger log = LoggerFactory.getLogger(Rejections.class);

  private final Connections connections;
  private final Outbox outbox;
  private final Scheduler scheduler;
  private final NodeCounters counters;
  private final NodeEvents events;

  Rejections(
      Connections connections,
      Outbox outbox,
      Scheduler scheduler,
      NodeCounters counters,
      NodeEvents events) {
    this.connections = connections;
    this.outbox = outbox;
    this.scheduler = scheduler;
    this.counters = counters;
    this.events = events;
  }

  /** Refuses a message that arrived on {@code conn} (null: posted over REST). */
  void reject(PeerConnection conn, String reason, String requestId) {
    counters.messagesRejected.incrementAndGet();
    counters.operationsFailed.incrementAndGet();
    log.info(
        "dropped message on {} from {}: {}",
        conn == null ? "REST" : conn.id(),
        conn == null ? "-" : conn.remoteAddress(),
        LogText.safe(reason));
    scheduler.execute(
        () -> {
          events.emit(l -> l.messageRejected(conn == null ? "rest" : conn.id(), reason));
          if (conn != null && !requestId.isEmpty()) {
            Connection c = connections.get(conn);
            if (c != null) {
              outbox.reply(
                  c,
                  requestId,
                  Ack.failed(reason.length() > 256 ? reason.substring(0, 256) : reason));
            }
          }
        });
  }
}
