package org.brightchain.net.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brightchain.net.spi.Frame;

/** A WebSocket channel as the node sees it. */
final class NettyPeerConnection implements AbortableConnection {
  private final String id;
  private final Channel channel;
  private final boolean outbound;
  private final Frame.Type preferred;
  private final AtomicBoolean closeSent = new AtomicBoolean();
  private final java.util.Map<String, String> parameters;
  private final SlowConsumerGuard guard;

  /** Bytes handed to Netty and not yet written to the socket. */
  private final java.util.concurrent.atomic.AtomicLong queued =
      new java.util.concurrent.atomic.AtomicLong();

  volatile int closeCode = 1006;
  volatile String closeReason = "connection lost";

  NettyPeerConnection(
      SlowConsumerGuard guard,
      String id,
      Channel channel,
      boolean outbound,
      Frame.Type preferred,
      java.util.Map<String, String> parameters) {
    this.guard = guard;
    this.id = id;
    this.channel = channel;
    this.outbound = outbound;
    this.preferred = preferred;
    this.parameters = java.util.Map.copyOf(parameters);
  }

  @Override
  public java.util.Map<String, String> parameters() {
    return parameters;
  }

  /** Bytes waiting to be written. */
  long queuedBytes() {
    return queued.get();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public boolean outbound() {
    return outbound;
  }

  @Override
  public Frame.Type preferredFrameType() {
    return preferred;
  }

  @Override
  public CompletableFuture<Void> send(Frame frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!channel.isActive() || closeSent.get()) {
      done.completeExceptionally(new ClosedChannelException());
      return done;
    }
    int size = frame.size();
    if (!guard.admit(this, queued.get(), size)) {
      done.completeExceptionally(new java.io.IOException("slow consumer: frame not sent"));
      return done;
    }
    queued.addAndGet(size);
    WebSocketFrame f =
        frame.type() == Frame.Type.TEXT
            ? new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes()))
            : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes()));
    channel
        .writeAndFlush(f)
        .addListener(
            future -> {
              queued.addAndGet(-size);
              if (future.isSuccess()) {
                done.complete(null);
              } else {
                done.completeExceptionally(future.cause());
              }
            });
    return done;
  }

  @Override
  public void close(int code, String reason) {
    if (!closeSent.compareAndSet(false, true)) {
      return;
    }
    closeCode = code;
    closeReason = reason;
    if (!channel.isActive()) {
      return;
    }
    // A close reason is at most 123 bytes of UTF-8 (RFC 6455 section 5.5).
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    String shortReason = r.length <= 123 ? reason : new String(r, 0, 120, StandardCharsets.UTF_8);
    channel
        .writeAndFlush(new CloseWebSocketFrame(code, shortReason))
        .addListener(ChannelFutureListener.CLOSE);
    // A peer that stopped reading never lets the close frame out: do not wait for it for ever.
    channel.eventLoop().schedule(() -> channel.close(), 2, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** True once a close was started. */
  boolean closing() {
    return closeSent.get();
  }

  /** Closes at once, without waiting for unsent data (a close frame is tried, not awaited). */
  @Override
  public void abort(int code, String reason) {
    if (closeSent.compareAndSet(false, true)) {
      closeCode = code;
      closeReason = reason;
    }
    channel.close();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive() && !closeSent.get();
  }

  @Override
  public String toString() {
    return id + "[" + channel.remoteAddress() + "]";
  }
}
