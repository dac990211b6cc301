package org.brightchain.net.core.internal.nat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.brightchain.net.Reachability;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's ports mapped on its NAT gateway and knows, at every moment, whether the node is
 * reachable from outside: one state machine over the {@link PortMapper}s.
 *
 * <pre>
 *            start                success                     renew/check ok
 *  UNMAPPED ───────► MAPPING ─────────────────► MAPPED ◄───────────────────┐
 *     ▲  no gateway     │  ▲ lost / lease ended    │  renew or check failed │
 *     └─────────────────┤  └──────────────────────┤  (lease still valid:   │
 *        refused,       ▼                          │   MAPPED with error) ──┘
 *        timed out   FAILED ── after backoff ──► MAPPING
 * </pre>
 *
 * <p>In {@link NatMode#AUTO} the mappers are tried in the order their provider gives (fastest
 * first: PCP, NAT-PMP, UPnP), the one that last worked first; any failure falls back to the next.
 * Leases are renewed when half of them has passed; every {@code checkInterval} the gateway is asked
 * whether it still holds the mapping, and a mapping it lost (it restarted) is made again.
 *
 * <p>Everything runs on the node's scheduler and reads the node's clock: timers, timeouts and
 * backoff work on virtual time. Mapper answers arrive on the mappers' threads and are handed over
 * to the scheduler. {@link #current()} may be called from any thread.
 */
public final class NatManager {
  private static final Logger log = LoggerFactory.getLogger(NatManager.class);
  private static final Duration MIN_RENEWAL = Duration.ofSeconds(1);

  private final NatConfig config;
  private final Supplier<List<PortMapper>> mapperFactory;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Consumer<Reachability> listener;

  private volatile Reachability current = Reachability.unmapped("", "not started");

  // Scheduler only.
  private List<PortMapper> mappers = List.of();
  private List<Integer> ports = List.of();
  private int httpPort;
  private int wsPort;
  private boolean running;
  private boolean stopped;
  private PortMapper active;
  private final Map<Integer, PortMapping> held = new LinkedHashMap<>();
  private Instant leaseEnd;
  private Instant renewAt;
  private int failures;
  private int renewFailures;
  private String lastGood = "";
  private Scheduler.Cancellable renewTimer;
  private Scheduler.Cancellable checkTimer;
  private Scheduler.Cancellable retryTimer;

  /** Completes when the operation in flight, if any, has been handled. */
  private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

  private boolean busy;

  public NatManager(
      NatConfig config,
      Supplier<List<PortMapper>> mapperFactory,
      Scheduler scheduler,
      Clock clock,
      Consumer<Reachability> listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.mapperFactory = Objects.requireNonNull(mapperFactory, "mapperFactory");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Where the node stands now. Any thread. */
  public Reachability current() {
    return current;
  }

  /**
   * Starts mapping the node's listener ports. Never fails: problems become states. Scheduler only.
   *
   * @param bindHost the address the listeners are bound to
   * @param http the bound REST port
   * @param ws the bound WebSocket port (may equal {@code http})
   */
  public void start(String bindHost, int http, int ws) {
    if (running || stopped) {
      return;
    }
    running = true;
    httpPort = http;
    wsPort = ws;
    ports = http == ws ? List.of(http) : List.of(http, ws);
    if (config.mode() == NatMode.NONE) {
      publish(Reachability.unmapped("", "NAT traversal is off (nat: none)"));
      return;
    }
    if (isLoopback(bindHost)) {
      publish(Reachability.unmapped("", "listening on " + bindHost + " only: no port to map"));
      return;
    }
    List<PortMapper> all;
    try {
      all = mapperFactory.get();
    } catch (RuntimeException | LinkageError e) {
      log.warn("port mappers failed to load; the node stays unmapped", e);
      publish(Reachability.unmapped("", "port mappers failed to load: " + e));
      return;
    }
    List<PortMapper> chosen = new ArrayList<>();
    for (PortMapper m : all) {
      if (config.mode() == NatMode.AUTO || m.name().equals(config.mode().wireName())) {
        chosen.add(m);
      } else {
        closeQuietly(m);
      }
    }
    mappers = List.copyOf(chosen);
    if (mappers.isEmpty()) {
      publish(
          Reachability.unmapped(
              "",
              config.mode() == NatMode.AUTO
                  ? "no port mapper available (brightchain-net-netty provides them)"
                  : "no " + config.mode().wireName() + " port mapper available"));
      return;
    }
    attempt("starting");
  }

  /**
   * Removes the mappings (after the operation in flight, if any) and closes the mappers. Each
   * removal is bounded by the request timeout, so a dead gateway delays the stop by seconds, not
   * forever. Idempotent. Scheduler only.
   */
  public CompletableFuture<Void> stop() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    stopped = true;
    boolean wasRunning = running;
    running = false;
    cancelTimers();
    if (!wasRunning) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    inFlight.whenComplete(
        (v, e) -> scheduler.execute(() -> unmapAll(new ArrayList<>(held.values()), 0, done)));
    return done.whenComplete(
        (v, e) -> {
          for (PortMapper m : mappers) {
            closeQuietly(m);
          }
        });
  }

  private void unmapAll(List<PortMapping> todo, int i, CompletableFuture<Void> done) {
    if (i == todo.size() || active == null) {
      held.clear();
      publish(Reachability.unmapped("", "stopped"));
      done.complete(null);
      return;
    }
    PortMapping m = todo.get(i);
    PortMapper mapper = active;
    call(
        mapper.name(),
        () -> mapper.unmap(m),
        unmapTimeout(),
        (v, e) -> {
          if (e == null) {
            log.info(
                "removed {} mapping {}:{} -> port {}",
                m.method(),
                m.externalAddress(),
                m.externalPort(),
                m.internalPort());
          } else {
            log.warn(
                "could not remove {} mapping {}:{}: {}",
                m.method(),
                m.externalAddress(),
                m.externalPort(),
                e.getMessage());
          }
          unmapAll(todo, i + 1, done);
        });
  }

  // ------------------------------------------------------------------ mapping

  private void attempt(String why) {
    if (!running) {
      return;
    }
    cancelTimers();
    held.clear();
    active = null;
    leaseEnd = null;
    List<PortMapper> order = new ArrayList<>(mappers);
    order.sort((a, b) -> Boolean.compare(!a.name().equals(lastGood), !b.name().equals(lastGood)));
    log.debug("mapping ports {} ({})", ports, why);
    tryMethod(order, 0, new ArrayList<>());
  }

  private void tryMethod(List<PortMapper> order, int i, List<PortMappingException> errors) {
    if (!running) {
      return;
    }
    if (i == order.size()) {
      allFailed(errors);
      return;
    }
    PortMapper m = order.get(i);
    publish(Reachability.mapping(m.name(), "asking the gateway for a mapping through " + m.name()));
    mapPorts(m, 0, new LinkedHashMap<>(), errors, order, i);
  }

  private void mapPorts(
      PortMapper m,
      int idx,
      Map<Integer, PortMapping> got,
      List<PortMappingException> errors,
      List<PortMapper> order,
      int i) {
    if (idx == ports.size()) {
      mapped(m, got);
      return;
    }
    int port = ports.get(idx);
    UPNPConfig request =
        new UPNPConfig(port, UPNPConfig.Protocol.TCP, config.description(), config.lease(), true);
    call(
        m.name(),
        () -> m.map(request),
        operationTimeout(),
        (mapping, e) -> {
          if (e == null) {
            got.put(port, mapping);
            if (!running) {
              // Granted while stopping: keep it where stop() will remove it.
              active = m;
              held.putAll(got);
              return;
            }
            mapPorts(m, idx + 1, got, errors, order, i);
            return;
          }
          log.info(
              "{} could not map port {}: {} ({})",
              m.name(),
              port,
              e.getMessage(),
              e.reason().wireName());
          errors.add(e);
          for (PortMapping partial : got.values()) {
            m.unmap(partial); // best effort: the other port did not map, so this one is of no use
          }
          tryMethod(order, i + 1, errors);
        });
  }

  private void mapped(PortMapper m, Map<Integer, PortMapping> got) {
    active = m;
    lastGood = m.name();
    failures = 0;
    renewFailures = 0;
    held.clear();
    held.putAll(got);
    Instant now = clock.instant();
    leaseEnd = null;
    Duration shortest = null;
    for (PortMapping pm : got.values()) {
      Instant end = now.plus(pm.lifetime());
      leaseEnd = leaseEnd == null || end.isBefore(leaseEnd) ? end : leaseEnd;
      shortest =
          shortest == null || pm.lifetime().compareTo(shortest) < 0 ? pm.lifetime() : shortest;
    }
    Duration half = shortest.dividedBy(2);
    renewAt = now.plus(half.compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : half);
    publishMapped(
        "",
        "reachable through "
            + m.name()
            + "; renewal due at "
            + renewAt.truncatedTo(ChronoUnit.SECONDS));
    scheduleRenewal(Duration.between(now, renewAt));
    scheduleCheck();
  }

  private void allFailed(List<PortMappingException> errors) {
    failures++;
    Duration wait = backoff(failures);
    StringBuilder all = new StringBuilder();
    boolean noGateway = true;
    PortMappingException best = null;
    for (PortMappingException e : errors) {
      if (all.length() > 0) {
        all.append("; ");
      }
      all.append(e.method()).append(": ").append(e.getMessage());
      noGateway &= e.reason() == Reason.NO_GATEWAY;
      if (best == null || rank(e.reason()) < rank(best.reason())) {
        best = e;
      }
    }
    String next = "; trying again in " + human(wait);
    if (best == null) {
      publish(Reachability.unmapped("", "no port mapper to try" + next));
    } else if (noGateway) {
      publish(
          Reachability.unmapped(
              Reason.NO_GATEWAY.wireName(), "no gateway answered (" + all + ")" + next));
    } else {
      publish(Reachability.failed(best.method(), best.reason().wireName(), all + next));
    }
    retryTimer = scheduler.schedule(() -> attempt("retry"), wait);
  }

  // ------------------------------------------------------------------ renewal and checks

  private void scheduleRenewal(Duration delay) {
    if (renewTimer != null) {
      renewTimer.cancel();
    }
    renewTimer = scheduler.schedule(this::renew, delay.isNegative() ? Duration.ZERO : delay);
  }

  private void scheduleCheck() {
    if (checkTimer != null) {
      checkTimer.cancel();
    }
    checkTimer = scheduler.schedule(this::check, config.checkInterval());
  }

  private void renew() {
    renewTimer = null;
    if (!running || active == null) {
      return;
    }
    if (busy) {
      scheduleRenewal(Duration.ofMillis(100));
      return;
    }
    if (!clock.instant().isBefore(leaseEnd)) {
      log.info("{} lease ended at {} without renewal; mapping again", active.name(), leaseEnd);
      attempt("lease ended");
      return;
    }
    renewEach(new ArrayList<>(held.values()), 0, new LinkedHashMap<>());
  }

  private void renewEach(List<PortMapping> todo, int i, Map<Integer, PortMapping> got) {
    if (i == todo.size()) {
      log.debug("{} renewed {}", active.name(), got.values());
      mapped(active, got);
      return;
    }
    PortMapper m = active;
    PortMapping pm = todo.get(i);
    call(
        m.name(),
        () -> m.renew(pm),
        operationTimeout(),
        (renewed, e) -> {
          if (!running || m != active) {
            return;
          }
          if (e == null) {
            got.put(pm.internalPort(), renewed);
            renewEach(todo, i + 1, got);
          } else if (e.reason() == Reason.LOST) {
            log.info("{}: {}; mapping again", m.name(), e.getMessage());
            attempt("lost");
          } else {
            renewFailed(e);
          }
        });
  }

  private void renewFailed(PortMappingException e) {
    renewFailures++;
    Instant now = clock.instant();
    Duration wait = backoff(renewFailures);
    Duration left = Duration.between(now, leaseEnd);
    if (left.isNegative() || left.isZero()) {
      log.info("{} lease ended without renewal ({}); mapping again", active.name(), e.getMessage());
      attempt("lease ended");
      return;
    }
    if (wait.compareTo(left) > 0) {
      wait = left;
    }
    log.info(
        "{} renewal failed: {} ({}); retrying in {}",
        active.name(),
        e.getMessage(),
        e.reason().wireName(),
        human(wait));
    publishMapped(
        e.reason().wireName(),
        "renewal failed: "
            + e.getMessage()
            + "; retrying in "
            + human(wait)
            + "; the lease ends at "
            + leaseEnd);
    scheduleRenewal(wait);
  }

  private void check() {
    checkTimer = null;
    if (!running || active == null) {
      return;
    }
    if (busy) {
      scheduleCheck();
      return;
    }
    checkEach(new ArrayList<>(held.values()), 0, false);
  }

  private void checkEach(List<PortMapping> todo, int i, boolean changed) {
    if (i == todo.size()) {
      Reachability r = current;
      if (changed || !r.error().isEmpty()) {
        publishMapped(
            "",
            "reachable through "
                + active.name()
                + "; renewal due at "
                + renewAt.truncatedTo(ChronoUnit.SECONDS));
      }
      scheduleCheck();
      return;
    }
    PortMapper m = active;
    PortMapping pm = todo.get(i);
    call(
        m.name(),
        () -> m.check(pm),
        operationTimeout(),
        (now, e) -> {
          if (!running || m != active) {
            return;
          }
          if (e == null) {
            boolean moved =
                !now.externalAddress().equals(pm.externalAddress())
                    || now.externalPort() != pm.externalPort();
            if (moved) {
              log.info(
                  "{}: the gateway now forwards {}:{} to port {}",
                  m.name(),
                  now.externalAddress(),
                  now.externalPort(),
                  pm.internalPort());
              held.put(
                  pm.internalPort(),
                  new PortMapping(
                      pm.method(),
                      pm.protocol(),
                      pm.internalAddress(),
                      pm.internalPort(),
                      now.externalAddress(),
                      now.externalPort(),
                      pm.lifetime(),
                      pm.gateway()));
            }
            checkEach(todo, i + 1, changed || moved);
          } else if (e.reason() == Reason.LOST) {
            log.info("{}: {}; mapping again", m.name(), e.getMessage());
            attempt("lost");
          } else {
            log.info("{} check failed: {} ({})", m.name(), e.getMessage(), e.reason().wireName());
            publishMapped(
                e.reason().wireName(),
                "check failed: " + e.getMessage() + "; the lease ends at " + leaseEnd);
            scheduleCheck();
          }
        });
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * Runs one mapper operation and hands its outcome to {@code then} on the scheduler, exactly once:
   * the answer, or a TIMEOUT if the mapper has not answered within {@code limit}.
   */
  private <T> void call(
      String method, Supplier<CompletableFuture<T>> op, Duration limit, Outcome<T> then) {
    CompletableFuture<Void> handled = new CompletableFuture<>();
    inFlight = handled;
    busy = true;
    boolean[] done = {false};
    CompletableFuture<T> f;
    try {
      f = Objects.requireNonNull(op.get(), "a port mapper returned no future");
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    Scheduler.Cancellable guard =
        scheduler.schedule(
            () -> {
              if (!done[0]) {
                done[0] = true;
                finish(
                    handled,
                    () ->
                        then.accept(
                            null,
                            new PortMappingException(
                                Reason.TIMEOUT,
                                method,
                                -1,
                                "no answer within " + human(limit),
                                null)));
              }
            },
            limit);
    f.whenComplete(
        (v, e) ->
            scheduler.execute(
                () -> {
                  if (done[0]) {
                    return;
                  }
                  done[0] = true;
                  guard.cancel();
                  finish(
                      handled,
                      () -> then.accept(v, e == null ? null : portMappingException(method, e)));
                }));
  }

  private void finish(CompletableFuture<Void> handled, Runnable work) {
    busy = false;
    try {
      work.run();
    } catch (RuntimeException e) {
      log.error("port mapping state machine failed", e);
    } finally {
      handled.complete(null);
    }
  }

  /** An operation's outcome: a value, or the reason it failed. */
  @FunctionalInterface
  private interface Outcome<T> {
    void accept(T value, PortMappingException error);
  }

  private static PortMappingException portMappingException(String method, Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof PortMappingException p) {
      return p.method().isEmpty()
          ? new PortMappingException(p.reason(), method, p.code(), p.getMessage(), p)
          : p;
    }
    log.warn("port mapper {} failed unexpectedly", method, t);
    return new PortMappingException(
        Reason.GATEWAY_ERROR, method, -1, "unexpected failure: " + t, t);
  }

  private void publishMapped(String error, String detail) {
    PortMapping http = held.get(httpPort);
    PortMapping ws = held.getOrDefault(wsPort, http);
    publish(
        Reachability.mapped(
            active.name(),
            http.externalAddress(),
            http.externalPort(),
            ws.externalPort(),
            leaseEnd,
            error,
            detail));
  }

  private void publish(Reachability r) {
    Reachability old = current;
    if (r.equals(old)) {
      return;
    }
    current = r;
    boolean newsworthy =
        old.state() != r.state()
            || !old.error().equals(r.error())
            || !old.externalAddress().equals(r.externalAddress())
            || old.externalPort() != r.externalPort()
            || old.externalWsPort() != r.externalWsPort();
    if (newsworthy) {
      if (r.isMapped()) {
        log.info(
            "reachable from outside at {}:{} through {} (lease until {}){}",
            r.externalAddress(),
            r.externalPort(),
            r.method(),
            r.leaseExpiresAt(),
            r.error().isEmpty() ? "" : "; " + r.detail());
      } else {
        log.info(
            "reachability: {}{}{}",
            r.state().wireName(),
            r.error().isEmpty() ? "" : " (" + r.error() + ")",
            r.detail().isEmpty() ? "" : ": " + r.detail());
      }
    }
    try {
      listener.accept(r);
    } catch (RuntimeException e) {
      log.warn("reachability listener failed", e);
    }
  }

  private void cancelTimers() {
    for (Scheduler.Cancellable c :
        new Scheduler.Cancellable[] {renewTimer, checkTimer, retryTimer}) {
      if (c != null) {
        c.cancel();
      }
    }
    renewTimer = null;
    checkTimer = null;
    retryTimer = null;
  }

  Duration backoff(int n) {
    Duration d = config.retryInterval();
    for (int i = 1; i < n && d.compareTo(config.maxRetryInterval()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.maxRetryInterval()) > 0 ? config.maxRetryInterval() : d;
  }

  /** Time allowed for one map, renew or check: an SSDP search plus a few HTTP exchanges. */
  private Duration operationTimeout() {
    return config.discoveryTimeout().plus(config.requestTimeout().multipliedBy(3));
  }

  /** Time allowed for one removal at stop: a stopping node should not wait long. */
  private Duration unmapTimeout() {
    return config.requestTimeout().multipliedBy(2);
  }

  /** The most specific reason wins when several methods failed differently. */
  private static int rank(Reason r) {
    return switch (r) {
      case DENIED -> 0;
      case CONFLICT -> 1;
      case NO_RESOURCES -> 2;
      case NETWORK_FAILURE -> 3;
      case UNTRUSTED -> 4;
      case LOST -> 5;
      case PROTOCOL_ERROR -> 6;
      case GATEWAY_ERROR -> 7;
      case TIMEOUT -> 8;
      case UNSUPPORTED -> 9;
      case NO_GATEWAY -> 10;
    };
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses are looked at: no name lookups here.
    if (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static void closeQuietly(PortMapper m) {
    try {
      m.close();
    } catch (RuntimeException e) {
      log.warn("port mapper {} failed to close", m.name(), e);
    }
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 && ms < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.getSeconds();
    return s < 120 ? s + " s" : s % 60 == 0 ? s / 60 + " min" : s + " s";
  }
}
