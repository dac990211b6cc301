package org.brightchain.net.internal;

import java.util.Locale;
import java.util.Objects;

/** Argument checks shared by the contract types. Internal, not API. */
public final class Checks {
  private Checks() {}

  /** Throws {@link IllegalArgumentException} with a formatted message unless {@code condition}. */
  public static void checkArgument(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
  }

  /** Like {@link Objects#requireNonNull(Object, String)}, naming the parameter. */
  public static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** True if {@code s} is non-empty and only lower-case hexadecimal digits. */
  public static boolean isLowerHex(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Checks a TCP/UDP port: 0 (any) to 65535. */
  public static int checkPort(int port, String name) {
    checkArgument(port >= 0 && port <= 65535, "%s: %s (expected: 0-65535)", name, port);
    return port;
  }
}
