package org.brightchain.net.core.internal.sync;

import java.time.Duration;
import org.brightchain.net.NodeId;

/**
 * What one reconciliation this node started did (the front door turns it into a {@code
 * SyncResult}).
 *
 * @param peer the other node
 * @param items the blocks this node had when it started
 * @param messages reconciliation messages exchanged, both directions
 * @param bytesSent reconciliation bytes this node sent
 * @param bytesReceived reconciliation bytes this node received
 * @param entriesSent metadata entries sent because the peer lacked them
 * @param entriesReceived metadata entries received
 * @param changed entries received that changed this node's metadata
 * @param elapsed time from start to end on the node's clock
 */
public record SyncReport(
    NodeId peer,
    long items,
    int messages,
    long bytesSent,
    long bytesReceived,
    long entriesSent,
    long entriesReceived,
    long changed,
    Duration elapsed) {}
