package org.brightchain.net.core;

import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.spi.PeerConnection;

/** A row of the peer table. Mutated on the node's scheduler only; {@link #info} is readable anywhere. */
final class Peer {
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

  Peer(NodeId id, PeerInfo info) {
    this.id = id;
    this.info = info;
  }
}
