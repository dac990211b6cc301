package org.brightchain.net.core.internal.discovery;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Rejection;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** The pure parts of DNS seed discovery: names, TXT text, signed records, server addresses. */
final class DnsSeedRecords {

  private DnsSeedRecords() {}

  /** What one {@code bcn1:} TXT record turned out to be: an advert, or why it was refused. */
  record Outcome(SignedAdvert advert, Rejection rejection, String detail) {
    static Outcome valid(SignedAdvert advert) {
      return new Outcome(advert, null, "");
    }

    static Outcome refused(Rejection rejection, String detail) {
      return new Outcome(null, rejection, detail);
    }

    boolean isValid() {
      return advert != null;
    }
  }

  /** {@code seed} as an absolute DNS name ({@code "seed.example.org"} and a trailing dot alike). */
  static Name seedName(String seed) throws TextParseException {
    return Name.fromString(seed, Name.root);
  }

  /** The SRV name of a seed: {@link DnsSeedDiscovery#SRV_LABELS} before the seed's name. */
  static Name srvName(Name seed) throws TextParseException {
    try {
      return Name.concatenate(Name.fromString(DnsSeedDiscovery.SRV_LABELS), seed);
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new TextParseException("SRV name of " + seed + " is too long");
    }
  }

  /**
   * The text of one TXT record: its character-strings joined without separators, as a publisher
   * splits a long value into strings of at most 255 bytes. Bytes map one to one onto characters
   * (ISO-8859-1), so a byte outside base64url can never pass as one.
   */
  static String joinTxt(List<byte[]> strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] s : strings) {
      out.writeBytes(s);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** True for the text of a signed node record; other TXT records (SPF, say) are not ours. */
  static boolean isSignedRecord(String text) {
    return text.startsWith(SignedAdvert.TEXT_PREFIX);
  }

  /**
   * Reads and checks one signed node record: it must parse, name the node whose key signed it,
   * verify, and be at most {@code maxAge} old (or ahead) at {@code nowMillis}.
   */
  static Outcome read(String text, long nowMillis, Duration maxAge) {
    SignedAdvert advert;
    try {
      advert = SignedAdvert.fromText(text);
    } catch (WireFormatException | RuntimeException e) {
      return Outcome.refused(Rejection.MALFORMED, String.valueOf(e.getMessage()));
    }
    SignedAdvert.Verdict verdict;
    try {
      verdict = advert.verify(nowMillis, maxAge);
    } catch (RuntimeException e) {
      return Outcome.refused(Rejection.MALFORMED, "cannot verify: " + e.getMessage());
    }
    return switch (verdict) {
      case VALID -> Outcome.valid(advert);
      case KEY_MISMATCH ->
          Outcome.refused(Rejection.KEY_MISMATCH, "node id is not the hash of the key");
      case UNKNOWN_SCHEME ->
          Outcome.refused(Rejection.UNKNOWN_SCHEME, "no signature scheme for the key");
      case BAD_SIGNATURE -> Outcome.refused(Rejection.BAD_SIGNATURE, "signature does not verify");
      case STALE ->
          Outcome.refused(
              Rejection.STALE,
              "signed at "
                  + java.time.Instant.ofEpochMilli(advert.timestamp())
                  + ", more than "
                  + maxAge
                  + " away");
    };
  }

  /**
   * Reads {@code host:port}, {@code host}, {@code [v6]:port}, {@code [v6]} or a bare IPv6 literal
   * (port 53 when none is given); the host is left unresolved.
   */
  static InetSocketAddress parseServer(String server) {
    String s = server.strip();
    String host;
    int port = 53;
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("dnsServer: " + server + " (expected: [address]:port)");
      }
      host = s.substring(1, end);
      String rest = s.substring(end + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException(
              "dnsServer: " + server + " (expected: [address]:port)");
        }
        port = port(rest.substring(1), server);
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = port(s.substring(s.indexOf(':') + 1), server);
    } else {
      host = s; // a name, an IPv4 address, or an IPv6 literal without brackets
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("dnsServer: " + server + " (expected: host:port)");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static int port(String text, String server) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("dnsServer: " + server + " (expected: a port in 1..65535)");
  }

  /**
   * An address as text: dotted IPv4, or IPv6 in the RFC 5952 form ({@code 2001:db8::1}: lower case,
   * leading zeros dropped, the longest run of two or more zero groups shortened).
   */
  static String hostString(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
