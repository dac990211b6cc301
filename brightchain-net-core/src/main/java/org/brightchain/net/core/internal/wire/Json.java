package org.brightchain.net.core.internal.wire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict, bounded JSON parser and writer over plain Java values.
 *
 * <p>Trees are made of {@code Map<String, Object>} (insertion ordered), {@code List<Object>},
 * {@code String}, {@code Long} (integers that fit), {@code BigDecimal} (other numbers), {@code
 * Boolean} and {@code null}. The parser follows RFC 8259 strictly (no comments, no trailing commas,
 * no duplicate keys, valid UTF-8), and refuses input nested deeper than {@link #MAX_DEPTH}, so
 * hostile input costs time linear in its size and nothing more.
 *
 * <p>{@link #writeCanonical(Object)} writes the canonical form used for signatures: no white space,
 * object keys sorted by UTF-16 code units, strings escaped exactly as JavaScript's {@code
 * JSON.stringify} does, integers only. It equals what a JavaScript peer gets from {@code
 * JSON.stringify} of the same object with its keys sorted.
 */
public final class Json {

  /** Deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 32;

  /** Longest number accepted, as sent and as {@link #write(Object)} writes it back. */
  private static final int MAX_NUMBER_LENGTH = 64;

  /** Largest decimal exponent accepted (either sign); doubles need at most about 340. */
  private static final int MAX_SCALE = 1000;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  /** Parses UTF-8 bytes. */
  public static Object parse(byte[] utf8) throws WireFormatException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      throw new WireFormatException("malformed JSON: not valid UTF-8");
    }
    return parse(text);
  }

  /** Parses a string. */
  public static Object parse(String text) throws WireFormatException {
    Json p = new Json(text);
    p.skipWhitespace();
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return value;
  }

  private WireFormatException error(String what) {
    return new WireFormatException("malformed JSON at offset " + pos + ": " + what);
  }

  private void skipWhitespace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) throws WireFormatException {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private void literal(String word) throws WireFormatException {
    if (!s.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
  }

  private Map<String, Object> object(int depth) throws WireFormatException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("expected a string key");
      }
      String key = string();
      skipWhitespace();
      if (pos >= s.length() || s.charAt(pos) != ':') {
        throw error("expected ':'");
      }
      pos++;
      skipWhitespace();
      Object v = value(depth);
      if (map.containsKey(key)) {
        throw error("duplicate key \"" + key + "\"");
      }
      map.put(key, v);
      skipWhitespace();
      if (pos >= s.length()) {
        throw error("unexpected end of input in object");
      }
      char c = s.charAt(pos++);
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws WireFormatException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth));
      skipWhitespace();
      if (pos >= s.length()) {
        throw error("unexpected end of input in array");
      }
      char c = s.charAt(pos++);
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws WireFormatException {
    pos++; // opening quote
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
        pos++;
        return out;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(s, start, pos);
      pos++;
      if (pos >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
          }
          int cp = 0;
          for (int i = 0; i < 4; i++) {
            char h = s.charAt(pos + i);
            // ASCII only: Character.digit also takes fullwidth and other Unicode digits.
            int d = h < 128 ? Character.digit(h, 16) : -1;
            if (d < 0) {
              throw error("bad \\u escape");
            }
            cp = cp * 16 + d;
          }
          pos += 4;
          sb.append((char) cp);
        }
        default -> {
          pos--;
          throw error("bad escape '\\" + printable(e) + "'");
        }
      }
      start = pos;
    }
  }

  private Object number() throws WireFormatException {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= s.length()) {
      throw error("truncated number");
    }
    if (s.charAt(pos) == '0') {
      pos++;
    } else if (s.charAt(pos) >= '1' && s.charAt(pos) <= '9') {
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
        pos++;
      }
    } else {
      throw error("bad number");
    }
    boolean integral = true;
    if (pos < s.length() && s.charAt(pos) == '.') {
      integral = false;
      pos++;
      int digits = digits();
      if (digits == 0) {
        throw error("bad number: no digits after '.'");
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("bad number: no exponent digits");
      }
    }
    String text = s.substring(start, pos);
    if (text.length() > MAX_NUMBER_LENGTH) {
      throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
    }
    if (integral && text.length() <= 18) {
      return Long.parseLong(text);
    }
    BigDecimal d;
    try {
      d = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw error("number out of range"); // exponent beyond an int
    }
    // 1e999999999 is short, but written out in full (canonical form) it would take a gigabyte.
    if (Math.abs((long) d.scale()) > MAX_SCALE) {
      throw error("number out of range");
    }
    // Written back, it must be accepted again.
    if (d.toString().length() > MAX_NUMBER_LENGTH) {
      throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
    }
    if (integral) {
      BigInteger i = d.toBigIntegerExact();
      if (i.bitLength() < 64) {
        return i.longValue();
      }
    }
    return d;
  }

  private int digits() {
    int n = 0;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------- writing

  /** Writes a tree compactly, keeping object key order. */
  public static String write(Object tree) {
    StringBuilder sb = new StringBuilder(128);
    write(sb, tree, false);
    return sb.toString();
  }

  /**
   * Writes the canonical form: keys sorted, no white space; integers only.
   *
   * @throws IllegalArgumentException if the tree holds a non-integer number
   */
  public static String writeCanonical(Object tree) {
    StringBuilder sb = new StringBuilder(128);
    write(sb, tree, true);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void write(StringBuilder sb, Object v, boolean canonical) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String str) {
      quote(sb, str);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      if (canonical) {
        throw new IllegalArgumentException("canonical JSON holds integers only");
      }
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON cannot hold " + d);
      }
      sb.append(
          d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
    } else if (v instanceof BigDecimal d) {
      if (canonical) {
        // As JavaScript writes the number: 10.0 is 10.
        d = d.stripTrailingZeros();
        if (d.scale() > 0) {
          throw new IllegalArgumentException("canonical JSON holds integers only");
        }
        sb.append(d.toPlainString());
      } else {
        // Exponent form where BigDecimal uses it: 1e400 stays short, and parses back equal.
        sb.append(d.toString());
      }
    } else if (v instanceof Map<?, ?> m) {
      Map<String, Object> map = (Map<String, Object>) m;
      if (canonical) {
        map = new TreeMap<>(map);
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(sb, e.getKey());
        sb.append(':');
        write(sb, e.getValue(), canonical);
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(sb, list.get(i), canonical);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  /** Escapes as JavaScript's JSON.stringify (ES2019) does. */
  private static void quote(StringBuilder sb, String str) {
    sb.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < str.length()
              && Character.isLowSurrogate(str.charAt(i + 1))) {
            sb.append(c).append(str.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
