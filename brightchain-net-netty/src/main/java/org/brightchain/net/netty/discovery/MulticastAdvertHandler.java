package org.brightchain.net.netty.discovery;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.time.Clock;
import java.util.function.Consumer;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each received datagram to the {@link AdvertIntake}, and accepted adverts to {@code
 * accepted}. Never writes: nothing is sent in reply to a datagram, so a forged source address
 * cannot turn a node into an amplifier. A datagram over {@link SignedAdvert#MAX_BYTES} is counted
 * and dropped without being copied. Keeps no state of its own, so it is sharable.
 */
@ChannelHandler.Sharable
final class MulticastAdvertHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(MulticastAdvertHandler.class);

  private final AdvertIntake intake;
  private final Clock clock;
  private final Consumer<AdvertDecision> accepted;

  MulticastAdvertHandler(AdvertIntake intake, Clock clock, Consumer<AdvertDecision> accepted) {
    this.intake = intake;
    this.clock = clock;
    this.accepted = accepted;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    int n = packet.content().readableBytes();
    if (n > SignedAdvert.MAX_BYTES) {
      intake.tooBig();
      return;
    }
    AdvertDecision d =
        intake.accept(
            packet.sender().getAddress(), ByteBufUtil.getBytes(packet.content()), clock.millis());
    if (d.outcome() == AdvertOutcome.ACCEPTED) {
      accepted.accept(d);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed read (ICMP errors on some systems) must not close the group's socket.
    log.debug("multicast: {}", LogText.safe(cause));
  }
}
