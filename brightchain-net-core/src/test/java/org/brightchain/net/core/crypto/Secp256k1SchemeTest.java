package org.brightchain.net.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.brightchain.net.internal.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Secp256k1SchemeTest {
  private static final Secp256k1Scheme SCHEME = Secp256k1Scheme.instance();

  /** The order of the secp256k1 group. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  private static final BigInteger HALF_N = N.shiftRight(1);

  /** The generator G, compressed. */
  private static final String G =
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

  private final SecureRandom random = new SecureRandom();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] key(BigInteger d) {
    byte[] out = new byte[32];
    byte[] raw = d.toByteArray();
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static BigInteger r(byte[] sig) {
    return new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
  }

  private static BigInteger s(byte[] sig) {
    return new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
  }

  private static byte[] rs(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    System.arraycopy(key(r), 0, out, 0, 32);
    System.arraycopy(key(s), 0, out, 32, 32);
    return out;
  }

  private static byte[] der(BigInteger r, BigInteger s) {
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(r));
    v.add(new ASN1Integer(s));
    try {
      return new DERSequence(v).getEncoded("DER");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private byte[] newKey() {
    return SCHEME.generatePrivateKey(random);
  }

  @Test
  void aSignatureVerifiesWithTheSignersPublicKey() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    byte[] msg = utf8("hello brightchain");

    byte[] sig = SCHEME.sign(priv, msg);

    assertTrue(SCHEME.verify(pub, msg, sig));
  }

  @Test
  void signaturesAre64BytesAndPublicKeysAre33BytesCompressed() {
    for (int i = 0; i < 20; i++) {
      byte[] priv = newKey();
      byte[] pub = SCHEME.publicKey(priv);
      assertEquals(32, priv.length);
      assertEquals(33, pub.length);
      assertTrue(pub[0] == 2 || pub[0] == 3, "compressed prefix");
      assertEquals(64, SCHEME.sign(priv, utf8("m" + i)).length);
    }
  }

  @Test
  void sIsAlwaysInTheLowerHalfOfTheOrder() {
    Random r = new Random(1234);
    byte[] priv = newKey();
    for (int i = 0; i < 300; i++) {
      byte[] msg = new byte[r.nextInt(200)];
      r.nextBytes(msg);
      byte[] sig = SCHEME.sign(i % 10 == 0 ? (priv = newKey()) : priv, msg);
      BigInteger s = s(sig);
      assertTrue(s.signum() > 0 && s.compareTo(HALF_N) <= 0, () -> "high s: " + s.toString(16));
    }
  }

  @Test
  void theDerFormOfASignatureVerifies() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    for (int i = 0; i < 20; i++) {
      byte[] msg = utf8("der " + i);
      byte[] sig = SCHEME.sign(priv, msg);
      byte[] der = der(r(sig), s(sig));
      assertEquals(0x30, der[0] & 0xff);
      assertNotEquals(64, der.length);
      assertTrue(SCHEME.verify(pub, msg, der), "DER form");
      assertFalse(SCHEME.verify(pub, utf8("other"), der), "DER form over another message");
    }
  }

  @Test
  void theHighSTwinOfAValidSignatureIsRejected() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    for (int i = 0; i < 20; i++) {
      byte[] msg = utf8("malleable " + i);
      byte[] sig = SCHEME.sign(priv, msg);
      BigInteger highS = N.subtract(s(sig));
      assertTrue(highS.compareTo(HALF_N) > 0);
      // (r, n - s) is mathematically valid ECDSA; BrightChain refuses it to stop malleability.
      assertFalse(SCHEME.verify(pub, msg, rs(r(sig), highS)), "64-byte high-S");
      assertFalse(SCHEME.verify(pub, msg, der(r(sig), highS)), "DER high-S");
    }
  }

  @Test
  void aSignatureDoesNotVerifyWithAnotherKeyOrOverAChangedMessage() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    byte[] otherPub = SCHEME.publicKey(newKey());
    byte[] msg = utf8("the message");
    byte[] sig = SCHEME.sign(priv, msg);

    assertFalse(SCHEME.verify(otherPub, msg, sig), "wrong key");
    for (int i = 0; i < msg.length; i++) {
      byte[] changed = msg.clone();
      changed[i] ^= 1;
      assertFalse(SCHEME.verify(pub, changed, sig), "changed byte " + i);
    }
    assertFalse(SCHEME.verify(pub, Arrays.copyOf(msg, msg.length + 1), sig), "appended byte");
    assertFalse(SCHEME.verify(pub, new byte[0], sig), "empty message");
    for (int i = 0; i < 64; i++) {
      byte[] flipped = sig.clone();
      flipped[i] ^= 0x10;
      assertFalse(SCHEME.verify(pub, msg, flipped), "flipped signature byte " + i);
    }
  }

  @Test
  void malformedKeysAndSignaturesReturnFalseAndNeverThrow() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    byte[] msg = utf8("m");
    byte[] sig = SCHEME.sign(priv, msg);

    byte[] badPrefix = pub.clone();
    badPrefix[0] = 5;
    byte[] xTooBig = new byte[33];
    Arrays.fill(xTooBig, (byte) 0xff);
    xTooBig[0] = 2;
    byte[] offCurveUncompressed = new byte[65];
    offCurveUncompressed[0] = 4;
    offCurveUncompressed[32] = 1;
    offCurveUncompressed[64] = 1;
    List<byte[]> badKeys =
        List.of(
            new byte[0],
            new byte[1],
            Arrays.copyOf(pub, 32),
            Arrays.copyOf(pub, 34),
            badPrefix,
            xTooBig,
            offCurveUncompressed,
            new byte[33]);
    for (byte[] k : badKeys) {
      assertFalse(
          assertDoesNotThrow(() -> SCHEME.verify(k, msg, sig)),
          () -> "key " + HexFormat.of().formatHex(k));
    }

    byte[] allOnes = new byte[64];
    Arrays.fill(allOnes, (byte) 0xff);
    List<byte[]> badSigs = new ArrayList<>();
    badSigs.add(new byte[0]);
    badSigs.add(new byte[1]);
    badSigs.add(Arrays.copyOf(sig, 63));
    badSigs.add(Arrays.copyOf(sig, 65));
    badSigs.add(new byte[64]); // r = s = 0
    badSigs.add(allOnes); // r, s >= n
    badSigs.add(rs(N, s(sig))); // r = n
    badSigs.add(rs(r(sig), BigInteger.ZERO));
    badSigs.add(new byte[] {0x30, 0x02, 0x01}); // truncated DER
    badSigs.add(new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01}); // DER, length lies
    badSigs.add(der(BigInteger.ONE.negate(), BigInteger.ONE)); // negative r
    ASN1EncodableVector three = new ASN1EncodableVector();
    three.add(new ASN1Integer(r(sig)));
    three.add(new ASN1Integer(s(sig)));
    three.add(new ASN1Integer(1));
    badSigs.add(assertDoesNotThrow(() -> new DERSequence(three).getEncoded("DER")));
    byte[] derWithTrailing = Arrays.copyOf(der(r(sig), s(sig)), der(r(sig), s(sig)).length + 1);
    badSigs.add(derWithTrailing);
    for (byte[] s : badSigs) {
      assertFalse(
          assertDoesNotThrow(() -> SCHEME.verify(pub, msg, s)),
          () -> "signature " + HexFormat.of().formatHex(s));
    }
  }

  @Test
  void signingIsDeterministic() {
    byte[] priv = newKey();
    byte[] msg = utf8("same message");

    byte[] first = SCHEME.sign(priv, msg);

    assertArrayEquals(first, SCHEME.sign(priv, msg));
    assertArrayEquals(first, SCHEME.sign(priv.clone(), msg.clone()));
    assertFalse(Arrays.equals(first, SCHEME.sign(priv, utf8("other message"))));
    assertFalse(Arrays.equals(first, SCHEME.sign(newKey(), msg)));
  }

  @Test
  void theKeyOneHasTheGeneratorAsItsPublicKey() {
    byte[] one = new byte[32];
    one[31] = 1;

    assertEquals(G, HexFormat.of().formatHex(SCHEME.publicKey(one)));
    // and n - 1 is -G: same x, odd y.
    assertEquals(
        "03" + G.substring(2),
        HexFormat.of().formatHex(SCHEME.publicKey(key(N.subtract(BigInteger.ONE)))));
  }

  /** The well-known RFC 6979 vectors for secp256k1 with SHA-256, with {@code s} in its low form. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0000000000000000000000000000000000000000000000000000000000000001|Satoshi Nakamoto|"
            + "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            + "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
        "0000000000000000000000000000000000000000000000000000000000000001|"
            + "All those moments will be lost in time, like tears in rain. Time to die...|"
            + "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b"
            + "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140|Satoshi Nakamoto|"
            + "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0"
            + "6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5",
      })
  void signaturesMatchTheKnownRfc6979Vectors(String privateKey, String message, String expected) {
    byte[] priv = Hex.decode(privateKey);

    byte[] sig = SCHEME.sign(priv, utf8(message));

    assertEquals(expected, HexFormat.of().formatHex(sig));
    assertTrue(SCHEME.verify(SCHEME.publicKey(priv), utf8(message), sig));
  }

  @Test
  void theFirstVectorIsTheLowSFormOfThePublishedHighSSignature() {
    // The original post gives s = dbbd...675c; n - s is what BrightChain emits.
    BigInteger publishedS =
        new BigInteger("dbbd3162d46e9f9bef7feb87c16dc13b4f6568a87f4e83f728e2443ba586675c", 16);
    byte[] one = new byte[32];
    one[31] = 1;

    byte[] sig = SCHEME.sign(one, utf8("Satoshi Nakamoto"));

    assertEquals(N.subtract(publishedS), s(sig));
  }

  @Test
  void invalidPrivateKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SCHEME.publicKey(new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> SCHEME.publicKey(key(N)));
    assertThrows(IllegalArgumentException.class, () -> SCHEME.publicKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> SCHEME.sign(new byte[33], utf8("m")));
  }

  @Test
  void generatedPrivateKeysAreInRangeAndDistinct() {
    byte[] a = newKey();
    byte[] b = newKey();
    assertFalse(Arrays.equals(a, b));
    for (byte[] k : List.of(a, b)) {
      BigInteger d = new BigInteger(1, k);
      assertTrue(d.signum() > 0 && d.compareTo(N) < 0);
    }
    assertEquals("secp256k1", SCHEME.name());
  }
}
