package org.brightchain.net.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses native epoll when it is on the class path and works, NIO otherwise. */
final class IoSupport {
  private static final Logger log = LoggerFactory.getLogger(IoSupport.class);
  static final boolean EPOLL = epollAvailable();

  private IoSupport() {}

  private static boolean epollAvailable() {
    if (Boolean.getBoolean("brightchain.netty.noNative")) {
      return false;
    }
    try {
      Class.forName("io.netty.channel.epoll.Epoll");
      return EpollSupport.available();
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static MultiThreadIoEventLoopGroup group(int threads, String name) {
    IoHandlerFactory f = EPOLL ? EpollSupport.factory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), f);
  }

  static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollSupport.serverChannel() : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> channel() {
    return EPOLL ? EpollSupport.channel() : NioSocketChannel.class;
  }

  static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  static {
    log.debug("netty I/O: {}", EPOLL ? "native epoll" : "NIO");
  }
}
