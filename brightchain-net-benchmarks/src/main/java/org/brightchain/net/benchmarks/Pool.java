package org.brightchain.net.benchmarks;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.IntStream;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;

/**
 * Messages for one round, signed before it starts: distinct {@code block:temperature} events, each
 * as a binary frame (protobuf) and a text frame (JSON). Every contender of a round gets the same
 * bytes; the node needs them distinct and validly signed, the JavaScript servers only pass them on.
 *
 * <p>The block id (32 bytes, the SHA-256 form) is the run's 16-byte marker, then the message's
 * number (8 bytes, big-endian), then 8 zero bytes. A receiver finds the number by looking for the
 * marker: raw in a binary frame, as hex in a text frame, wherever the encoder put it.
 */
final class Pool {
  static final int MARKER_BYTES = 16;

  final long first;
  final int size;
  final byte[][] binary;
  final byte[][] json;

  /** The request id of each message, or null: {@code "e"} and 12 digits. */
  final byte[][] requestIds;

  private Pool(long first, int size, boolean requests) {
    this.first = first;
    this.size = size;
    this.binary = new byte[size][];
    this.json = new byte[size][];
    this.requestIds = requests ? new byte[size][] : null;
  }

  /**
   * Signs {@code size} messages numbered from {@code first}, in parallel.
   *
   * @param requests whether each frame asks for an answer (a request id, for the echo test)
   */
  static Pool sign(NodeIdentity identity, byte[] marker, long first, int size, boolean requests) {
    Pool p = new Pool(first, size, requests);
    long now = System.currentTimeMillis();
    IntStream.range(0, size)
        .parallel()
        .forEach(
            i -> {
              long number = first + i;
              byte[] id = new byte[32];
              System.arraycopy(marker, 0, id, 0, MARKER_BYTES);
              for (int b = 0; b < 8; b++) {
                id[MARKER_BYTES + b] = (byte) (number >>> (56 - 8 * b));
              }
              BlockTemperatureUpdate update =
                  new BlockTemperatureUpdate(
                      new BlockId(HexFormat.of().formatHex(id)), DataTemperature.HOT);
              WSMessage w = WSMessage.of(update, now, identity.nodeId());
              SignedMessage m = MessageSigning.sign(identity, w);
              String requestId = requests ? String.format("e%012d", number) : "";
              Envelope e = new Envelope(m, 0, requestId, "");
              p.binary[i] = ProtoCodec.encodeEnvelope(e);
              p.json[i] = JsonCodec.toJsonBytes(e);
              if (requests) {
                p.requestIds[i] = requestId.getBytes(StandardCharsets.US_ASCII);
              }
            });
    return p;
  }

  byte[] frame(int i, boolean binaryFrames) {
    return binaryFrames ? binary[i] : json[i];
  }

  /** Average frame size in bytes. */
  int averageSize(boolean binaryFrames) {
    long sum = 0;
    for (int i = 0; i < size; i++) {
      sum += frame(i, binaryFrames).length;
    }
    return size == 0 ? 0 : (int) (sum / size);
  }

  // ------------------------------------------------------------------ finding numbers

  /** The message number in a frame, or -1 if the marker is not in it. */
  static long findNumber(ByteBuf buf, boolean binaryFrame, byte[] marker, byte[] markerHex) {
    if (binaryFrame) {
      int at = indexOf(buf, marker);
      if (at < 0 || at + MARKER_BYTES + 8 > buf.writerIndex()) {
        return -1;
      }
      return buf.getLong(at + MARKER_BYTES);
    }
    int at = indexOf(buf, markerHex);
    if (at < 0 || at + markerHex.length + 16 > buf.writerIndex()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int d = Character.digit(buf.getByte(at + markerHex.length + i), 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** Where {@code needle} starts in the readable bytes of {@code buf}, or -1. */
  static int indexOf(ByteBuf buf, byte[] needle) {
    int last = buf.writerIndex() - needle.length;
    byte first = needle[0];
    int i = buf.readerIndex();
    outer:
    while (i <= last) {
      // ByteBuf.indexOf looks for one byte several at a time.
      i = buf.indexOf(i, last + 1, first);
      if (i < 0) {
        return -1;
      }
      for (int j = 1; j < needle.length; j++) {
        if (buf.getByte(i + j) != needle[j]) {
          i++;
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
