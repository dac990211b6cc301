package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node fed hostile text from outside — in addresses, paths, fields, headers — must never
 * let it split or forge a line of its log; and a damaged key file stops it with the file and the
 * problem named.
 */
class HostileInputIT {
  private static final Path JAR =
      Path.of(System.getProperty("brightchain.nodeJar", "target/brightchain-node.jar"));

  /** The start of a line an attacker would like the log to show. */
  private static final String FORGED = "2026-01-01T00:00:00.000Z [main] INFO FORGED";

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir Path tmp;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process launch(List<String> lines, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    Thread reader =
        new Thread(
            () -> {
              try (var r =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void noOutsideTextForgesALogLine() throws Exception {
    int port = freePort();
    List<String> log = new CopyOnWriteArrayList<>();
    Path dir = tmp.resolve("n");
    launch(
        log,
        "--host",
        "127.0.0.1",
        "--http-port",
        String.valueOf(port),
        "--data-dir",
        dir.toString(),
        "--no-multicast");
    Await.until(
        Duration.ofSeconds(30),
        () -> log.stream().anyMatch(l -> l.contains(" ready: ")),
        () -> log);
    String token = Files.readString(dir.resolve("operator.token")).trim();
    String nl = "\\n" + FORGED;
    int sent = 0;
    List<Integer> statuses = new ArrayList<>();
    // JSON fields an attacker controls: an address to dial, an advert, a node id, a block id.
    for (String body :
        List.of(
            "{\"address\":\"127.0.0.1" + nl + " announce\",\"wsPort\":4242}",
            "{\"address\":\"127.0.0.1\\u0000" + nl + "\",\"wsPort\":4242}",
            "{\"advert\":\"bcn1:" + nl + "\"}")) {
      statuses.add(post(port, "/peers/announce", body, token));
      sent++;
    }
    statuses.add(post(port, "/auth/challenge", "{\"nodeId\":\"ab" + nl + "\"}", null));
    statuses.add(post(port, "/sync/request", "{\"blockIds\":[\"ab" + nl + "\"]}", token));
    statuses.add(
        post(
            port,
            "/blocks/" + "ab".repeat(32) + "/temperature",
            "{\"temperature\":\"hot" + nl + "\"}",
            token));
    sent += 3;
    // A path and a query carrying encoded line breaks.
    String encoded = java.net.URLEncoder.encode(FORGED, StandardCharsets.UTF_8).replace("+", "%20");
    statuses.add(get(port, "/nope%0a" + encoded + "%0d%0a", token));
    statuses.add(get(port, "/events?types=bogus%0a" + encoded, token));
    sent += 2;
    // Raw bytes: a request line and a header with bare line breaks, a bad Content-Type.
    for (String raw :
        List.of(
            "GET /node/info\n" + FORGED + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Evil: a\r" + FORGED + "\r\n\r\n",
            "POST /sync/request HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: text/plain\n"
                + FORGED
                + "\r\nContent-Length: 2\r\n\r\n{}")) {
      raw(port, raw);
      sent++;
    }
    for (int s : statuses) {
      assertTrue(s >= 400 && s < 500, "refused with a 4xx: " + statuses);
    }
    // The node has logged every refusal (its 4xx lines) before we read the log.
    Await.until(
        Duration.ofSeconds(10),
        () ->
            log.stream().filter(l -> l.contains(" 4") && l.contains(" from ")).count()
                >= statuses.size() - 1,
        () -> log);
    long forged =
        log.stream()
            .filter(
                l ->
                    l.startsWith("2026-01-01T00:00:00.000Z")
                        || l.startsWith("[main] INFO FORGED")
                        || l.startsWith("INFO FORGED"))
            .count();
    assertEquals(0, forged, () -> String.join("\n", log));
    assertTrue(
        log.stream().anyMatch(l -> l.contains("FORGED")),
        "the hostile text did reach the log, escaped");
    System.out.printf(
        "SECURITY log lines forged: %d (%d hostile inputs in addresses, adverts, fields, paths, queries, request lines and headers)%n",
        forged, sent);
  }

  @Test
  void aDamagedKeyFileStopsTheNodeNamingTheFileAndTheProblem() throws Exception {
    Path dir = tmp.resolve("k");
    Files.createDirectories(dir);
    Path key = dir.resolve("node.key");
    Files.write(key, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3, '\n'});
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    List<String> log = new CopyOnWriteArrayList<>();
    Process p =
        launch(
            log,
            "--host",
            "127.0.0.1",
            "--http-port",
            String.valueOf(freePort()),
            "--data-dir",
            dir.toString(),
            "--no-multicast");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertNotEquals(0, p.exitValue());
    Await.until(
        Duration.ofSeconds(5), () -> log.stream().anyMatch(l -> l.contains("node.key")), () -> log);
    String all = String.join("\n", log);
    assertTrue(all.contains(key.toString()) && all.contains("not a key file"), all);
    assertFalse(all.contains("Input length"), all);
  }

  private static int post(int port, String path, String json, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int get(int port, String path, String token) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Sends raw bytes and reads what comes back until the node closes or a second passes. */
  private static void raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      try {
        while (in.read(buf) >= 0) {
          // drain
        }
      } catch (java.net.SocketTimeoutException done) {
        // the node keeps the connection open: fine
      }
    }
  }
}
