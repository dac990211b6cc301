package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The version of each field of a block's metadata, so that concurrent changes to different fields
 * (a temperature here, a location there) are all kept, whatever order they arrive in.
 *
 * <p>Each field is a last-writer-wins register: {@code temperature}; {@code info} (size and
 * durability together); and one register per node for the block's locations, where a removed
 * location leaves a stamp in {@code removed} (a tombstone) so that an older "add" arriving late
 * cannot bring it back.
 *
 * @param temperature the version of the temperature
 * @param info the version of size and durability
 * @param locations the version of each live location, by the node holding it
 * @param removed the version of each removed location, by the node that held it; no node is in both
 *     maps
 */
public record BlockVersions(
    Stamp temperature,
    Stamp info,
    SortedMap<NodeId, Stamp> locations,
    SortedMap<NodeId, Stamp> removed) {

  /** Validates and copies (the maps become unmodifiable and sorted by node id). */
  public BlockVersions {
    notNull(temperature, "temperature");
    notNull(info, "info");
    locations = copy(locations, "locations");
    removed = copy(removed, "removed");
    for (NodeId n : removed.keySet()) {
      checkArgument(!locations.containsKey(n), "removed: %s also has a live location", n);
    }
  }

  private static final SortedMap<NodeId, Stamp> NONE =
      Collections.unmodifiableSortedMap(new TreeMap<>());

  private static SortedMap<NodeId, Stamp> copy(Map<NodeId, Stamp> map, String name) {
    notNull(map, name);
    if (map.isEmpty()) {
      return NONE; // the common case (no locations): nothing to copy
    }
    TreeMap<NodeId, Stamp> t = new TreeMap<>();
    map.forEach(
        (k, v) -> {
          notNull(k, name + " key");
          notNull(v, name + "[" + k + "]");
          t.put(k, v);
        });
    return Collections.unmodifiableSortedMap(t);
  }

  /** The latest of all stamps: the version of the metadata as a whole. */
  public Stamp latest() {
    Stamp max = temperature.isAfter(info) ? temperature : info;
    for (Stamp s : locations.values()) {
      if (s.isAfter(max)) {
        max = s;
      }
    }
    for (Stamp s : removed.values()) {
      if (s.isAfter(max)) {
        max = s;
      }
    }
    return max;
  }

  /** The stamp of the location register of {@code node} (live or removed), or {@code null}. */
  public Stamp location(NodeId node) {
    Stamp s = locations.get(node);
    return s != null ? s : removed.get(node);
  }
}
