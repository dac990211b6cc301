package org.brightchain.net.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the pipelines of every connection, accepted or dialled, begin with: the byte counter, the
 * idle timeout (named {@value #IDLE}, as an event stream removes it) and flush consolidation.
 */
abstract class TransportChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** The name of the idle handler in every pipeline. */
  static final String IDLE = "idle";

  /** Longest HTTP request or status line accepted. */
  static final int MAX_INITIAL_LINE = 4096;

  /** Largest chunk of an HTTP body decoded at once. */
  static final int MAX_CHUNK = 8192;

  private final ByteCounter bytes;
  private final Duration idleTimeout;

  TransportChannelInitializer(ByteCounter bytes, Duration idleTimeout) {
    this.bytes = bytes;
    this.idleTimeout = idleTimeout;
  }

  /** Adds the shared prefix to {@code p}. */
  final void addPrefix(ChannelPipeline p) {
    p.addLast(bytes);
    p.addLast(IDLE, new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast(new FlushConsolidationHandler(256, true));
  }

  /** The byte counter, for a pipeline that has nothing else of the prefix. */
  final ByteCounter bytes() {
    return bytes;
  }
}
