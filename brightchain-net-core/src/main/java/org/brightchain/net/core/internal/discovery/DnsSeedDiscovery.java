package org.brightchain.net.core.internal.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.core.internal.channel.SerialExecutor;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds peers through DNS seeds ({@link DiscoverySettings#dnsSeeds()}): DNS names whose records
 * list nodes of the network, as Bitcoin's DNS seeds do. Details and zone examples are in {@code
 * docs/discovery.md}.
 *
 * <h2>What is asked</h2>
 *
 * For each seed name {@code S}:
 *
 * <ul>
 *   <li>{@code A} and {@code AAAA} of {@code S}: each address is a candidate at {@link
 *       #DEFAULT_PORT}, the reference node's REST and WebSocket port;
 *   <li>{@code SRV} of {@code _brightchain._tcp.S} ({@link #SRV_LABELS}): each target is a
 *       candidate at the record's port, through the addresses the answer carries for it or, when it
 *       carries none, through an {@code A} and an {@code AAAA} query for the target. Priority and
 *       weight are not used: every target is a candidate, and the node chooses whom to dial;
 *   <li>{@code TXT} of {@code S}: each record whose text (its strings joined, since one record may
 *       be split into strings of at most 255 bytes) starts with {@code bcn1:} is a {@link
 *       SignedAdvert} in text form. One that parses, is signed by the node it names and is at most
 *       {@link #MAX_RECORD_AGE} old becomes a candidate at the advertised address and port, with
 *       the node id the connection must prove. Any other {@code bcn1:} record is ignored, logged
 *       (at most a few lines a minute) and counted by {@link Rejection}; TXT records without the
 *       prefix are someone else's and are only counted.
 * </ul>
 *
 * <p>Addresses from {@code A}, {@code AAAA} and {@code SRV} carry no node id: the node learns who
 * answers when it connects. Candidates are reported once per round, whatever their number of
 * sources.
 *
 * <h2>When</h2>
 *
 * Seeds are a fallback for a thin peer table, not a source to poll: at start, and then every {@link
 * DnsSeedsConfig#queryInterval()}, the seeds are asked only if {@link
 * DiscoveryContext#activePeers()} is below {@link DiscoveryContext#wantedPeers()}. A round that is
 * still running when the next one is due is not doubled.
 *
 * <h2>Resolver and threads</h2>
 *
 * Queries go to {@link DiscoverySettings#dnsServer()} when set, otherwise to the system's resolvers
 * (as dnsjava reads them, from {@code /etc/resolv.conf} on Linux), each with {@link
 * DnsSeedsConfig#timeout()} (an answer truncated over UDP is asked again over TCP, with the same
 * timeout). All queries of a round are sent at once with dnsjava's asynchronous API; answers are
 * handled on one daemon thread of this provider, never on the node's scheduler, and candidates are
 * reported through the context, which is thread-safe. The scheduler only runs the cheap periodic
 * check.
 *
 * <p>{@link #stats()} counts rounds, queries, candidates and refused records for metrics and tests.
 * Safe for concurrent use; {@link #stop()} is idempotent.
 */
public final class DnsSeedDiscovery implements DiscoveryProvider {
  private static final Logger log = LoggerFactory.getLogger(DnsSeedDiscovery.class);

  /** This provider's name, also the {@code source} of the candidates it reports. */
  public static final String NAME = "dns-seeds";

  /** The port of candidates from {@code A} and {@code AAAA} records: the reference node's. */
  public static final int DEFAULT_PORT = 4242;

  /** The labels put before a seed's name for its SRV query: {@code _brightchain._tcp.<seed>}. */
  public static final String SRV_LABELS = "_brightchain._tcp";

  /**
   * How old (or how far ahead of this node's clock) a signed TXT record may be: 7 days. A seed
   * operator re-signs, or has the nodes re-sign, their records at least weekly; an old record of a
   * node that has moved on is refused instead of dialled for ever.
   */
  public static final Duration MAX_RECORD_AGE = Duration.ofDays(7);

  /** Why a {@code bcn1:} TXT record was refused. */
  public enum Rejection {
    /** Not base64url, not a {@code SignedAdvertisement}, or an invalid advertisement. */
    MALFORMED,
    /** The node id is not the hash of the public key. */
    KEY_MISMATCH,
    /** No signature scheme for the key. */
    UNKNOWN_SCHEME,
    /** The signature does not verify: the record was altered or forged. */
    BAD_SIGNATURE,
    /** Signed more than {@link #MAX_RECORD_AGE} ago, or that far in the future. */
    STALE
  }

  /**
   * Counters since start, for metrics and tests.
   *
   * @param rounds finished rounds (a round asks every seed once)
   * @param queries DNS queries sent
   * @param failedQueries queries that timed out or that the server refused or failed
   * @param candidates candidates reported
   * @param foreignTxt TXT records without the {@code bcn1:} prefix, skipped
   * @param rejected refused {@code bcn1:} records by reason (every reason present)
   */
  public record Stats(
      long rounds,
      long queries,
      long failedQueries,
      long candidates,
      long foreignTxt,
      Map<Rejection, Long> rejected) {

    /** Copies. */
    public Stats {
      Map<Rejection, Long> copy = new EnumMap<>(Rejection.class);
      copy.putAll(rejected);
      rejected = Collections.unmodifiableMap(copy);
    }

    /** Refused records of all reasons. */
    public long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Makes the resolver a round asks; called on the provider's serial executor, may block. */
  @FunctionalInterface
  interface ResolverFactory {
    Resolver create(DiscoverySettings settings) throws IOException;
  }

  private final ResolverFactory resolverFactory;

  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong queries = new AtomicLong();
  private final AtomicLong failedQueries = new AtomicLong();
  private final AtomicLong candidates = new AtomicLong();
  private final AtomicLong foreignTxt = new AtomicLong();
  private final Map<Rejection, AtomicLong> rejected = new EnumMap<>(Rejection.class);

  private final AtomicBoolean roundRunning = new AtomicBoolean();
  private volatile boolean started;
  private volatile boolean stopped;
  private volatile DiscoveryContext context;
  private volatile SerialExecutor executor;
  private volatile Scheduler.Cancellable timer;
  private volatile CompletableFuture<Stats> lastRound;
  private volatile LogLimiter logLimiter;

  // The provider's thread only.
  private Resolver resolver;

  /** A provider asking the configured DNS server, or the system's resolvers. */
  public DnsSeedDiscovery() {
    this(DnsSeedDiscovery::defaultResolver);
  }

  /** A provider asking the resolvers {@code resolverFactory} makes; for tests. */
  DnsSeedDiscovery(ResolverFactory resolverFactory) {
    this.resolverFactory = resolverFactory;
    for (Rejection r : Rejection.values()) {
      rejected.put(r, new AtomicLong());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Schedules the first check (and, with a thin peer table, the first round) on the node's
   * scheduler; does nothing when no seeds are configured.
   *
   * @throws IllegalStateException when started before
   */
  @Override
  public synchronized void start(DiscoveryContext context) {
    if (started) {
      throw new IllegalStateException(NAME + ": already started");
    }
    started = true;
    if (stopped) {
      return;
    }
    this.context = context;
    DnsSeedsConfig config = context.settings().dnsSeeds();
    if (config.seeds().isEmpty()) {
      log.debug("{}: no seeds configured", NAME);
      return;
    }
    logLimiter = new LogLimiter(context.clock(), 5, Duration.ofMinutes(1));
    // Rounds run one at a time, in order, on the node's background executor.
    executor = new SerialExecutor(context.backgroundExecutor());
    context.scheduler().execute(this::tick);
  }

  /** Cancels the timer and the tasks not yet run; answers still on their way are dropped. */
  @Override
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    SerialExecutor e = executor;
    if (e != null) {
      e.close();
    }
    CompletableFuture<Stats> round = lastRound;
    if (round != null) {
      round.cancel(false);
    }
  }

  /** The counters now. */
  public Stats stats() {
    Map<Rejection, Long> r = new EnumMap<>(Rejection.class);
    rejected.forEach((k, v) -> r.put(k, v.get()));
    return new Stats(
        rounds.get(), queries.get(), failedQueries.get(), candidates.get(), foreignTxt.get(), r);
  }

  /** The latest round, completed with the counters when it ends; null before the first. */
  CompletableFuture<Stats> lastRound() {
    return lastRound;
  }

  // ------------------------------------------------------------------ scheduling

  /** On the scheduler: asks the seeds if the peer table is thin, then waits an interval. */
  private void tick() {
    if (stopped) {
      return;
    }
    DiscoveryContext ctx = context;
    try {
      int active = ctx.activePeers();
      int wanted = ctx.wantedPeers();
      if (active < wanted) {
        log.debug("{}: {} of {} wanted peers connected: asking the seeds", NAME, active, wanted);
        queryNow();
      }
    } catch (RuntimeException e) {
      log.warn("{}: check failed", NAME, e);
    } finally {
      if (!stopped) {
        timer = ctx.scheduler().schedule(this::tick, ctx.settings().dnsSeeds().queryInterval());
      }
    }
  }

  /**
   * Starts a round unless one is running; returns the running or new round. Package-private for
   * tests: the node itself goes through the periodic check.
   */
  CompletableFuture<Stats> queryNow() {
    if (!roundRunning.compareAndSet(false, true)) {
      CompletableFuture<Stats> running = lastRound;
      return running != null ? running : CompletableFuture.completedFuture(stats());
    }
    Round round = new Round(context);
    lastRound = round.done;
    try {
      executor.execute(round::start);
    } catch (RejectedExecutionException e) {
      roundRunning.set(false); // stopped meanwhile
      round.done.cancel(false);
    }
    return round.done;
  }

  // ------------------------------------------------------------------ resolver

  /** {@code dnsServer} when set, else the system's resolvers; every query with the timeout. */
  static Resolver defaultResolver(DiscoverySettings settings) throws IOException {
    Duration timeout = settings.dnsSeeds().timeout();
    if (!settings.dnsServer().isBlank()) {
      InetSocketAddress server = DnsSeedRecords.parseServer(settings.dnsServer());
      SimpleResolver r =
          new SimpleResolver(
              new InetSocketAddress(
                  InetAddress.getByName(server.getHostString()), server.getPort()));
      r.setTimeout(timeout);
      return r;
    }
    ExtendedResolver r = new ExtendedResolver();
    if (r.getResolvers().length == 0) {
      throw new UnknownHostException("no system DNS servers found");
    }
    for (Resolver each : r.getResolvers()) {
      each.setTimeout(timeout);
    }
    // The whole resolution's budget: after a server times out, the next is not tried.
    r.setTimeout(timeout);
    return r;
  }

  // ------------------------------------------------------------------ one round

  /** One pass over every seed. Confined to the provider's serial executor. */
  private final class Round {
    final CompletableFuture<Stats> done = new CompletableFuture<>();
    final DiscoveryContext ctx;
    final Set<String> reported = new HashSet<>();
    final Set<String> resolvingTargets = new HashSet<>();
    final long startMs;
    int pending;
    int found;
    int refused;
    int failed;
    int sent;

    Round(DiscoveryContext ctx) {
      this.ctx = ctx;
      this.startMs = ctx.clock().millis();
    }

    void start() {
      try {
        if (resolver == null) {
          resolver = resolverFactory.create(ctx.settings());
        }
        for (String seed : ctx.settings().dnsSeeds().seeds()) {
          Name name;
          Name srv;
          try {
            name = DnsSeedRecords.seedName(seed);
            srv = DnsSeedRecords.srvName(name);
          } catch (TextParseException e) {
            warn("seed {}: not a DNS name: {}", seed, e.getMessage());
            continue;
          }
          query(name, Type.A, m -> addresses(m, DEFAULT_PORT));
          query(name, Type.AAAA, m -> addresses(m, DEFAULT_PORT));
          query(srv, Type.SRV, this::services);
          query(name, Type.TXT, m -> signedRecords(seed, m));
        }
      } catch (IOException | RuntimeException e) {
        warn("cannot make a DNS resolver: {}", e.toString());
      } finally {
        if (pending == 0) {
          finish();
        }
      }
    }

    void query(Name name, int type, Consumer<Message> onAnswer) {
      pending++;
      sent++;
      queries.incrementAndGet();
      Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      CompletableFuture<Message> answer;
      try {
        answer = resolver.sendAsync(q, executor).toCompletableFuture();
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      // dnsjava times queries out itself; this only keeps a lost answer from holding the round.
      answer
          .orTimeout(ctx.settings().dnsSeeds().timeout().toMillis() * 3, TimeUnit.MILLISECONDS)
          .whenCompleteAsync((m, e) -> answered(name, type, m, e, onAnswer), executor);
    }

    void answered(Name name, int type, Message m, Throwable e, Consumer<Message> onAnswer) {
      try {
        if (stopped) {
          return;
        }
        if (e != null) {
          fail(name, type, e.getCause() != null ? e.getCause().toString() : e.toString());
        } else if (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN) {
          fail(name, type, Rcode.string(m.getRcode()));
        } else {
          onAnswer.accept(m);
        }
      } catch (RuntimeException ex) {
        log.warn("{}: answer for {}/{} not handled", NAME, name, Type.string(type), ex);
      } finally {
        if (--pending == 0) {
          finish();
        }
      }
    }

    void fail(Name name, int type, String why) {
      failed++;
      failedQueries.incrementAndGet();
      log.debug("{}: {}/{} failed: {}", NAME, name, Type.string(type), LogText.safe(why));
    }

    /** A and AAAA records of the answer (after any CNAME), each a candidate at {@code port}. */
    void addresses(Message m, int port) {
      for (Record r : m.getSection(Section.ANSWER)) {
        InetAddress a = address(r);
        if (a != null) {
          report(DnsSeedRecords.hostString(a), port, null);
        }
      }
    }

    void services(Message m) {
      List<Record> additional = m.getSection(Section.ADDITIONAL);
      for (Record r : m.getSection(Section.ANSWER)) {
        if (!(r instanceof SRVRecord srv)
            || srv.getPort() == 0
            || srv.getTarget().equals(Name.root)) {
          continue; // "." means the service is not offered here (RFC 2782)
        }
        Name target = srv.getTarget();
        int port = srv.getPort();
        List<InetAddress> glue = new ArrayList<>();
        for (Record g : additional) {
          InetAddress a = address(g);
          if (a != null && g.getName().equals(target)) {
            glue.add(a);
          }
        }
        if (!glue.isEmpty()) {
          glue.forEach(a -> report(DnsSeedRecords.hostString(a), port, null));
        } else if (resolvingTargets.add(target + " " + port)) {
          query(target, Type.A, a -> addresses(a, port));
          query(target, Type.AAAA, a -> addresses(a, port));
        }
      }
    }

    void signedRecords(String seed, Message m) {
      long now = ctx.clock().millis();
      for (Record r : m.getSection(Section.ANSWER)) {
        if (!(r instanceof TXTRecord txt)) {
          continue;
        }
        String text = DnsSeedRecords.joinTxt(txt.getStringsAsByteArrays());
        if (!DnsSeedRecords.isSignedRecord(text)) {
          foreignTxt.incrementAndGet();
          continue;
        }
        DnsSeedRecords.Outcome o = DnsSeedRecords.read(text, now, MAX_RECORD_AGE);
        if (o.isValid()) {
          NodeAdvertisement a = o.advert().advertisement();
          report(a.address(), a.port(), a.nodeId());
        } else {
          refused++;
          rejected.get(o.rejection()).incrementAndGet();
          warn(
              "seed {}: TXT record ignored ({}): {}",
              seed,
              o.rejection(),
              LogText.safe(o.detail()));
        }
      }
    }

    void report(String host, int port, NodeId expected) {
      if (stopped || !reported.add(host + " " + port + " " + expected)) {
        return;
      }
      found++;
      candidates.incrementAndGet();
      try {
        ctx.candidate(host, port, expected, NAME);
      } catch (RuntimeException e) {
        log.warn("{}: candidate {}:{} not taken", NAME, host, port, e);
      }
    }

    void finish() {
      rounds.incrementAndGet();
      long ms = Math.max(0, ctx.clock().millis() - startMs);
      if (sent > 0 && failed == sent) {
        warn("no seed answered ({} queries failed)", failed);
      }
      log.info(
          "{}: {} candidates in {} ms ({} queries, {} failed, {} TXT records refused)",
          NAME,
          found,
          ms,
          sent,
          failed,
          refused);
      roundRunning.set(false);
      done.complete(stats());
    }
  }

  private static InetAddress address(Record r) {
    if (r instanceof ARecord a) {
      return a.getAddress();
    }
    if (r instanceof AAAARecord a) {
      return a.getAddress();
    }
    return null;
  }

  /** A warning, unless too many were logged lately (then counted, and said in the next one). */
  private void warn(String format, Object... args) {
    long suppressed = logLimiter.acquire();
    if (suppressed < 0) {
      return;
    }
    String line =
        NAME
            + ": "
            + format
            + (suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : "");
    log.warn(line, args);
  }

  /** At most {@code perWindow} lines in each window of the node's clock. Thread-safe. */
  static final class LogLimiter {
    private final Clock clock;
    private final int perWindow;
    private final long windowMillis;
    private long windowStart = Long.MIN_VALUE;
    private int used;
    private long suppressed;

    LogLimiter(Clock clock, int perWindow, Duration window) {
      this.clock = clock;
      this.perWindow = perWindow;
      this.windowMillis = window.toMillis();
    }

    /** -1 when the line must be dropped; otherwise how many were dropped since the last one. */
    synchronized long acquire() {
      long now = clock.millis();
      if (windowStart == Long.MIN_VALUE || now - windowStart >= windowMillis) {
        windowStart = now;
        used = 0;
      }
      if (used >= perWindow) {
        suppressed++;
        return -1;
      }
      used++;
      long s = suppressed;
      suppressed = 0;
      return s;
    }
  }
}
