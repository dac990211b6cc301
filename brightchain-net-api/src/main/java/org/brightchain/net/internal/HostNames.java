package org.brightchain.net.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one check of host names and addresses, wherever they enter the node (REST, adverts, DNS
 * records, the peers file, the builder, the command line): an RFC 1123 host name, an IPv4 address
 * in dotted-quad form, or an IPv6 literal (brackets optional). Nothing else — in particular no
 * control character, space or other text that could end up in a log line or a URL. Internal, not
 * API.
 */
public final class HostNames {
  /** The longest host name (RFC 1123, without the trailing dot). */
  public static final int MAX_LENGTH = 253;

  private HostNames() {}

  /** Whether {@code host} is a valid host name or IP literal. Never resolves a name. */
  public static boolean isValid(String host) {
    return problem(host) == null;
  }

  /**
   * Returns {@code host} if valid.
   *
   * @throws IllegalArgumentException naming {@code name} and what is wrong (never echoing the
   *     value, which may be hostile)
   */
  public static String check(String host, String name) {
    Checks.notNull(host, name);
    String problem = problem(host);
    if (problem != null) {
      throw new IllegalArgumentException(name + ": " + problem);
    }
    return host;
  }

  /** {@link #check}, but the empty string (meaning "the address you see") is allowed too. */
  public static String checkOrEmpty(String host, String name) {
    Checks.notNull(host, name);
    return host.isEmpty() ? host : check(host, name);
  }

  /** What is wrong with {@code host}, or null if nothing. */
  static String problem(String host) {
    if (host == null || host.isEmpty()) {
      return "empty (expected a host name or IP address)";
    }
    if (host.length() > MAX_LENGTH + 2) {
      return host.length() + " characters (expected: at most " + MAX_LENGTH + ")";
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "character "
            + (c < 0x20 || c == 0x7f
                ? String.format(Locale.ROOT, "U+%04X", (int) c)
                : "'" + describe(c) + "'")
            + " at index "
            + i
            + " (expected a host name or IP address)";
      }
    }
    if (host.indexOf(':') >= 0 || host.startsWith("[")) {
      return ipv6Problem(host);
    }
    if (looksNumeric(host)) {
      return isIpv4(host) ? null : "not an IPv4 address (expected four numbers 0-255)";
    }
    return nameProblem(host);
  }

  private static String describe(char c) {
    return c == ' '
        ? "space"
        : Character.isLetterOrDigit(c)
            ? String.valueOf(c)
            : String.format(Locale.ROOT, "U+%04X", (int) c);
  }

  private static String ipv6Problem(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int zone = h.indexOf('%');
    String addr = zone >= 0 ? h.substring(0, zone) : h;
    if (addr.isEmpty() || addr.length() > 45) {
      return "not an IPv6 address";
    }
    for (int i = 0; i < addr.length(); i++) {
      char c = addr.charAt(i);
      if (!(c == ':'
          || c == '.'
          || (c >= '0' && c <= '9')
          || (c >= 'a' && c <= 'f')
          || (c >= 'A' && c <= 'F'))) {
        return "not an IPv6 address";
      }
    }
    if (zone >= 0) {
      String z = h.substring(zone + 1);
      if (z.isEmpty()
          || z.length() > 32
          || !z.chars()
              .allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
        return "bad IPv6 zone";
      }
    }
    try {
      InetAddress.getByName(addr); // a literal with ':' is parsed, never resolved
      return null;
    } catch (UnknownHostException | SecurityException e) {
      return "not an IPv6 address";
    }
  }

  private static boolean looksNumeric(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    int dot = h.lastIndexOf('.');
    String last = h.substring(dot + 1);
    return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean isIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(p) > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
    }
    return true;
  }

  private static String nameProblem(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > MAX_LENGTH) {
      return "not a host name (expected at most " + MAX_LENGTH + " characters)";
    }
    for (String label : h.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return "not a host name (each label 1-63 characters)";
      }
      if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
        return "not a host name (a label starts or ends with '-')";
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-')) {
          return "not a host name (letters, digits, '-' and '.' only)";
        }
      }
    }
    return null;
  }
}
