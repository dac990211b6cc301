package org.brightchain.net.core.internal.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.core.internal.wire.proto.Pb.SignedAdvertisement;
import org.brightchain.net.spi.SignatureScheme;

/**
 * A {@link NodeAdvertisement} signed by the node it describes: what LAN multicast datagrams carry
 * and what DNS seed TXT records hold ({@code docs/discovery.md}).
 *
 * <p>The signature covers the UTF-8 canonical JSON of {@code {"advertisement": <the advertisement's
 * JSON>, "purpose": "brightchain-net/advert/v1", "timestamp": <ms>}}; the node id must be the
 * SHA-256 of the public key. Binary form: the protobuf {@code SignedAdvertisement}; text form
 * (DNS): {@code "bcn1:"} followed by the unpadded base64url of the binary form.
 *
 * @param advertisement what the node says about itself
 * @param timestamp when it said it, milliseconds since the epoch
 * @param publicKey the node's public key
 * @param signature the node's signature over {@link #signedBytes}
 */
public record SignedAdvert(
    NodeAdvertisement advertisement, long timestamp, byte[] publicKey, byte[] signature) {

  /** The purpose string bound into every advert signature. */
  public static final String PURPOSE = "brightchain-net/advert/v1";

  /** Prefix of the text form. */
  public static final String TEXT_PREFIX = "bcn1:";

  /** The largest binary form accepted (a datagram or TXT record is smaller in practice). */
  public static final int MAX_BYTES = 1024;

  /** Copies the arrays. */
  public SignedAdvert {
    publicKey = publicKey.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The exact bytes an advert's signature covers. */
  public static byte[] signedBytes(NodeAdvertisement advertisement, long timestamp) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("advertisement", JsonCodec.toTree(advertisement));
    o.put("purpose", PURPOSE);
    o.put("timestamp", timestamp);
    return Json.writeCanonical(o).getBytes(StandardCharsets.UTF_8);
  }

  /** Signs {@code advertisement} at {@code timestamp} with {@code signer} (the node's key). */
  public static SignedAdvert sign(
      NodeAdvertisement advertisement,
      long timestamp,
      byte[] publicKey,
      UnaryOperator<byte[]> signer) {
    return new SignedAdvert(
        advertisement, timestamp, publicKey, signer.apply(signedBytes(advertisement, timestamp)));
  }

  /** Why an advert is refused. */
  public enum Verdict {
    /** Signed by the node it describes, and fresh. */
    VALID,
    /** The node id is not the hash of the public key. */
    KEY_MISMATCH,
    /** No signature scheme for this key. */
    UNKNOWN_SCHEME,
    /** The signature does not verify. */
    BAD_SIGNATURE,
    /** Older than allowed, or from the future. */
    STALE
  }

  /**
   * Checks the advert: key, signature, and that its timestamp is within {@code maxAge} before
   * {@code nowMillis} and not more than {@code maxAge} after it.
   */
  public Verdict verify(long nowMillis, Duration maxAge) {
    if (!NodeId.fromPublicKey(publicKey).equals(advertisement.nodeId())) {
      return Verdict.KEY_MISMATCH;
    }
    long age = nowMillis - timestamp;
    if (Math.abs(age) > maxAge.toMillis()) {
      return Verdict.STALE;
    }
    SignatureScheme scheme = SignatureSchemes.forPublicKey(publicKey);
    if (scheme == null) {
      return Verdict.UNKNOWN_SCHEME;
    }
    return scheme.verify(publicKey, signedBytes(advertisement, timestamp), signature)
        ? Verdict.VALID
        : Verdict.BAD_SIGNATURE;
  }

  /** The binary form: a protobuf {@code SignedAdvertisement}. */
  public byte[] encode() {
    return SignedAdvertisement.newBuilder()
        .setAdvertisement((Pb.NodeAdvertisement) ProtoCodec.toProto(advertisement))
        .setTimestamp(timestamp)
        .setPublicKey(ByteString.copyFrom(publicKey))
        .setSignature(ByteString.copyFrom(signature))
        .build()
        .toByteArray();
  }

  /** Reads the binary form; refuses anything malformed or larger than {@link #MAX_BYTES}. */
  public static SignedAdvert decode(byte[] bytes) throws WireFormatException {
    if (bytes.length > MAX_BYTES) {
      throw new WireFormatException(
          "advert: " + bytes.length + " bytes (expected: at most " + MAX_BYTES + ")");
    }
    SignedAdvertisement p;
    try {
      p = SignedAdvertisement.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new WireFormatException("advert: not a SignedAdvertisement: " + e.getMessage());
    }
    if (!p.hasAdvertisement()) {
      throw new WireFormatException("advert: advertisement missing");
    }
    NodeAdvertisement a =
        ProtoCodec.fromBytes(p.getAdvertisement().toByteArray(), NodeAdvertisement.class);
    if (p.getPublicKey().size() > 128 || p.getSignature().size() > 128) {
      throw new WireFormatException("advert: publicKey or signature over 128 bytes");
    }
    if (p.getTimestamp() < 0) {
      throw new WireFormatException("advert: negative timestamp");
    }
    return new SignedAdvert(
        a, p.getTimestamp(), p.getPublicKey().toByteArray(), p.getSignature().toByteArray());
  }

  /** The text form: {@code "bcn1:" + base64url(encode())}, without padding. */
  public String toText() {
    return TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(encode());
  }

  /** Reads the text form. */
  public static SignedAdvert fromText(String text) throws WireFormatException {
    if (!text.startsWith(TEXT_PREFIX)) {
      throw new WireFormatException("advert: expected the prefix " + TEXT_PREFIX);
    }
    if (text.length() > TEXT_PREFIX.length() + (MAX_BYTES * 4 + 2) / 3) {
      throw new WireFormatException("advert: text too long");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text.substring(TEXT_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("advert: not base64url: " + e.getMessage());
    }
    return decode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedAdvert s
        && advertisement.equals(s.advertisement)
        && timestamp == s.timestamp
        && Arrays.equals(publicKey, s.publicKey)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return advertisement.hashCode() * 31 + Long.hashCode(timestamp);
  }

  @Override
  public String toString() {
    return "SignedAdvert[" + advertisement + ", timestamp=" + timestamp + "]";
  }
}
