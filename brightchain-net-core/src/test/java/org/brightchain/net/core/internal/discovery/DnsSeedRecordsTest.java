package org.brightchain.net.core.internal.discovery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Rejection;
import org.brightchain.net.core.internal.discovery.DnsSeedRecords.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class DnsSeedRecordsTest {
  private static final long NOW = 1_780_000_000_000L;
  private static final Duration WEEK = DnsSeedDiscovery.MAX_RECORD_AGE;

  static NodeIdentity identity(String seed) {
    return NodeIdentity.fromPrivateKey(SignatureSchemes.secp256k1(), sha256("dns seed " + seed));
  }

  static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static SignedAdvert advert(NodeIdentity id, String address, int port, long timestamp) {
    NodeAdvertisement a =
        new NodeAdvertisement(id.nodeId(), address, port, Set.of("storage", "relay"), "0.1.0");
    return SignedAdvert.sign(a, timestamp, id.publicKey(), id::sign);
  }

  /** {@code s} cut into strings of at most {@code n} bytes, as a TXT record carries it. */
  static List<byte[]> split(String s, int n) {
    byte[] b = s.getBytes(US_ASCII);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < b.length; i += n) {
      out.add(java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + n)));
    }
    return out;
  }

  @Test
  void txtStringsAreJoinedWithoutSeparators() {
    assertEquals("", DnsSeedRecords.joinTxt(List.of()));
    assertEquals(
        "abcdef",
        DnsSeedRecords.joinTxt(
            List.of("abc".getBytes(US_ASCII), new byte[0], "def".getBytes(US_ASCII))));
    String text =
        advert(identity("a"), "a-rather-long-host-name.nodes.brightchain.example.org", 4242, NOW)
            .toText();
    assertTrue(
        text.length() > 255, "a signed record needs more than one TXT string: " + text.length());
    for (int n : new int[] {1, 7, 255}) {
      assertEquals(text, DnsSeedRecords.joinTxt(split(text, n)));
    }
  }

  @Test
  void bytesOutsideAsciiNeverPassAsBase64() {
    String text = advert(identity("a"), "203.0.113.7", 4242, NOW).toText();
    byte[] b = text.getBytes(US_ASCII);
    b[20] = (byte) 0xC3; // the first byte of a UTF-8 'é'
    String joined = DnsSeedRecords.joinTxt(List.of(b));
    assertEquals(b.length, joined.length());
    assertEquals(Rejection.MALFORMED, DnsSeedRecords.read(joined, NOW, WEEK).rejection());
  }

  @Test
  void onlyTheBcn1PrefixMarksASignedRecord() {
    assertTrue(DnsSeedRecords.isSignedRecord("bcn1:abc"));
    assertFalse(DnsSeedRecords.isSignedRecord("BCN1:abc"));
    assertFalse(DnsSeedRecords.isSignedRecord("v=spf1 -all"));
    assertFalse(DnsSeedRecords.isSignedRecord(" bcn1:abc"));
  }

  @Test
  void aValidRecordGivesItsAdvert() {
    SignedAdvert a = advert(identity("a"), "203.0.113.7", 4300, NOW - WEEK.toMillis() + 1);
    Outcome o = DnsSeedRecords.read(a.toText(), NOW, WEEK);
    assertTrue(o.isValid(), o.toString());
    assertEquals(a, o.advert());
  }

  @Test
  void aBadSignatureIsRefused() {
    SignedAdvert a = advert(identity("a"), "203.0.113.7", 4242, NOW);
    byte[] sig = a.signature();
    sig[10] ^= 1;
    SignedAdvert forged = new SignedAdvert(a.advertisement(), a.timestamp(), a.publicKey(), sig);
    assertEquals(
        Rejection.BAD_SIGNATURE, DnsSeedRecords.read(forged.toText(), NOW, WEEK).rejection());

    // The advert of one node signed by another key that is presented as the node's.
    NodeIdentity other = identity("b");
    SignedAdvert wrongSigner =
        new SignedAdvert(
            a.advertisement(),
            a.timestamp(),
            a.publicKey(),
            other.sign(SignedAdvert.signedBytes(a.advertisement(), a.timestamp())));
    assertEquals(
        Rejection.BAD_SIGNATURE, DnsSeedRecords.read(wrongSigner.toText(), NOW, WEEK).rejection());
  }

  @Test
  void anAdvertSignedByAnotherKeyThanItsNodesIsAKeyMismatch() {
    NodeIdentity victim = identity("a");
    NodeIdentity mallory = identity("m");
    NodeAdvertisement claim =
        new NodeAdvertisement(victim.nodeId(), "198.51.100.66", 4242, Set.of(), "0.1.0");
    SignedAdvert a = SignedAdvert.sign(claim, NOW, mallory.publicKey(), mallory::sign);
    assertEquals(Rejection.KEY_MISMATCH, DnsSeedRecords.read(a.toText(), NOW, WEEK).rejection());
  }

  @Test
  void recordsOlderOrNewerThanTheMaxAgeAreStale() {
    NodeIdentity id = identity("a");
    assertEquals(
        Rejection.STALE,
        DnsSeedRecords.read(advert(id, "h", 1, NOW - WEEK.toMillis() - 1).toText(), NOW, WEEK)
            .rejection());
    assertEquals(
        Rejection.STALE,
        DnsSeedRecords.read(advert(id, "h", 1, NOW + WEEK.toMillis() + 1).toText(), NOW, WEEK)
            .rejection());
    assertTrue(
        DnsSeedRecords.read(advert(id, "h", 1, NOW + WEEK.toMillis()).toText(), NOW, WEEK)
            .isValid());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bcn1:",
        "bcn1:!!!not base64!!!",
        "bcn1:AAAA",
        "bcn1:aGVsbG8gd29ybGQ",
        "bcn1:====",
      })
  void garbageIsMalformed(String text) {
    Outcome o = DnsSeedRecords.read(text, NOW, WEEK);
    assertEquals(Rejection.MALFORMED, o.rejection(), o.detail());
  }

  @Test
  void oversizedRecordsAreMalformed() {
    String big =
        "bcn1:"
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new byte[SignedAdvert.MAX_BYTES + 1]);
    assertEquals(Rejection.MALFORMED, DnsSeedRecords.read(big, NOW, WEEK).rejection());
  }

  @Test
  void theSrvNameIsBrightchainTcpUnderTheSeed() throws Exception {
    Name seed = DnsSeedRecords.seedName("seed.example.org");
    assertEquals(seed, DnsSeedRecords.seedName("seed.example.org."));
    assertTrue(seed.isAbsolute());
    assertEquals("_brightchain._tcp.seed.example.org.", DnsSeedRecords.srvName(seed).toString());
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5353, 127.0.0.1, 5353",
    "127.0.0.1, 127.0.0.1, 53",
    "dns.example.org:53, dns.example.org, 53",
    "[::1]:5353, ::1, 5353",
    "[2001:db8::53], 2001:db8::53, 53",
    "2001:db8::53, 2001:db8::53, 53",
  })
  void dnsServersAreHostAndPort(String text, String host, int port) {
    InetSocketAddress a = DnsSeedRecords.parseServer(text);
    assertEquals(host, a.getHostString());
    assertEquals(port, a.getPort());
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1:0", "127.0.0.1:65536", "host:x", ":53", "[::1", "[::1]x", "[]:53"})
  void badDnsServersAreRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> DnsSeedRecords.parseServer(text));
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "2001:0db8:0000:0000:0000:0000:0000:0009, 2001:db8::9",
    "0:0:0:0:0:0:0:1, ::1",
    "0:0:0:0:0:0:0:0, ::",
    "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:1:1:1:1:0:1, 2001:db8:1:1:1:1:0:1",
    "fe80:0:0:0:0:0:0:0, fe80::",
  })
  void ipv6AddressesAreWrittenInTheirShortForm(String in, String out) throws Exception {
    assertEquals(out, DnsSeedRecords.hostString(InetAddress.getByName(in)));
  }
}
