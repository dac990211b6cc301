package org.brightchain.net.spi;

import java.security.SecureRandom;

/**
 * A digital signature scheme: how node keys are made and how messages are signed and checked. The
 * default is secp256k1 ECDSA over SHA-256 with 64-byte {@code r||s} low-S signatures
 * (BrightChain's); core also offers Ed25519.
 *
 * <p>Keys are raw bytes: the private key as the scheme defines it (32 bytes for both built-in
 * schemes), the public key in its compressed encoding. Must be safe for concurrent use.
 */
public interface SignatureScheme {

  /** The scheme's name, for example {@code secp256k1}. */
  String name();

  /** A new private key. */
  byte[] generatePrivateKey(SecureRandom random);

  /**
   * The public key of {@code privateKey}.
   *
   * @throws IllegalArgumentException if the private key is not valid for this scheme
   */
  byte[] publicKey(byte[] privateKey);

  /** Signs {@code message} (the scheme hashes it as it defines). */
  byte[] sign(byte[] privateKey, byte[] message);

  /**
   * True if {@code signature} is a valid signature of {@code message} by {@code publicKey}. Returns
   * false, never throws, for malformed keys or signatures.
   */
  boolean verify(byte[] publicKey, byte[] message, byte[] signature);
}
