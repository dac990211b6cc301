package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.Map;
import org.brightchain.net.internal.Values;

/**
 * The network as one node sees it, as the design's {@code NetworkHealth}; part of {@code GET
 * /node/status}.
 *
 * @param activeNodes nodes currently active, this node included
 * @param totalBlocks distinct blocks this node has metadata for
 * @param averageRedundancy mean number of known copies per block (0 when there are no blocks)
 * @param regionDistribution active nodes per region; nodes that did not name one count under {@code
 *     "unknown"}
 */
public record NetworkHealth(
    int activeNodes,
    long totalBlocks,
    double averageRedundancy,
    Map<String, Integer> regionDistribution) {

  /** Validates and copies. */
  public NetworkHealth {
    checkArgument(activeNodes >= 0, "activeNodes: %s (expected: >= 0)", activeNodes);
    checkArgument(totalBlocks >= 0, "totalBlocks: %s (expected: >= 0)", totalBlocks);
    checkArgument(
        averageRedundancy >= 0 && Double.isFinite(averageRedundancy),
        "averageRedundancy: %s (expected: finite, >= 0)",
        averageRedundancy);
    averageRedundancy += 0.0; // -0.0 becomes 0.0, as JSON reads it back
    regionDistribution = Values.orderedMap(regionDistribution, "regionDistribution");
    regionDistribution.forEach(
        (region, count) -> {
          Values.text(region, "region", 64);
          checkArgument(count >= 0, "regionDistribution[%s]: %s (expected: >= 0)", region, count);
        });
  }
}
