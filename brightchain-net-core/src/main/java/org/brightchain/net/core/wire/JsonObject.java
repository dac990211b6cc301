package org.brightchain.net.core.wire;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brightchain.net.internal.Hex;

/** Typed, path-aware reads from one parsed JSON object; errors name the field. */
final class JsonObject {
  private final Map<String, Object> map;
  private final String path;

  private JsonObject(Map<String, Object> map, String path) {
    this.map = map;
    this.path = path;
  }

  @SuppressWarnings("unchecked")
  static JsonObject of(Object tree, String path) throws WireFormatException {
    if (!(tree instanceof Map)) {
      throw new WireFormatException(
          (path.isEmpty() ? "body" : path) + ": expected a JSON object");
    }
    return new JsonObject((Map<String, Object>) tree, path);
  }

  String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  Object raw(String key) throws WireFormatException {
    Object v = map.get(key);
    if (v == null) {
      throw new WireFormatException(at(key) + ": required");
    }
    return v;
  }

  JsonObject object(String key) throws WireFormatException {
    return of(raw(key), at(key));
  }

  String string(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof String str)) {
      throw new WireFormatException(at(key) + ": expected a string");
    }
    return str;
  }

  String optString(String key) throws WireFormatException {
    return has(key) ? string(key) : null;
  }

  long longValue(String key) throws WireFormatException {
    Object v = raw(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigDecimal) {
      throw new WireFormatException(at(key) + ": expected an integer in range");
    }
    throw new WireFormatException(at(key) + ": expected an integer");
  }

  Long optLong(String key) throws WireFormatException {
    return has(key) ? longValue(key) : null;
  }

  int intValue(String key) throws WireFormatException {
    long v = longValue(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new WireFormatException(at(key) + ": integer out of range");
    }
    return (int) v;
  }

  double doubleValue(String key) throws WireFormatException {
    Object v = raw(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    throw new WireFormatException(at(key) + ": expected a number");
  }

  boolean bool(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof Boolean b)) {
      throw new WireFormatException(at(key) + ": expected true or false");
    }
    return b;
  }

  byte[] hex(String key) throws WireFormatException {
    String h = string(key);
    try {
      return Hex.decode(h);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(at(key) + ": expected hex");
    }
  }

  List<Object> array(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof List<?> l)) {
      throw new WireFormatException(at(key) + ": expected an array");
    }
    return new ArrayList<>(l);
  }

  List<Object> optArray(String key) throws WireFormatException {
    return has(key) ? array(key) : List.of();
  }

  Set<String> stringSet(String key) throws WireFormatException {
    Set<String> out = new LinkedHashSet<>();
    List<Object> items = optArray(key);
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof String str)) {
        throw new WireFormatException(at(key) + "[" + i + "]: expected a string");
      }
      out.add(str);
    }
    return out;
  }

  Map<String, Object> map() {
    return map;
  }
}
