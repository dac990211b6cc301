package org.brightchain.net.netty.nat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * This host's IPv4 networks and its default gateway: where the gateway is, which local address
 * faces it, and whether an address is on a local subnet (the only place a gateway is trusted).
 */
final class LocalNetwork {
  private static final Path ROUTES = Path.of("/proc/net/route");

  private LocalNetwork() {}

  /** One local IPv4 address with its subnet. */
  record Subnet(Inet4Address address, int prefixLength, NetworkInterface nif) {
    boolean contains(InetAddress a) {
      return a instanceof Inet4Address && sameSubnet(address, (Inet4Address) a, prefixLength);
    }

    @Override
    public String toString() {
      return address.getHostAddress() + "/" + prefixLength + " (" + nif.getName() + ")";
    }
  }

  /**
   * The gateway to talk to and the local address facing it.
   *
   * @param gateway the gateway's address, on the local subnet
   * @param local this host's address on that subnet
   */
  record Lan(Inet4Address gateway, Subnet local) {}

  /**
   * Finds the gateway: {@code configured} if not empty (an IPv4 literal), else the default route's.
   * It must be on the subnet of a local address, and of {@code bindHost} if the node is bound to
   * one address.
   */
  static Lan resolve(String configured, String bindHost, String method)
      throws PortMappingException {
    Inet4Address gateway;
    if (!configured.isEmpty()) {
      gateway =
          literal(configured)
              .orElseThrow(
                  () ->
                      new PortMappingException(
                          Reason.UNTRUSTED,
                          method,
                          -1,
                          "gateway '" + Texts.clean(configured, 64) + "' is not an IPv4 address",
                          null));
    } else {
      gateway =
          defaultGateway()
              .orElseThrow(
                  () ->
                      new PortMappingException(
                          Reason.NO_GATEWAY,
                          method,
                          -1,
                          "no default gateway (no IPv4 default route)",
                          null));
    }
    Optional<Inet4Address> bound = wildcard(bindHost) ? Optional.empty() : literal(bindHost);
    for (Subnet s : subnets()) {
      if (s.contains(gateway) && bound.map(b -> b.equals(s.address())).orElse(true)) {
        return new Lan(gateway, s);
      }
    }
    throw new PortMappingException(
        configured.isEmpty() ? Reason.NO_GATEWAY : Reason.UNTRUSTED,
        method,
        -1,
        "gateway "
            + gateway.getHostAddress()
            + " is not on a local subnet"
            + (bound.isPresent() ? " of " + bindHost : ""),
        null);
  }

  /** The local IPv4 subnets of interfaces that are up, loopback excluded. */
  static List<Subnet> subnets() {
    List<Subnet> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
          if (ia.getAddress() instanceof Inet4Address a
              && ia.getNetworkPrefixLength() > 0
              && ia.getNetworkPrefixLength() < 32) {
            out.add(new Subnet(a, ia.getNetworkPrefixLength(), nif));
          }
        }
      }
    } catch (SocketException e) {
      // No interfaces to show: no gateway can be trusted.
    }
    return out;
  }

  /** The IPv4 default route's gateway, from Linux's routing table; empty elsewhere. */
  static Optional<Inet4Address> defaultGateway() {
    try {
      return Files.isReadable(ROUTES)
          ? parseDefaultGateway(Files.readAllLines(ROUTES))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The gateway of the default route with the lowest metric in the text of {@code /proc/net/route}
   * (hexadecimal, little-endian addresses).
   */
  static Optional<Inet4Address> parseDefaultGateway(List<String> lines) {
    Inet4Address best = null;
    long bestMetric = Long.MAX_VALUE;
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
      if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
        continue;
      }
      try {
        int flags = Integer.parseInt(f[3], 16);
        long metric = Long.parseLong(f[6]);
        long gw = Long.parseLong(f[2], 16);
        if ((flags & 0x1) == 0 || (flags & 0x2) == 0 || gw == 0 || metric >= bestMetric) {
          continue; // not up, not via a gateway
        }
        byte[] b = {(byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)};
        best = (Inet4Address) InetAddress.getByAddress(b);
        bestMetric = metric;
      } catch (NumberFormatException | UnknownHostException e) {
        // a line we do not understand is skipped
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code s} as an IPv4 address, without any name lookup. */
  static Optional<Inet4Address> literal(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty()
          || parts[i].length() > 3
          || !parts[i].chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        return Optional.empty();
      }
      b[i] = (byte) v;
    }
    try {
      return Optional.of((Inet4Address) InetAddress.getByAddress(b));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  static boolean wildcard(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("::0");
  }

  static boolean sameSubnet(Inet4Address a, Inet4Address b, int prefixLength) {
    int x = toInt(a);
    int y = toInt(b);
    int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return (x & mask) == (y & mask);
  }

  private static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }
}
