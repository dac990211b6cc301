package org.brightchain.net.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link Transport}: an HTTP/1.1 server for REST, a WebSocket server
 * at {@code /ws} (on the REST port, or on a port of its own), and a WebSocket client for dialling
 * peers. Uses native epoll when {@code netty-transport-native-epoll} is on the class path, NIO
 * otherwise.
 *
 * <p>Each accepted connection counts against per-address and per-subnet caps until it closes;
 * one over a cap is answered 429. Each server pipeline composes Netty's stock handlers: the two
 * halves of {@code HttpServerCodec} (its request decoder extended with the header size limit and
 * an absolute header deadline, answering 431 and 408) → an aggregator bounded by {@link
 * TransportSettings#maxBodyBytes()} that answers 413 → {@code WebSocketServerProtocolHandler}
 * (handshake, control frames, frame size limit) → {@code WebSocketFrameAggregator} (message size
 * limit) → the REST handler → the WebSocket frame handler. Writes are coalesced by {@code
 * FlushConsolidationHandler}.
 */
public final class NettyTransport implements Transport {
  static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

  private static final int MAX_INITIAL_LINE = 4096;
  /** Largest response headers accepted from a peer when dialling. */
  private static final int MAX_RESPONSE_HEADERS = 8192;
  /**
   * Most refused connections kept open at once to be answered 429; past it, more are closed at
   * accept without an answer.
   */
  private static final int MAX_REFUSING = 1024;
  /** Longest a refused connection waits for its request. */
  private static final long REFUSED_LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final TransportSettings settings;
  private final ByteCounter bytes = new ByteCounter();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile TransportHandler handler;
  private EventLoopGroup boss;
  private EventLoopGroup workers;

  private final AddressLimiter addresses;
  private final java.util.concurrent.atomic.AtomicInteger refusing =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder refusedConnections =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder headerTimeouts =
      new java.util.concurrent.atomic.LongAdder();
  private final LogLimiter refusedLog = new LogLimiter(log, 10, TimeUnit.SECONDS);
  private final LogLimiter timeoutLog = new LogLimiter(log, 10, TimeUnit.SECONDS);
  private final LogLimiter malformedLog = new LogLimiter(log, 10, TimeUnit.SECONDS);

  /** A transport with these settings; nothing happens until {@link #start}. */
  public NettyTransport(TransportSettings settings) {
    this.settings = settings;
    this.addresses =
        new AddressLimiter(settings.limits().maxPerAddress(), settings.limits().maxPerSubnet());
  }

  private final java.util.concurrent.atomic.AtomicInteger openConnections =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder slowConsumerDrops =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder slowConsumerCloses =
      new java.util.concurrent.atomic.LongAdder();

  TransportHandler handler() {
    return handler;
  }

  TransportSettings settings() {
    return settings;
  }

  /**
   * Whether a frame of {@code size} bytes may be queued on a connection that already has {@code
   * queued} bytes waiting. Past the bound, applies the slow-consumer policy: drop the frame, or
   * close the connection with 1008.
   */
  boolean admit(org.brightchain.net.spi.PeerConnection c, long queued, int size) {
    if (queued + size <= settings.maxQueuedBytes() || queued == 0) {
      maxQueuedSeen.accumulate(queued + size);
      return true;
    }
    if (settings.slowConsumerPolicy() == TransportSettings.SlowConsumerPolicy.DROP) {
      slowConsumerDrops.increment();
      log.debug("{}: {} bytes waiting, frame dropped", c, queued);
    } else {
      slowConsumerCloses.increment();
      log.info("{}: {} bytes waiting (limit {}), closing slow consumer", c, queued, settings.maxQueuedBytes());
      // The socket is not draining, so a polite close would never be written: cut it.
      if (c instanceof NettyPeerConnection n) {
        n.abort(1008, "slow consumer");
      } else if (c instanceof EventStreamConnection e) {
        e.abort();
      } else {
        c.close(1008, "slow consumer");
      }
    }
    return false;
  }

  private final java.util.concurrent.atomic.LongAccumulator maxQueuedSeen =
      new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

  /** The most bytes ever queued on one connection: never above the bound but for one frame. */
  public long maxQueuedBytesSeen() {
    return maxQueuedSeen.get();
  }

  /** Frames dropped for slow consumers so far. */
  public long slowConsumerDrops() {
    return slowConsumerDrops.sum();
  }

  /** Connections closed as slow consumers so far. */
  public long slowConsumerCloses() {
    return slowConsumerCloses.sum();
  }

  /** Connections refused so far for being over the per-address or per-subnet cap. */
  public long refusedConnections() {
    return refusedConnections.sum();
  }

  /** Connections closed so far for not completing their request headers in time. */
  public long headerTimeouts() {
    return headerTimeouts.sum();
  }

  AddressLimiter addresses() {
    return addresses;
  }

  /** Counts and logs (rate-limited) a connection closed by the header deadline. */
  void headerTimeout(java.net.SocketAddress remote, boolean partial) {
    headerTimeouts.increment();
    timeoutLog.info(
        "{}: {} within {} ms, closing",
        remote,
        partial ? "request incomplete" : "no request",
        settings.limits().headerTimeout().toMillis());
  }

  /** Logs (rate-limited) a request the HTTP decoder failed on. */
  void malformedRequest(java.net.SocketAddress remote, Object cause) {
    malformedLog.info("malformed HTTP from {}: {}", remote, String.valueOf(cause));
  }

  /** WebSocket and event-stream connections open now. */
  public int openConnections() {
    return openConnections.get();
  }

  /** Counts a new long-lived connection; false if the cap is reached. */
  boolean tryOpen() {
    while (true) {
      int n = openConnections.get();
      if (n >= settings.maxConnections()) {
        return false;
      }
      if (openConnections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void closed() {
    openConnections.decrementAndGet();
  }

  String nextConnectionId(boolean outbound) {
    return (outbound ? "ws-out-" : "ws-in-") + connectionIds.incrementAndGet();
  }

  void register(Channel ch) {
    channels.add(ch);
  }

  @Override
  public synchronized CompletableFuture<BoundAddresses> start(TransportHandler handler) {
    if (this.handler != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport already started"));
    }
    this.handler = handler;
    boss = IoSupport.group(1, "brightchain-accept");
    workers = IoSupport.group(0, "brightchain-io");
    CompletableFuture<BoundAddresses> result = new CompletableFuture<>();
    bind(settings.httpPort(), true, settings.sharedPort(), "http")
        .whenComplete(
            (http, err) -> {
              if (err != null) {
                stop();
                result.completeExceptionally(err);
              } else if (settings.sharedPort()) {
                result.complete(new BoundAddresses(http, http));
              } else {
                bind(settings.wsPort(), false, true, "ws")
                    .whenComplete(
                        (ws, err2) -> {
                          if (err2 != null) {
                            stop();
                            result.completeExceptionally(err2);
                          } else {
                            result.complete(new BoundAddresses(http, ws));
                          }
                        });
              }
            });
    return result;
  }

  private CompletableFuture<InetSocketAddress> bind(int port, boolean rest, boolean ws, String what) {
    CompletableFuture<InetSocketAddress> f = new CompletableFuture<>();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(IoSupport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    if (!admit(ch)) {
                      return;
                    }
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(bytes);
                    p.addLast(
                        "idle",
                        new IdleStateHandler(
                            settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    p.addLast(new FlushConsolidationHandler(256, true));
                    // HttpServerCodec's two halves: the decoder keeps the header deadline. The
                    // encoder goes first so that the decoder's own 408 passes through it.
                    p.addLast(new HttpResponseEncoder());
                    p.addLast(
                        new HeaderDeadlineDecoder(
                            NettyTransport.this,
                            settings.limits().headerTimeout(),
                            MAX_INITIAL_LINE,
                            settings.limits().maxHeaderBytes(),
                            ws));
                    // The WebSocket decoder takes the decoder's place, right before this handler.
                    p.addLast(WebSocketErrorHandler.INSTANCE);
                    p.addLast(new JsonLimitAggregator(settings.maxBodyBytes()));
                    p.addLast(new ConnectionLimitHandler(NettyTransport.this));
                    if (ws) {
                      p.addLast(
                          new WebSocketServerProtocolHandler(
                              WebSocketServerProtocolConfig.newBuilder()
                                  .websocketPath(TransportSettings.WEBSOCKET_PATH)
                                  .checkStartsWith(true)
                                  .maxFramePayloadLength(settings.maxFrameBytes())
                                  .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
                                  .allowExtensions(false)
                                  .dropPongFrames(true)
                                  // Close codes are chosen by WebSocketErrorHandler and the node.
                                  .sendCloseFrame(null)
                                  .decoderConfig(
                                      WebSocketDecoderConfig.newBuilder()
                                          .maxFramePayloadLength(settings.maxFrameBytes())
                                          .allowExtensions(false)
                                          .closeOnProtocolViolation(false)
                                          .build())
                                  .build()));
                      p.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
                    }
                    p.addLast(new RestRequestHandler(NettyTransport.this, rest));
                    p.addLast(new WebSocketFrameHandler(NettyTransport.this, false, null));
                  }
                });
    ChannelFuture cf = b.bind(settings.host(), port);
    cf.addListener(
        future -> {
          if (future.isSuccess()) {
            channels.add(cf.channel());
            f.complete((InetSocketAddress) cf.channel().localAddress());
          } else {
            Throwable cause = future.cause();
            String msg = what + " port " + settings.host() + ":" + port + ": " + cause.getMessage();
            BindException be = new BindException(msg);
            be.initCause(cause);
            f.completeExceptionally(be);
          }
        });
    return f;
  }

  /**
   * Counts an accepted connection against the per-address and per-subnet caps until it closes.
   * One over a cap gets a pipeline that answers its first request with 429 and closes, or is
   * closed at once when too many refused connections are waiting for their request already.
   */
  private boolean admit(SocketChannel ch) {
    InetSocketAddress peer = ch.remoteAddress();
    if (peer == null || peer.getAddress() == null) {
      ch.close(); // gone before it was accepted
      return false;
    }
    java.net.InetAddress remote = peer.getAddress();
    AddressLimiter.Refusal refusal = addresses.tryAcquire(remote);
    if (refusal == null) {
      ch.closeFuture().addListener(f -> addresses.release(remote));
      return true;
    }
    refusedConnections.increment();
    String message =
        refusal == AddressLimiter.Refusal.ADDRESS
            ? "too many connections from " + remote.getHostAddress()
                + " (limit " + addresses.maxPerAddress() + ")"
            : "too many connections from the subnet " + AddressLimiter.subnetOf(remote)
                + " (limit " + addresses.maxPerSubnet() + ")";
    refusedLog.info("refused {}: {}", ch.remoteAddress(), message);
    if (refusing.incrementAndGet() > MAX_REFUSING) {
      refusing.decrementAndGet();
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(f -> refusing.decrementAndGet());
    ChannelPipeline p = ch.pipeline();
    p.addLast(bytes);
    p.addLast(new HttpServerCodec(MAX_INITIAL_LINE, settings.limits().maxHeaderBytes(), 8192));
    p.addLast(
        new RefusedConnectionHandler(
            message,
            Math.min(REFUSED_LINGER_NANOS, settings.limits().headerTimeout().toNanos())));
    return false;
  }

  @Override
  public CompletableFuture<PeerConnection> connect(
      String host, int port, java.util.Map<String, String> parameters) {
    CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
    if (handler == null || stopped.get()) {
      opened.completeExceptionally(new IllegalStateException("transport not running"));
      return opened;
    }
    URI uri;
    try {
      String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      StringBuilder query = new StringBuilder();
      for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(parameters).entrySet()) {
        query.append(query.length() == 0 ? "?" : "&")
            .append(java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8))
            .append('=')
            .append(java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
      }
      uri = new URI("ws://" + h + ":" + port + TransportSettings.WEBSOCKET_PATH + query);
    } catch (java.net.URISyntaxException e) {
      opened.completeExceptionally(new IllegalArgumentException("bad peer address " + host + ":" + port));
      return opened;
    }
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
    Bootstrap b =
        new Bootstrap()
            .group(workers)
            .channel(IoSupport.channel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(bytes);
                    p.addLast(
                        "idle",
                        new IdleStateHandler(
                            settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    p.addLast(new FlushConsolidationHandler(256, true));
                    p.addLast(new HttpClientCodec(MAX_INITIAL_LINE, MAX_RESPONSE_HEADERS, 8192));
                    p.addLast(WebSocketErrorHandler.INSTANCE);
                    p.addLast(new HttpObjectAggregator(64 * 1024));
                    p.addLast(
                        new WebSocketClientProtocolHandler(
                            WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(uri)
                                .maxFramePayloadLength(settings.maxFrameBytes())
                                .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
                                .allowExtensions(false)
                                .dropPongFrames(true)
                                .build()));
                    p.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
                    p.addLast(new WebSocketFrameHandler(NettyTransport.this, true, opened));
                  }
                });
    b.connect(host, port)
        .addListener(
            (ChannelFuture cf) -> {
              if (!cf.isSuccess()) {
                opened.completeExceptionally(cf.cause());
              } else {
                channels.add(cf.channel());
              }
            });
    return opened;
  }

  @Override
  public long bytesIn() {
    return bytes.in.sum();
  }

  @Override
  public long bytesOut() {
    return bytes.out.sum();
  }

  @Override
  public synchronized CompletableFuture<Void> stop() {
    if (!stopped.compareAndSet(false, true) || boss == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    channels
        .close()
        .addListener(
            f -> {
              var b = boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
              var w = workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
              w.addListener(x -> b.addListener(y -> done.complete(null)));
            });
    return done;
  }

  @Override
  public String toString() {
    return "NettyTransport[" + IoSupport.name() + ", " + settings.host() + "]";
  }
}
