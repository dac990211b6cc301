package org.brightchain.net.core.internal.discovery;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Rejection;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Stats;
import org.brightchain.net.core.testing.VirtualScheduler;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The provider's logic over an in-memory resolver: what it asks, what it reports, and when. The
 * same provider against a real DNS server is {@link DnsSeedDiscoveryDnsmasqTest}.
 */
class DnsSeedDiscoveryTest {
  static final Duration INTERVAL = Duration.ofMinutes(10);

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final InMemoryResolver dns = new InMemoryResolver();
  private DnsSeedDiscovery provider;

  @AfterEach
  void stop() {
    if (provider != null) {
      provider.stop();
    }
  }

  // ------------------------------------------------------------------ fixtures

  /** A candidate as the provider reported it. */
  record Candidate(String host, int port, NodeId expected, String source) {
    static Candidate of(String host, int port) {
      return new Candidate(host, port, null, DnsSeedDiscovery.NAME);
    }

    static Candidate of(String host, int port, NodeId expected) {
      return new Candidate(host, port, expected, DnsSeedDiscovery.NAME);
    }
  }

  /** A {@link DiscoveryContext} that records candidates; peer counts are set by the test. */
  static final class FakeContext implements DiscoveryContext {
    final NodeIdentity identity = NodeIdentity.generate();
    final DiscoverySettings settings;
    final Scheduler scheduler;
    final Clock clock;
    final AtomicInteger active = new AtomicInteger();
    final List<Candidate> candidates = new CopyOnWriteArrayList<>();

    FakeContext(DiscoverySettings settings, Scheduler scheduler, Clock clock) {
      this.settings = settings;
      this.scheduler = scheduler;
      this.clock = clock;
    }

