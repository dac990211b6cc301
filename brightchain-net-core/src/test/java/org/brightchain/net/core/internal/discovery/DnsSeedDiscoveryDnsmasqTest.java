package org.brightchain.net.core.internal.discovery;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Rejection;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscovery.Stats;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscoveryTest.Candidate;
import org.brightchain.net.core.internal.discovery.DnsSeedDiscoveryTest.FakeContext;
import org.brightchain.net.core.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS seed discovery against a real DNS server: {@code dnsmasq} on a loopback port, serving A,
 * AAAA, SRV and TXT records of a seed. Skipped when dnsmasq is not installed, unless {@code
 * BRIGHTCHAIN_REQUIRE_DNSMASQ=1} (as in CI), which makes its absence a failure.
 */
class DnsSeedDiscoveryDnsmasqTest {
  private static final String SEED = "seed.test";

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private Dnsmasq dnsmasq;
  private int port;
  private DnsSeedDiscovery provider;
  @TempDir Path dir;

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.require();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (provider != null) {
      provider.stop();
    }
    if (dnsmasq != null) {
      dnsmasq.close();
    }
  }

  private void startDnsmasq(List<String> records) throws Exception {
    dnsmasq = Dnsmasq.start(dir, SEED, records);
    port = dnsmasq.port();
  }

  /**
   * {@code text} as dnsmasq's TXT option with explicit strings of {@code n} characters. Commas
   * separate the strings; quotes would be kept as text, since no shell or config file parser
   * removes them from a process argument.
   */
  private static String txtOption(String name, String text, int n) {
    StringBuilder sb = new StringBuilder("--txt-record=").append(name);
    for (int i = 0; i < text.length(); i += n) {
      sb.append(',').append(text, i, Math.min(text.length(), i + n));
    }
    return sb.toString();
  }

  @Test
  void findsPeersInARealSeedZoneAndIgnoresBadSignedRecords() throws Exception {
    long now = scheduler.clock().millis();
    NodeIdentity a = NodeIdentity.generate();
    NodeIdentity b = NodeIdentity.generate();
    SignedAdvert recordA = DnsSeedRecordsTest.advert(a, "203.0.113.10", 4500, now - 60_000);
    SignedAdvert recordB =
        SignedAdvert.sign(
            new NodeAdvertisement(
                b.nodeId(),
                "node-b.long-host-name.nodes.example.org",
                4501,
                Set.of("storage", "relay", "gateway"),
                "0.1.0"),
            now - 3_600_000,
            b.publicKey(),
            b::sign);
    byte[] sig = recordA.signature();
    sig[5] ^= 0x01;
    SignedAdvert forged =
        new SignedAdvert(
            new NodeAdvertisement(a.nodeId(), "198.51.100.66", 4500, Set.of(), "0.1.0"),
            now,
            a.publicKey(),
            sig);
    SignedAdvert stale =
        DnsSeedRecordsTest.advert(b, "203.0.113.12", 4502, now - Duration.ofDays(8).toMillis());
    assertTrue(recordB.toText().length() > 255, "record B must need several TXT strings");

    startDnsmasq(
        List.of(
            "--host-record=" + SEED + ",192.0.2.1,2001:db8::1",
            "--host-record=" + SEED + ",192.0.2.2",
            "--srv-host=_brightchain._tcp." + SEED + ",node-a.test,4300,10,5",
            "--host-record=node-a.test,198.51.100.1",
            "--srv-host=_brightchain._tcp." + SEED + ",alias.test,4301,20,5",
            "--cname=alias.test,node-c.test",
            "--host-record=node-c.test,198.51.100.3,2001:db8::3",
            // Record A in explicit strings of 100 characters; record B as one value that
            // dnsmasq cuts into 255-character strings itself.
            txtOption(SEED, recordA.toText(), 100),
            "--txt-record=" + SEED + "," + recordB.toText(),
            txtOption(SEED, forged.toText(), 255),
            txtOption(SEED, stale.toText(), 255),
            "--txt-record=" + SEED + ",bcn1:this-is-not-a-signed-record",
            "--txt-record=" + SEED + ",v=spf1 -all"));

    DiscoverySettings settings =
        new DiscoverySettings(
            Optional.empty(),
            new DnsSeedsConfig(
                List.of(SEED, "missing.test"), Duration.ofMinutes(10), Duration.ofSeconds(2)),
            "127.0.0.1:" + port,
            100,
            8);
    FakeContext ctx = new FakeContext(settings, scheduler, scheduler.clock());
    provider = new DnsSeedDiscovery();
    long t0 = System.nanoTime();
    provider.start(ctx);
    scheduler.runUntilIdle();
    Stats stats = provider.lastRound().get(30, SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertEquals(
        Set.of(
            Candidate.of("192.0.2.1", 4242),
            Candidate.of("192.0.2.2", 4242),
            Candidate.of("2001:db8::1", 4242),
            Candidate.of("198.51.100.1", 4300),
            Candidate.of("198.51.100.3", 4301),
            Candidate.of("2001:db8::3", 4301),
            Candidate.of("203.0.113.10", 4500, a.nodeId()),
            Candidate.of("node-b.long-host-name.nodes.example.org", 4501, b.nodeId())),
        ctx.candidateSet());
    assertEquals(
        ctx.candidates.size(), ctx.candidateSet().size(), "a candidate was reported twice");
    assertEquals(0, stats.failedQueries(), "NXDOMAIN of missing.test is an answer, not a failure");
    // 4 per seed, and A and AAAA of alias.test: dnsmasq sends no addresses with an SRV target
    // that is a CNAME, so the provider asks for them (and follows the CNAME in the answer).
    assertEquals(10, stats.queries());
    assertEquals(8, stats.candidates());
    assertEquals(1, stats.foreignTxt());
    assertEquals(1L, stats.rejected().get(Rejection.BAD_SIGNATURE));
    assertEquals(1L, stats.rejected().get(Rejection.MALFORMED));
    assertEquals(1L, stats.rejected().get(Rejection.STALE));
    assertEquals(3, stats.rejectedTotal());

    Map<Rejection, Long> r = stats.rejected();
    System.out.printf(
        "DISCOVERY dns seeds: %d candidates from A/AAAA/SRV/TXT in %d ms via dnsmasq (%d queries); "
            + "%d bad TXT records ignored (%d bad signature, %d malformed, %d stale)%n",
        stats.candidates(),
        ms,
        stats.queries(),
        stats.rejectedTotal(),
        r.get(Rejection.BAD_SIGNATURE),
        r.get(Rejection.MALFORMED),
        r.get(Rejection.STALE));
  }
}
