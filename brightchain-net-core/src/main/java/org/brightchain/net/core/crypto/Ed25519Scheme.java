package org.brightchain.net.core.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.brightchain.net.spi.SignatureScheme;

/**
 * Ed25519 (RFC 8032): 32-byte keys, 64-byte signatures. An option for networks that prefer it;
 * BrightChain itself uses {@link Secp256k1Scheme}. Thread-safe.
 */
public final class Ed25519Scheme implements SignatureScheme {

  /** The scheme's name. */
  public static final String NAME = "ed25519";

  private static final Ed25519Scheme INSTANCE = new Ed25519Scheme();

  private Ed25519Scheme() {}

  /** The shared instance. */
  public static Ed25519Scheme instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] generatePrivateKey(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return privateKey(privateKey).generatePublicKey().getEncoded();
  }

  @Override
  public byte[] sign(byte[] privateKey, byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey(privateKey));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != 32 || signature.length != 64) {
      return false;
    }
    try {
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Ed25519PrivateKeyParameters privateKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "ed25519 private key: " + key.length + " bytes (expected: 32)");
    }
    return new Ed25519PrivateKeyParameters(key, 0);
  }
}
