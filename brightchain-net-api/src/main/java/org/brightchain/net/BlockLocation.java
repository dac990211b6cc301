package org.brightchain.net;

import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import org.brightchain.net.internal.Values;

/**
 * One place a block's copy lives (BrightChain's location record).
 *
 * @param nodeId the node holding a copy
 * @param lastSeen when that copy was last confirmed (millisecond precision)
 * @param authoritative whether this is the authoritative copy ({@code isAuthoritative} on the wire)
 * @param latencyMs measured latency to that node in milliseconds, or {@code null} if unknown
 * @param poolId the storage pool holding it, or {@code null}
 */
public record BlockLocation(
    NodeId nodeId, Instant lastSeen, boolean authoritative, Long latencyMs, String poolId) {

  /** Validates. */
  public BlockLocation {
    notNull(nodeId, "nodeId");
    lastSeen = Values.millis(lastSeen, "lastSeen");
    if (latencyMs != null) {
      Values.safeInteger(latencyMs, "latencyMs");
    }
    if (poolId != null) {
      Values.text(poolId, "poolId", 128);
    }
  }

  /** A location without latency or pool. */
  public static BlockLocation of(NodeId nodeId, Instant lastSeen, boolean authoritative) {
    return new BlockLocation(nodeId, lastSeen, authoritative, null, null);
  }
}
