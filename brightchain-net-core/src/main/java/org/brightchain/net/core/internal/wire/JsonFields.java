package org.brightchain.net.core.internal.wire;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.brightchain.net.BlockId;
import org.brightchain.net.NodeId;

/**
 * Field conversions shared by the JSON codecs of every domain: optional members, ids and enums by
 * their wire names, and times; every refusal is a {@link WireFormatException} naming the field by
 * its path.
 */
final class JsonFields {
  private JsonFields() {}

  // ------------------------------------------------------------------ encode

  /** Puts {@code value} unless it is null: optional fields are omitted, never {@code null}. */
  static void putOpt(Map<String, Object> o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /** Puts {@code value} unless it is empty. */
  static void putNonEmpty(Map<String, Object> o, String key, String value) {
    if (!value.isEmpty()) {
      o.put(key, value);
    }
  }

  // ------------------------------------------------------------------ decode

  /** A string member that reads as empty when absent. */
  static String optText(JsonObject o, String key) throws WireFormatException {
    return o.has(key) ? o.string(key) : "";
  }

  /**
   * An enum member by its wire name; {@code lookup} (such as {@code NodeStatus::fromWire}) throws
   * IllegalArgumentException for names it does not know.
   */
  static <E> E wire(JsonObject o, String key, Function<String, E> lookup)
      throws WireFormatException {
    String name = o.string(key);
    try {
      return lookup.apply(name);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  static NodeId nodeId(JsonObject o, String key) throws WireFormatException {
    String hex = o.string(key);
    try {
      return NodeId.of(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  static BlockId blockId(JsonObject o, String key) throws WireFormatException {
    return blockIdOf(o.raw(key), o.at(key));
  }

  /** A block id from an array element or member value {@code raw}, found at {@code path}. */
  static BlockId blockIdOf(Object raw, String path) throws WireFormatException {
    if (!(raw instanceof String hex)) {
      throw new WireFormatException(path + ": expected a string");
    }
    try {
      return BlockId.of(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(path + ": " + e.getMessage());
    }
  }

  /** Milliseconds since the epoch. */
  static Instant instant(JsonObject o, String key) throws WireFormatException {
    long ms = o.longValue(key);
    try {
      return Instant.ofEpochMilli(ms);
    } catch (DateTimeException e) {
      throw new WireFormatException(o.at(key) + ": time out of range");
    }
  }
}
