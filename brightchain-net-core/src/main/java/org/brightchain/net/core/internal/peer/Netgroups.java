package org.brightchain.net.core.internal.peer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Network groups for eclipse resistance: the /24 of a public IPv4 address, the /56 of a public IPv6
 * address, the name itself for a host name. Local addresses (loopback, private, link-local,
 * unique-local) belong to no group: peers found on the LAN are not limited by subnet.
 */
public final class Netgroups {
  private Netgroups() {}

  /** The group of {@code host}, or null for a local address. Never resolves a name. */
  public static String of(String host) {
    InetAddress a = literal(host);
    if (a == null) {
      return "name:" + host.toLowerCase(java.util.Locale.ROOT);
    }
    if (a.isLoopbackAddress()
        || a.isSiteLocalAddress()
        || a.isLinkLocalAddress()
        || a.isAnyLocalAddress()) {
      return null;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      if ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
        return null; // carrier-grade NAT, 100.64.0.0/10: a provider's LAN
      }
      return "v4:" + (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff);
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return null; // unique local, fc00::/7
      }
      StringBuilder sb = new StringBuilder("v6:");
      for (int i = 0; i < 7; i++) {
        sb.append(String.format("%02x", b[i] & 0xff));
      }
      return sb.toString();
    }
    return null;
  }

  /** An IP literal as an address, or null for anything else (a name is never looked up). */
  public static InetAddress literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = h.indexOf(':') >= 0 && h.matches("[0-9a-fA-F:.%A-Za-z0-9]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(h); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
