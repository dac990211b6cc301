package org.brightchain.net.spi;

import org.brightchain.net.NodeInfo;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.message.SignedMessage;

/**
 * Receives a node's events: lifecycle, peers and messages. Every method has a no-op default, so a
 * listener overrides only what it needs.
 *
 * <p>Callbacks run on the node's scheduler, one at a time and in order. They must be fast and must
 * not block; an exception thrown by a callback is logged and otherwise ignored.
 */
public interface NodeEventListener {

  /** The node started and is serving. */
  default void nodeStarted(NodeInfo info) {}

  /** The node stopped. */
  default void nodeStopped() {}

  /** A peer's status changed, or a new peer entered the table ({@code previous} null). */
  default void peerStatusChanged(PeerInfo peer, PeerStatusType previous) {}

  /**
   * A verified message was received and applied (first time seen only; relayed copies of a message
   * already seen are not reported again).
   */
  default void messageReceived(SignedMessage message) {}

  /**
   * A peer no longer had some of the events this node missed while disconnected (sequence numbers
   * {@code afterSequence + 1} to {@code oldestAvailable - 1}); the changes they carried reach this
   * node through metadata sync instead.
   */
  default void eventsMissed(
      org.brightchain.net.NodeId peer, long afterSequence, long oldestAvailable) {}

  /**
   * Whether the node is reachable from outside its NAT gateway changed: a mapping was made, lost,
   * refused or moved to another address (see {@code GET /node/status}).
   */
  default void reachabilityChanged(org.brightchain.net.Reachability reachability) {}

  /** A message was dropped: malformed, badly signed, or otherwise refused. */
  default void messageRejected(String connectionId, String reason) {}
}
