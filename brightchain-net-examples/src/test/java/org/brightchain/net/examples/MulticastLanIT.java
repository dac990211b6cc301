package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAN multicast discovery across real interfaces: one runnable node ({@code brightchain-node.jar})
 * per network namespace of {@code scripts/lan-testbed.sh}, each host on its own veth interface
 * plugged into one Linux bridge, multicast on (the runnable node's default), no bootstrap node.
 * This JVM runs on the first host (10.88.0.10), so it can read every node's REST API. Run by {@code
 * scripts/lan-tests.sh}, which needs root; skipped anywhere else.
 *
 * <p>"Listing each other" is read from each node's multicast table: every node logs {@code
 * multicast: heard node <id> at <host>:<port>} when a node enters it. The peer connections the
 * runnable node then dials are checked too, through {@code GET /node/peers}.
 */
@Tag("namespaces")
class MulticastLanIT {
  private static final Path JAR =
      Path.of(System.getProperty("brightchain.nodeJar", "target/brightchain-node.jar"));
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final Pattern HEARD =
      Pattern.compile("multicast: heard node ([0-9a-f]{64}) at ([^ ]+):(\\d+) ");

  /** The node's peer table gained a peer: listed as PENDING from discovery, or ACTIVE at once. */
  private static final Pattern LISTED =
      Pattern.compile(" - peer ([0-9a-f]{8}) (?:listed|active) at ");

  /** The runnable node's default broadcast interval. */
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final int PORT = 4242;

