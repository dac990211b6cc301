package org.brightchain.net.netty.nat;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.netty.nat.PcpCodec.MapAnswer;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * PCP (RFC 6887): MAP requests to the default gateway's UDP port 5351. Each mapping has its own
 * random 12-byte nonce, kept for its renewals and its deletion (only the nonce's holder may change
 * a mapping), and answers must carry it. A check sends ANNOUNCE and compares the gateway's epoch:
 * one that went back means the gateway restarted and forgot its mappings.
 */
final class PcpPortMapper implements PortMapper {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final NatContext ctx;
  private final EpochTracker epochs;

  /** Nonce of each mapping, by protocol and internal port. */
  private final Map<String, byte[]> nonces = new ConcurrentHashMap<>();

  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean heard;

  /** The epoch of the last answer; read and written on the gateway thread only. */
  private long lastEpoch;

  PcpPortMapper(NatContext ctx) {
    this.ctx = ctx;
    this.epochs = new EpochTracker(System::nanoTime);
  }

  @Override
  public String name() {
    return PcpCodec.METHOD;
  }

  @Override
  public CompletableFuture<PortMapping> map(UPNPConfig request) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          byte[] nonce = new byte[PcpCodec.NONCE_BYTES];
          RANDOM.nextBytes(nonce);
          PortMapping m =
              send(lan, request.protocol(), request.port(), request.port(), request.ttl(), nonce);
          epochsSeen(false);
          nonces.put(key(request.protocol(), request.port()), nonce);
          return m;
        });
  }

  @Override
  public CompletableFuture<PortMapping> renew(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          PortMapping renewed =
              send(
                  lan,
                  m.protocol(),
                  m.internalPort(),
                  m.externalPort(),
                  ctx.config.lease(),
                  nonce(m));
          epochsSeen(true);
          return renewed;
        });
  }

  @Override
  public CompletableFuture<PortMapping> check(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          long epoch =
              exchange(
                  lan, PcpCodec.announceRequest(lan.local().address()), PcpCodec::readAnnounce);
          lastEpoch = epoch;
          epochsSeen(true);
          return m;
        });
  }

  @Override
  public CompletableFuture<Void> unmap(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          byte[] nonce = nonce(m);
          int protocol = protocol(m.protocol());
          MapAnswer answer =
              exchange(
                  lan,
                  PcpCodec.mapRequest(
                      lan.local().address(), nonce, protocol, m.internalPort(), 0, 0),
                  d -> PcpCodec.readMap(d, nonce, protocol, m.internalPort()));
          lastEpoch = answer.epoch();
          epochsSeen(false);
          nonces.remove(key(m.protocol(), m.internalPort()));
          return null;
        });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ctx.release();
    }
  }

  /** Feeds the last answer's epoch to the tracker; a reset fails the operation if it matters. */
  private void epochsSeen(boolean resetMatters) throws PortMappingException {
    String reset = epochs.observe(lastEpoch);
    if (reset != null && resetMatters) {
      throw new PortMappingException(
          Reason.LOST,
          name(),
          -1,
          "the gateway restarted (" + reset + ") and lost its mappings",
          null);
    }
  }

  private PortMapping send(
      LocalNetwork.Lan lan,
      UPNPConfig.Protocol p,
      int internalPort,
      int suggested,
      Duration ttl,
      byte[] nonce)
      throws PortMappingException {
    int protocol = protocol(p);
    MapAnswer a =
        exchange(
            lan,
            PcpCodec.mapRequest(
                lan.local().address(),
                nonce,
                protocol,
                internalPort,
                suggested,
                NatPmpPortMapper.seconds(ttl)),
            d -> PcpCodec.readMap(d, nonce, protocol, internalPort));
    lastEpoch = a.epoch();
    if (a.lifetime() == 0 || a.externalPort() == 0 || a.externalAddress().isAnyLocalAddress()) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          name(),
          0,
          "the gateway granted "
              + a.externalAddress().getHostAddress()
              + ":"
              + a.externalPort()
              + " for "
              + a.lifetime()
              + " s",
          null);
    }
    return new PortMapping(
        name(),
        p,
        lan.local().address().getHostAddress(),
        internalPort,
        a.externalAddress().getHostAddress(),
        a.externalPort(),
        Duration.ofSeconds(a.lifetime()),
        lan.gateway().getHostAddress());
  }

  private <T> T exchange(LocalNetwork.Lan lan, byte[] request, UdpExchange.Reader<T> reader)
      throws PortMappingException {
    try {
      T answer =
          UdpExchange.exchange(
              name(),
              new InetSocketAddress(lan.local().address(), 0),
              new InetSocketAddress(lan.gateway(), NatPmpCodec.PORT),
              request,
              ctx.config.requestTimeout(),
              heard,
              reader);
      heard = true;
      return answer;
    } catch (PortMappingException e) {
      if (e.code() >= 0) {
        heard = true;
      }
      throw e;
    }
  }

  private byte[] nonce(PortMapping m) throws PortMappingException {
    byte[] n = nonces.get(key(m.protocol(), m.internalPort()));
    if (n == null) {
      throw new PortMappingException(
          Reason.LOST,
          name(),
          -1,
          "no PCP mapping of port " + m.internalPort() + " made here",
          null);
    }
    return n;
  }

  private static String key(UPNPConfig.Protocol p, int port) {
    return p + "/" + port;
  }

  private static int protocol(UPNPConfig.Protocol p) {
    return p == UPNPConfig.Protocol.TCP ? PcpCodec.TCP : PcpCodec.UDP;
  }
}
