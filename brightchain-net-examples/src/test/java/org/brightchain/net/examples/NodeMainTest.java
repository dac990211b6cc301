package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.brightchain.net.config.NatMode;
import org.junit.jupiter.api.Test;

class NodeMainTest {

  @Test
  void defaultsMatchTheDocumentation() throws Exception {
    NodeMain.Options o = NodeMain.parse(new String[0]);
    assertEquals(4242, o.httpPort());
    assertNull(o.wsPort(), "the WebSocket shares the HTTP port unless told otherwise");
    assertEquals("0.0.0.0", o.host());
    assertEquals(Path.of("brightchain-data"), o.dataDir());
    assertTrue(o.bootstrap().isEmpty());
    assertEquals(NatMode.AUTO, o.nat());
    assertEquals(org.brightchain.net.config.SecurityConfig.defaults(), o.security());
    assertEquals(org.brightchain.net.spi.ConnectionLimits.defaults(), o.limits());
    assertEquals(
        java.util.Optional.of(org.brightchain.net.config.DiscoveryConfig.defaults()),
        o.discovery().multicast(),
        "LAN discovery on");
  }

  @Test
  void multicastOptionsAreRead() throws Exception {
    NodeMain.Options o =
        NodeMain.parse(new String[] {"--multicast-group", "ff02::4242", "--multicast-port=4300"});
    assertEquals("ff02::4242", o.discovery().multicast().orElseThrow().multicastAddress());
    assertEquals(4300, o.discovery().multicast().orElseThrow().port());
    assertTrue(NodeMain.parse(new String[] {"--no-multicast"}).discovery().multicast().isEmpty());
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--multicast-group", "10.0.0.1"}))
            .getMessage()
            .contains("multicast address"));
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--multicast-group", "lan.example"}))
            .getMessage()
            .contains("lan.example"));
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--multicast-port", "0"}))
            .getMessage()
            .contains("1-65535"));
  }

  @Test
  void discoveryOptionsAreRead() throws Exception {
    NodeMain.Options d = NodeMain.parse(new String[0]);
    assertTrue(
        d.discovery().multicast().isPresent(), "multicast on by default in the runnable node");
    assertTrue(d.discovery().dnsSeeds().seeds().isEmpty());
    NodeMain.Options o =
        NodeMain.parse(
            new String[] {
              "--multicast-group",
              "ff02::4242",
              "--multicast-port=5000",
              "--dns-seed",
              "seed1.example.org",
              "--dns-seed",
              "seed2.example.org",
              "--dns-server",
              "127.0.0.1:5353",
              "--peers-file",
              "/tmp/peers.txt"
            });
    assertEquals("ff02::4242", o.discovery().multicast().orElseThrow().multicastAddress());
    assertEquals(5000, o.discovery().multicast().orElseThrow().port());
    assertEquals(
        java.util.List.of("seed1.example.org", "seed2.example.org"),
        o.discovery().dnsSeeds().seeds());
    assertEquals("127.0.0.1:5353", o.discovery().dnsServer());
    assertEquals(Path.of("/tmp/peers.txt"), o.peersFile());
    assertTrue(NodeMain.parse(new String[] {"--no-multicast"}).discovery().multicast().isEmpty());
    assertEquals(
        "--multicast-group: '10.0.0.1' (expected: an IPv4 or IPv6 multicast address)",
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--multicast-group", "10.0.0.1"}))
            .getMessage());
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--dns-server", "127.0.0.1:99999"}))
            .getMessage()
            .startsWith("--dns-server"));
  }

  @Test
  void securityOptionsAreRead() throws Exception {
    NodeMain.Options o =
        NodeMain.parse(
            new String[] {
              "--rate-limit",
              "500/5",
              "--blacklist=4/60",
              "--replay-window",
              "120",
              "--max-per-address",
              "10",
              "--max-per-subnet",
              "40",
              "--public-read",
              "/node/peers",
              "--public-read",
              "/node/info"
            });
    org.brightchain.net.config.RateLimitConfig r = o.security().rateLimit();
    assertEquals(500, r.maxRequests());
    assertEquals(java.time.Duration.ofSeconds(5), r.window());
    assertEquals(4, r.blacklistThreshold());
    assertEquals(java.time.Duration.ofSeconds(60), r.blacklistDuration());
    assertEquals(java.time.Duration.ofSeconds(120), o.security().replayWindow());
    assertEquals(10, o.limits().maxPerAddress());
    assertEquals(40, o.limits().maxPerSubnet());
    assertEquals(java.util.Set.of("/node/peers", "/node/info"), o.security().publicReads());
    assertTrue(o.security().isPublicRead("/node/peers"));
    assertTrue(!o.security().isPublicRead("/node/status"), "the list replaces the default");
  }

  @Test
  void theRequestDeadlineIsRead() throws Exception {
    assertEquals(
        java.time.Duration.ofSeconds(30),
        NodeMain.parse(new String[0]).limits().requestTimeout(),
        "the default");
    NodeMain.Options o = NodeMain.parse(new String[] {"--request-timeout", "12"});
    assertEquals(java.time.Duration.ofSeconds(12), o.limits().requestTimeout());
    assertEquals(
        org.brightchain.net.spi.ConnectionLimits.defaults().headerTimeout(),
        o.limits().headerTimeout(),
        "the header deadline is its own");
    assertEquals(
        java.time.Duration.ofSeconds(5),
        NodeMain.parse(new String[] {"--request-timeout=5", "--max-per-address", "3"})
            .limits()
            .requestTimeout(),
        "kept by the other connection options");
    assertEquals(
        "--request-timeout: '0' (expected: a positive whole number)",
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--request-timeout", "0"}))
            .getMessage());
    assertTrue(NodeMain.USAGE.contains("--request-timeout SECONDS"));
  }

  @Test
  void badSecurityOptionsSayWhatIsWrong() {
    assertEquals(
        "--rate-limit: '100' (expected: N/SECONDS, for example 100/10)",
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--rate-limit", "100"}))
            .getMessage());
    assertEquals(
        "--replay-window: '-1' (expected: a positive whole number)",
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--replay-window", "-1"}))
            .getMessage());
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--max-per-subnet", "8"}))
            .getMessage()
            .contains("at least --max-per-address"));
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--public-read", "node"}))
            .getMessage()
            .contains("starting with /"));
  }

  @Test
  void everyOptionIsRead() throws Exception {
    NodeMain.Options o =
        NodeMain.parse(
            new String[] {
              "--http-port",
              "5000",
              "--ws-port=5001",
              "--host",
              "127.0.0.1",
              "--data-dir",
              "/tmp/x",
              "--bootstrap",
              "a.example:1",
              "--bootstrap",
              "[::1]:2",
              "--region",
              "eu-west",
              "--nat",
              "pcp"
            });
    assertEquals(5000, o.httpPort());
    assertEquals(5001, o.wsPort());
    assertEquals("127.0.0.1", o.host());
    assertEquals(Path.of("/tmp/x"), o.dataDir());
    assertEquals(2, o.bootstrap().size());
    assertEquals("::1", o.bootstrap().get(1).address());
    assertEquals(2, o.bootstrap().get(1).port());
    assertEquals("eu-west", o.region());
    assertEquals(NatMode.PCP, o.nat());
  }

  @Test
  void everyNatModeIsAccepted() throws Exception {
    for (NatMode m : NatMode.values()) {
      assertEquals(m, NodeMain.parse(new String[] {"--nat=" + m.wireName()}).nat());
    }
    assertTrue(NodeMain.USAGE.contains("--nat MODE"));
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    assertTrue(
        assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--nope"}))
            .getMessage()
            .contains("--nope"));
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--http-port", "70000"}))
            .getMessage()
            .contains("70000"));
    assertTrue(
        assertThrows(
                NodeMain.UsageException.class,
                () -> NodeMain.parse(new String[] {"--bootstrap", "nohost"}))
            .getMessage()
            .contains("host:port"));
    assertTrue(
        assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--region"}))
            .getMessage()
            .contains("missing value"));
    assertEquals(
        "--nat: 'stun' (expected one of: auto, upnp, natpmp, pcp, none)",
        assertThrows(
                NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--nat", "stun"}))
            .getMessage());
  }
}
