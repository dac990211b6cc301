package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;

/**
 * A node's own counters, as the design's {@code NodeMetrics}; part of {@code GET /node/status}.
 *
 * @param uptime time since the node started (millisecond precision)
 * @param peers peers currently {@link PeerStatusType#ACTIVE}
 * @param blocks blocks in the host's block store
 * @param bandwidth bytes received and sent by the node's transport
 * @param operations requests and messages handled, split by outcome
 */
public record NodeMetrics(
    Duration uptime, int peers, long blocks, Bandwidth bandwidth, Operations operations) {

  /** Validates. */
  public NodeMetrics {
    notNull(uptime, "uptime");
    checkArgument(!uptime.isNegative(), "uptime: %s (expected: >= 0)", uptime);
    uptime = Duration.ofMillis(uptime.toMillis());
    checkArgument(peers >= 0, "peers: %s (expected: >= 0)", peers);
    checkArgument(blocks >= 0, "blocks: %s (expected: >= 0)", blocks);
    notNull(bandwidth, "bandwidth");
    notNull(operations, "operations");
  }

  /**
   * Bytes moved by the transport.
   *
   * @param in bytes received
   * @param out bytes sent
   */
  public record Bandwidth(long in, long out) {
    /** Validates. */
    public Bandwidth {
      checkArgument(in >= 0 && out >= 0, "bandwidth: in=%s out=%s (expected: >= 0)", in, out);
    }
  }

  /**
   * Requests and messages handled.
   *
   * @param success handled successfully
   * @param failed refused or failed
   */
  public record Operations(long success, long failed) {
    /** Validates. */
    public Operations {
      checkArgument(
          success >= 0 && failed >= 0,
          "operations: success=%s failed=%s (expected: >= 0)",
          success,
          failed);
    }
  }
}
