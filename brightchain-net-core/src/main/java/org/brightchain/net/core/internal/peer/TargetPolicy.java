package org.brightchain.net.core.internal.peer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a caller may make this node dial (a REST announcement, a peer's hint), so that
 * nobody outside can turn the node into a probe of its own host or network: a caller on this host
 * may name anything; one on a private network may name private and public addresses and host names,
 * never this host's loopback, link-local, unspecified or multicast addresses; a caller from the
 * internet may name only public IP addresses (no host names, which could resolve anywhere), unless
 * private targets are allowed by configuration. Thread-safe.
 */
public final class TargetPolicy {
  /** What kind of address a literal is. */
  enum Scope {
    LOOPBACK,
    LOCAL_ONLY, // link-local, unspecified, multicast: never a peer's address
    PRIVATE,
    PUBLIC,
    NAME
  }

  private final boolean privateTargets;

  /** A policy; {@code privateTargets} lets public callers name private addresses and names. */
  public TargetPolicy(boolean privateTargets) {
    this.privateTargets = privateTargets;
  }

  /**
   * Why a caller at {@code caller} (an IP address as text) may not make this node dial {@code
   * target}, or null if it may.
   */
  public String refusal(String caller, String target) {
    Scope from = caller == null ? Scope.PUBLIC : scopeOf(caller);
    if (from == Scope.NAME) {
      from = Scope.PUBLIC; // a caller is an address; anything else is treated as the internet
    }
    Scope to = scopeOf(target);
    if (from == Scope.LOOPBACK) {
      return null;
    }
    return switch (to) {
      case LOOPBACK, LOCAL_ONLY -> "a loopback, link-local, unspecified or multicast address";
      case PRIVATE, NAME ->
          from == Scope.PRIVATE || from == Scope.LOCAL_ONLY || privateTargets
              ? null
              : to == Scope.NAME
                  ? "a host name (a caller from the internet gives an IP address)"
                  : "a private address";
      case PUBLIC -> null;
    };
  }

  static Scope scopeOf(String host) {
    InetAddress a = Netgroups.literal(host);
    if (a == null) {
      String h = host.toLowerCase(java.util.Locale.ROOT);
      return h.equals("localhost") || h.endsWith(".localhost") ? Scope.LOOPBACK : Scope.NAME;
    }
    return scopeOf(a);
  }

  static Scope scopeOf(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return Scope.LOOPBACK;
    }
    if (a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
      return Scope.LOCAL_ONLY;
    }
    byte[] b = a.getAddress();
    boolean cgnat = a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    boolean ula = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    boolean v4mapped = a instanceof Inet6Address && isV4Mapped(b);
    if (a.isSiteLocalAddress() || cgnat || ula || v4mapped) {
      return Scope.PRIVATE;
    }
    return Scope.PUBLIC;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
