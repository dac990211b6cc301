package org.brightchain.net.core.internal.peer;

import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.spi.PeerConnection;

/**
 * A row of the peer table. Mutated by the {@link PeerTable} on the node's scheduler only; {@link
 * #info()} is readable anywhere.
 */
public final class Peer {
  final NodeId id;
  volatile PeerInfo info;
  String version = "";
  PeerConnection connection;

  /** Said node:leave or was disconnected by the operator: not redialled unless static. */
  boolean departed;

  /** Heartbeats missed in a row. */
  int misses;

  /** Time connected in all, over every connection so far (milliseconds). */
  long connectedMs;

  /** When the current connection was identified, or -1. */
  long connectedSince = -1;

  /**
   * The timestamp (the peer's own clock) of the latest announcement that identified a connection of
   * it: a {@code node:leave} signed before it belongs to an earlier session and is stale.
   */
  long announcedAt = Long.MIN_VALUE;

  Peer(NodeId id, PeerInfo info) {
    this.id = id;
    this.info = info;
  }

  /** The peer's id. */
  public NodeId id() {
    return id;
  }

  /** What the table knows of it now. */
  public PeerInfo info() {
    return info;
  }

  /** The software version it announced, or empty. */
  public String version() {
    return version;
  }

  /** Its identified connection, or null. */
  public PeerConnection connection() {
    return connection;
  }

  /** Whether it has an open identified connection. */
  public boolean connected() {
    return connection != null && connection.isOpen();
  }

  /** Whether it said goodbye or was disconnected by the operator. */
  public boolean departed() {
    return departed;
  }
}
