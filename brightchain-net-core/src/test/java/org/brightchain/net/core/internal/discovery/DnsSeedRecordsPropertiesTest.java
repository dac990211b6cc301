package org.brightchain.net.core.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.core.internal.discovery.DnsSeedRecords.Outcome;
import org.brightchain.net.core.internal.wire.WireFormatException;

/** A signed TXT record is taken as written, and refused after any change to its bytes. */
class DnsSeedRecordsPropertiesTest {
  private static final long NOW = 1_780_000_000_000L;
  private static final Duration WEEK = DnsSeedDiscovery.MAX_RECORD_AGE;

  private static final List<NodeIdentity> SIGNERS =
      List.of(
          identity(SignatureSchemes.secp256k1(), "a"),
          identity(SignatureSchemes.secp256k1(), "b"),
          identity(SignatureSchemes.secp256k1(), "c"),
          identity(SignatureSchemes.ed25519(), "d"));

  private static NodeIdentity identity(
      org.brightchain.net.spi.SignatureScheme scheme, String seed) {
    return NodeIdentity.fromPrivateKey(
        scheme, DnsSeedRecordsTest.sha256("dns record signer " + seed));
  }

  @Provide
  Arbitrary<SignedAdvert> adverts() {
    Arbitrary<NodeIdentity> signer = Arbitraries.of(SIGNERS);
    Arbitrary<String> address =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3)),
            Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(l -> !l.startsWith("-") && !l.endsWith("-"))
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(l -> String.join(".", l) + ".example"),
            Arbitraries.of("2001:db8::1", "::1", "fe80::1"));
    Arbitrary<Integer> port = Arbitraries.integers().between(1, 65535);
    Arbitrary<Set<String>> caps =
        Arbitraries.of("storage", "relay", "gateway", "archive", "x-custom").set().ofMaxSize(4);
    Arbitrary<String> version = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20);
    Arbitrary<Long> age = Arbitraries.longs().between(-WEEK.toMillis(), WEEK.toMillis());
    return Combinators.combine(signer, address, port, caps, version, age)
        .as(
            (id, a, p, c, v, d) ->
                SignedAdvert.sign(
                    new NodeAdvertisement(id.nodeId(), a, p, c, v),
                    NOW - d,
                    id.publicKey(),
                    id::sign));
  }

  @Property(tries = 200)
  void anyAdvertRoundTripsThroughItsTextForm(@ForAll("adverts") SignedAdvert advert)
      throws WireFormatException {
    String text = advert.toText();
    assertTrue(text.startsWith("bcn1:"));
    assertTrue(text.chars().allMatch(c -> c < 128 && c > ' '), text);
    assertEquals(advert, SignedAdvert.fromText(text));
    Outcome o = DnsSeedRecords.read(text, NOW, WEEK);
    assertTrue(o.isValid(), o.toString());
    assertEquals(advert, o.advert());
    // However a publisher splits it into strings, the joined text is the same record.
    assertEquals(text, DnsSeedRecords.joinTxt(DnsSeedRecordsTest.split(text, 255)));
  }

  @Property(tries = 300)
  void anySingleByteChangeIsRefused(
      @ForAll("adverts") SignedAdvert advert,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] bytes = advert.encode();
    int i = position % bytes.length;
    bytes[i] ^= (byte) xor;
    String text = "bcn1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Outcome o = DnsSeedRecords.read(text, NOW, WEEK);
    assertFalse(o.isValid(), "byte " + i + " of " + bytes.length + " changed, still " + o);
  }

  @Property(tries = 200)
  void anySingleByteChangeOfTheSignatureIsABadSignature(
      @ForAll("adverts") SignedAdvert advert,
      @ForAll @IntRange(min = 0, max = 1000) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] sig = advert.signature();
    sig[position % sig.length] ^= (byte) xor;
    SignedAdvert changed =
        new SignedAdvert(advert.advertisement(), advert.timestamp(), advert.publicKey(), sig);
    assertEquals(
        DnsSeedDiscovery.Rejection.BAD_SIGNATURE,
        DnsSeedRecords.read(changed.toText(), NOW, WEEK).rejection());
  }
}
