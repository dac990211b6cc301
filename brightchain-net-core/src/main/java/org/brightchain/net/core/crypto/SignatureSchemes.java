package org.brightchain.net.core.crypto;

import java.util.Locale;
import org.brightchain.net.spi.SignatureScheme;

/** The built-in signature schemes. */
public final class SignatureSchemes {
  private SignatureSchemes() {}

  /** BrightChain's scheme: secp256k1, the default. */
  public static SignatureScheme secp256k1() {
    return Secp256k1Scheme.instance();
  }

  /** Ed25519. */
  public static SignatureScheme ed25519() {
    return Ed25519Scheme.instance();
  }

  /**
   * The scheme named {@code name} ({@code secp256k1} or {@code ed25519}, any case).
   *
   * @throws IllegalArgumentException naming the known schemes
   */
  public static SignatureScheme byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case Secp256k1Scheme.NAME -> secp256k1();
      case Ed25519Scheme.NAME -> ed25519();
      default ->
          throw new IllegalArgumentException(
              "signature scheme: '" + name + "' (expected: secp256k1 or ed25519)");
    };
  }

  /**
   * The scheme a public key belongs to, told by its length: 33 bytes (compressed point) is
   * secp256k1, 32 bytes Ed25519; {@code null} for anything else.
   */
  public static SignatureScheme forPublicKey(byte[] publicKey) {
    if (publicKey.length == 33 && (publicKey[0] == 2 || publicKey[0] == 3)) {
      return secp256k1();
    }
    if (publicKey.length == 32) {
      return ed25519();
    }
    return null;
  }
}
