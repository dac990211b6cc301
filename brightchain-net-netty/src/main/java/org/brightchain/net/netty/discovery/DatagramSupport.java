package org.brightchain.net.netty.discovery;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.StandardSocketOptions;

/**
 * UDP channels on native epoll when it is on the class path and works, NIO otherwise; the same
 * choice, and the same {@code brightchain.netty.noNative} switch, as the transport's.
 */
final class DatagramSupport {
  static final boolean EPOLL = epollAvailable();

  private DatagramSupport() {}

  private static boolean epollAvailable() {
    if (Boolean.getBoolean("brightchain.netty.noNative")) {
      return false;
    }
    try {
      Class.forName("io.netty.channel.epoll.Epoll");
      return EpollDatagrams.available();
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static MultiThreadIoEventLoopGroup group(String name) {
    IoHandlerFactory f = EPOLL ? EpollDatagrams.factory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), f);
  }

  static ChannelFactory<DatagramChannel> channels(SocketProtocolFamily family) {
    return EPOLL ? EpollDatagrams.channels(family) : () -> new NioDatagramChannel(family);
  }

  /**
   * Multicast loopback on, so that nodes on one host hear each other. Netty's NIO channel passes
   * {@code IP_MULTICAST_LOOP_DISABLED} unchanged to the JDK's {@code IP_MULTICAST_LOOP}, which
   * means the opposite (so "not disabled" turns loopback off); the JDK option is set directly.
   */
  static Bootstrap multicastLoopback(Bootstrap b) {
    return EPOLL
        ? b.option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
        : b.option(NioChannelOption.of(StandardSocketOptions.IP_MULTICAST_LOOP), true);
  }

  static String name() {
    return EPOLL ? "epoll" : "nio";
  }
}
