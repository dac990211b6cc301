package org.brightchain.net.netty;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts open connections per remote address and per subnet ({@code /24} for IPv4, {@code /56} for
 * IPv6; an IPv4-mapped IPv6 address counts as its IPv4 address) and refuses one past either cap.
 * Thread-safe: connections of one address live on several event loops. Each map holds only the
 * addresses and subnets that have a connection open, so its size is bounded by the number of open
 * connections.
 */
final class AddressLimiter {
  /** Why a connection was refused. */
  enum Refusal {
    ADDRESS,
    SUBNET
  }

  /** An address or subnet: the family (4 or 6) and up to 128 bits. */
  record Key(int family, long high, long low) {}

  private final int maxPerAddress;
  private final int maxPerSubnet;
  private final ConcurrentHashMap<Key, Integer> perAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Integer> perSubnet = new ConcurrentHashMap<>();

  AddressLimiter(int maxPerAddress, int maxPerSubnet) {
    this.maxPerAddress = maxPerAddress;
    this.maxPerSubnet = maxPerSubnet;
  }

  /**
   * Counts a new connection from {@code a}, or refuses it and counts nothing. Every {@code null}
   * answer must be matched by exactly one {@link #release}.
   */
  Refusal tryAcquire(InetAddress a) {
    Key address = addressKey(a);
    if (!increment(perAddress, address, maxPerAddress)) {
      return Refusal.ADDRESS;
    }
    if (!increment(perSubnet, subnetKey(address), maxPerSubnet)) {
      // Counted for a moment: a concurrent connection from this address at its cap may have been
      // refused meanwhile, which errs on the safe side.
      decrement(perAddress, address);
      return Refusal.SUBNET;
    }
    return null;
  }

  /** Forgets a connection counted by {@link #tryAcquire}. */
  void release(InetAddress a) {
    Key address = addressKey(a);
    decrement(perSubnet, subnetKey(address));
    decrement(perAddress, address);
  }

  /** Connections counted for this address now. */
  int fromAddress(InetAddress a) {
    return perAddress.getOrDefault(addressKey(a), 0);
  }

  /** Connections counted for the subnet of this address now. */
  int fromSubnet(InetAddress a) {
    return perSubnet.getOrDefault(subnetKey(addressKey(a)), 0);
  }

  /** Addresses and subnets with a connection open: 0 when none is, so nothing leaks. */
  int trackedKeys() {
    return perAddress.size() + perSubnet.size();
  }

  int maxPerAddress() {
    return maxPerAddress;
  }

  int maxPerSubnet() {
    return maxPerSubnet;
  }

  private static boolean increment(ConcurrentHashMap<Key, Integer> map, Key key, int max) {
    boolean[] counted = new boolean[1];
    map.compute(
        key,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          counted[0] = true;
          return now + 1;
        });
    return counted[0];
  }

  private static void decrement(ConcurrentHashMap<Key, Integer> map, Key key) {
    // Removed at zero, so the maps hold only what is open.
    map.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  static Key addressKey(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && isIpv4Mapped(b)) {
      b = new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b.length == 4) {
      return new Key(4, 0, ipv4(b));
    }
    return new Key(6, bits(b, 0), bits(b, 8));
  }

  static Key subnetKey(Key address) {
    if (address.family() == 4) {
      return new Key(4, 0, address.low() & 0xFFFF_FF00L); // /24
    }
    return new Key(6, address.high() & 0xFFFF_FFFF_FFFF_FF00L, 0); // /56
  }

  private static boolean isIpv4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
  }

  private static long ipv4(byte[] b) {
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
  }

  private static long bits(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (b[i] & 0xFFL);
    }
    return v;
  }

  /** For log lines: the subnet an address belongs to. */
  static String subnetOf(InetAddress a) {
    Key k = subnetKey(addressKey(a));
    if (k.family() == 4) {
      long v = k.low();
      return ((v >> 24) & 0xFF) + "." + ((v >> 16) & 0xFF) + "." + ((v >> 8) & 0xFF) + ".0/24";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      sb.append(Long.toHexString((k.high() >>> (48 - 16 * i)) & 0xFFFF)).append(':');
    }
    return sb.append(":/56").toString();
  }
}
