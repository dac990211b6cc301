package org.brightchain.net.core.internal.inbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.batch.BatchApplier;
import org.brightchain.net.core.internal.batch.BatchDelivery;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connection;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.NodeEvents;
import org.brightchain.net.core.internal.channel.Outbox;
import org.brightchain.net.core.internal.channel.ResumePoints;
import org.brightchain.net.core.internal.channel.Subscription;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.core.internal.peer.Heartbeats;
import org.brightchain.net.core.internal.peer.PeerTable;
import org.brightchain.net.core.internal.sync.SyncResponder;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified message does, by event type (an exhaustive switch: a new type fails to compile
 * until it is handled here): changes to block metadata are applied as register writes stamped by
 * their signer, requests are answered, control messages move the connection's state, and events
 * that concern the whole network are relayed. Scheduler-confined.
 */
final class MessageDispatcher {
  private static final Logger log = LoggerFactory.getLogger(MessageDispatcher.class);

  private final NodeId self;
  private final Scheduler scheduler;
  private final PeerTable peers;
  private final Dialer dialer;
  private final Heartbeats heartbeats;
  private final Outbox outbox;
  private final ResumePoints resume;
  private final MetadataChanges changes;
  private final BatchApplier batches;
  private final BatchDelivery delivery;
  private final SyncResponder responder;
  private final NodeCounters counters;
  private final NodeEvents events;

  MessageDispatcher(
      NodeId self,
      Scheduler scheduler,
      PeerTable peers,
      Dialer dialer,
      Heartbeats heartbeats,
      Outbox outbox,
      ResumePoints resume,
      MetadataChanges changes,
      BatchApplier batches,
      BatchDelivery delivery,
      SyncResponder responder,
      NodeCounters counters,
      NodeEvents events) {
    this.self = self;
    this.scheduler = scheduler;
    this.peers = peers;
    this.dialer = dialer;
    this.heartbeats = heartbeats;
    this.outbox = outbox;
    this.resume = resume;
    this.changes = changes;
    this.batches = batches;
    this.delivery = delivery;
    this.responder = responder;
    this.counters = counters;
    this.events = events;
  }

  /**
   * Applies a verified, first-seen message that arrived on {@code c} (null: posted over REST), and
   * answers it if it was a request ({@code requestId} not empty).
   */
  void apply(Connection c, SignedMessage m, String requestId) {
    assert Confinement.onScheduler(scheduler);
    if (!answer(c, m, requestId) && !requestId.isEmpty()) {
      outbox.reply(c, requestId, Ack.success());
    }
  }

  /** Applies {@code m}; true if it was (or will be) answered, so needs no plain acknowledgement. */
  private boolean answer(Connection c, SignedMessage m, String requestId) {
    WSMessage w = m.payload();
    NodeId sender = w.sender();
    EventPayload data = w.data();
    return switch (w.type()) {
      case NODE_ANNOUNCE -> announced(c, m, (NodeAnnounce) data);
      case NODE_LEAVE -> left(sender, (NodeLeave) data, w.timestamp());
      case NODE_STATUS ->
          false; // reported to listeners; the peer table tracks connectivity, not hearsay
      case BLOCK_TEMPERATURE -> temperature((BlockTemperatureUpdate) data, w.timestamp(), sender);
      case BLOCK_LOCATION -> location((BlockLocationUpdate) data, w.timestamp(), sender);
      case BLOCK_BATCH -> batch(c, m, requestId);
      case BLOCK_SYNC -> syncRequest(c, sender, (BlockSyncRequest) data, requestId);
      case METADATA_UPDATE -> merged(List.of(((MetadataUpdate) data).metadata()), false);
      case METADATA_SYNC ->
          merged(((MetadataSync) data).entries(), !((MetadataSync) data).session().isEmpty());
      case PING -> pinged(c, (Ping) data, requestId);
      case PONG -> c != null && heartbeats.pong(c, (Pong) data);
      case RESUME -> c != null && outbox.release(c, ((Resume) data).afterSequence());
      case GAP -> c != null && gap(sender, (Gap) data);
      case SUBSCRIBE -> c != null && subscribed(c, (Subscribe) data);
      // Answers are matched to their request by replyTo; the handshake and refusals are handled
      // before a message gets here.
      case ACK, CHALLENGE, AUTH, ERROR -> false;
    };
  }

  /**
   * A copy of a message already applied: a retried request gets its real answer again; only changes
   * are not applied twice.
   */
  void duplicate(Connection c, Envelope e) {
    resume.note(c.peerId, e.sequence());
    if (e.requestId().isEmpty()) {
      return;
    }
    EventPayload data = e.message().payload().data();
    if ((data instanceof BlockSyncRequest r && r.session().isEmpty()) || data instanceof Ping) {
      apply(c, e.message(), e.requestId());
    } else {
      if (data instanceof BatchUpdate) {
        counters.batchDuplicates.incrementAndGet();
      }
      outbox.reply(c, e.requestId(), Ack.success());
    }
  }

