package org.brightchain.net.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.core.testing.VirtualScheduler;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException;

/**
 * Test helper: a gateway in a box. By default it grants every request at once (the same external
 * port, {@link #address}, {@link #lifetime}); a test replaces any operation's behaviour, and reads
 * the calls it got, each with the virtual time it came at.
 */
public final class FakePortMapper implements PortMapper {
  /** One call: what, for which internal port, when. */
  public record Call(String op, int port, Instant at) {}

  private final String name;
  private final VirtualScheduler vs;
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public volatile String address = "203.0.113.7";
  public volatile Duration lifetime = Duration.ofHours(1);
  public volatile int portOffset;
  public volatile boolean closed;

  public Function<UPNPConfig, CompletableFuture<PortMapping>> map =
      r -> CompletableFuture.completedFuture(mapping(r.port(), r.port() + portOffset));
  public Function<PortMapping, CompletableFuture<PortMapping>> renew =
      m -> CompletableFuture.completedFuture(mapping(m.internalPort(), m.externalPort()));
  public Function<PortMapping, CompletableFuture<PortMapping>> check =
      m -> CompletableFuture.completedFuture(m.withExternalAddress(address));
  public Function<PortMapping, CompletableFuture<Void>> unmap =
      m -> CompletableFuture.completedFuture(null);

  public FakePortMapper(String name, VirtualScheduler vs) {
    this.name = name;
    this.vs = vs;
  }

  public PortMapping mapping(int internal, int external) {
    return new PortMapping(
        name,
        UPNPConfig.Protocol.TCP,
        "192.168.1.20",
        internal,
        address,
        external,
        lifetime,
        "192.168.1.1");
  }

  public static <T> CompletableFuture<T> failing(
      PortMappingException.Reason reason, String method, int code, String message) {
    return CompletableFuture.failedFuture(
        new PortMappingException(reason, method, code, message, null));
  }

  /** A future that never completes: a gateway that does not answer. */
  public static <T> CompletableFuture<T> silent() {
    return new CompletableFuture<>();
  }

  public long count(String op) {
    return calls.stream().filter(c -> c.op().equals(op)).count();
  }

  public List<Call> calls(String op) {
    return calls.stream().filter(c -> c.op().equals(op)).toList();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<PortMapping> map(UPNPConfig request) {
    calls.add(new Call("map", request.port(), vs.now()));
    return map.apply(request);
  }

  @Override
  public CompletableFuture<PortMapping> renew(PortMapping mapping) {
    calls.add(new Call("renew", mapping.internalPort(), vs.now()));
    return renew.apply(mapping);
  }

  @Override
  public CompletableFuture<PortMapping> check(PortMapping mapping) {
    calls.add(new Call("check", mapping.internalPort(), vs.now()));
    return check.apply(mapping);
  }

  @Override
  public CompletableFuture<Void> unmap(PortMapping mapping) {
    calls.add(new Call("unmap", mapping.internalPort(), vs.now()));
    return unmap.apply(mapping);
  }

  @Override
  public void close() {
    closed = true;
  }
}
