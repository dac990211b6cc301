package org.brightchain.net.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.brightchain.net.spi.TransportSettings.SlowConsumerPolicy;

/** {@link EmbeddedChannel}s as the transport's handlers expect them, and what they need. */
final class EmbeddedChannels {
  static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 50123);

  private EmbeddedChannels() {}

  /**
   * A channel from {@link #REMOTE} whose clock stands still until the test advances it, with {@code
   * handlers} added after the clock was stopped (so deadlines they arm count from there).
   */
  static EmbeddedChannel channel(ChannelHandler... handlers) {
    EmbeddedChannel ch =
        new EmbeddedChannel() {
          @Override
          protected SocketAddress remoteAddress0() {
            return REMOTE;
          }
        };
    ch.freezeTime();
    ch.pipeline().addLast(handlers);
    return ch;
  }

  /** A connection factory with a guard of {@code maxQueuedBytes} that closes slow consumers. */
  static ConnectionFactory connections(int maxQueuedBytes) {
    return new ConnectionFactory(
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        new SlowConsumerGuard(maxQueuedBytes, SlowConsumerPolicy.DISCONNECT));
  }

  /** Everything written to {@code ch} so far, as the bytes on the wire. */
  static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }
}
