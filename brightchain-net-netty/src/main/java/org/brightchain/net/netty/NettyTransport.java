package org.brightchain.net.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;

/**
 * The Netty implementation of {@link Transport}: an HTTP/1.1 server for REST, a WebSocket server at
 * {@code /ws} (on the REST port, or on a port of its own), and a WebSocket client for dialling
 * peers. Uses native epoll when {@code netty-transport-native-epoll} is on the class path, NIO
 * otherwise.
 *
 * <p>Each accepted connection counts against per-address and per-subnet caps until it closes; one
 * over a cap is answered 429. Each server pipeline composes Netty's stock handlers: the two halves
 * of {@code HttpServerCodec} (its request decoder extended with the header size limit and absolute
 * deadlines for the headers and for the whole request, answering 431 and 408) → an aggregator
 * bounded by {@link TransportSettings#maxBodyBytes()} that answers 413 → {@code
 * WebSocketServerProtocolHandler} (handshake, control frames, frame size limit) → {@code
 * WebSocketFrameAggregator} (message size limit) → the REST handler → the WebSocket frame handler.
 * Writes are coalesced by {@code FlushConsolidationHandler}.
 */
public final class NettyTransport implements Transport {
  /** The reason of the close frame every WebSocket connection gets when the transport stops. */
  static final String SHUTDOWN_REASON = "node shutting down";

  /** How long a stopping transport waits for its connections to close before closing them. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final TransportSettings settings;
  private final ByteCounter bytes = new ByteCounter();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final TransportDiagnostics diagnostics = new TransportDiagnostics();
  private final SlowConsumerGuard guard;
  private final ConnectionSlots slots;
  private final AddressAdmission admission;
  private final TransportParts parts;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile TransportHandler handler;
  private EventLoopGroup boss;
  private EventLoopGroup workers;

  /** A transport with these settings; nothing happens until {@link #start}. */
  public NettyTransport(TransportSettings settings) {
    this.settings = settings;
    this.guard = new SlowConsumerGuard(settings.maxQueuedBytes(), settings.slowConsumerPolicy());
    this.slots = new ConnectionSlots(settings.maxConnections());
    this.admission =
        new AddressAdmission(
            new AddressLimiter(settings.limits().maxPerAddress(), settings.limits().maxPerSubnet()),
            diagnostics);
    this.parts =
        new TransportParts(
            settings,
            bytes,
            channels,
            admission,
            diagnostics,
            slots,
            new ConnectionFactory(channels, guard));
  }

  /** The most bytes ever queued on one connection: never above the bound but for one frame. */
  public long maxQueuedBytesSeen() {
    return guard.maxQueuedBytesSeen();
  }

  /** Frames dropped for slow consumers so far. */
  public long slowConsumerDrops() {
    return guard.drops();
  }

  /** Connections closed as slow consumers so far. */
  public long slowConsumerCloses() {
    return guard.closes();
  }

  /** Connections refused so far for being over the per-address or per-subnet cap. */
  public long refusedConnections() {
    return diagnostics.refusedConnections();
  }

  /** Connections closed so far for not completing their request headers in time. */
  public long headerTimeouts() {
    return diagnostics.headerTimeouts();
  }

  /** Connections closed so far for not completing a whole request, body included, in time. */
  public long requestTimeouts() {
    return diagnostics.requestTimeouts();
  }

  /** WebSocket and event-stream connections open now. */
  public int openConnections() {
    return slots.open();
  }

  AddressLimiter addresses() {
    return admission.addresses();
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

  private CompletableFuture<InetSocketAddress> bind(
      int port, boolean rest, boolean ws, String what) {
    CompletableFuture<InetSocketAddress> f = new CompletableFuture<>();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(IoSupport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ServerChannelInitializer(parts, handler, rest, ws));
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

  @Override
  public CompletableFuture<PeerConnection> connect(
      String host, int port, Map<String, String> parameters) {
    CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
    if (handler == null || stopped.get()) {
      opened.completeExceptionally(new IllegalStateException("transport not running"));
      return opened;
    }
    URI uri;
    try {
      uri = webSocketUri(host, port, parameters);
    } catch (URISyntaxException e) {
      opened.completeExceptionally(
          new IllegalArgumentException("bad peer address " + host + ":" + port));
      return opened;
    }
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
    Bootstrap b =
        new Bootstrap()
            .group(workers)
            .channel(IoSupport.channel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ClientChannelInitializer(parts, handler, uri, parameters, opened));
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

  /** The peer's WebSocket endpoint, with the parameters as its query, sorted by name. */
  private static URI webSocketUri(String host, int port, Map<String, String> parameters)
      throws URISyntaxException {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(parameters).entrySet()) {
      query
          .append(query.length() == 0 ? "?" : "&")
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return new URI("ws://" + h + ":" + port + TransportSettings.WEBSOCKET_PATH + query);
  }

  @Override
  public long bytesIn() {
    return bytes.in.sum();
  }

  @Override
  public long bytesOut() {
    return bytes.out.sum();
  }

  /**
   * Stops listening, ends every connection, then releases the threads. Every WebSocket connection
   * that has not sent its close frame gets close 1001 {@value #SHUTDOWN_REASON}, whether or not the
   * node knew of it yet (a connection opening meanwhile is closed so too); an event stream gets the
   * end of its response; any other connection is closed. Connections have {@link #CLOSE_GRACE} to
   * see their close written, then whatever is left is closed.
   */
  @Override
  public synchronized CompletableFuture<Void> stop() {
    if (!stopped.compareAndSet(false, true) || boss == null) {
      return CompletableFuture.completedFuture(null);
    }
    // Before the channels are read: a connection made from now on is closed by its maker.
    parts.connections().stop();
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (Channel ch : channels) {
      if (ch instanceof ServerChannel) {
        ch.close(); // no new connections
        continue;
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      ch.closeFuture().addListener(x -> f.complete(null));
      closed.add(f);
      // On the channel's event loop, after whatever the node asked of it before.
      ch.eventLoop().execute(() -> end(ch));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, e) ->
                channels
                    .close()
                    .addListener(
                        f -> {
                          var b = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                          var w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                          w.addListener(x -> b.addListener(y -> done.complete(null)));
                        }));
    return done;
  }

  /**
   * Ends {@code ch} as the transport stops; on its event loop. A connection closes as its kind does
   * (close 1001 for WebSocket, the end of the response for an event stream); both are idempotent,
   * and the {@link CloseFrameGuard} lets no second close frame out. An accepted channel whose
   * upgrade was answered but whose connection is not made yet gets its close frame here.
   */
  private static void end(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    AbortableConnection c = ch.attr(ConnectionFactory.CONNECTION).get();
    if (c != null) {
      c.close(1001, SHUTDOWN_REASON);
    } else if (ch.parent() != null
        && ch.pipeline().get(WebSocketFrameEncoder.class) != null
        && ch.pipeline().get(CloseFrameGuard.class) != null) {
      ch.writeAndFlush(new CloseWebSocketFrame(1001, SHUTDOWN_REASON))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  @Override
  public String toString() {
    return "NettyTransport[" + IoSupport.name() + ", " + settings.host() + "]";
  }
}
