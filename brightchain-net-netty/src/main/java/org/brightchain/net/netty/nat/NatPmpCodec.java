package org.brightchain.net.netty.nat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.brightchain.net.netty.nat.UdpExchange.Ignored;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * NAT-PMP messages (RFC 6886): the public address request (opcode 0) and the mapping request
 * (opcode 1 for UDP, 2 for TCP), and their answers. Answers are checked field by field: a datagram
 * that is not the answer (too short, wrong opcode, another port) is {@link Ignored}; an answer with
 * a non-zero result code becomes a {@link PortMappingException} with that code.
 */
final class NatPmpCodec {
  static final String METHOD = "natpmp";
  static final int PORT = 5351;
  static final int OP_ADDRESS = 0;
  static final int OP_MAP_UDP = 1;
  static final int OP_MAP_TCP = 2;

  private NatPmpCodec() {}

  /** The public address and the gateway's epoch. */
  record AddressAnswer(long epoch, Inet4Address address) {}

  /** A mapping as granted; {@code lifetime} 0 for a deletion. */
  record MapAnswer(long epoch, int internalPort, int externalPort, long lifetime) {}

  static byte[] addressRequest() {
    return new byte[] {0, OP_ADDRESS};
  }

  /** A mapping request; {@code lifetime} 0 and {@code suggestedExternal} 0 delete it. */
  static byte[] mapRequest(int op, int internalPort, int suggestedExternal, long lifetime) {
    byte[] b = new byte[12];
    b[1] = (byte) op;
    putU16(b, 4, internalPort);
    putU16(b, 6, suggestedExternal);
    putU32(b, 8, lifetime);
    return b;
  }

  /** The epoch of any answer to {@code op} (8 bytes at least), before its result is looked at. */
  static long epoch(byte[] d, int op) throws Ignored {
    if (d.length < 8) {
      throw new Ignored(d.length + " bytes (expected: 8 at least)");
    }
    if ((d[1] & 0xff) != 128 + op) {
      throw new Ignored("opcode " + (d[1] & 0xff) + " (expected: " + (128 + op) + ")");
    }
    return u32(d, 4);
  }

  static AddressAnswer readAddress(byte[] d) throws Ignored, PortMappingException {
    long epoch = header(d, OP_ADDRESS);
    if (d.length < 12) {
      throw new Ignored("public address answer of " + d.length + " bytes (expected: 12)");
    }
    Inet4Address a = ipv4(Arrays.copyOfRange(d, 8, 12));
    if (a.isAnyLocalAddress()) {
      throw new PortMappingException(
          Reason.NETWORK_FAILURE, METHOD, -1, "the gateway has no public address (0.0.0.0)", null);
    }
    return new AddressAnswer(epoch, a);
  }

  static MapAnswer readMap(byte[] d, int op, int internalPort)
      throws Ignored, PortMappingException {
    long epoch = header(d, op);
    if (d.length < 16) {
      throw new Ignored("mapping answer of " + d.length + " bytes (expected: 16)");
    }
    int internal = u16(d, 8);
    if (internal != internalPort) {
      throw new Ignored("answer for port " + internal + " (expected: " + internalPort + ")");
    }
    return new MapAnswer(epoch, internal, u16(d, 10), u32(d, 12));
  }

  private static long header(byte[] d, int op) throws Ignored, PortMappingException {
    long epoch = epoch(d, op);
    if (d[0] != 0) {
      throw new PortMappingException(
          Reason.UNSUPPORTED,
          METHOD,
          -1,
          "the gateway answered with version " + (d[0] & 0xff) + ", not NAT-PMP's 0",
          null);
    }
    int code = u16(d, 2);
    if (code != 0) {
      NatPmpResult r = NatPmpResult.of(code);
      if (r == null) {
        throw new PortMappingException(
            Reason.PROTOCOL_ERROR, METHOD, code, "unknown NAT-PMP result code " + code, null);
      }
      throw new PortMappingException(
          r.reason, METHOD, code, "the gateway answered " + code + " (" + r.text + ")", null);
    }
    return epoch;
  }

  static Inet4Address ipv4(byte[] four) {
    try {
      return (Inet4Address) InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xff) << 24)
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >> 8);
    b[at + 1] = (byte) v;
  }

  static void putU32(byte[] b, int at, long v) {
    b[at] = (byte) (v >> 24);
    b[at + 1] = (byte) (v >> 16);
    b[at + 2] = (byte) (v >> 8);
    b[at + 3] = (byte) v;
  }
}