    @Override
    public NodeAdvertisement self() {
      return new NodeAdvertisement(
          identity.nodeId(), "127.0.0.1", DnsSeedDiscovery.DEFAULT_PORT, Set.of(), "test");
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public DiscoverySettings settings() {
      return settings;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public byte[] publicKey() {
      return identity.publicKey();
    }

    @Override
    public byte[] sign(byte[] message) {
      return identity.sign(message);
    }

    @Override
    public int activePeers() {
      return active.get();
    }

    @Override
    public int wantedPeers() {
      return settings.wantedPeers();
    }

    @Override
    public void candidate(String host, int wsPort, NodeId expected, String source) {
      candidates.add(new Candidate(host, wsPort, expected, source));
    }

    Set<Candidate> candidateSet() {
      return Set.copyOf(candidates);
    }
  }

  /** Answers from a map of records; a name it does not know is NXDOMAIN. */
  static final class InMemoryResolver implements Resolver {
    final Map<String, List<Record>> answers = new HashMap<>();
    final Map<String, List<Record>> additional = new HashMap<>();
    final Set<String> silent = new java.util.HashSet<>();
    final List<String> asked = new CopyOnWriteArrayList<>();

    static String key(Name name, int type) {
      return name + "/" + Type.string(type);
    }

    void add(Record r) {
      answers.computeIfAbsent(key(r.getName(), r.getType()), k -> new ArrayList<>()).add(r);
    }

    void addAdditional(Name name, int type, Record r) {
      additional.computeIfAbsent(key(name, type), k -> new ArrayList<>()).add(r);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
      Record q = query.getQuestion();
      String key = key(q.getName(), q.getType());
      asked.add(key);
      if (silent.contains(key)) {
        return new CompletableFuture<>(); // never answers
      }
      Message m = new Message(query.getHeader().getID());
      m.getHeader().setFlag(Flags.QR);
      m.addRecord(q, Section.QUESTION);
      boolean known = answers.keySet().stream().anyMatch(k -> k.startsWith(q.getName() + "/"));
      if (!known) {
        m.getHeader().setRcode(Rcode.NXDOMAIN);
      }
      answers.getOrDefault(key, List.of()).forEach(r -> m.addRecord(r, Section.ANSWER));
      additional.getOrDefault(key, List.of()).forEach(r -> m.addRecord(r, Section.ADDITIONAL));
      return CompletableFuture.completedFuture(m);
    }

    @Override
    public void setPort(int port) {}

    @Override
    public void setTCP(boolean flag) {}

    @Override
    public void setIgnoreTruncation(boolean flag) {}

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

    @Override
    public void setTSIGKey(TSIG key) {}

    @Override
    public void setTimeout(Duration timeout) {}
  }

  static Name name(String s) {
    try {
      return Name.fromString(s, Name.root);
    } catch (org.xbill.DNS.TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A TXT record holding {@code text} in strings of at most 255 bytes. */
  static TXTRecord txt(Name name, String text) {
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 255) {
      strings.add(text.substring(i, Math.min(text.length(), i + 255)));
    }
    return new TXTRecord(name, DClass.IN, 60, strings);
  }

  private FakeContext context(List<String> seeds, Duration timeout) {
    DiscoverySettings settings =
        new DiscoverySettings(
            Optional.empty(), new DnsSeedsConfig(seeds, INTERVAL, timeout), "", 100, 8);
    return new FakeContext(settings, scheduler, scheduler.clock());
  }

  private FakeContext start(List<String> seeds, Duration timeout) {
    FakeContext ctx = context(seeds, timeout);
    provider = new DnsSeedDiscovery(settings -> dns);
    provider.start(ctx);
    return ctx;
  }

  private Stats awaitRound() throws Exception {
    CompletableFuture<Stats> round = provider.lastRound();
    assertTrue(round != null, "no round started");
    return round.get(10, SECONDS);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void reportsSeedAddressesServiceTargetsAndSignedRecordsEachOnce() throws Exception {
    Name seed = name("seed.example.org");
    Name srv = name("_brightchain._tcp.seed.example.org");
    dns.add(new ARecord(seed, DClass.IN, 60, ip("192.0.2.1")));
    dns.add(new ARecord(seed, DClass.IN, 60, ip("192.0.2.2")));
    dns.add(new AAAARecord(seed, DClass.IN, 60, ip("2001:db8::1")));
    // Three services: one with its addresses in the answer, one without, one "not here".
    dns.add(new SRVRecord(srv, DClass.IN, 60, 10, 5, 4300, name("glued.example.org")));
    dns.add(new SRVRecord(srv, DClass.IN, 60, 20, 5, 4301, name("bare.example.org")));
    dns.add(new SRVRecord(srv, DClass.IN, 60, 30, 5, 4302, Name.root));
    dns.add(new SRVRecord(srv, DClass.IN, 60, 40, 5, 4242, name("seed.example.org")));
    dns.addAdditional(
        srv, Type.SRV, new ARecord(name("glued.example.org"), DClass.IN, 60, ip("198.51.100.1")));
    dns.addAdditional(
        srv,
        Type.SRV,
        new ARecord(name("elsewhere.example.org"), DClass.IN, 60, ip("198.51.100.99")));
    dns.add(new ARecord(name("bare.example.org"), DClass.IN, 60, ip("198.51.100.2")));
    dns.add(new AAAARecord(name("bare.example.org"), DClass.IN, 60, ip("2001:db8::2")));
    // Signed records: a good one, a forged one, one of another key, a stale one, garbage, SPF.
    NodeIdentity good = DnsSeedRecordsTest.identity("good");
    long now = scheduler.clock().millis();
    SignedAdvert valid = DnsSeedRecordsTest.advert(good, "203.0.113.10", 4500, now - 3_600_000);
    byte[] sig = valid.signature();
    sig[0] ^= 0x40;
    SignedAdvert forged =
        new SignedAdvert(valid.advertisement(), valid.timestamp(), valid.publicKey(), sig);
    NodeIdentity mallory = DnsSeedRecordsTest.identity("mallory");
    SignedAdvert mismatch =
        SignedAdvert.sign(valid.advertisement(), now, mallory.publicKey(), mallory::sign);
    SignedAdvert stale =
        DnsSeedRecordsTest.advert(good, "203.0.113.11", 4500, now - Duration.ofDays(8).toMillis());
    for (String t :
        List.of(
            valid.toText(),
            forged.toText(),
            mismatch.toText(),
            stale.toText(),
            "bcn1:garbage!",
            "v=spf1 -all")) {
      dns.add(txt(seed, t));
    }

    FakeContext ctx = start(List.of("seed.example.org"), Duration.ofSeconds(5));
    scheduler.runUntilIdle();
    Stats stats = awaitRound();

    assertEquals(
        Set.of(
            Candidate.of("192.0.2.1", 4242),
            Candidate.of("192.0.2.2", 4242),
            Candidate.of("2001:db8::1", 4242),
            Candidate.of("198.51.100.1", 4300),
            Candidate.of("198.51.100.2", 4301),
            Candidate.of("2001:db8::2", 4301),
            Candidate.of("203.0.113.10", 4500, good.nodeId())),
        ctx.candidateSet());
    assertEquals(
        ctx.candidates.size(), ctx.candidateSet().size(), "a candidate was reported twice");
    assertEquals(
        List.of(
            "seed.example.org./A",
            "seed.example.org./AAAA",
            "_brightchain._tcp.seed.example.org./SRV",
            "seed.example.org./TXT"),
        dns.asked.subList(0, 4));
    // Follow-up queries: for the target without addresses and for the seed itself (an SRV
    // target like any other); never for the glued one.
    assertEquals(
        Set.of(
            "bare.example.org./A",
            "bare.example.org./AAAA",
            "seed.example.org./A",
            "seed.example.org./AAAA"),
        Set.copyOf(dns.asked.subList(4, dns.asked.size())));
    assertEquals(8, dns.asked.size());

    assertEquals(1, stats.rounds());
    assertEquals(8, stats.queries());
    assertEquals(0, stats.failedQueries());
    assertEquals(7, stats.candidates());
    assertEquals(1, stats.foreignTxt());
    assertEquals(
        Map.of(
            Rejection.MALFORMED, 1L,
            Rejection.KEY_MISMATCH, 1L,
            Rejection.UNKNOWN_SCHEME, 0L,
            Rejection.BAD_SIGNATURE, 1L,
            Rejection.STALE, 1L),
        stats.rejected());
    assertEquals(4, stats.rejectedTotal());
  }

  @Test
  void asksAtStartAndThenEveryIntervalOnlyWhileThePeerTableIsThin() throws Exception {
    dns.add(new ARecord(name("seed.example.org"), DClass.IN, 60, ip("192.0.2.1")));
    FakeContext ctx = start(List.of("seed.example.org"), Duration.ofSeconds(5));
    ctx.active.set(3); // of 8 wanted
    scheduler.runUntilIdle();
    assertEquals(1, awaitRound().rounds());
    assertEquals(4, dns.asked.size());
    assertEquals(List.of(Candidate.of("192.0.2.1", 4242)), ctx.candidates);

    scheduler.advance(INTERVAL.minusSeconds(1));
    assertEquals(4, dns.asked.size(), "asked before the interval");

    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(2, awaitRound().rounds(), "still thin: asked again");

    ctx.active.set(8);
    scheduler.advance(INTERVAL.multipliedBy(3));
    assertEquals(2, provider.stats().rounds(), "enough peers: not asked");
    assertEquals(8, dns.asked.size());

    ctx.active.set(7);
    scheduler.advance(INTERVAL);
    assertEquals(3, awaitRound().rounds(), "thin again: asked again");
  }

  @Test
  void doesNotAskAtStartWithEnoughPeers() {
    FakeContext ctx = context(List.of("seed.example.org"), Duration.ofSeconds(5));
    ctx.active.set(8);
    provider = new DnsSeedDiscovery(settings -> dns);
    provider.start(ctx);
    scheduler.runUntilIdle();
    assertNull(provider.lastRound());
    assertEquals(0, provider.stats().queries());
    assertEquals(1, scheduler.pending(), "the next check is scheduled");
  }

  @Test
  void withoutSeedsNothingIsScheduled() {
    FakeContext ctx = context(List.of(), Duration.ofSeconds(5));
    provider = new DnsSeedDiscovery(settings -> dns);
    provider.start(ctx);
    assertEquals(0, scheduler.pending());
    scheduler.advance(INTERVAL.multipliedBy(2));
    assertEquals(0, provider.stats().queries());
  }

  @Test
  void aQueryThatIsNeverAnsweredEndsTheRoundAsAFailure() throws Exception {
    Name seed = name("seed.example.org");
    dns.add(new ARecord(seed, DClass.IN, 60, ip("192.0.2.1")));
    dns.silent.add(InMemoryResolver.key(seed, Type.TXT));
    FakeContext ctx = start(List.of("seed.example.org"), Duration.ofMillis(50));
    scheduler.runUntilIdle();
    Stats stats = awaitRound();
    assertEquals(1, stats.failedQueries());
    assertEquals(List.of(Candidate.of("192.0.2.1", 4242)), ctx.candidates);
  }

  @Test
  void aServerThatDoesNotAnswerFailsEveryQueryWithinTheTimeout() throws Exception {
    int closed;
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    DiscoverySettings settings =
        new DiscoverySettings(
            Optional.empty(),
            new DnsSeedsConfig(List.of("seed.example.org"), INTERVAL, Duration.ofMillis(300)),
            "127.0.0.1:" + closed,
            100,
            8);
    FakeContext ctx = new FakeContext(settings, scheduler, scheduler.clock());
    provider = new DnsSeedDiscovery();
    long t0 = System.nanoTime();
    provider.start(ctx);
    scheduler.runUntilIdle();
    Stats stats = awaitRound();
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
    assertEquals(4, stats.queries());
    assertEquals(4, stats.failedQueries());
    assertEquals(List.of(), ctx.candidates);
  }

  @Test
  void aRoundStillRunningIsNotDoubled() throws Exception {
    dns.silent.add("seed.example.org./A");
    start(List.of("seed.example.org"), Duration.ofMillis(300));
    scheduler.runUntilIdle();
    CompletableFuture<Stats> first = provider.lastRound();
    assertEquals(first, provider.queryNow());
    first.get(10, SECONDS);
    assertEquals(4, dns.asked.size());
  }

  @Test
  void badSeedNamesAreSkipped() throws Exception {
    dns.add(new ARecord(name("seed.example.org"), DClass.IN, 60, ip("192.0.2.1")));
    String tooLong = "a".repeat(64) + ".example.org"; // a label over 63 characters
    FakeContext ctx = start(List.of(tooLong, "seed.example.org"), Duration.ofSeconds(5));
    scheduler.runUntilIdle();
    awaitRound();
    assertEquals(List.of(Candidate.of("192.0.2.1", 4242)), ctx.candidates);
  }

  @Test
  void stopIsIdempotentAndEndsTheChecks() {
    FakeContext ctx = start(List.of("seed.example.org"), Duration.ofSeconds(5));
    ctx.active.set(8);
    scheduler.runUntilIdle();
    provider.stop();
    provider.stop();
    ctx.active.set(0);
    scheduler.advance(INTERVAL.multipliedBy(3));
    assertEquals(0, provider.stats().queries());
    assertThrows(IllegalStateException.class, () -> provider.start(ctx));
  }

  @Test
  void warningsAreLimitedPerWindowAndCountWhatWasDropped() {
    VirtualScheduler s = new VirtualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    DnsSeedDiscovery.LogLimiter limiter =
        new DnsSeedDiscovery.LogLimiter(s.clock(), 2, Duration.ofMinutes(1));
    assertEquals(0, limiter.acquire());
    assertEquals(0, limiter.acquire());
    assertEquals(-1, limiter.acquire());
    assertEquals(-1, limiter.acquire());
    s.advance(Duration.ofMinutes(1));
    assertEquals(2, limiter.acquire());
    assertEquals(0, limiter.acquire());
    assertEquals(-1, limiter.acquire());
  }
}
