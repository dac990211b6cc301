package org.brightchain.net.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.Envelope;
import org.junit.jupiter.api.Test;

class PoolTest {
  private final byte[] marker = HexFormat.of().parseHex("b7000102030405060708090a0b0c0d0e");
  private final byte[] markerHex =
      HexFormat.of().formatHex(marker).getBytes(StandardCharsets.US_ASCII);

  @Test
  void framesAreSignedAndCarryTheirNumber() throws Exception {
    Pool p = Pool.sign(NodeIdentity.generate(), marker, 41, 3, true);
    for (int i = 0; i < 3; i++) {
      Envelope fromBinary = ProtoCodec.decodeEnvelope(p.binary[i]);
      Envelope fromJson = JsonCodec.fromJson(p.json[i], Envelope.class);
      assertEquals(fromBinary, fromJson);
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(fromBinary.message()));
      assertEquals(String.format("e%012d", 41 + i), fromBinary.requestId());
      assertArrayEquals(
          fromBinary.requestId().getBytes(StandardCharsets.US_ASCII), p.requestIds[i]);
      assertEquals(
          41 + i, Pool.findNumber(Unpooled.wrappedBuffer(p.binary[i]), true, marker, markerHex));
      assertEquals(
          41 + i, Pool.findNumber(Unpooled.wrappedBuffer(p.json[i]), false, marker, markerHex));
    }
  }

  @Test
  void findsTheNumberWhereverTheFrameMovedIt() {
    Pool p = Pool.sign(NodeIdentity.generate(), marker, 7, 1, false);
    byte[] prefix = "42[\"event\",".getBytes(StandardCharsets.US_ASCII);
    ByteBuf wrapped = Unpooled.wrappedBuffer(prefix, p.json[0], new byte[] {']'});
    assertEquals(7, Pool.findNumber(wrapped, false, marker, markerHex));
    assertEquals(
        -1, Pool.findNumber(Unpooled.wrappedBuffer(new byte[40]), true, marker, markerHex));
    assertTrue(Pool.indexOf(Unpooled.wrappedBuffer(p.binary[0]), marker) > 0);
  }
}
