package org.brightchain.net.netty.nat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.brightchain.net.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds UPnP Internet Gateway Devices with an SSDP search (UPnP Device Architecture section 1.3):
 * an M-SEARCH to 239.255.255.250:1900 from this host's address on the gateway's subnet, then
 * unicast answers until the time allowed is spent (or the expected gateway answered).
 *
 * <p>An answer counts only if it comes from the expected gateway (or, if none is expected, from the
 * local subnet), and its LOCATION is a plain {@code http} URL whose host is that very address: a
 * device cannot send the node elsewhere. Anything else is ignored with a log line. Blocking: runs
 * on a mapper's thread.
 */
final class SsdpSearch {
  private static final Logger log = LoggerFactory.getLogger(SsdpSearch.class);
  private static final InetSocketAddress SSDP =
      new InetSocketAddress(
          NatPmpCodec.ipv4(new byte[] {(byte) 239, (byte) 255, (byte) 255, (byte) 250}), 1900);
  static final List<String> SEARCH_TARGETS =
      List.of(
          "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
          "urn:schemas-upnp-org:service:WANIPConnection:1",
          "urn:schemas-upnp-org:service:WANPPPConnection:1");

  private SsdpSearch() {}

  /** A device that answered: where it is, and its description's URL. */
  record Found(Inet4Address from, URI location, String searchTarget) {}

  /**
   * Searches on {@code local}'s interface.
   *
   * @param expected the gateway to wait for, or {@code null} to take any device on the subnet
   */
  static List<Found> search(LocalNetwork.Subnet local, Inet4Address expected, Duration timeout)
      throws IOException {
    List<Found> found = new ArrayList<>();
    try (MulticastSocket socket = new MulticastSocket(new InetSocketAddress(local.address(), 0))) {
      socket.setNetworkInterface(local.nif());
      socket.setTimeToLive(2);
      int mx = (int) Math.max(1, Math.min(5, timeout.toSeconds()));
      for (String st : SEARCH_TARGETS) {
        byte[] msg =
            ("M-SEARCH * HTTP/1.1\r\n"
                    + "HOST: 239.255.255.250:1900\r\n"
                    + "MAN: \"ssdp:discover\"\r\n"
                    + "MX: "
                    + mx
                    + "\r\n"
                    + "ST: "
                    + st
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(msg, msg.length, SSDP));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      byte[] buf = new byte[2048];
      while (true) {
        long wait = (deadline - System.nanoTime()) / 1_000_000;
        if (wait <= 0) {
          break;
        }
        socket.setSoTimeout((int) wait);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (!(p.getAddress() instanceof Inet4Address from)) {
          continue;
        }
        String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
        Optional<Found> f = parse(from, text, local, expected);
        if (f.isPresent()
            && found.stream().noneMatch(x -> x.location().equals(f.get().location()))) {
          found.add(f.get());
          if (expected != null) {
            break; // the gateway itself answered: no need to wait for others
          }
        }
      }
    }
    return found;
  }

  /** One answer, checked; empty (with a log line) if it does not count. */
  static Optional<Found> parse(
      Inet4Address from, String text, LocalNetwork.Subnet local, Inet4Address expected) {
    if (expected != null ? !expected.equals(from) : !local.contains(from)) {
      log.warn(
          "upnp: ignored an SSDP answer from {}: not the gateway {}",
          from.getHostAddress(),
          expected != null ? expected.getHostAddress() : "on " + local);
      return Optional.empty();
    }
    String[] lines = text.split("\r?\n");
    if (lines.length == 0 || !lines[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.1 200")) {
      log.debug(
          "upnp: ignored an SSDP message from {}: not a search answer", from.getHostAddress());
      return Optional.empty();
    }
    String location = null;
    String st = "";
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toUpperCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("LOCATION")) {
        location = value;
      } else if (name.equals("ST")) {
        st = value;
      }
    }
    if (location == null) {
      log.warn("upnp: ignored an SSDP answer from {}: no LOCATION", from.getHostAddress());
      return Optional.empty();
    }
    try {
      URI uri = new URI(location);
      if (!"http".equalsIgnoreCase(uri.getScheme())
          || uri.getRawUserInfo() != null
          || uri.getHost() == null
          || !LocalNetwork.literal(uri.getHost()).map(from::equals).orElse(false)) {
        log.warn(
            "upnp: ignored an SSDP answer from {}: LOCATION {} is not an http URL on that address",
            from.getHostAddress(),
            LogText.safe(location));
        return Optional.empty();
      }
      return Optional.of(new Found(from, uri, Texts.clean(st, 200)));
    } catch (URISyntaxException e) {
      log.warn(
          "upnp: ignored an SSDP answer from {}: bad LOCATION {}",
          from.getHostAddress(),
          LogText.safe(location));
      return Optional.empty();
    }
  }
}
