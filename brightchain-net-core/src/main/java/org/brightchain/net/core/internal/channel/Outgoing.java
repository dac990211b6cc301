package org.brightchain.net.core.internal.channel;

import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.spi.Frame;

/**
 * A frame to send, encoded at most once per frame type however many connections get it.
 * Scheduler-confined.
 */
public final class Outgoing {
  private final Envelope envelope;
  private Frame binary;
  private Frame text;

  /** An envelope to send. */
  public Outgoing(Envelope envelope) {
    this.envelope = envelope;
  }

  /** The envelope. */
  public Envelope envelope() {
    return envelope;
  }

  /** The frame of {@code type}, encoded on first use. */
  public Frame frame(Frame.Type type) {
    String label = envelope.message().payload().type().wireName();
    if (type == Frame.Type.TEXT) {
      if (text == null) {
        text =
            new Frame(Frame.Type.TEXT, JsonCodec.toJsonBytes(envelope), envelope.sequence(), label);
      }
      return text;
    }
    if (binary == null) {
      binary =
          new Frame(
              Frame.Type.BINARY, ProtoCodec.encodeEnvelope(envelope), envelope.sequence(), label);
    }
    return binary;
  }
}
