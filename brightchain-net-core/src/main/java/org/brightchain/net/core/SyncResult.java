package org.brightchain.net.core;

import java.time.Duration;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.sync.SyncReport;

/**
 * What one metadata reconciliation with a peer did.
 *
 * @param peer the other node
 * @param items the blocks this node had when it started
 * @param messages reconciliation messages exchanged, both directions
 * @param bytesSent reconciliation bytes this node sent (fingerprints and ids, not metadata)
 * @param bytesReceived reconciliation bytes this node received
 * @param entriesSent block metadata entries this node sent because the peer lacked them
 * @param entriesReceived block metadata entries this node received
 * @param changed entries received that changed this node's metadata
 * @param elapsed wall time from start to end
 */
public record SyncResult(
    NodeId peer,
    long items,
    int messages,
    long bytesSent,
    long bytesReceived,
    long entriesSent,
    long entriesReceived,
    long changed,
    Duration elapsed) {

  /** The engine's report as this record. */
  static SyncResult from(SyncReport r) {
    return new SyncResult(
        r.peer(),
        r.items(),
        r.messages(),
        r.bytesSent(),
        r.bytesReceived(),
        r.entriesSent(),
        r.entriesReceived(),
        r.changed(),
        r.elapsed());
  }
}
