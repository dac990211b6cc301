package org.brightchain.net.internal;

/**
 * Text from outside (a peer's error message, a client's path, a field it sent) made safe for a log
 * line: control characters, line and paragraph separators and bidirectional overrides are escaped
 * as {@code \\uXXXX} ({@code \\n}, {@code \\r}, {@code \\t} by name), and long text is cut. A log
 * line can then never be split or forged by what a peer sent. Internal, not API.
 */
public final class LogText {
  /** The most characters of outside text a log line carries. */
  public static final int MAX = 200;

  private LogText() {}

  /** {@code text} escaped and cut to {@link #MAX} characters; {@code "null"} for null. */
  public static String safe(Object text) {
    if (text == null) {
      return "null";
    }
    String s = text.toString();
    StringBuilder sb = null;
    int n = Math.min(s.length(), MAX);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String esc = escape(c);
      if (esc != null && sb == null) {
        sb = new StringBuilder(n + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (esc != null) {
          sb.append(esc);
        } else {
          sb.append(c);
        }
      }
    }
    String out = sb == null ? s.substring(0, n) : sb.toString();
    return s.length() > MAX ? out + "...(" + s.length() + " chars)" : out;
  }

  private static String escape(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return null;
      default:
        break;
    }
    boolean unsafe =
        c < 0x20
            || (c >= 0x7f && c <= 0x9f)
            || c == 0x2028
            || c == 0x2029
            || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069)
            || c == 0x200e
            || c == 0x200f
            || Character.isSurrogate(c);
    return unsafe ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : null;
  }
}
