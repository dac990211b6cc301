package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.notNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One WebSocket message as bytes: a text frame (UTF-8 JSON) or a binary frame (protobuf).
 *
 * <p>The bytes are not copied: whoever builds a frame hands over the array and must not change it
 * afterwards. This lets one encoded event be sent to many peers.
 *
 * @param type text or binary
 * @param bytes the payload
 * @param sequence the sender's log sequence number of the event inside, 0 if none; lets an event
 *     stream label the frame without decoding it
 * @param eventType the wire name of the event inside (for example {@code block:temperature}), or
 *     empty
 */
public record Frame(Type type, byte[] bytes, long sequence, String eventType) {

  /** Validates; does not copy. */
  public Frame {
    notNull(type, "type");
    notNull(bytes, "bytes");
    notNull(eventType, "eventType");
  }

  /** A frame without labels. */
  public Frame(Type type, byte[] bytes) {
    this(type, bytes, 0, "");
  }

  /** A text frame of this string. */
  public static Frame text(String text) {
    return new Frame(Type.TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A binary frame of these bytes (not copied). */
  public static Frame binary(byte[] bytes) {
    return new Frame(Type.BINARY, bytes);
  }

  /** The frame's size in bytes. */
  public int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f
        && type == f.type
        && Arrays.equals(bytes, f.bytes)
        && sequence == f.sequence
        && eventType.equals(f.eventType);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Frame[" + type + ", " + bytes.length + " bytes]";
  }

  /** The two kinds of WebSocket data frame. */
  public enum Type {
    /** UTF-8 JSON. */
    TEXT,
    /** Protocol buffers. */
    BINARY
  }
}
