package org.brightchain.net.netty.discovery;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/** Kept apart so that nothing loads epoll classes unless they are present. */
final class EpollDatagrams {
  private EpollDatagrams() {}

  static boolean available() {
    return Epoll.isAvailable();
  }

  static IoHandlerFactory factory() {
    return EpollIoHandler.newFactory();
  }

  static ChannelFactory<DatagramChannel> channels(SocketProtocolFamily family) {
    return () -> new EpollDatagramChannel(family);
  }
}
