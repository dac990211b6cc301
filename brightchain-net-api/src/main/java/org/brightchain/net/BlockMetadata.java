package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.brightchain.net.internal.Values;

/**
 * What the network knows about one block, as served by {@code GET /blocks/:id/metadata}.
 *
 * <p>Two values for the same block are ordered by {@link #updatedAt()}, then by {@link
 * #updatedBy()} (last writer wins).
 *
 * @param blockId the block
 * @param size size of the block in bytes, 0 if unknown
 * @param temperature how hot the block is
 * @param durability the redundancy the block asks for
 * @param locations the known copies, at most one per node
 * @param updatedAt when this metadata last changed (millisecond precision)
 * @param updatedBy the node that made the last change
 */
public record BlockMetadata(
    BlockId blockId,
    long size,
    DataTemperature temperature,
    DurabilityLevel durability,
    List<BlockLocation> locations,
    Instant updatedAt,
    NodeId updatedBy) {

  /** Validates and copies. */
  public BlockMetadata {
    notNull(blockId, "blockId");
    Values.safeInteger(size, "size");
    notNull(temperature, "temperature");
    notNull(durability, "durability");
    locations = Values.list(locations, "locations");
    checkArgument(
        locations.stream().map(BlockLocation::nodeId).distinct().count() == locations.size(),
        "locations: more than one location for the same node");
    updatedAt = Values.millis(updatedAt, "updatedAt");
    notNull(updatedBy, "updatedBy");
  }

  /** Fresh metadata for a block nobody has said anything about yet. */
  public static BlockMetadata initial(BlockId blockId, Instant now, NodeId by) {
    return new BlockMetadata(
        blockId, 0, DataTemperature.WARM, DurabilityLevel.STANDARD, List.of(), now, by);
  }

  /** A copy with another temperature, stamped with the change. */
  public BlockMetadata withTemperature(DataTemperature t, Instant at, NodeId by) {
    return new BlockMetadata(blockId, size, t, durability, locations, at, by);
  }

  /** A copy with {@code location} added, replacing any location of the same node. */
  public BlockMetadata withLocation(BlockLocation location, Instant at, NodeId by) {
    List<BlockLocation> next = new ArrayList<>(locations.size() + 1);
    for (BlockLocation l : locations) {
      if (!l.nodeId().equals(location.nodeId())) {
        next.add(l);
      }
    }
    next.add(location);
    return new BlockMetadata(blockId, size, temperature, durability, next, at, by);
  }

  /** A copy without the location of {@code node}. */
  public BlockMetadata withoutLocation(NodeId node, Instant at, NodeId by) {
    List<BlockLocation> next = new ArrayList<>(locations);
    next.removeIf(l -> l.nodeId().equals(node));
    return new BlockMetadata(blockId, size, temperature, durability, next, at, by);
  }

  /** True if this value is newer than {@code other} under last-writer-wins. */
  public boolean isNewerThan(BlockMetadata other) {
    int c = updatedAt.compareTo(other.updatedAt);
    return c != 0 ? c > 0 : updatedBy.compareTo(other.updatedBy) > 0;
  }
}
