package org.brightchain.net.core.internal.rest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.core.internal.inbound.InboundPipeline;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.SignedMessage;

/**
 * What the REST routes may ask of the node. Reads may be called from any thread; the others run on
 * the node's scheduler (the router calls them there).
 */
public interface NodeOperations {
  /** This node's id. */
  NodeId self();

  /** The node's clock. */
  Clock clock();

  /** The replay window. */
  Duration replayWindow();

  /** What {@code GET /node/info} serves. Any thread. */
  NodeInfo info();

  /** The peer table. Any thread. */
  List<PeerInfo> peers();

  /** Status, metrics and health. Any thread. */
  NodeStatusReport statusReport();

  /** A block's bytes from the host's store. Any thread. */
  Optional<byte[]> block(BlockId id);

  /** A block's metadata. Any thread. */
  Optional<BlockMetadata> metadata(BlockId id);

  /**
   * Sets a temperature here on {@code author}'s word (stamped by it) and batches it to the peers.
   */
  BlockMetadata updateTemperature(BlockId id, DataTemperature t, NodeId author);

  /** Adds or removes a location here (stamped by its holder) and batches it to the peers. */
  BlockMetadata updateLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action);

  /**
   * Merges metadata here and batches it to the peers.
   *
   * @throws IllegalArgumentException if a version of it lies beyond the replay window
   */
  BlockMetadata updateMetadata(BlockMetadata m);

  /** Why {@code m} is stamped too far ahead to be merged, or null. */
  String futureVersion(BlockMetadata m);

  /**
   * One step of a reconciliation {@code who} started; null while a snapshot is being read.
   *
   * @throws SyncException if the message is malformed or does not fit the session
   */
  MetadataSync answerSync(String who, BlockSyncRequest r) throws SyncException;

  /** A candidate peer (counted against {@code source}); false if refused. */
  boolean admit(String host, int port, NodeId expected, String source);

  /** Dials {@code host:port} on the operator's word. */
  void connect(String host, int port);

  /** Closes the connection to a peer and stops redialling it; false if unknown. */
  boolean disconnect(NodeId id);

  /**
   * An event posted over HTTP, checked as a WebSocket frame is.
   *
   * @throws IllegalArgumentException with the reason if it is refused
   */
  InboundPipeline.Accepted acceptPosted(SignedMessage m);
}
