package org.brightchain.net.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.brightchain.net.internal.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ed25519 has no low/high-S pair and no DER form; its malleability guard is that {@code S} must be
 * below the group order {@code L}, which is tested instead.
 */
class Ed25519SchemeTest {
  private static final Ed25519Scheme SCHEME = Ed25519Scheme.instance();

  /** The order of the Ed25519 base point. */
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  private final SecureRandom random = new SecureRandom();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** S, the second half of a signature, read little-endian. */
  private static BigInteger s(byte[] sig) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = sig[63 - i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] withS(byte[] sig, BigInteger s) {
    byte[] be = s.toByteArray();
    byte[] out = sig.clone();
    Arrays.fill(out, 32, 64, (byte) 0);
    for (int i = 0; i < be.length && i < 32; i++) {
      out[32 + i] = be[be.length - 1 - i];
    }
    return out;
  }

  private byte[] newKey() {
    return SCHEME.generatePrivateKey(random);
  }

  @Test
  void aSignatureVerifiesWithTheSignersPublicKey() {
    byte[] priv = newKey();
    byte[] msg = utf8("hello brightchain");

    byte[] sig = SCHEME.sign(priv, msg);

    assertTrue(SCHEME.verify(SCHEME.publicKey(priv), msg, sig));
  }

  @Test
  void signaturesAre64BytesAndKeys32Bytes() {
    for (int i = 0; i < 20; i++) {
      byte[] priv = newKey();
      assertEquals(32, priv.length);
      assertEquals(32, SCHEME.publicKey(priv).length);
      assertEquals(64, SCHEME.sign(priv, utf8("m" + i)).length);
    }
    assertEquals("ed25519", SCHEME.name());
  }

  @Test
  void sIsAlwaysBelowTheGroupOrder() {
    Random r = new Random(99);
    byte[] priv = newKey();
    for (int i = 0; i < 300; i++) {
      byte[] msg = new byte[r.nextInt(200)];
      r.nextBytes(msg);
      byte[] sig = SCHEME.sign(i % 10 == 0 ? (priv = newKey()) : priv, msg);
      assertTrue(s(sig).compareTo(L) < 0);
    }
  }

  @Test
  void theNonCanonicalTwinWithSPlusLIsRejected() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    for (int i = 0; i < 20; i++) {
      byte[] msg = utf8("malleable " + i);
      byte[] sig = SCHEME.sign(priv, msg);
      byte[] twin = withS(sig, s(sig).add(L));
      assertEquals(s(sig).add(L), s(twin));
      assertFalse(SCHEME.verify(pub, msg, twin));
    }
  }

  @Test
  void aSignatureDoesNotVerifyWithAnotherKeyOrOverAChangedMessage() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    byte[] msg = utf8("the message");
    byte[] sig = SCHEME.sign(priv, msg);

    assertFalse(SCHEME.verify(SCHEME.publicKey(newKey()), msg, sig), "wrong key");
    for (int i = 0; i < msg.length; i++) {
      byte[] changed = msg.clone();
      changed[i] ^= 1;
      assertFalse(SCHEME.verify(pub, changed, sig), "changed byte " + i);
    }
    assertFalse(SCHEME.verify(pub, Arrays.copyOf(msg, msg.length + 1), sig));
    for (int i = 0; i < 64; i++) {
      byte[] flipped = sig.clone();
      flipped[i] ^= 0x01;
      assertFalse(SCHEME.verify(pub, msg, flipped), "flipped signature byte " + i);
    }
  }

  @Test
  void malformedKeysAndSignaturesReturnFalseAndNeverThrow() {
    byte[] priv = newKey();
    byte[] pub = SCHEME.publicKey(priv);
    byte[] msg = utf8("m");
    byte[] sig = SCHEME.sign(priv, msg);

    byte[] allOnes = new byte[32];
    Arrays.fill(allOnes, (byte) 0xff); // y >= p: not a valid encoding
    List<byte[]> badKeys =
        List.of(new byte[0], new byte[31], Arrays.copyOf(pub, 33), allOnes, new byte[32]);
    for (byte[] k : badKeys) {
      assertFalse(
          assertDoesNotThrow(() -> SCHEME.verify(k, msg, sig)),
          () -> "key " + HexFormat.of().formatHex(k));
    }
    List<byte[]> badSigs = new ArrayList<>();
    badSigs.add(new byte[0]);
    badSigs.add(Arrays.copyOf(sig, 63));
    badSigs.add(Arrays.copyOf(sig, 65));
    badSigs.add(new byte[64]);
    byte[] ones = new byte[64];
    Arrays.fill(ones, (byte) 0xff);
    badSigs.add(ones);
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

    assertArrayEquals(first, SCHEME.sign(priv.clone(), msg.clone()));
    assertFalse(Arrays.equals(first, SCHEME.sign(priv, utf8("other message"))));
  }

  /** RFC 8032 section 7.1, tests 1 and 2. */
  @ParameterizedTest
  @CsvSource({
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
        + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,"
        + "'',"
        + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
        + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,"
        + "72,"
        + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  })
  void keysAndSignaturesMatchTheRfc8032Vectors(
      String secret, String publicKey, String message, String signature) {
    byte[] priv = Hex.decode(secret);
    byte[] msg = Hex.decode(message == null ? "" : message);

    assertEquals(publicKey, HexFormat.of().formatHex(SCHEME.publicKey(priv)));
    assertEquals(signature, HexFormat.of().formatHex(SCHEME.sign(priv, msg)));
    assertTrue(SCHEME.verify(Hex.decode(publicKey), msg, Hex.decode(signature)));
  }

  @Test
  void privateKeysOfTheWrongLengthAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SCHEME.publicKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> SCHEME.sign(new byte[33], utf8("m")));
  }
}