  private static String testbed;
  private static int hosts;
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void onlyOnTheTestbed() {
    testbed = System.getenv("LAN_TESTBED");
    Assumptions.assumeTrue(
        testbed != null, "LAN_TESTBED is not set: run scripts/lan-tests.sh (as root)");
    hosts = Integer.parseInt(System.getenv().getOrDefault("LAN_TESTBED_NODES", "10"));
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** A node process, what it printed, and when it heard each other node (System.nanoTime). */
  private record Node(
      int index,
      String address,
      Process process,
      List<String> output,
      Map<String, Long> heard,
      Map<String, String> heardAt,
      long[] readyAt,
      String[] id,
      Map<String, Long> listed) {
    boolean ready() {
      return readyAt[0] != 0;
    }
  }

  private static String address(int i) {
    return "10.88.0." + (10 + i);
  }

  private Node launch(int i) throws IOException {
    Path dir = tmp.resolve("n" + i);
    List<String> cmd =
        List.of(
            testbed,
            "exec",
            "n" + i,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            JAR.toAbsolutePath().toString(),
            "--http-port",
            String.valueOf(PORT),
            "--nat",
            "none",
            "--data-dir",
            dir.toString(),
            "--public-read",
            "/node/peers",
            "--public-read",
            "/node/info");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    Node n =
        new Node(
            i,
            address(i),
            p,
            new ArrayList<>(),
            new ConcurrentHashMap<>(),
            new ConcurrentHashMap<>(),
            new long[1],
            new String[1],
            new ConcurrentHashMap<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  long now = System.nanoTime();
                  System.out.println("[n" + i + "] " + line);
                  synchronized (n.output()) {
                    n.output().add(line);
                  }
                  Matcher l = LISTED.matcher(line);
                  if (l.find()) {
                    n.listed().putIfAbsent(l.group(1), now);
                  }
                  Matcher m = HEARD.matcher(line);
                  if (m.find()) {
                    n.heard().putIfAbsent(m.group(1), now);
                    n.heardAt().put(m.group(1), m.group(2) + ":" + m.group(3));
                  } else if (line.contains(" ready: ")) {
                    n.id()[0] = line.split(" ")[2];
                    n.readyAt()[0] = now;
                  }
                }
              } catch (IOException e) {
                // ended
              }
            },
            "read-n" + i);
    reader.setDaemon(true);
    reader.start();
    return n;
  }

  private static boolean hearsAll(Node n, List<Node> all) {
    return all.stream().filter(o -> o != n).allMatch(o -> n.heard().containsKey(o.id()[0]));
  }

  private static boolean listsAll(Node n, List<Node> all) {
    return all.stream()
        .filter(o -> o != n)
        .allMatch(o -> n.listed().containsKey(o.id()[0].substring(0, 8)));
  }

  /** Peers in the node's table, whatever their status; -1 if it does not answer. */
  private static long listedPeers(Node n) {
    try {
      HttpResponse<byte[]> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + n.address() + ":" + PORT + "/node/peers"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() != 200
          ? -1
          : ((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("peers")).size();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long activePeers(Node n) {
    try {
      HttpResponse<byte[]> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + n.address() + ":" + PORT + "/node/peers"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        return -1;
      }
      Object peers = ((Map<?, ?>) Json.parse(r.body())).get("peers");
      return ((List<?>) peers)
          .stream().filter(o -> "ACTIVE".equals(((Map<?, ?>) o).get("status"))).count();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void tenNodesOnTheLanAllListEachOtherWithinOneIntervalPlusOneSecond() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the runnable node first: " + JAR);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      nodes.add(launch(i));
    }
    Await.until(
        Duration.ofSeconds(90),
        () -> nodes.stream().allMatch(Node::ready),
        () ->
            nodes.stream().filter(n -> !n.ready()).map(n -> "n" + n.index()).toList()
                + " not ready");
    long lastReady = nodes.stream().mapToLong(n -> n.readyAt()[0]).max().orElseThrow();

    Duration bound = INTERVAL.plusSeconds(1);
    // Listed: every node's peer table names every other node (from the node's log, where each
    // entry is written the moment it is made; GET /node/peers is checked below).
    Await.until(
        bound.plusSeconds(10),
        () -> nodes.stream().allMatch(n -> listsAll(n, nodes)),
        () -> nodes.stream().map(n -> "n" + n.index() + " lists " + n.listed().size()).toList());
    long listedAt =
        nodes.stream()
            .flatMap(
                n ->
                    nodes.stream()
                        .filter(o -> o != n)
                        .map(o -> n.listed().get(o.id()[0].substring(0, 8))))
            .mapToLong(t -> t)
            .max()
            .orElseThrow();
    long listedMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(listedAt - lastReady));
    Await.until(
        bound.plusSeconds(10),
        () -> nodes.stream().allMatch(n -> hearsAll(n, nodes)),
        () -> nodes.stream().map(n -> "n" + n.index() + " heard " + n.heard().size()).toList());
    // The moment the last pair heard each other, from the moment the last node was ready.
    long meshed =
        nodes.stream()
            .flatMap(n -> n.heard().values().stream())
            .mapToLong(t -> t)
            .max()
            .orElseThrow();
    long meshMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(meshed - lastReady));
    long startMs =
        TimeUnit.NANOSECONDS.toMillis(
            lastReady - nodes.stream().mapToLong(n -> n.readyAt()[0]).min().orElseThrow());

    // Each node was heard at its own address on the LAN, at its WebSocket port.
    for (Node n : nodes) {
      for (Node o : nodes) {
        if (o != n) {
          assertEquals(
              o.address() + ":" + PORT,
              n.heardAt().get(o.id()[0]),
              "n" + n.index() + " heard n" + o.index());
        }
      }
    }

    // The runnable node dials what it hears: every node ends up with every other as a peer.
    // The REST view agrees (asked over HTTP while ten JVMs share the machine: allow it time).
    Await.until(
        Duration.ofSeconds(20),
        () -> nodes.stream().allMatch(n -> listedPeers(n) == hosts - 1),
        () ->
            nodes.stream()
                .map(n -> "n" + n.index() + " GET /node/peers lists " + listedPeers(n))
                .toList());
    Await.until(
        Duration.ofSeconds(30),
        () -> nodes.stream().allMatch(n -> activePeers(n) == hosts - 1),
        () -> nodes.stream().map(n -> "n" + n.index() + " " + activePeers(n) + " active").toList());
    long peersMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReady);

    System.out.printf(
        "DISCOVERY multicast LAN: %d nodes in %d network namespaces on one bridge, no bootstrap: every peer table listed all others %d ms after the last node was ready, all %d pairs heard each other after %d ms (interval %d ms, bound %d ms; nodes ready over %d ms); all %d peer links ACTIVE after %d ms%n",
        hosts,
        hosts,
        listedMs,
        hosts * (hosts - 1),
        meshMs,
        INTERVAL.toMillis(),
        bound.toMillis(),
        startMs,
        hosts * (hosts - 1),
        peersMs);
    assertTrue(
        meshMs <= bound.toMillis(),
        "all heard each other within one interval plus one second: " + meshMs + " ms");
    assertTrue(
        listedMs <= bound.toMillis(),
        "all listed each other within one interval plus one second: " + listedMs + " ms");
  }
}
