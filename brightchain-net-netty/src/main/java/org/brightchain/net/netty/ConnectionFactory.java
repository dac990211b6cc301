package org.brightchain.net.netty;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.spi.Frame;

/**
 * Makes the connections the node sees out of channels whose WebSocket handshake or event-stream
 * admission is done: gives each an id ({@code ws-in-N}, {@code ws-out-N}, {@code sse-in-N}, one
 * sequence for all), puts its channel in the group the transport closes on stop, and hands it the
 * slow-consumer guard. Thread-safe.
 */
final class ConnectionFactory {
  private final ChannelGroup channels;
  private final SlowConsumerGuard guard;
  private final AtomicLong ids = new AtomicLong();

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
    channels.add(channel);
    return c;
  }

  /** An event stream over {@code channel}, whose response head is written. */
  EventStreamConnection eventStream(Channel channel, Map<String, String> parameters) {
    EventStreamConnection c =
        new EventStreamConnection(guard, "sse-in-" + ids.incrementAndGet(), channel, parameters);
    channels.add(channel);
    return c;
  }
}
