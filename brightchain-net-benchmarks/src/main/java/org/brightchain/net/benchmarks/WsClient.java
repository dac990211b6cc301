package org.brightchain.net.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Resume;

/**
 * The load driver's WebSocket client on Netty: plain WebSocket, or socket.io (engine.io v4) spoken
 * over a raw WebSocket. Every contender is driven by this one client.
 *
 * <p>socket.io framing handled here: the server's open packet {@code 0{...}} is answered with
 * {@code 40} (connect to the default namespace) and the connection counts as ready on the server's
 * {@code 40{...}}; pings {@code 2} are answered with {@code 3}; events are {@code
 * 42["name",payload]}, or for a binary payload the header {@code 451-["name",{"_placeholder":
 * true,"num":0}]} followed by one binary frame.
 *
 * <p>A connection to the node does the node's opening handshake ({@link Handshake}): it answers the
 * node's {@code system:challenge} with its proof and its announcement, and counts as ready on the
 * node's {@code system:resume}. Frames before that are the handshake's and reach no sink.
 */
final class WsClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelClass;
  final String io;

  WsClient(int threads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-client", true), f);
    this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.io = epoll ? "epoll" : "nio";
  }

  /** Receives the payload frames of a connection, on its event loop. */
  interface Sink {
    /**
     * A payload: a plain WebSocket data frame, a socket.io event frame (the whole {@code 42[...]}
     * text) or a socket.io binary attachment. {@code buf} is valid during the call only.
     */
    void onPayload(Conn conn, ByteBuf buf, boolean binary);
  }

  /**
   * Opens a connection to {@code uri}; completes once the WebSocket handshake (and for socket.io,
   * the namespace connect; for the node, its opening handshake with {@code auth}) is done. Fails
   * after 25 s, or when the node refuses the handshake.
   *
   * @param auth the identity and announcement for a connection to the node, null for the others
   */
  CompletableFuture<Conn> connect(URI uri, boolean socketIo, Handshake auth, Sink sink) {
    Conn conn = new Conn(socketIo, auth, sink);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(
                            new WebSocketClientProtocolHandler(
                                WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(uri)
                                    .maxFramePayloadLength(1 << 20)
                                    .handshakeTimeoutMillis(20_000)
                                    .allowExtensions(false)
                                    .dropPongFrames(true)
                                    // The driver reads a few bytes of each frame; checking the
                                    // UTF-8 of every text frame would cost it more than that.
                                    .withUTF8Validator(false)
                                    .build()))
                        .addLast(conn);
                  }
                });
    ChannelFuture cf = b.connect(uri.getHost(), uri.getPort());
    cf.addListener(
        f -> {
          if (!f.isSuccess()) {
            conn.ready.completeExceptionally(f.cause());
          }
        });
    conn.ready.orTimeout(25, TimeUnit.SECONDS);
    // A connection that did not get ready is of no use: close it rather than leave it open in
    // the server, where it would count in the next measurement.
    conn.ready.whenComplete(
        (c, e) -> {
          if (e != null) {
            cf.channel().close();
          }
        });
    return conn.ready;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  // ------------------------------------------------------------------ one connection

  private static final byte[] SIO_CONNECT = ascii("40");
  private static final byte[] SIO_PONG = ascii("3");

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** One client connection; its handler is the last of the pipeline. */
  static final class Conn extends ChannelInboundHandlerAdapter {
    final boolean socketIo;

    /** The node's handshake, or null (not the node). */
    final Handshake auth;

    final CompletableFuture<Conn> ready = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile Sink sink;

    /** Per-connection state of the phase using it (a subscriber's or echo client's). */
    Object state;

    /** Frames received, payload or not. */
    long framesIn;

    private Channel channel;
    private boolean attachmentNext;

    Conn(boolean socketIo, Handshake auth, Sink sink) {
      this.socketIo = socketIo;
      this.auth = auth;
      this.sink = sink;
    }

    Channel channel() {
      return channel;
    }

    /**
     * Writes a message without flushing: a binary or text data frame, or for socket.io the event
     * {@code name} carrying it (an attachment if binary, the JSON itself as the payload if not).
     * Call on the connection's event loop, or accept a task per write.
     */
    void write(byte[] payload, boolean binary, byte[] sioBinaryHeader, byte[] sioTextPrefix) {
      if (!socketIo) {
        channel.write(
            binary
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
      } else if (binary) {
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(sioBinaryHeader)));
        channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
      } else {
        channel.write(
            new TextWebSocketFrame(Unpooled.wrappedBuffer(sioTextPrefix, payload, SIO_CLOSE)));
      }
    }

    void flush() {
      channel.flush();
    }

    void close() {
      if (channel != null) {
        channel.close();
      }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      channel
          .closeFuture()
          .addListener(
              f -> {
                ready.completeExceptionally(new IOException("closed before ready"));
                closed.complete(null);
              });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        if (!socketIo && auth == null) {
          ready.complete(this);
        }
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        ready.completeExceptionally(
            new java.util.concurrent.TimeoutException("handshake timed out"));
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        framesIn++;
        if (auth != null && !ready.isDone()) {
          if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            handshake(ctx, ((ByteBufHolder) msg).content(), msg instanceof BinaryWebSocketFrame);
          }
          return;
        }
        if (msg instanceof TextWebSocketFrame t) {
          ByteBuf c = t.content();
          if (!socketIo) {
            deliver(c, false);
            return;
          }
          int r = c.readerIndex();
          byte kind = c.readableBytes() > 0 ? c.getByte(r) : 0;
          byte sub = c.readableBytes() > 1 ? c.getByte(r + 1) : 0;
          if (kind == '2') {
            ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(SIO_PONG)));
          } else if (kind == '0') {
            ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(SIO_CONNECT)));
          } else if (kind == '4' && sub == '0') {
            ready.complete(this);
          } else if (kind == '4' && sub == '2') {
            deliver(c, false);
          } else if (kind == '4' && sub == '5') {
            attachmentNext = true;
          }
        } else if (msg instanceof BinaryWebSocketFrame b) {
          if (socketIo && !attachmentNext) {
            return;
          }
          attachmentNext = false;
          deliver(b.content(), true);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    /** A frame of the node before the connection is ready: its challenge, then its resume. */
    private void handshake(ChannelHandlerContext ctx, ByteBuf buf, boolean binaryFrame) {
      Envelope e;
      try {
        e = Handshake.decode(buf, binaryFrame);
      } catch (WireFormatException | RuntimeException ex) {
        ready.completeExceptionally(
            new IOException("undecodable frame from the node during the handshake: " + ex));
        ctx.close();
        return;
      }
      EventPayload data = e.message().payload().data();
      if (data instanceof Challenge ch) {
        writeHandshake(auth.proof(ch.challenge(), e.message().nodeId()));
        writeHandshake(auth.announce);
        ctx.flush();
      } else if (data instanceof Resume) {
        ready.complete(this); // identified: from here on, frames go to the sink
      } else if (data instanceof ErrorEvent err) {
        ready.completeExceptionally(
            new IOException("the node refused the handshake: " + err.code() + " " + err.message()));
        ctx.close();
      }
    }

    private void writeHandshake(byte[] frame) {
      channel.write(
          auth.binary
              ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame))
              : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
    }

    private void deliver(ByteBuf buf, boolean binary) {
      Sink s = sink;
      if (s != null) {
        s.onPayload(this, buf, binary);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.completeExceptionally(cause);
      ctx.close();
    }
  }

  private static final byte[] SIO_CLOSE = ascii("]");
}
