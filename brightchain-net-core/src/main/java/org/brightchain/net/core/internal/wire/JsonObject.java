package org.brightchain.net.core.internal.wire;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brightchain.net.internal.Hex;

/**
 * Typed reads from one parsed JSON object (see {@link Json}); every error is a {@link
 * WireFormatException} naming the field by its path, for example {@code data.blockId: required}.
 */
public final class JsonObject {
  private final Map<String, Object> map;
  private final String path;

  private JsonObject(Map<String, Object> map, String path) {
    this.map = map;
    this.path = path;
  }

  @SuppressWarnings("unchecked")
  /** See the class description. */
  public static JsonObject of(Object tree, String path) throws WireFormatException {
    if (!(tree instanceof Map)) {
      throw new WireFormatException((path.isEmpty() ? "body" : path) + ": expected a JSON object");
    }
    return new JsonObject((Map<String, Object>) tree, path);
  }

  /** See the class description. */
  public String at(String key) {
    return WireFields.at(path, key);
  }

  /** See the class description. */
  public boolean has(String key) {
    return map.get(key) != null;
  }

  /** See the class description. */
  public Object raw(String key) throws WireFormatException {
    Object v = map.get(key);
    if (v == null) {
      throw new WireFormatException(at(key) + ": required");
    }
    return v;
  }

  /** See the class description. */
  public JsonObject object(String key) throws WireFormatException {
    return of(raw(key), at(key));
  }

  /** See the class description. */
  public String string(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof String str)) {
      throw new WireFormatException(at(key) + ": expected a string");
    }
    return str;
  }

  /** See the class description. */
  public String optString(String key) throws WireFormatException {
    return has(key) ? string(key) : null;
  }

  /** See the class description. */
  public long longValue(String key) throws WireFormatException {
    Object v = raw(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigDecimal) {
      throw new WireFormatException(at(key) + ": expected an integer in range");
    }
    throw new WireFormatException(at(key) + ": expected an integer");
  }

  /** See the class description. */
  public Long optLong(String key) throws WireFormatException {
    return has(key) ? longValue(key) : null;
  }

  /** See the class description. */
  public int intValue(String key) throws WireFormatException {
    long v = longValue(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new WireFormatException(at(key) + ": integer out of range");
    }
    return (int) v;
  }

  /** See the class description. */
  public double doubleValue(String key) throws WireFormatException {
    Object v = raw(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    throw new WireFormatException(at(key) + ": expected a number");
  }

  /** See the class description. */
  public boolean bool(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof Boolean b)) {
      throw new WireFormatException(at(key) + ": expected true or false");
    }
    return b;
  }

  /** See the class description. */
  public byte[] hex(String key) throws WireFormatException {
    String h = string(key);
    try {
      return Hex.decode(h);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(at(key) + ": expected hex");
    }
  }

  /** See the class description. */
  public List<Object> array(String key) throws WireFormatException {
    Object v = raw(key);
    if (!(v instanceof List<?> l)) {
      throw new WireFormatException(at(key) + ": expected an array");
    }
    return new ArrayList<>(l);
  }

  /** See the class description. */
  public List<Object> optArray(String key) throws WireFormatException {
    return has(key) ? array(key) : List.of();
  }

  /** See the class description. */
  public Set<String> stringSet(String key) throws WireFormatException {
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

  /** See the class description. */
  public Map<String, Object> map() {
    return map;
  }
}
