package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.brightchain.net.Reachability;
import org.brightchain.net.Reachability.State;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.netty.nat.NatPortMapperProvider;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMappingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Port mapping against a real gateway: miniupnpd (UPnP IGD, NAT-PMP, PCP) in network namespaces, as
 * {@code scripts/nat-testbed.sh} sets them up. This JVM runs in the LAN namespace (192.168.77.10);
 * the gateway is 192.168.77.1 inside, 198.51.100.1 outside; "the internet" is 198.51.100.2. Run by
 * {@code scripts/nat-tests.sh}, which needs root; skipped anywhere else.
 */
@Tag("namespaces")
class NatTraversalIT {
  private static final String LAN_ADDRESS = "192.168.77.10";
  private static final String EXTERNAL = "198.51.100.1";
  private static final Path JAR =
      Path.of(System.getProperty("brightchain.nodeJar", "target/brightchain-node.jar"));
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** Short leases and quick checks, so that renewals and recoveries happen within seconds. */
  private static final NatConfig FAST =
      NatConfig.defaults()
          .withLease(Duration.ofSeconds(10))
          .withCheckInterval(Duration.ofSeconds(1))
          .withRetry(Duration.ofSeconds(1), Duration.ofSeconds(2))
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));

  private static String testbed;
  private final List<BrightChainNode> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void onlyInsideTheTestbed() throws Exception {
    testbed = System.getenv("NAT_TESTBED");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        testbed != null, "NAT_TESTBED is not set: run scripts/nat-tests.sh (as root)");
    boolean inLan = false;
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      inLan |=
          Collections.list(nif.getInetAddresses()).stream()
              .anyMatch(a -> a.getHostAddress().equals(LAN_ADDRESS));
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(inLan, "not inside the testbed's LAN namespace");
  }

  @BeforeEach
  void gatewayUp() throws Exception {
    testbed("gw-thaw");
    testbed("gw-start");
  }

  @AfterEach
  void stopAll() {
    for (BrightChainNode n : nodes) {
      n.close();
    }
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String testbed(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(testbed));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "testbed " + String.join(" ", args) + " hangs");
    assertEquals(0, p.exitValue(), "testbed " + String.join(" ", args) + ": " + out);
    return out;
  }

  /** The gateway's forwarding rules, as nftables lists them. */
  private static String rules() throws Exception {
    return testbed("rules");
  }

  private static String rule(int external, int internal) {
    return "dport " + external + " dnat ip to " + LAN_ADDRESS + ":" + internal;
  }

  /** An HTTP GET from the outside (the WAN namespace), with nothing but bash. */
  private static String fromOutside(String host, int port, String path) throws Exception {
    return testbed(
        "exec",
        "wan",
        "timeout",
        "5",
        "bash",
        "-c",
        "exec 3<>/dev/tcp/"
            + host
            + "/"
            + port
            + " && printf 'GET "
            + path
            + " HTTP/1.0\\r\\nHost: "
            + host
            + "\\r\\n\\r\\n' >&3 && cat <&3");
  }

  /** A node in this (LAN) namespace, with its reachability events. */
  private record Lan(BrightChainNode node, List<Reachability> events, long startedNanos) {
    Reachability now() {
      return node.status().reachability();
    }

    boolean has(State s, String error) {
      Reachability r = now();
      return r.state() == s && r.error().equals(error);
    }
  }

  private Lan start(NatConfig nat, int port, String... bootstrap) {
    List<Reachability> events = new CopyOnWriteArrayList<>();
    BrightChainNode.Builder b =
        BrightChainNode.builder()
            .host("0.0.0.0")
            .httpPort(port)
            .nat(nat)
            .addListener(
                new NodeEventListener() {
                  @Override
                  public void reachabilityChanged(Reachability r) {
                    events.add(r);
                  }
                });
    for (String hp : bootstrap) {
      String[] parts = hp.split(":");
      b.addBootstrapNode(parts[0], Integer.parseInt(parts[1]));
    }
    BrightChainNode node = b.build();
    nodes.add(node);
    long t0 = System.nanoTime();
    node.start().join();
    return new Lan(node, events, t0);
  }

  private Lan mapped(NatConfig nat, int port) {
    Lan n = start(nat, port);
    Await.until(Duration.ofSeconds(15), () -> n.now().isMapped(), n::now);
    return n;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> getJson(String url) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return (Map<String, Object>) Json.parse(r.body());
  }

  private static boolean serves(BrightChainNode n) {
    try {
      return n.nodeId()
          .hex()
          .equals(
              getJson("http://127.0.0.1:" + n.httpAddress().getPort() + "/node/info")
                  .get("nodeId"));
    } catch (Exception e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ tests

  @ParameterizedTest
  @ValueSource(strings = {"pcp", "natpmp", "upnp"})
  void mapsRenewsAndUnmapsOnStop(String method) throws Exception {
    int port = 4301 + List.of("pcp", "natpmp", "upnp").indexOf(method);
    Lan n = mapped(FAST.withMode(NatMode.fromWire(method)), port);
    long mapMs = (System.nanoTime() - n.startedNanos()) / 1_000_000;
    Reachability r = n.now();
    assertEquals(method, r.method());
    assertEquals(EXTERNAL, r.externalAddress());
    assertEquals(port, r.externalPort());
    assertTrue(rules().contains(rule(r.externalPort(), port)), rules());
    assertTrue(
        fromOutside(EXTERNAL, r.externalPort(), "/node/info").contains(n.node().nodeId().hex()),
        "reachable from outside through the mapping");

    // Renewed at half the lease: the lease end moves on while the state stays mapped.
    Instant firstEnd = r.leaseExpiresAt();
    long mappedAt = System.nanoTime();
    Await.until(
        Duration.ofSeconds(9),
        () -> n.now().leaseExpiresAt() != null && n.now().leaseExpiresAt().isAfter(firstEnd),
        n::now);
    long renewMs = (System.nanoTime() - mappedAt) / 1_000_000;
    assertTrue(renewMs < 8000, "renewed well before the 10 s lease ended: " + renewMs + " ms");
    assertEquals(State.MAPPED, n.now().state());
    assertEquals("", n.now().error());
    System.out.printf(
        "nat figures: %s mapped in %d ms (start to mapped), lease renewed %d ms after mapping (lease 10 s)%n",
        method, mapMs, renewMs);

    n.node().stop().join();
    assertFalse(rules().contains(rule(r.externalPort(), port)), "removed on stop: " + rules());
    assertEquals(State.UNMAPPED, n.now().state());
  }

  @Test
  void aPeerOutsideReachesTheNodeAtTheEndpointItAdvertises() throws Exception {
    Process wan =
        new ProcessBuilder(
                testbed,
                "exec",
                "wan",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--host",
                "198.51.100.2",
                "--http-port",
                "4300",
                "--nat",
                "none",
                "--data-dir",
                tmp.resolve("wan").toString(),
                // This peer's table is what the test reads: make it public, as an operator may.
                "--public-read",
                "/node/peers",
                "--public-read",
                "/node/info",
                "--public-read",
                "/node/status")
            .redirectErrorStream(true)
            .start();
    processes.add(wan);
    List<String> out = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(wan.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  System.out.println("[wan] " + line);
                  out.add(line);
                }
              } catch (IOException e) {
                // ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    Await.until(
        Duration.ofSeconds(30),
        () -> out.stream().anyMatch(l -> l.contains(" ready: ")),
        () -> out);

    Lan n = start(FAST, 4310, "198.51.100.2:4300");
    Await.until(Duration.ofSeconds(15), () -> n.now().isMapped(), n::now);
    int external = n.now().externalPort();
    String id = n.node().nodeId().hex();
    // The outside peer was told the external endpoint in the node's announcement.
    Supplier<Map<?, ?>> seen =
        () -> {
          try {
            for (Object o : (List<?>) getJson("http://198.51.100.2:4300/node/peers").get("peers")) {
              if (id.equals(((Map<?, ?>) o).get("nodeId"))) {
                return (Map<?, ?>) o;
              }
            }
          } catch (Exception e) {
            // not yet
          }
          return Map.of();
        };
    Await.until(
        Duration.ofSeconds(15),
        () ->
            EXTERNAL.equals(seen.get().get("address"))
                && Long.valueOf(external).equals(seen.get().get("httpPort")),
        seen);
    String answer =
        fromOutside(EXTERNAL, ((Long) seen.get().get("httpPort")).intValue(), "/node/status");
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertTrue(answer.contains("\"nodeId\":\"" + id + "\""), answer);
    assertTrue(answer.contains("\"state\":\"mapped\""), answer);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcp", "natpmp", "upnp"})
  void aDenyRuleIsATypedErrorAndAClearStatus(String method) throws Exception {
    int port =
        4950
            + List.of("pcp", "natpmp", "upnp")
                .indexOf(method); // the testbed refuses LAN ports 4900-4999
    Lan n = start(FAST.withMode(NatMode.fromWire(method)), port);
    Await.until(Duration.ofSeconds(10), () -> n.now().state() == State.FAILED, n::now);
    assertEquals("denied", n.now().error());
    assertEquals(method, n.now().method());
    assertTrue(serves(n.node()), "the node serves anyway");

    List<PortMapper> mappers = new NatPortMapperProvider().create(FAST, "0.0.0.0");
    try {
      PortMapper m =
          mappers.stream().filter(x -> x.name().equals(method)).findFirst().orElseThrow();
      PortMappingException e =
          (PortMappingException)
              org.junit.jupiter.api.Assertions.assertThrows(
                      CompletionException.class, () -> m.map(UPNPConfig.tcp(port + 10)).join())
                  .getCause();
      assertEquals(PortMappingException.Reason.DENIED, e.reason());
      assertEquals(method.equals("upnp") ? 606 : 2, e.code(), e.getMessage());
    } finally {
      mappers.forEach(PortMapper::close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcp", "natpmp"})
  void aGatewayRestartIsNoticedByItsEpochAndMappedAgain(String method) throws Exception {
    Lan n =
        mapped(
            FAST.withMode(NatMode.fromWire(method)),
            4321 + List.of("pcp", "natpmp").indexOf(method));
    // A restart is told by an epoch that went back by more than the 2 s the RFCs allow for
    // rounding: let the gateway's epoch grow past that first (one renewal, 5 s).
    Instant firstEnd = n.now().leaseExpiresAt();
    Await.until(Duration.ofSeconds(9), () -> n.now().leaseExpiresAt().isAfter(firstEnd), n::now);
    int before = n.events().size();
    long t0 = System.nanoTime();
    testbed("gw-restart");
    Await.until(
        Duration.ofSeconds(15),
        () ->
            n.events().stream().skip(before).anyMatch(r -> r.state() == State.MAPPING)
                && n.has(State.MAPPED, ""),
        n::events);
    System.out.printf(
        "nat figures: %s re-mapped %d ms after a gateway restart began%n",
        method, (System.nanoTime() - t0) / 1_000_000);
    assertTrue(rules().contains(rule(n.now().externalPort(), n.node().httpAddress().getPort())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcp", "natpmp", "upnp"})
  void aRebootedGatewayThatLostTheRuleGetsItBack(String method) throws Exception {
    int port = 4331 + List.of("pcp", "natpmp", "upnp").indexOf(method);
    Lan n = mapped(FAST.withMode(NatMode.fromWire(method)), port);
    testbed("gw-reboot");
    assertFalse(rules().contains(rule(port, port)), "the reboot lost the rule");
    long t0 = System.nanoTime();
    Await.until(
        Duration.ofSeconds(15),
        () -> {
          try {
            return rules().contains(rule(n.now().externalPort(), port)) && n.has(State.MAPPED, "");
          } catch (Exception e) {
            return false;
          }
        },
        n::events);
    System.out.printf(
        "nat figures: %s rule back %d ms after the gateway came back%n",
        method, (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aFrozenGatewayMeansTimeoutsAndAClearStatusWhileTheNodeServes() throws Exception {
    Lan n = mapped(FAST.withMode(NatMode.PCP), 4340);
    testbed("gw-freeze");
    try {
      Await.until(Duration.ofSeconds(6), () -> n.has(State.MAPPED, "timeout"), n::now);
      assertTrue(n.now().detail().contains("did not answer"), n.now().detail());
      assertTrue(serves(n.node()));
      // The lease runs out without a renewal: no longer claimed as reachable.
      Await.until(Duration.ofSeconds(15), () -> n.has(State.FAILED, "timeout"), n::now);
      assertTrue(serves(n.node()));
    } finally {
      testbed("gw-thaw");
    }
    Await.until(Duration.ofSeconds(15), () -> n.has(State.MAPPED, ""), n::now);
  }

  @Test
  void withoutAGatewayTheNodeStartsUnmappedAndMapsWhenOneAppears() throws Exception {
    testbed("gw-stop");
    Lan n;
    try {
      n = start(FAST, 4350);
      Await.until(
          Duration.ofSeconds(10),
          () -> n.now().state() == State.UNMAPPED && n.now().error().equals("no_gateway"),
          n::now);
      assertTrue(serves(n.node()));
      System.out.printf(
          "nat figures: no gateway reported %d ms after start: %s%n",
          (System.nanoTime() - n.startedNanos()) / 1_000_000, n.now().detail());
    } finally {
      testbed("gw-start");
    }
    Await.until(Duration.ofSeconds(15), () -> n.now().isMapped(), n::now);
  }

  @Test
  void theRunnableNodeTakesTheNatFlag() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--http-port",
                "4360",
                "--nat",
                "upnp",
                "--data-dir",
                tmp.resolve("lan").toString())
            .inheritIO()
            .start();
    processes.add(p);
    Supplier<Object> reach =
        () -> {
          try {
            return getJson("http://127.0.0.1:4360/node/status").get("reachability");
          } catch (Exception e) {
            return e.toString();
          }
        };
    Await.until(
        Duration.ofSeconds(30),
        () ->
            reach.get() instanceof Map<?, ?> m
                && "mapped".equals(m.get("state"))
                && "upnp".equals(m.get("method")),
        reach);
    assertTrue(rules().contains(rule(4360, 4360)));
    p.destroy(); // SIGTERM: the node leaves, and removes its mapping on the way out
    assertTrue(p.waitFor(15, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    assertFalse(rules().contains(rule(4360, 4360)), rules());
  }
}
