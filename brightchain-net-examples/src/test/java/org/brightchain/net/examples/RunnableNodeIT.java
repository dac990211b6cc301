package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable node as an operator uses it: separate processes started from {@code
 * brightchain-node.jar}, talking over loopback.
 */
class RunnableNodeIT {
  private static final Path JAR =
      Path.of(System.getProperty("brightchain.nodeJar", "target/brightchain-node.jar"));
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Process> processes = new ArrayList<>();

  /** Operator token of the node on each port. */
  private static final Map<Integer, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

  @TempDir Path tmp;

  /** A started node process and what it printed. */
  record Node(Process process, int port, String nodeId, BlockingQueue<String> output) {}

  @AfterEach
  void killAll() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process launch(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  private Node start(String name, String... extra) throws Exception {
    return startAt(name, freePort(), extra);
  }

  private Node startAt(String name, int port, String... extra) throws Exception {
    // No LAN discovery: these nodes meet through their bootstrap flags only, and never through
    // the multicast adverts of nodes that other test runs on this host start.
    List<String> args =
        new ArrayList<>(
            List.of(
                "--host",
                "127.0.0.1",
                "--http-port",
                String.valueOf(port),
                "--data-dir",
                tmp.resolve(name).toString(),
                "--no-multicast"));
    args.addAll(List.of(extra));
    Process p = launch(args.toArray(String[]::new));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  System.out.println("[" + name + "] " + line);
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "read-" + name);
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.contains(" ready: ")) {
        String id = line.split(" ")[2];
        assertEquals(64, id.length(), line);
        assertTrue(line.contains("http://127.0.0.1:" + port + "/node/info"), line);
        // Local scripts act as the operator with the token the node wrote at start.
        Path tokenFile = tmp.resolve(name).resolve("operator.token");
        TOKENS.put(port, java.nio.file.Files.readString(tokenFile).trim());
        return new Node(p, port, id, lines);
      }
      if (!p.isAlive() && lines.isEmpty()) {
        throw new AssertionError(name + " exited with " + p.exitValue());
      }
    }
    throw new AssertionError(name + " did not say ready within 30 s");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> get(int port, String path) {
    try {
      HttpResponse<byte[]> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .header("Authorization", "Bearer " + TOKENS.get(port))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200
          ? (Map<String, Object>) Json.parse(r.body())
          : Map.of("status", (long) r.statusCode());
    } catch (Exception e) {
      return Map.of("error", e.toString());
    }
  }

  private static int post(int port, String path, String json) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKENS.get(port))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String peerStatus(Node on, Node of) {
    Object peers = get(on.port(), "/node/peers").get("peers");
    if (peers instanceof List<?> list) {
      for (Object o : list) {
        Map<?, ?> p = (Map<?, ?>) o;
        if (of.nodeId().equals(p.get("nodeId"))) {
          return (String) p.get("status");
        }
      }
    }
    return "absent";
  }

  @Test
  void threeChainedNodesFindEachOtherShareTemperaturesAndLeaveCleanly() throws Exception {
    Node a = start("a", "--region", "eu-west");
    Node b = start("b", "--bootstrap", "127.0.0.1:" + a.port());
    long started = System.nanoTime();
    Node c = start("c", "--bootstrap", "127.0.0.1:" + b.port());
    List<Node> all = List.of(a, b, c);
    for (Node x : all) {
      for (Node y : all) {
        if (x != y) {
          Await.until(
              Duration.ofSeconds(10),
              () -> "ACTIVE".equals(peerStatus(x, y)),
              x.nodeId() + " lists " + y.nodeId());
        }
      }
    }
    System.out.printf(
        "three nodes fully meshed %d ms after the third was started%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

    String block = "5e".repeat(64);
    assertEquals(
        200, post(a.port(), "/blocks/" + block + "/temperature", "{\"temperature\":\"hot\"}"));
    for (Node n : List.of(b, c)) {
      Await.until(
          Duration.ofSeconds(10),
          () -> "hot".equals(get(n.port(), "/blocks/" + block + "/metadata").get("temperature")),
          "temperature reaches " + n.nodeId());
      assertEquals(a.nodeId(), get(n.port(), "/blocks/" + block + "/metadata").get("updatedBy"));
    }

    c.process().destroy(); // SIGTERM
    assertTrue(c.process().waitFor(15, TimeUnit.SECONDS), "c stops");
    assertEquals(0, c.process().exitValue(), "SIGTERM exits 0");
    for (Node n : List.of(a, b)) {
      Await.until(
          Duration.ofSeconds(10),
          () -> "OFFLINE".equals(peerStatus(n, c)),
          n.nodeId() + " sees c leave");
    }
    assertEquals("ACTIVE", peerStatus(a, b));
  }

  @Test
  void aKilledPeerIsSeenOfflineAndActiveAgainAfterItRestarts() throws Exception {
    Node a = start("ka");
    Node b = start("kb", "--bootstrap", "127.0.0.1:" + a.port());
    Await.until(Duration.ofSeconds(10), () -> "ACTIVE".equals(peerStatus(a, b)), "a lists b");
    b.process().destroyForcibly(); // SIGKILL: no goodbye
    assertTrue(b.process().waitFor(15, TimeUnit.SECONDS));
    Await.until(Duration.ofSeconds(15), () -> "OFFLINE".equals(peerStatus(a, b)), "a sees b gone");
    List<String> args =
        List.of("--bootstrap", "127.0.0.1:" + a.port(), "--http-port", String.valueOf(b.port()));
    Node again = startAt("kb", b.port(), args.subList(0, 2).toArray(String[]::new));
    assertEquals(b.nodeId(), again.nodeId(), "same key, same node");
    long restarted = System.nanoTime();
    Await.until(
        Duration.ofSeconds(15), () -> "ACTIVE".equals(peerStatus(a, again)), "a sees b back");
    System.out.printf(
        "killed peer seen ACTIVE again %d ms after its restart%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
  }

  @Test
  void theNodeKeepsItsIdentityInAPrivateKeyFile() throws Exception {
    Node first = start("k");
    Path key = tmp.resolve("k").resolve("node.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    first.process().destroy();
    assertTrue(first.process().waitFor(15, TimeUnit.SECONDS));
    Node again = start("k");
    assertEquals(first.nodeId(), again.nodeId());
  }

  @Test
  void theOperatorTokenIsPrivateNewAtEachStartAndOpensWhatIsNotPublic() throws Exception {
    Node first = start("op");
    Path file = tmp.resolve("op").resolve("operator.token");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String token = TOKENS.get(first.port());
    URI peers = URI.create("http://127.0.0.1:" + first.port() + "/node/peers");
    assertEquals(
        401,
        HTTP.send(HttpRequest.newBuilder(peers).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "no session");
    assertEquals(
        200,
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + first.port() + "/node/info"))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "public read");
    assertEquals(
        200,
        HTTP.send(
                HttpRequest.newBuilder(peers).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "operator");
    first.process().destroy();
    assertTrue(first.process().waitFor(15, TimeUnit.SECONDS));
    Node again = startAt("op", first.port());
    assertTrue(!token.equals(TOKENS.get(again.port())), "a new token at each start");
    assertEquals(
        401,
        HTTP.send(
                HttpRequest.newBuilder(peers).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "the old token is dead");
  }

  @Test
  void aBadOptionPrintsUsageAndExits2() throws Exception {
    Process p = launch("--bogus");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    assertTrue(out.contains("unknown option: --bogus") && out.contains("Usage:"), out);
  }

  @Test
  void helpPrintsUsageAndExits0() throws Exception {
    Process p = launch("--help");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    for (String option :
        List.of(
            "--http-port",
            "--ws-port",
            "--host",
            "--data-dir",
            "--bootstrap",
            "--region",
            "--nat",
            "--rate-limit",
            "--blacklist",
            "--replay-window",
            "--max-per-address",
            "--max-per-subnet",
            "--public-read",
            "--help")) {
      assertTrue(out.contains(option), option + " in " + out);
    }
  }
}
