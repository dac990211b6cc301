package org.brightchain.net.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.spi.Frame;

/**
 * A server-sent event stream ({@code GET /events}) seen by the node as a receive-only connection:
 * each JSON frame becomes one event whose {@code id} is the frame's sequence number (so {@code
 * Last-Event-ID} resumes), whose {@code event} is its type, and whose {@code data} is the signed
 * message. A comment line every 15 s keeps proxies from closing a quiet stream.
 */
final class EventStreamConnection implements AbortableConnection {
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final SlowConsumerGuard guard;
  private final String id;
  private final Channel channel;
  private final Map<String, String> parameters;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong queued = new AtomicLong();
  private final ScheduledFuture<?> keepAlive;

  EventStreamConnection(
      SlowConsumerGuard guard, String id, Channel channel, Map<String, String> parameters) {
    this.guard = guard;
    this.id = id;
    this.channel = channel;
    this.parameters = Map.copyOf(parameters);
    this.keepAlive =
        channel
            .eventLoop()
            .scheduleAtFixedRate(
                () -> {
                  if (channel.isActive()) {
                    channel.writeAndFlush(
                        new DefaultHttpContent(Unpooled.wrappedBuffer(KEEP_ALIVE)));
                  }
                },
                15,
                15,
                TimeUnit.SECONDS);
    channel.closeFuture().addListener(f -> keepAlive.cancel(false));
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
    return false;
  }

  @Override
  public Frame.Type preferredFrameType() {
    return Frame.Type.TEXT;
  }

  @Override
  public Map<String, String> parameters() {
    return parameters;
  }

  @Override
  public boolean receiveOnly() {
    return true;
  }

  @Override
  public CompletableFuture<Void> send(Frame frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed.get() || !channel.isActive()) {
      done.completeExceptionally(new ClosedChannelException());
      return done;
    }
    if (frame.type() != Frame.Type.TEXT) {
      done.completeExceptionally(new IllegalArgumentException("an event stream carries JSON only"));
      return done;
    }
    StringBuilder head = new StringBuilder(48);
    if (frame.sequence() > 0) {
      head.append("id: ").append(frame.sequence()).append('\n');
    }
    if (!frame.eventType().isEmpty()) {
      head.append("event: ").append(frame.eventType()).append('\n');
    }
    head.append("data: ");
    // JSON from the codec holds no raw line breaks (they are escaped), so one data line suffices.
    ByteBuf buf =
        Unpooled.wrappedBuffer(
            head.toString().getBytes(StandardCharsets.UTF_8),
            frame.bytes(),
            new byte[] {'\n', '\n'});
    int size = buf.readableBytes();
    if (!guard.admit(this, queued.get(), size)) {
      buf.release();
      done.completeExceptionally(new java.io.IOException("slow consumer: event not sent"));
      return done;
    }
    queued.addAndGet(size);
    channel
        .writeAndFlush(new DefaultHttpContent(buf))
        .addListener(
            f -> {
              queued.addAndGet(-size);
              if (f.isSuccess()) {
                done.complete(null);
              } else {
                done.completeExceptionally(f.cause());
              }
            });
    return done;
  }

  @Override
  public void close(int code, String reason) {
    if (closed.compareAndSet(false, true) && channel.isActive()) {
      channel
          .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
      channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
    }
  }

  /** Closes at once, without waiting for unsent events; a stream has no close code to send. */
  @Override
  public void abort(int code, String reason) {
    closed.set(true);
    channel.close();
  }

  @Override
  public boolean isOpen() {
    return !closed.get() && channel.isActive();
  }

  @Override
  public String toString() {
    return id + "[" + channel.remoteAddress() + "]";
  }
}
