package org.brightchain.net.netty.nat;

import static org.brightchain.net.netty.nat.NatPmpCodec.putU16;
import static org.brightchain.net.netty.nat.NatPmpCodec.putU32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.util.Arrays;
import org.brightchain.net.netty.nat.PcpCodec.MapAnswer;
import org.brightchain.net.netty.nat.UdpExchange.Ignored;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.Test;

/** PCP messages as RFC 6887 lays them out, and every way an answer can be wrong. */
class PcpCodecTest {
  private static final Inet4Address CLIENT = LocalNetwork.literal("192.168.77.10").orElseThrow();
  private static final byte[] NONCE =
      "twelve bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** A MAP answer as a gateway would send it. */
  static byte[] mapAnswer(
      int result,
      long lifetime,
      long epoch,
      byte[] nonce,
      int protocol,
      int internal,
      int external,
      int... extIp) {
    byte[] b = new byte[60];
    b[0] = 2;
    b[1] = (byte) (0x80 | PcpCodec.OP_MAP);
    b[3] = (byte) result;
    putU32(b, 4, lifetime);
    putU32(b, 8, epoch);
    System.arraycopy(nonce, 0, b, 24, 12);
    b[36] = (byte) protocol;
    putU16(b, 40, internal);
    putU16(b, 42, external);
    b[54] = (byte) 0xff;
    b[55] = (byte) 0xff;
    for (int i = 0; i < extIp.length; i++) {
      b[56 + i] = (byte) extIp[i];
    }
    return b;
  }

  @Test
  void aMapRequestIsLaidOutAsTheRfcSays() {
    byte[] r = PcpCodec.mapRequest(CLIENT, NONCE, PcpCodec.TCP, 4242, 4243, 3600);
    assertEquals(60, r.length);
    assertArrayEquals(new byte[] {2, 1, 0, 0, 0, 0, 0x0e, 0x10}, Arrays.copyOf(r, 8));
    assertArrayEquals(
        new byte[] {
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, (byte) 168, 77, 10
        },
        Arrays.copyOfRange(r, 8, 24));
    assertArrayEquals(NONCE, Arrays.copyOfRange(r, 24, 36));
    assertEquals(6, r[36]);
    assertArrayEquals(
        new byte[] {0x10, (byte) 0x92, 0x10, (byte) 0x93}, Arrays.copyOfRange(r, 40, 44));
    assertArrayEquals(new byte[16], Arrays.copyOfRange(r, 44, 60), "no external address suggested");
    assertEquals(24, PcpCodec.announceRequest(CLIENT).length);
  }

  @Test
  void aMapAnswerIsRead() throws Exception {
    MapAnswer a =
        PcpCodec.readMap(
            mapAnswer(0, 120, 7, NONCE, 6, 4242, 5000, 198, 51, 100, 1), NONCE, 6, 4242);
    assertEquals(120, a.lifetime());
    assertEquals(7, a.epoch());
    assertEquals(5000, a.externalPort());
    assertEquals("198.51.100.1", a.externalAddress().getHostAddress());
  }

