package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brightchain.net.internal.Values;

/**
 * What the network knows about one block, as served by {@code GET /blocks/:id/metadata}.
 *
 * <p>Each field has its own version ({@link BlockVersions}): a temperature written here and a
 * location written there are both kept. Two values of the same block combine with {@link
 * #mergedWith}, which is commutative, associative and idempotent, so nodes that receive the same
 * changes in any order, any number of times, end with equal metadata. {@link #updatedAt()} and
 * {@link #updatedBy()} are the latest of those versions.
 *
 * <p>Locations are kept sorted by node id.
 *
 * @param blockId the block
 * @param size size of the block in bytes, 0 if unknown
 * @param temperature how hot the block is
 * @param durability the redundancy the block asks for
 * @param locations the known copies, at most one per node
 * @param updatedAt when this metadata last changed (millisecond precision); the latest version
 * @param updatedBy the node that made the last change
 * @param versions the version of each field; {@code null} stamps every field {@code (updatedAt,
 *     updatedBy)}
 */
public record BlockMetadata(
    BlockId blockId,
    long size,
    DataTemperature temperature,
    DurabilityLevel durability,
    List<BlockLocation> locations,
    Instant updatedAt,
    NodeId updatedBy,
    BlockVersions versions) {

  private static final Comparator<BlockLocation> BY_NODE =
      Comparator.comparing(BlockLocation::nodeId);

  /** Validates, sorts the locations and fills in {@code versions} if it is {@code null}. */
  public BlockMetadata {
    notNull(blockId, "blockId");
    Values.safeInteger(size, "size");
    notNull(temperature, "temperature");
    notNull(durability, "durability");
    locations = Values.list(locations, "locations");
    if (!isSorted(locations)) {
      List<BlockLocation> sorted = new ArrayList<>(locations);
      sorted.sort(BY_NODE);
      locations = List.copyOf(sorted);
    }
    for (int i = 1; i < locations.size(); i++) {
      // Sorted by node: a node named twice has its two locations side by side.
      checkArgument(
          !locations.get(i - 1).nodeId().equals(locations.get(i).nodeId()),
          "locations: more than one location for the same node");
    }
    updatedAt = Values.millis(updatedAt, "updatedAt");
    notNull(updatedBy, "updatedBy");
    if (versions == null) {
      versions = plain(locations, new Stamp(updatedAt, updatedBy));
    } else {
      boolean same = versions.locations().size() == locations.size();
      for (int i = 0; same && i < locations.size(); i++) {
        same = versions.locations().containsKey(locations.get(i).nodeId());
      }
      checkArgument(same, "versions.locations: must name exactly the nodes in locations");
      Stamp latest = versions.latest();
      checkArgument(
          latest.at().equals(updatedAt) && latest.by().equals(updatedBy),
          "updatedAt/updatedBy: must be the latest version (%s by %s)",
          latest.at().toEpochMilli(),
          latest.by());
    }
  }

  /**
   * Metadata whose every field is stamped {@code (updatedAt, updatedBy)}.
   *
   * @param blockId the block
   * @param size size in bytes, 0 if unknown
   * @param temperature how hot the block is
   * @param durability the redundancy the block asks for
   * @param locations the known copies, at most one per node
   * @param updatedAt when it was written
   * @param updatedBy who wrote it
   */
  public BlockMetadata(
      BlockId blockId,
      long size,
      DataTemperature temperature,
      DurabilityLevel durability,
      List<BlockLocation> locations,
      Instant updatedAt,
      NodeId updatedBy) {
    this(blockId, size, temperature, durability, locations, updatedAt, updatedBy, null);
  }

  private static boolean isSorted(List<BlockLocation> l) {
    for (int i = 1; i < l.size(); i++) {
      if (BY_NODE.compare(l.get(i - 1), l.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static BlockVersions plain(List<BlockLocation> locations, Stamp s) {
    if (locations.isEmpty()) {
      return new BlockVersions(
          s, s, java.util.Collections.emptySortedMap(), java.util.Collections.emptySortedMap());
    }
    TreeMap<NodeId, Stamp> live = new TreeMap<>();
    for (BlockLocation l : locations) {
      live.put(l.nodeId(), s);
    }
    return new BlockVersions(s, s, live, new TreeMap<>());
  }

  /**
   * Fresh metadata for a block, every field stamped {@code (now, by)}: a node declaring the block's
   * metadata as of {@code now}.
   */
  public static BlockMetadata initial(BlockId blockId, Instant now, NodeId by) {
    return new BlockMetadata(
        blockId, 0, DataTemperature.WARM, DurabilityLevel.STANDARD, List.of(), now, by);
  }

  /**
   * The defaults of a block nobody has said anything about yet, stamped {@link Stamp#NEVER}: the
   * starting point that every change wins over.
   */
  public static BlockMetadata empty(BlockId blockId) {
    return initial(blockId, Stamp.NEVER.at(), Stamp.NEVER.by());
  }

  /** True if every field is stamped {@code (updatedAt, updatedBy)} and nothing was removed. */
  public boolean isPlain() {
    Stamp s = new Stamp(updatedAt, updatedBy);
    if (!versions.temperature().equals(s)
        || !versions.info().equals(s)
        || !versions.removed().isEmpty()) {
      return false;
    }
    for (Stamp l : versions.locations().values()) {
      if (!l.equals(s)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The temperature set to {@code t} as of {@code (at, by)}, unless the temperature already has a
   * later version (then this value, unchanged).
   */
  public BlockMetadata withTemperature(DataTemperature t, Instant at, NodeId by) {
    Stamp s = new Stamp(at, by);
    if (!wins(s, t.ordinal(), versions.temperature(), temperature.ordinal())) {
      return this;
    }
    BlockVersions v =
        new BlockVersions(s, versions.info(), versions.locations(), versions.removed());
    return of(size, t, durability, locations, v);
  }

  /** Size and durability set as of {@code (at, by)}, unless they already have a later version. */
  public BlockMetadata withInfo(long size, DurabilityLevel durability, Instant at, NodeId by) {
    Stamp s = new Stamp(at, by);
    if (!wins(s, infoKey(size, durability), versions.info(), infoKey(this.size, this.durability))) {
      return this;
    }
    BlockVersions v =
        new BlockVersions(versions.temperature(), s, versions.locations(), versions.removed());
    return of(size, temperature, durability, locations, v);
  }

  /**
   * {@code location} added as of {@code (at, by)}, replacing any location of the same node, unless
   * that node's location was already written (or removed) later.
   */
  public BlockMetadata withLocation(BlockLocation location, Instant at, NodeId by) {
    return setLocation(location.nodeId(), location, new Stamp(at, by));
  }

  /**
   * The location of {@code node} removed as of {@code (at, by)}, unless it was already written
   * later. The removal is remembered, so an older add arriving afterwards does not restore it.
   */
  public BlockMetadata withoutLocation(NodeId node, Instant at, NodeId by) {
    return setLocation(node, null, new Stamp(at, by));
  }

  private BlockMetadata setLocation(NodeId node, BlockLocation location, Stamp s) {
    BlockLocation current = find(node);
    Stamp cs = versions.location(node);
    if (cs != null && !wins(s, location, cs, current)) {
      return this;
    }
    List<BlockLocation> next = new ArrayList<>(locations.size() + 1);
    for (BlockLocation l : locations) {
      if (!l.nodeId().equals(node)) {
        next.add(l);
      }
    }
    TreeMap<NodeId, Stamp> live = new TreeMap<>(versions.locations());
    TreeMap<NodeId, Stamp> removed = new TreeMap<>(versions.removed());
    if (location != null) {
      next.add(location);
      live.put(node, s);
      removed.remove(node);
    } else {
      live.remove(node);
      removed.put(node, s);
    }
    return of(
        size,
        temperature,
        durability,
        next,
        new BlockVersions(versions.temperature(), versions.info(), live, removed));
  }

  /**
   * The two values combined field by field, each field taking its later version. Commutative,
   * associative and idempotent.
   *
   * @throws IllegalArgumentException if {@code other} is about another block
   */
  public BlockMetadata mergedWith(BlockMetadata other) {
    checkArgument(blockId.equals(other.blockId), "blockId: %s is not %s", other.blockId, blockId);
    if (this.equals(other)) {
      return this;
    }
    BlockMetadata m = this;
    m =
        m.withTemperature(
            other.temperature,
            other.versions.temperature().at(),
            other.versions.temperature().by());
    m =
        m.withInfo(
            other.size, other.durability, other.versions.info().at(), other.versions.info().by());
    for (BlockLocation l : other.locations) {
      Stamp s = other.versions.locations().get(l.nodeId());
      m = m.setLocation(l.nodeId(), l, s);
    }
    for (Map.Entry<NodeId, Stamp> r : other.versions.removed().entrySet()) {
      m = m.setLocation(r.getKey(), null, r.getValue());
    }
    return m;
  }

  /** True if this value is newer than {@code other} as a whole (its latest version is later). */
  public boolean isNewerThan(BlockMetadata other) {
    int c = updatedAt.compareTo(other.updatedAt);
    return c != 0 ? c > 0 : updatedBy.compareTo(other.updatedBy) > 0;
  }

  private BlockLocation find(NodeId node) {
    for (BlockLocation l : locations) {
      if (l.nodeId().equals(node)) {
        return l;
      }
    }
    return null;
  }

  private BlockMetadata of(
      long size, DataTemperature t, DurabilityLevel d, List<BlockLocation> locs, BlockVersions v) {
    Stamp latest = v.latest();
    return new BlockMetadata(blockId, size, t, d, locs, latest.at(), latest.by(), v);
  }

  private static long infoKey(long size, DurabilityLevel d) {
    return size * 16 + d.ordinal();
  }

  /**
   * True if (s, value) beats (current, currentValue): later stamp, or same stamp and larger value.
   */
  private static boolean wins(Stamp s, long value, Stamp current, long currentValue) {
    int c = s.compareTo(current);
    return c != 0 ? c > 0 : value > currentValue;
  }

  private static boolean wins(
      Stamp s, BlockLocation value, Stamp current, BlockLocation currentValue) {
    int c = s.compareTo(current);
    return c != 0 ? c > 0 : LOCATION_ORDER.compare(value, currentValue) > 0;
  }

  /**
   * Orders the values of one location register when two writes carry the same stamp (only a
   * misbehaving node does that): a removal ({@code null}) wins, then the larger record. Only equal
   * records compare equal (an absent pool is smaller than every pool, even {@code ""}), or the
   * winner would depend on the order the writes arrive in.
   */
  private static final Comparator<BlockLocation> LOCATION_ORDER =
      Comparator.nullsLast(
          Comparator.comparing(BlockLocation::lastSeen)
              .thenComparing(BlockLocation::authoritative)
              .thenComparing(l -> l.latencyMs() == null ? -1L : l.latencyMs())
              .thenComparing(
                  BlockLocation::poolId, Comparator.nullsFirst(Comparator.<String>naturalOrder())));
}
