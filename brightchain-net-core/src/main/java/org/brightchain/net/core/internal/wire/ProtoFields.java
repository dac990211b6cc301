package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.WireFields.at;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Hex;

/**
 * Field conversions shared by the protobuf codecs of every domain: ids to and from raw bytes,
 * strings checked before they reach the wire, unsigned numbers, and the refusals that name a field
 * ({@code missing}, unspecified or unknown enum values).
 */
final class ProtoFields {
  private ProtoFields() {}

  // ------------------------------------------------------------------ decode

  static WireFormatException missing(String path, String key) {
    return new WireFormatException(at(path, key) + ": missing");
  }

  /** An enum's zero value (UNSPECIFIED) or a number this version does not know. */
  static WireFormatException badEnum(int value, String path, String key) {
    return new WireFormatException(
        at(path, key) + (value == 0 ? ": unspecified" : ": unknown value " + value));
  }

  /** A uint32 field read into a Java int: values above {@code Integer.MAX_VALUE} are refused. */
  static int uint32(int raw, String path, String key) throws WireFormatException {
    if (raw < 0) {
      throw new WireFormatException(
          at(path, key)
              + ": "
              + Integer.toUnsignedString(raw)
              + " (expected: at most "
              + Integer.MAX_VALUE
              + ")");
    }
    return raw;
  }

  static NodeId nodeId(ByteString b, String path, String key) throws WireFormatException {
    if (b.size() != 32) {
      throw new WireFormatException(at(path, key) + ": " + b.size() + " bytes (expected: 32)");
    }
    return NodeId.ofBytes(b.toByteArray());
  }

  static BlockId blockId(ByteString b, String path, String key) throws WireFormatException {
    if (b.size() != 32 && b.size() != 64) {
      throw new WireFormatException(
          at(path, key) + ": " + b.size() + " bytes (expected: 32 or 64)");
    }
    return new BlockId(HexFormat.of().formatHex(b.toByteArray()));
  }

  /** Bytes that the contract carries as base64 text ({@code reconcile}); empty stays empty. */
  static String base64(ByteString b) {
    return b.isEmpty() ? "" : Base64.getEncoder().encodeToString(b.toByteArray());
  }

  // ------------------------------------------------------------------ encode

  /** The 32 raw bytes of a node id; the array is fresh, so it is wrapped without a copy. */
  static ByteString bytes(NodeId id) {
    return UnsafeByteOperations.unsafeWrap(id.toBytes());
  }

  static ByteString bytes(BlockId id) {
    return UnsafeByteOperations.unsafeWrap(Hex.decode(id.hex()));
  }

  /** Base64 text of the contract ({@code reconcile}) as the bytes it stands for. */
  static ByteString fromBase64(String text) {
    return ByteString.copyFrom(Base64.getDecoder().decode(text));
  }

  /**
   * Refuses strings that protobuf cannot carry: it would silently replace an unpaired surrogate by
   * '?', and the receiver would see another value than the one signed.
   */
  static String text(String s, String field) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            field + ": unpaired surrogate at index " + i + " (protobuf strings are UTF-8)");
      }
    }
    return s;
  }

  static Set<String> texts(Set<String> strings, String field) {
    for (String s : strings) {
      text(s, field);
    }
    return strings;
  }
}
