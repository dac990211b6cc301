package org.brightchain.net.netty.nat;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.netty.nat.NatPmpCodec.AddressAnswer;
import org.brightchain.net.netty.nat.NatPmpCodec.MapAnswer;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAT-PMP (RFC 6886): a public address request, then a mapping request, to the default gateway's
 * UDP port 5351. Renewal is the same request for the granted external port; a check asks for the
 * public address again and compares the gateway's epoch: one that went back means the gateway
 * restarted and forgot its mappings.
 */
final class NatPmpPortMapper implements PortMapper {
  private static final Logger log = LoggerFactory.getLogger(NatPmpPortMapper.class);

  private final NatContext ctx;
  private final EpochTracker epochs;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean heard;

  NatPmpPortMapper(NatContext ctx) {
    this.ctx = ctx;
    this.epochs = new EpochTracker(System::nanoTime);
  }

  @Override
  public String name() {
    return NatPmpCodec.METHOD;
  }

  @Override
  public CompletableFuture<PortMapping> map(UPNPConfig request) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          AddressAnswer a =
              exchange(lan, NatPmpCodec.addressRequest(), d -> NatPmpCodec.readAddress(d));
          epochs.observe(a.epoch());
          return mapOnce(
              lan, request.protocol(), request.port(), request.port(), request.ttl(), a.address());
        });
  }

  @Override
  public CompletableFuture<PortMapping> renew(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          int op = op(m.protocol());
          MapAnswer answer =
              exchange(
                  lan,
                  NatPmpCodec.mapRequest(
                      op, m.internalPort(), m.externalPort(), seconds(ctx.config.lease())),
                  d -> NatPmpCodec.readMap(d, op, m.internalPort()));
          String reset = epochs.observe(answer.epoch());
          if (reset != null) {
            // The renewal made the mapping again, but the gateway may have forgotten the others.
            throw lost(reset);
          }
          return granted(lan, m.protocol(), answer, m.externalAddress());
        });
  }

  @Override
  public CompletableFuture<PortMapping> check(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          AddressAnswer a =
              exchange(lan, NatPmpCodec.addressRequest(), d -> NatPmpCodec.readAddress(d));
          String reset = epochs.observe(a.epoch());
          if (reset != null) {
            throw lost(reset);
          }
          String address = a.address().getHostAddress();
          return address.equals(m.externalAddress()) ? m : m.withExternalAddress(address);
        });
  }

  @Override
  public CompletableFuture<Void> unmap(PortMapping m) {
    return ctx.run(
        name(),
        () -> {
          LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
          int op = op(m.protocol());
          try {
            MapAnswer answer =
                exchange(
                    lan,
                    NatPmpCodec.mapRequest(op, m.internalPort(), 0, 0),
                    d -> NatPmpCodec.readMap(d, op, m.internalPort()));
            epochs.observe(answer.epoch());
          } catch (PortMappingException e) {
            if (e.reason() != Reason.DENIED) {
              throw e;
            }
            // Some gateways refuse to delete what they no longer have: gone either way.
            log.debug(
                "natpmp: the gateway refused to delete port {}: {}",
                m.internalPort(),
                LogText.safe(e.getMessage()));
          }
          return null;
        });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ctx.release();
    }
  }

  private PortMapping mapOnce(
      LocalNetwork.Lan lan,
      UPNPConfig.Protocol protocol,
      int internalPort,
      int suggested,
      Duration ttl,
      Inet4Address external)
      throws PortMappingException {
    int op = op(protocol);
    MapAnswer answer =
        exchange(
            lan,
            NatPmpCodec.mapRequest(op, internalPort, suggested, seconds(ttl)),
            d -> NatPmpCodec.readMap(d, op, internalPort));
    epochs.observe(answer.epoch());
    return granted(lan, protocol, answer, external.getHostAddress());
  }

  private PortMapping granted(
      LocalNetwork.Lan lan, UPNPConfig.Protocol protocol, MapAnswer answer, String external)
      throws PortMappingException {
    if (answer.lifetime() == 0 || answer.externalPort() == 0) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          name(),
          0,
          "the gateway granted port " + answer.externalPort() + " for " + answer.lifetime() + " s",
          null);
    }
    return new PortMapping(
        name(),
        protocol,
        lan.local().address().getHostAddress(),
        answer.internalPort(),
        external,
        answer.externalPort(),
        Duration.ofSeconds(answer.lifetime()),
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
              d -> {
                T t = reader.read(d);
                heard = true;
                return t;
              });
      heard = true;
      return answer;
    } catch (PortMappingException e) {
      if (e.code() >= 0) {
        heard = true; // a refusal is an answer
      }
      throw e;
    }
  }

  private PortMappingException lost(String reset) {
    return new PortMappingException(
        Reason.LOST,
        name(),
        -1,
        "the gateway restarted (" + reset + ") and lost its mappings",
        null);
  }

  static int op(UPNPConfig.Protocol p) {
    return p == UPNPConfig.Protocol.TCP ? NatPmpCodec.OP_MAP_TCP : NatPmpCodec.OP_MAP_UDP;
  }

  static long seconds(Duration d) {
    return Math.min(0xFFFF_FFFFL, Math.max(1, d.getSeconds()));
  }
}
