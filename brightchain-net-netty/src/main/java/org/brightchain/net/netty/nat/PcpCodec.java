package org.brightchain.net.netty.nat;

import static org.brightchain.net.netty.nat.NatPmpCodec.putU16;
import static org.brightchain.net.netty.nat.NatPmpCodec.putU32;
import static org.brightchain.net.netty.nat.NatPmpCodec.u16;
import static org.brightchain.net.netty.nat.NatPmpCodec.u32;

import java.net.Inet4Address;
import java.security.MessageDigest;
import java.util.Arrays;
import org.brightchain.net.netty.nat.UdpExchange.Ignored;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * PCP messages (RFC 6887): ANNOUNCE (to learn the gateway's epoch) and MAP, and their answers. An
 * answer must be a PCP answer of a valid size to the same opcode; a MAP answer must carry the
 * request's nonce, protocol and internal port, or it is {@link Ignored}. A non-zero result code
 * becomes a {@link PortMappingException} with that code.
 */
final class PcpCodec {
  static final String METHOD = "pcp";
  static final int VERSION = 2;
  static final int OP_ANNOUNCE = 0;
  static final int OP_MAP = 1;
  static final int TCP = 6;
  static final int UDP = 17;
  static final int NONCE_BYTES = 12;

  private PcpCodec() {}

  /** A MAP answer: what the gateway granted. */
  record MapAnswer(long lifetime, long epoch, int externalPort, Inet4Address externalAddress) {}

  static byte[] announceRequest(Inet4Address client) {
    byte[] b = new byte[24];
    header(b, OP_ANNOUNCE, 0, client);
    return b;
  }

  /**
   * A MAP request; {@code lifetime} 0 deletes the mapping made with the same nonce. No external
   * address is suggested (all zeros): the gateway uses its own.
   */
  static byte[] mapRequest(
      Inet4Address client,
      byte[] nonce,
      int protocol,
      int internalPort,
      int suggestedExternal,
      long lifetime) {
    byte[] b = new byte[60];
    header(b, OP_MAP, lifetime, client);
    System.arraycopy(nonce, 0, b, 24, NONCE_BYTES);
    b[36] = (byte) protocol;
    putU16(b, 40, internalPort);
    putU16(b, 42, suggestedExternal);
    return b;
  }

  private static void header(byte[] b, int opcode, long lifetime, Inet4Address client) {
    b[0] = VERSION;
    b[1] = (byte) opcode;
    putU32(b, 4, lifetime);
    mapped(b, 8, client);
  }

  /** Writes {@code a} as an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
  private static void mapped(byte[] b, int at, Inet4Address a) {
    b[at + 10] = (byte) 0xff;
    b[at + 11] = (byte) 0xff;
    System.arraycopy(a.getAddress(), 0, b, at + 12, 4);
  }

  /** The epoch of an ANNOUNCE answer. */
  static long readAnnounce(byte[] d) throws Ignored, PortMappingException {
    check(d, OP_ANNOUNCE);
    result(d);
    return u32(d, 8);
  }

  static MapAnswer readMap(byte[] d, byte[] nonce, int protocol, int internalPort)
      throws Ignored, PortMappingException {
    check(d, OP_MAP);
    if (d.length >= 60) {
      // Error answers carry the request's fields too, so even they are matched to the request.
      if (!MessageDigest.isEqual(Arrays.copyOfRange(d, 24, 24 + NONCE_BYTES), nonce)) {
        throw new Ignored("MAP answer with another nonce");
      }
      if ((d[36] & 0xff) != protocol || u16(d, 40) != internalPort) {
        throw new Ignored(
            "MAP answer for protocol "
                + (d[36] & 0xff)
                + " port "
                + u16(d, 40)
                + " (expected: "
                + protocol
                + " port "
                + internalPort
                + ")");
      }
    }
    result(d);
    if (d.length < 60) {
      throw new Ignored("MAP answer of " + d.length + " bytes (expected: 60 at least)");
    }
    byte[] ext = Arrays.copyOfRange(d, 44, 60);
    for (int i = 0; i < 10; i++) {
      if (ext[i] != 0) {
        throw new PortMappingException(
            Reason.PROTOCOL_ERROR, METHOD, -1, "external address is not IPv4", null);
      }
    }
    if ((ext[10] & 0xff) != 0xff || (ext[11] & 0xff) != 0xff) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR, METHOD, -1, "external address is not IPv4", null);
    }
    return new MapAnswer(
        u32(d, 4), u32(d, 8), u16(d, 42), NatPmpCodec.ipv4(Arrays.copyOfRange(ext, 12, 16)));
  }

  private static void check(byte[] d, int opcode) throws Ignored, PortMappingException {
    if (d.length < 4) {
      throw new Ignored(d.length + " bytes (expected: 24 at least)");
    }
    if (d[0] == 0) {
      // RFC 6887 appendix A: a NAT-PMP-only gateway answers "unsupported version" in NAT-PMP form.
      throw new PortMappingException(
          Reason.UNSUPPORTED,
          METHOD,
          PcpResult.UNSUPP_VERSION.code,
          "the gateway speaks NAT-PMP, not PCP",
          null);
    }
    if (d[0] != VERSION) {
      throw new PortMappingException(
          Reason.UNSUPPORTED,
          METHOD,
          PcpResult.UNSUPP_VERSION.code,
          "the gateway answered with PCP version " + (d[0] & 0xff),
          null);
    }
    if (d.length < 24 || d.length % 4 != 0) {
      throw new Ignored(d.length + " bytes (expected: 24 at least, a multiple of 4)");
    }
    if ((d[1] & 0x80) == 0) {
      throw new Ignored("a request, not an answer");
    }
    if ((d[1] & 0x7f) != opcode) {
      throw new Ignored("opcode " + (d[1] & 0x7f) + " (expected: " + opcode + ")");
    }
  }

  private static void result(byte[] d) throws PortMappingException {
    int code = d[3] & 0xff;
    if (code == 0) {
      return;
    }
    PcpResult r = PcpResult.of(code);
    if (r == null) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR, METHOD, code, "unknown PCP result code " + code, null);
    }
    throw new PortMappingException(
        r.reason, METHOD, code, "the gateway answered " + code + " (" + r.name() + ")", null);
  }
}
