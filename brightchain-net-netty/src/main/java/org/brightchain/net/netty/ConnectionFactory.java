package org.brightchain.net.netty;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.spi.Frame;

/**
 * Makes the connections the node sees out of channels whose WebSocket handshake or event-stream
 * admission is done: gives each an id ({@code ws-in-N}, {@code ws-out-N}, {@code sse-in-N}, one
 * sequence for all), puts its channel in the group the transport closes on stop, keeps the
 * connection on its channel ({@link #CONNECTION}) for the transport to close when it stops, and
 * hands it the slow-consumer guard. Once the transport is {@link #stopping}, a connection it makes
 * is not for the node: its maker closes it at once. Thread-safe.
 */
final class ConnectionFactory {
  /** The connection a channel carries, once it is one. */
  static final AttributeKey<AbortableConnection> CONNECTION =
      AttributeKey.valueOf(ConnectionFactory.class, "connection");

  private final ChannelGroup channels;
  private final SlowConsumerGuard guard;
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean stopping;

  ConnectionFactory(ChannelGroup channels, SlowConsumerGuard guard) {
    this.channels = channels;
    this.guard = guard;
  }

  /** A WebSocket connection over {@code channel}, whose handshake is complete. */
  NettyPeerConnection webSocket(
      Channel channel, boolean outbound, Frame.Type preferred, Map<String, String> parameters) {
    String id = (outbound ? "ws-out-" : "ws-in-") + ids.incrementAndGet();
    NettyPeerConnection c =
        new NettyPeerConnection(guard, id, channel, outbound, preferred, parameters);
    channel.attr(CONNECTION).set(c);
    channels.add(channel);
    return c;
  }

  /** An event stream over {@code channel}, whose response head is written. */
  EventStreamConnection eventStream(Channel channel, Map<String, String> parameters) {
    EventStreamConnection c =
        new EventStreamConnection(guard, "sse-in-" + ids.incrementAndGet(), channel, parameters);
    channel.attr(CONNECTION).set(c);
    channels.add(channel);
    return c;
  }

  /**
   * From now on the transport is stopping. A connection made after this call is closed by its
   * maker; one made before is on its channel for the transport to close. (Connections are made on
   * their channel's event loop, and the transport sets this flag before it visits each channel on
   * that same event loop, so every connection is closed by one or the other.)
   */
  void stop() {
    stopping = true;
  }

  /** Whether the transport is stopping: a new connection is closed at once with 1001. */
  boolean stopping() {
    return stopping;
  }
}
