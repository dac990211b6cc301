package org.brightchain.net.core.internal.wire;

import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.WSEventType;

/**
 * What the JSON and the protobuf codecs share: field paths in error messages, list bounds, event
 * type names, and the event type of a payload class.
 */
final class WireFields {
  private WireFields() {}

  /** The path of {@code key} inside the object at {@code path}: {@code data.blockId}. */
  static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Refuses a list of {@code count} items at {@code path} when the contract allows {@code max}. */
  static void atMost(int count, int max, String path) throws WireFormatException {
    if (count > max) {
      throw new WireFormatException(path + ": more than " + max);
    }
  }

  /** An event type by its wire name, for example {@code block:temperature}. */
  static WSEventType eventType(String wireName, String path) throws WireFormatException {
    try {
      return WSEventType.fromWire(wireName);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(path + ": " + e.getMessage());
    }
  }

  /**
   * The event type whose payload record is {@code type}, or null if {@code type} is not one (for
   * example {@code EventPayload} itself).
   */
  static WSEventType payloadType(Class<?> type) {
    if (!EventPayload.class.isAssignableFrom(type)) {
      return null;
    }
    for (WSEventType t : WSEventType.values()) {
      if (t.payloadType() == type) {
        return t;
      }
    }
    return null;
  }
}
