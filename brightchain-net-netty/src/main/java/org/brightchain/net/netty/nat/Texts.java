package org.brightchain.net.netty.nat;

/** Gateway-supplied text made safe to log and to show in a status. */
final class Texts {
  private Texts() {}

  /**
   * Printable ASCII only (anything else becomes {@code ?}), trimmed, at most {@code max}
   * characters: what a gateway says is shown, never trusted.
   */
  static String clean(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString().trim();
  }
}
