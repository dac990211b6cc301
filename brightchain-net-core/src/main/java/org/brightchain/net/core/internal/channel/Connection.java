package org.brightchain.net.core.internal.channel;

import org.brightchain.net.NodeId;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Scheduler;

/**
 * One open connection and what the node knows of it that several components share: who proved its
 * key on it, which peer announced itself on it, what it subscribed to, which frame type it speaks,
 * and whether the node's log is held back from it. State of a single concern (heartbeats, batch
 * windows, the handshake, dialling) is kept by the component that has it. Scheduler-confined but
 * for the volatile fields, which transport threads read.
 */
public final class Connection {
  /** The transport's connection. */
  public final PeerConnection conn;

  /** The frame type the other side last used; replies use it. */
  public volatile Frame.Type frameType;

  /** Which events the other side wants. */
  public Subscription filter;

  /** The node that proved its key on this connection; null until then. */
  public volatile NodeId authenticated;

  /** The peer that announced itself on this connection; null until identified. */
  public NodeId peerId;

  /** Closing for abuse: further refusals are not sent. */
  public boolean closing;

  /** When the last rate-limit refusal was sent, to send at most one a second. */
  public long lastRefusalMs = Long.MIN_VALUE / 2;

  /**
   * The sequence number after which this node asked the other side to replay its log on this
   * connection (0: it asked nothing). Only events above it, in order, may be older than the replay
   * window. Set once the connection is identified.
   */
  public volatile long replaysAfter;

  /** The highest sequence number of a replayed (older than the window) event accepted here. */
  public long lastReplayed;

  // The node's log is held back until the other side says where to resume (Outbox).
  boolean held;
  long heldFrom;

  /** Where the other side asked to resume the node's log (inbound connections). */
  long resumeAfter;

  Scheduler.Cancellable resumeTimer;

  /** A connection that wants {@code filter}. */
  public Connection(PeerConnection conn, Subscription filter) {
    this.conn = conn;
    this.filter = filter;
    this.frameType = conn.preferredFrameType();
  }

  /** The transport's id of this connection. */
  public String id() {
    return conn.id();
  }

  /** Whether the transport still has it open. */
  public boolean isOpen() {
    return conn.isOpen();
  }

  /** Whether a peer announced itself on it. */
  public boolean identified() {
    return peerId != null;
  }

  @Override
  public String toString() {
    return conn.id() + (peerId == null ? "" : "(" + peerId.shortId() + ")");
  }
}
