package org.brightchain.net.core.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.brightchain.net.spi.SignatureScheme;

/**
 * secp256k1 ECDSA over SHA-256, as BrightChain signs: deterministic nonces (RFC 6979), 64-byte
 * {@code r||s} signatures with low {@code s}, 33-byte compressed public keys.
 *
 * <p>{@link #verify} accepts the 64-byte form and DER, and refuses high-{@code s} signatures so
 * that a signature cannot be altered into a second valid one. Thread-safe.
 */
public final class Secp256k1Scheme implements SignatureScheme {

  /** The scheme's name. */
  public static final String NAME = "secp256k1";

  private static final X9ECParameters CURVE_PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters CURVE =
      new ECDomainParameters(
          CURVE_PARAMS.getCurve(), CURVE_PARAMS.getG(), CURVE_PARAMS.getN(), CURVE_PARAMS.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);
  private static final Secp256k1Scheme INSTANCE = new Secp256k1Scheme();

  private Secp256k1Scheme() {}

  /** The shared instance. */
  public static Secp256k1Scheme instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] generatePrivateKey(SecureRandom random) {
    BigInteger d;
    do {
      d = new BigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0);
    return to32(d);
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return new FixedPointCombMultiplier()
        .multiply(CURVE.getG(), privateScalar(privateKey))
        .normalize()
        .getEncoded(true);
  }

  @Override
  public byte[] sign(byte[] privateKey, byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(privateScalar(privateKey), CURVE));
    BigInteger[] rs = signer.generateSignature(sha256(message));
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
    byte[] out = new byte[64];
    System.arraycopy(to32(rs[0]), 0, out, 0, 32);
    System.arraycopy(to32(s), 0, out, 32, 32);
    return out;
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    try {
      BigInteger r;
      BigInteger s;
      if (signature.length == 64) {
        r = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 0, 32));
        s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
      } else {
        ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(signature));
        if (seq.size() != 2) {
          return false;
        }
        r = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
        s = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
      }
      if (r.signum() <= 0
          || s.signum() <= 0
          || r.compareTo(CURVE.getN()) >= 0
          || s.compareTo(HALF_N) > 0) {
        return false;
      }
      ECPoint q = CURVE.getCurve().decodePoint(publicKey);
      if (q.isInfinity() || !q.isValid()) {
        return false;
      }
      ECDSASigner verifier = new ECDSASigner();
      verifier.init(false, new ECPublicKeyParameters(q, CURVE));
      return verifier.verifySignature(sha256(message), r, s);
    } catch (RuntimeException | java.io.IOException e) {
      return false; // malformed key or signature
    }
  }

  private static BigInteger privateScalar(byte[] privateKey) {
    if (privateKey.length != 32) {
      throw new IllegalArgumentException(
          "secp256k1 private key: " + privateKey.length + " bytes (expected: 32)");
    }
    BigInteger d = new BigInteger(1, privateKey);
    if (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("secp256k1 private key: out of range");
    }
    return d;
  }

  static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] to32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
