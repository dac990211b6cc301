package org.brightchain.net.netty.discovery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoveryConfig;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery by UDP multicast ({@code docs/discovery-multicast.md}): every broadcast interval
 * the node sends its signed advert ({@link SignedAdvert}) to the multicast group, and reports the
 * nodes whose adverts it verifies as candidate peers. Does nothing unless the node's {@link
 * org.brightchain.net.config.DiscoverySettings#multicast()} is set.
 *
 * <p>The group ({@code 239.255.42.42} by default, or an IPv6 group such as {@code ff02::4242}) is
 * joined on every interface that is up, multicast-capable and has an address of the group's family
 * (the loopback interface when there is none, IPv4 only), on a socket bound with {@code
 * SO_REUSEADDR} so that several nodes on one host share the port. Adverts go out on each of those
 * interfaces with a TTL of 1 and multicast loopback on, so nodes on one host hear each other too.
 * The interval is shortened by up to a tenth at random, never lengthened: a node is heard at least
 * once per interval.
 *
 * <p>Received datagrams are checked cheapest first: over {@link SignedAdvert#MAX_BYTES} they are
 * dropped unread; then decoded; the node's own adverts and copies of an advert already accepted are
 * dropped; then each source address may have a few adverts verified per interval (and all sources
 * together a fixed number), and only then is the signature checked, with a freshness of twice the
 * node timeout. A valid advert reports its node to {@link DiscoveryContext#candidate} (at the
 * advert's address, or the datagram's source when the advert has none) at most once per interval
 * per node. Nothing is ever sent in reply to a datagram. The table of nodes heard forgets a node
 * after the node timeout and holds at most 1,024 nodes (when full, the least recently heard makes
 * room, unless it too was heard within the last interval), so a flood of adverts, valid or not,
 * costs bounded memory and CPU.
 *
 * <p>Registered for {@link java.util.ServiceLoader}; one instance serves one node, once: start,
 * then stop.
 */
public final class MulticastDiscovery implements DiscoveryProvider {
  private static final Logger log = LoggerFactory.getLogger(MulticastDiscovery.class);

  /** The provider's name, also the source given with each candidate. */
  public static final String NAME = "multicast";

  /** New nodes logged one by one per interval; more are summed up in one line. */
  private static final int NEW_NODE_LINES = 32;

  /**
   * A node heard on the LAN.
   *
   * @param nodeId its verified id
   * @param host where to reach it: the address in its advert, or the address it sent from
   * @param port its WebSocket port
   * @param lastHeard when its last valid advert arrived
   */
  public record HeardNode(NodeId nodeId, String host, int port, Instant lastHeard) {}

  /**
   * What the provider sent and received since it started. Every received datagram counts once, in
   * {@code accepted} or in one of the reasons after it.
   *
   * @param sent adverts sent (one per interface per interval)
   * @param sendFailures adverts the socket refused to send
   * @param received datagrams received
   * @param accepted valid adverts from other nodes
   * @param tooBig datagrams over {@link SignedAdvert#MAX_BYTES}, dropped unread
   * @param malformed datagrams that are not a signed advert
   * @param own this node's own adverts, looped back
   * @param duplicate adverts not newer than the last one accepted from their node (copies received
   *     on two interfaces, replays)
   * @param rateLimited adverts over their source's allowance, or over the allowance of all sources,
   *     of the interval: dropped before their signature was checked
   * @param keyMismatch adverts whose node id is not the hash of their public key
   * @param badSignature adverts whose signature does not verify
   * @param stale adverts whose timestamp is more than twice the node timeout from this node's clock
   * @param tableFull valid adverts of nodes not in the table, turned away because the table was
   *     full of nodes heard within the last interval
   * @param evicted nodes dropped from a full table to make room for a new one (the least recently
   *     heard, when not heard within the last interval)
   */
  public record Counters(
      long sent,
      long sendFailures,
      long received,
      long accepted,
      long tooBig,
      long malformed,
      long own,
      long duplicate,
      long rateLimited,
      long keyMismatch,
      long badSignature,
      long stale,
      long tableFull,
      long evicted) {

    /** Datagrams refused, for any reason ({@code own} included). */
    public long rejected() {
      return tooBig
          + malformed
          + own
          + duplicate
          + rateLimited
          + keyMismatch
          + badSignature
          + stale
          + tableFull;
    }

    /** The intake's receive counters, with the send counters given. */
    static Counters of(long sent, long sendFailures, IntakeCounts in) {
      return new Counters(
          sent,
          sendFailures,
          in.received(),
          in.accepted(),
          in.tooBig(),
          in.malformed(),
          in.own(),
          in.duplicate(),
          in.rateLimited(),
          in.keyMismatch(),
          in.badSignature(),
          in.stale(),
          in.tableFull(),
          in.evicted());
    }
  }

  private final IntakeLimits limits;
  private final Function<InetAddress, List<NetworkInterface>> interfaces;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile Running running;

  /** Public for {@link java.util.ServiceLoader}. */
  public MulticastDiscovery() {
    this(IntakeLimits.defaults(), MulticastDiscovery::interfacesFor);
  }

  /** With other bounds, and a choice of interfaces for a group (tests). */
  MulticastDiscovery(
      IntakeLimits limits, Function<InetAddress, List<NetworkInterface>> interfaces) {
    this.limits = limits;
    this.interfaces = interfaces;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Before the providers that cost more to ask (DNS seeds): a LAN answers within an interval. */
  @Override
  public int priority() {
    return 10;
  }

  /**
   * Joins the group and starts advertising, if the node's settings ask for multicast. Binding and
   * joining take a few milliseconds; failures are thrown (a port in use without address reuse, no
   * interface, a group that is not a multicast address).
   *
   * @throws IllegalStateException if started before
   */
  @Override
  public void start(DiscoveryContext context) throws Exception {
    Optional<DiscoveryConfig> configured = context.settings().multicast();
    if (configured.isEmpty()) {
      log.debug("multicast discovery off");
      return;
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("multicast: started already");
    }
    DiscoveryConfig config = configured.get();
    InetAddress group = NetUtil.createInetAddressFromIpAddressString(config.multicastAddress());
    if (group == null || !group.isMulticastAddress()) {
      throw new IllegalArgumentException(
          "multicastAddress: '"
              + config.multicastAddress()
              + "' (expected: a multicast IP address, such as 239.255.42.42 or ff02::4242)");
    }
    List<NetworkInterface> nifs = interfaces.apply(group);
    if (nifs.isEmpty()) {
      throw new IOException(
          "multicast: no network interface is up with an "
              + (group instanceof Inet6Address ? "IPv6" : "IPv4")
              + " address");
    }
    Running r =
        new Running(
            context,
            config,
            new InetSocketAddress(group, config.port()),
            new AdvertIntake(
                context.self().nodeId(), config.broadcastInterval(), config.nodeTimeout(), limits));
    try {
      r.open(nifs);
    } catch (Exception | Error e) {
      r.close();
      throw e;
    }
    running = r;
    if (stopped.get()) {
      r.close(); // stopped while starting
      return;
    }
    r.scheduleFirst();
    log.info(
        "multicast: group {} port {} joined on {} ({}); an advert every {} ms, nodes forgotten after {} ms",
        NetUtil.toAddressString(group),
        config.port(),
        r.joinedNames(),
        DatagramSupport.name(),
        config.broadcastInterval().toMillis(),
        config.nodeTimeout().toMillis());
  }

  /** Leaves the group and closes the sockets; idempotent. */
  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    Running r = running;
    if (r != null) {
      r.close();
    }
  }

  /** Whether the provider runs: started with multicast on, not stopped. */
  public boolean active() {
    return running != null && !stopped.get();
  }

  /** The nodes heard within the node timeout, most recently heard first; empty if not started. */
  public List<HeardNode> heard() {
    Running r = running;
    if (r == null) {
      return List.of();
    }
    return r.intake.heard(r.clock.millis()).stream()
        .map(
            s ->
                new HeardNode(
                    s.nodeId(), s.host(), s.port(), Instant.ofEpochMilli(s.heardAtMillis())))
        .toList();
  }

  /** The counters since start; zeros if not started. */
  public Counters counters() {
    Running r = running;
    return r == null
        ? Counters.of(0, 0, IntakeCounts.none())
        : Counters.of(r.sent.get(), r.sendFailures.get(), r.intake.counts());
  }

  /** The names of the interfaces the group was joined on; empty if not started. */
  public List<String> interfaceNames() {
    Running r = running;
    return r == null ? List.of() : r.joinedNames();
  }

  /**
   * The interfaces to use for {@code group}: up, multicast-capable, not point-to-point, with an
   * address of the group's family; the loopback interface if none is (IPv4 only: Linux does not
   * loop IPv6 multicast through it).
   */
  static List<NetworkInterface> interfacesFor(InetAddress group) {
    boolean v6 = group instanceof Inet6Address;
    List<NetworkInterface> out = new ArrayList<>();
    NetworkInterface loopback = null;
    List<NetworkInterface> all;
    try {
      all = Collections.list(NetworkInterface.getNetworkInterfaces());
    } catch (SocketException | NullPointerException e) {
      return List.of();
    }
    for (NetworkInterface nif : all) {
      try {
        boolean hasFamily =
            nif.inetAddresses()
                .anyMatch(a -> v6 ? a instanceof Inet6Address : a instanceof Inet4Address);
        if (!nif.isUp() || !hasFamily) {
          continue;
        }
        if (nif.isLoopback()) {
          loopback = nif;
        } else if (nif.supportsMulticast() && !nif.isPointToPoint()) {
          out.add(nif);
        }
      } catch (SocketException e) {
        // gone while listed
      }
    }
    if (out.isEmpty() && loopback != null && !v6) {
      out.add(loopback);
    }
    return out;
  }

  /** Everything that exists between start and stop. */
  private static final class Running {
    final DiscoveryContext ctx;
    final DiscoveryConfig config;
    final InetSocketAddress group;
    final AdvertIntake intake;
    final Clock clock;
    final Scheduler scheduler;
    final EventLoopGroup loop;
    final SocketProtocolFamily family;
    final List<NetworkInterface> joined = new ArrayList<>();
    final List<DatagramChannel> senders = new ArrayList<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong sendFailures = new AtomicLong();
    final AtomicLong logWindow = new AtomicLong(Long.MIN_VALUE / 2);
    final AtomicInteger newLines = new AtomicInteger();
    final AtomicInteger newUnlogged = new AtomicInteger();
    DatagramChannel receiver;
    volatile boolean closed;
    final AtomicBoolean closing = new AtomicBoolean();
    volatile Scheduler.Cancellable timer;
    boolean warnedTooBig;

    Running(
        DiscoveryContext ctx,
        DiscoveryConfig config,
        InetSocketAddress group,
        AdvertIntake intake) {
      this.ctx = ctx;
      this.config = config;
      this.group = group;
      this.intake = intake;
      this.clock = ctx.clock();
      this.scheduler = ctx.scheduler();
      this.family =
          group.getAddress() instanceof Inet6Address
              ? SocketProtocolFamily.INET6
              : SocketProtocolFamily.INET;
      this.loop = DatagramSupport.group("brightchain-multicast");
    }

    void open(List<NetworkInterface> nifs) throws Exception {
      InetAddress any = wildcard();
      receiver =
          (DatagramChannel)
              await(
                      new Bootstrap()
                          .group(loop)
                          .channelFactory(DatagramSupport.channels(family))
                          .option(ChannelOption.SO_REUSEADDR, true)
                          // One byte over the limit: a longer datagram arrives cut, and is dropped
                          // as too big.
                          .option(
                              ChannelOption.RCVBUF_ALLOCATOR,
                              new FixedRecvByteBufAllocator(SignedAdvert.MAX_BYTES + 1))
                          .handler(new MulticastAdvertHandler(intake, clock, this::accepted))
                          .bind(new InetSocketAddress(any, group.getPort())),
                      "bind UDP port " + group.getPort())
                  .channel();
      for (NetworkInterface nif : nifs) {
        ChannelFuture f = receiver.joinGroup(group, nif);
        if (f.awaitUninterruptibly(2, TimeUnit.SECONDS) && f.isSuccess()) {
          joined.add(nif);
        } else {
          log.warn(
              "multicast: cannot join {} on {}: {}",
              NetUtil.toAddressString(group.getAddress()),
              nif.getName(),
              f.cause() == null ? "timed out" : LogText.safe(f.cause()));
        }
      }
      if (joined.isEmpty()) {
        throw new IOException(
            "multicast: could not join "
                + NetUtil.toAddressString(group.getAddress())
                + " on any interface");
      }
      for (NetworkInterface nif : joined) {
        Bootstrap b =
            new Bootstrap()
                .group(loop)
                .channelFactory(DatagramSupport.channels(family))
                .option(ChannelOption.IP_MULTICAST_IF, nif)
                // One hop: adverts stay on the link, whatever routers there are.
                .option(ChannelOption.IP_MULTICAST_TTL, 1)
                .handler(new Discard());
        senders.add(
            (DatagramChannel)
                await(
                        DatagramSupport.multicastLoopback(b).bind(new InetSocketAddress(any, 0)),
                        "open a socket to send on " + nif.getName())
                    .channel());
      }
    }

    private InetAddress wildcard() throws UnknownHostException {
      return InetAddress.getByAddress(new byte[family == SocketProtocolFamily.INET6 ? 16 : 4]);
    }

    private static ChannelFuture await(ChannelFuture f, String what) throws Exception {
      if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
        throw new IOException("multicast: cannot " + what + ": timed out");
      }
      if (!f.isSuccess()) {
        Throwable t = f.cause();
        throw new IOException("multicast: cannot " + what + ": " + t.getMessage(), t);
      }
      return f;
    }

    List<String> joinedNames() {
      return joined.stream().map(NetworkInterface::getName).toList();
    }

    void scheduleFirst() {
      // Soon, but not all at once when many nodes start together.
      long spread = Math.min(250, config.broadcastInterval().toMillis() / 10);
      timer =
          scheduler.schedule(
              this::tick,
              Duration.ofMillis(
                  spread <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread + 1)));
    }

    private void tick() {
      if (closed) {
        return;
      }
      try {
        long now = clock.millis();
        byte[] advert = SignedAdvert.sign(ctx.self(), now, ctx.publicKey(), ctx::sign).encode();
        if (advert.length > SignedAdvert.MAX_BYTES) {
          if (!warnedTooBig) {
            warnedTooBig = true;
            log.warn(
                "multicast: the advert is {} bytes, over {}: not sent (too many capabilities or too long an address)",
                advert.length,
                SignedAdvert.MAX_BYTES);
          }
        } else {
          for (DatagramChannel s : senders) {
            s.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(advert), group))
                .addListener(
                    f -> {
                      if (f.isSuccess()) {
                        sent.incrementAndGet();
                      } else {
                        sendFailures.incrementAndGet();
                        log.debug("multicast: send failed: {}", LogText.safe(f.cause()));
                      }
                    });
          }
        }
        intake.expire(now);
        int unlogged = newUnlogged.getAndSet(0);
        if (unlogged > 0) {
          log.info(
              "multicast: {} more new nodes heard, not logged one by one ({} in the table)",
              unlogged,
              intake.size());
        }
      } catch (RuntimeException e) {
        log.warn("multicast: cannot send the advert: {}", LogText.safe(e));
      } finally {
        if (!closed) {
          long interval = config.broadcastInterval().toMillis();
          // Shorter by up to a tenth, never longer, so that nodes do not send in step.
          long next = interval - ThreadLocalRandom.current().nextLong(interval / 10 + 1);
          timer = scheduler.schedule(this::tick, Duration.ofMillis(Math.max(1, next)));
        }
      }
    }

    /** On the event loop: an advert passed every check. */
    private void accepted(AdvertDecision d) {
      Candidate c = d.report();
      if (d.isNew() && c != null) {
        logNew(c);
      }
      if (c != null && !closed) {
        scheduler.execute(
            () -> {
              try {
                ctx.candidate(c.host(), c.port(), c.nodeId(), NAME);
              } catch (RuntimeException e) {
                log.warn(
                    "multicast: the node refused candidate {}:{}: {}",
                    LogText.safe(c.host()),
                    c.port(),
                    LogText.safe(e));
              }
            });
      }
    }

    private void logNew(Candidate c) {
      long now = clock.millis();
      long window = logWindow.get();
      if (now - window >= config.broadcastInterval().toMillis()
          && logWindow.compareAndSet(window, now)) {
        newLines.set(0);
      }
      if (newLines.incrementAndGet() <= NEW_NODE_LINES) {
        log.info(
            "multicast: heard node {} at {}:{} ({} in the table)",
            c.nodeId().hex(),
            LogText.safe(c.host()),
            c.port(),
            intake.size());
      } else {
        newUnlogged.incrementAndGet();
        log.debug(
            "multicast: heard node {} at {}:{}",
            c.nodeId().hex(),
            LogText.safe(c.host()),
            c.port());
      }
    }

    void close() {
      if (!closing.compareAndSet(false, true)) {
        return;
      }
      closed = true;
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
      if (receiver != null) {
        for (NetworkInterface nif : joined) {
          receiver.leaveGroup(group, nif).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        receiver.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
      for (DatagramChannel s : senders) {
        s.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
      log.debug("multicast: stopped");
    }
  }

  /** The sending sockets expect nothing; whatever reaches them is dropped. */
  @ChannelHandler.Sharable
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("multicast: {}", LogText.safe(cause));
    }
  }
}
