package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.brightchain.net.netty.nat.NatPmpCodec.MapAnswer;
import org.brightchain.net.netty.nat.UdpExchange.Ignored;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.Test;

/** NAT-PMP messages as RFC 6886 lays them out, and every way an answer can be wrong. */
class NatPmpCodecTest {

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void requestsAreLaidOutAsTheRfcSays() {
    assertArrayEquals(bytes(0, 0), NatPmpCodec.addressRequest());
    assertArrayEquals(
        bytes(0, 2, 0, 0, 0x10, 0x92, 0x10, 0x93, 0, 0, 0x0e, 0x10),
        NatPmpCodec.mapRequest(2, 4242, 4243, 3600));
    assertArrayEquals(
        bytes(0, 1, 0, 0, 0x10, 0x92, 0, 0, 0, 0, 0, 0), NatPmpCodec.mapRequest(1, 4242, 0, 0));
  }

  @Test
  void answersAreRead() throws Exception {
    NatPmpCodec.AddressAnswer a =
        NatPmpCodec.readAddress(bytes(0, 128, 0, 0, 0, 0, 0, 12, 198, 51, 100, 1));
    assertEquals(12, a.epoch());
    assertEquals("198.51.100.1", a.address().getHostAddress());
    MapAnswer m =
        NatPmpCodec.readMap(
            bytes(0, 130, 0, 0, 0, 0, 1, 0, 0x10, 0x92, 0x10, 0x93, 0, 0, 0x0e, 0x10), 2, 4242);
    assertEquals(new MapAnswer(256, 4242, 4243, 3600), m);
  }

  @Test
  void everyResultCodeIsATypedError() {
    Reason[] expected = {
      null,
      Reason.UNSUPPORTED,
      Reason.DENIED,
      Reason.NETWORK_FAILURE,
      Reason.NO_RESOURCES,
      Reason.UNSUPPORTED
    };
    for (int code = 1; code <= 5; code++) {
      int c = code;
      PortMappingException e =
          assertThrows(
              PortMappingException.class,
              () ->
                  NatPmpCodec.readMap(
                      bytes(0, 130, 0, c, 0, 0, 0, 1, 0x10, 0x92, 0, 0, 0, 0, 0, 0), 2, 4242));
      assertEquals(expected[code], e.reason());
      assertEquals(code, e.code());
      assertEquals("natpmp", e.method());
    }
    // An error answer may stop after the epoch.
    assertEquals(
        Reason.DENIED,
        assertThrows(
                PortMappingException.class,
                () -> NatPmpCodec.readMap(bytes(0, 130, 0, 2, 0, 0, 0, 1), 2, 4242))
            .reason());
    PortMappingException unknown =
        assertThrows(
            PortMappingException.class,
            () -> NatPmpCodec.readAddress(bytes(0, 128, 0, 77, 0, 0, 0, 1)));
    assertEquals(Reason.PROTOCOL_ERROR, unknown.reason());
    assertEquals("unknown NAT-PMP result code 77", unknown.getMessage());
  }

  @Test
  void whatIsNotTheAnswerIsIgnored() {
    assertEquals(
        "3 bytes (expected: 8 at least)",
        assertThrows(Ignored.class, () -> NatPmpCodec.readAddress(bytes(0, 128, 0))).getMessage());
    assertEquals(
        "opcode 130 (expected: 128)",
        assertThrows(
                Ignored.class,
                () -> NatPmpCodec.readAddress(bytes(0, 130, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4)))
            .getMessage());
    assertEquals(
        "public address answer of 8 bytes (expected: 12)",
        assertThrows(Ignored.class, () -> NatPmpCodec.readAddress(bytes(0, 128, 0, 0, 0, 0, 0, 1)))
            .getMessage());
    assertEquals(
        "answer for port 4243 (expected: 4242)",
        assertThrows(
                Ignored.class,
                () ->
                    NatPmpCodec.readMap(
                        bytes(0, 130, 0, 0, 0, 0, 0, 1, 0x10, 0x93, 0x10, 0x93, 0, 0, 0, 9),
                        2,
                        4242))
            .getMessage());
    assertThrows(
        Ignored.class,
        () -> NatPmpCodec.readMap(bytes(0, 130, 0, 0, 0, 0, 0, 1, 0x10, 0x92), 2, 4242));
  }

  @Test
  void aGatewayWithoutPublicAddressOrOfAnotherVersionSaysSo() {
    assertEquals(
        Reason.NETWORK_FAILURE,
        assertThrows(
                PortMappingException.class,
                () -> NatPmpCodec.readAddress(bytes(0, 128, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0)))
            .reason());
    assertEquals(
        Reason.UNSUPPORTED,
        assertThrows(
                PortMappingException.class,
                () -> NatPmpCodec.readAddress(bytes(2, 128, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0)))
            .reason());
  }
}