  /** Events passed on to the other peers: what concerns the whole network. */
  static boolean relayed(WSMessage w) {
    return switch (w.type()) {
      case NODE_LEAVE, BLOCK_TEMPERATURE, BLOCK_LOCATION, METADATA_UPDATE, BLOCK_BATCH -> true;
      // A node's word about itself travels; its view of others stays with its neighbours.
      case NODE_STATUS -> ((NodeStatusUpdate) w.data()).nodeId().equals(w.sender());
      default -> false;
    };
  }

  /** Passes a message on to every other connection that wants it. */
  void relay(SignedMessage m, Connection from) {
    if (m.payload().data() instanceof BatchUpdate) {
      delivery.send(m, from); // acknowledged hop by hop, not logged
    } else {
      outbox.fanOut(m, from);
    }
  }

  private boolean announced(Connection c, SignedMessage m, NodeAnnounce a) {
    NodeId sender = m.payload().sender();
    if (c == null || !sender.equals(c.peerId)) {
      return false;
    }
    if (!a.nodeId().equals(sender) && self.equals(m.recipient())) {
      // A hint counts only from an identified peer, addressed to this node.
      dialer.learn(a, "exchange:" + sender.hex(), Addresses.hostOf(c.conn.remoteAddress()));
    } else {
      String host = a.address().isEmpty() ? Addresses.hostOf(c.conn.remoteAddress()) : a.address();
      // The peer announced itself again: its endpoint changed (a port mapping came or went).
      peers.moved(c.peerId, c.conn, host, a.httpPort(), a.wsPort());
    }
    return false;
  }

  private boolean left(NodeId sender, NodeLeave leave, long at) {
    if (leave.nodeId().equals(sender)) {
      peers.depart(leave.nodeId(), at);
    }
    return false;
  }

  private boolean temperature(BlockTemperatureUpdate t, long ts, NodeId sender) {
    Instant at = Instant.ofEpochMilli(ts);
    changes.apply(
        t.blockId(),
        cur -> MetadataChanges.base(t.blockId(), cur).withTemperature(t.temperature(), at, sender));
    return false;
  }

  private boolean merged(List<BlockMetadata> entries, boolean reconciliation) {
    if (reconciliation) {
      counters.syncEntriesReceived.addAndGet(entries.size());
    }
    changes.mergeAll(entries, counters.messagesRejected::incrementAndGet);
    return false;
  }

  private boolean pinged(Connection c, Ping ping, String requestId) {
    outbox.reply(c, requestId, new Pong(ping.nonce()));
    return true;
  }

  private static boolean subscribed(Connection c, Subscribe s) {
    c.filter = Subscription.of(s);
    return false;
  }

  private boolean location(BlockLocationUpdate l, long ts, NodeId sender) {
    Instant at = Instant.ofEpochMilli(ts);
    BlockId id = l.blockId();
    changes.apply(
        id,
        cur ->
            l.action() == BlockLocationUpdate.Action.ADD
                ? MetadataChanges.base(id, cur).withLocation(l.location(), at, sender)
                : MetadataChanges.base(id, cur).withoutLocation(l.location().nodeId(), at, sender));
    return false;
  }

  /**
   * Applies a batch ({@link WriteRules} checked its stamps); true if it was (or will be) answered.
   */
  private boolean batch(Connection c, SignedMessage m, String requestId) {
    BatchUpdate b = (BatchUpdate) m.payload().data();
    return batches.apply(
        b,
        m.payload().sender(),
        ok -> {
          outbox.reply(c, requestId, ok ? Ack.success() : Ack.failed("could not apply the batch"));
          if (ok && m.recipient() == null) {
            relay(m, c); // passed on whole, once applied here
          }
        });
  }

  private boolean syncRequest(Connection c, NodeId sender, BlockSyncRequest r, String requestId) {
    if (!r.session().isEmpty()) {
      if (c != null) {
        responder
            .answerWhenReady(sender.hex(), r)
            .whenComplete(
                (answer, err) -> {
                  if (err == null) {
                    outbox.reply(c, requestId, answer);
                  } else {
                    String why = Errors.rootMessage(err);
                    log.info("sync with {} refused: {}", sender.shortId(), LogText.safe(why));
                    outbox.reply(c, requestId, Ack.failed("sync_failed: " + why));
                  }
                });
      }
      return true;
    }
    List<BlockMetadata> known = new ArrayList<>();
    for (BlockId id : r.blockIds()) {
      changes.store().get(id).ifPresent(known::add);
    }
    outbox.reply(c, requestId, new MetadataSync(known));
    return true;
  }

  private boolean gap(NodeId sender, Gap g) {
    counters.gapsReported.incrementAndGet();
    log.info(
        "peer {} no longer has events {}..{}: catching up needs metadata sync",
        sender.shortId(),
        g.afterSequence() + 1,
        g.oldestAvailable() - 1);
    events.emit(l -> l.eventsMissed(sender, g.afterSequence(), g.oldestAvailable()));
    return false;
  }
}