  @Test
  void anAnswerWithAnotherNonceOrPortIsIgnored() {
    byte[] other = "another nonc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(
        "MAP answer with another nonce",
        assertThrows(
                Ignored.class,
                () ->
                    PcpCodec.readMap(
                        mapAnswer(0, 120, 7, other, 6, 4242, 5000, 1, 2, 3, 4), NONCE, 6, 4242))
            .getMessage());
    // Even an error answer must be ours before it counts.
    assertThrows(
        Ignored.class,
        () -> PcpCodec.readMap(mapAnswer(2, 0, 7, other, 6, 4242, 0), NONCE, 6, 4242));
    assertThrows(
        Ignored.class,
        () ->
            PcpCodec.readMap(
                mapAnswer(0, 120, 7, NONCE, 17, 4242, 5000, 1, 2, 3, 4), NONCE, 6, 4242));
    assertThrows(
        Ignored.class,
        () ->
            PcpCodec.readMap(
                mapAnswer(0, 120, 7, NONCE, 6, 4343, 5000, 1, 2, 3, 4), NONCE, 6, 4242));
  }

  @Test
  void wrongSizesAndRequestsAreIgnored() {
    byte[] ok = mapAnswer(0, 120, 7, NONCE, 6, 4242, 5000, 1, 2, 3, 4);
    assertEquals(
        "58 bytes (expected: 24 at least, a multiple of 4)",
        assertThrows(Ignored.class, () -> PcpCodec.readMap(Arrays.copyOf(ok, 58), NONCE, 6, 4242))
            .getMessage());
    assertThrows(Ignored.class, () -> PcpCodec.readMap(Arrays.copyOf(ok, 2), NONCE, 6, 4242));
    assertEquals(
        "MAP answer of 24 bytes (expected: 60 at least)",
        assertThrows(Ignored.class, () -> PcpCodec.readMap(Arrays.copyOf(ok, 24), NONCE, 6, 4242))
            .getMessage());
    byte[] request = ok.clone();
    request[1] = PcpCodec.OP_MAP;
    assertEquals(
        "a request, not an answer",
        assertThrows(Ignored.class, () -> PcpCodec.readMap(request, NONCE, 6, 4242)).getMessage());
    byte[] announce = ok.clone();
    announce[1] = (byte) 0x80;
    assertThrows(Ignored.class, () -> PcpCodec.readMap(announce, NONCE, 6, 4242));
  }

  @Test
  void everyResultCodeIsATypedError() {
    Reason[] expected = {
      null,
      Reason.UNSUPPORTED,
      Reason.DENIED,
      Reason.PROTOCOL_ERROR,
      Reason.UNSUPPORTED,
      Reason.UNSUPPORTED,
      Reason.PROTOCOL_ERROR,
      Reason.NETWORK_FAILURE,
      Reason.NO_RESOURCES,
      Reason.UNSUPPORTED,
      Reason.NO_RESOURCES,
      Reason.CONFLICT,
      Reason.UNSUPPORTED,
      Reason.NO_RESOURCES
    };
    for (int code = 1; code <= 13; code++) {
      int c = code;
      PortMappingException e =
          assertThrows(
              PortMappingException.class,
              () -> PcpCodec.readMap(mapAnswer(c, 30, 7, NONCE, 6, 4242, 0), NONCE, 6, 4242));
      assertEquals(expected[code], e.reason(), "code " + code);
      assertEquals(code, e.code());
      assertEquals(
          "the gateway answered " + code + " (" + PcpResult.of(code).name() + ")", e.getMessage());
    }
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> PcpCodec.readMap(mapAnswer(200, 30, 7, NONCE, 6, 4242, 0), NONCE, 6, 4242))
            .reason());
    // A header-only error answer counts too.
    assertEquals(
        Reason.DENIED,
        assertThrows(
                PortMappingException.class,
                () ->
                    PcpCodec.readMap(
                        Arrays.copyOf(mapAnswer(2, 30, 7, NONCE, 6, 4242, 0), 24), NONCE, 6, 4242))
            .reason());
  }

  @Test
  void aNatPmpGatewayIsRecognised() {
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () -> PcpCodec.readAnnounce(new byte[] {0, (byte) 128, 0, 1, 0, 0, 0, 5}));
    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertEquals("the gateway speaks NAT-PMP, not PCP", e.getMessage());
  }

  @Test
  void aNonIpv4ExternalAddressIsAProtocolError() {
    byte[] a = mapAnswer(0, 120, 7, NONCE, 6, 4242, 5000, 1, 2, 3, 4);
    a[54] = 0;
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(PortMappingException.class, () -> PcpCodec.readMap(a, NONCE, 6, 4242))
            .reason());
  }

  @Test
  void anAnnounceAnswerGivesTheEpoch() throws Exception {
    byte[] b = new byte[24];
    b[0] = 2;
    b[1] = (byte) 0x80;
    putU32(b, 8, 4242);
    assertEquals(4242, PcpCodec.readAnnounce(b));
  }
}
