package org.brightchain.net.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/** Kept apart so that nothing loads epoll classes unless they are present. */
final class EpollSupport {
  private EpollSupport() {}

  static boolean available() {
    return Epoll.isAvailable();
  }

  static IoHandlerFactory factory() {
    return EpollIoHandler.newFactory();
  }

  static Class<? extends ServerChannel> serverChannel() {
    return EpollServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> channel() {
    return EpollSocketChannel.class;
  }
}
