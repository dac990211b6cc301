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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiving node killed with SIGKILL in the middle of a stream of updates and restarted ends,
 * after sync, with every update the sender's host had accepted.
 *
 * <p>Two runnable-node processes: A, to which a client streams temperature updates over REST, and
 * B, which joins through A. B is killed a third of the way into the stream, stays down while the
 * stream goes on, and is started again (same data directory, same key, empty metadata) while the
 * stream still goes on. Once the stream is over, B must hold, for every block, the last temperature
 * A's host accepted.
 */
class KilledReceiverIT {
  private static final Path JAR =
      Path.of(System.getProperty("brightchain.nodeJar", "target/brightchain-node.jar"));
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final String[] TEMPERATURES = {"hot", "warm", "cold", "frozen"};

  /** Distinct blocks updated by the stream. */
  private static final int BLOCKS = 4000;

  /** Updates to each block over the stream. */
  private static final int ROUNDS = 5;

  /** Updates per request. */
  private static final int PER_REQUEST = 100;

  /** Most block ids asked for in one {@code POST /sync/request}. */
  private static final int PER_QUERY = 1000;

  private final List<Process> processes = new ArrayList<>();

  /** Operator token of the node on each port (a node writes a new one at each start). */
  private final Map<Integer, String> tokens = new ConcurrentHashMap<>();

  @TempDir Path tmp;

  /** A started node process and what it printed. */
  record Node(Process process, int port, String nodeId, BlockingQueue<String> output) {}

  /** One update of the stream. */
  record Update(String blockId, String temperature) {}

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

  private Process launch(List<String> args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  /** The flags a node is started with, the same at every start of that node. */
  private List<String> flags(String name, int port, String... extra) {
    // Loopback only, no LAN discovery, no port mapping: the two nodes meet through --bootstrap.
    List<String> args =
        new ArrayList<>(
            List.of(
                "--host",
                "127.0.0.1",
                "--http-port",
                String.valueOf(port),
                "--data-dir",
                tmp.resolve(name).toString(),
                "--no-multicast",
                "--nat",
                "none"));
    args.addAll(List.of(extra));
    return args;
  }

  /** Starts a node and waits until it says it is ready. */
  private Node start(String name, List<String> args) throws Exception {
    Process p = launch(args);
    int port = Integer.parseInt(args.get(args.indexOf("--http-port") + 1));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  System.out.println("[" + name + " pid " + p.pid() + "] " + line);
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "read-" + name + "-" + p.pid());
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.contains(" ready: ")) {
        String id = line.split(" ")[2];
        assertEquals(64, id.length(), line);
        assertTrue(line.contains("http://127.0.0.1:" + port + "/node/info"), line);
        tokens.put(port, Files.readString(tmp.resolve(name).resolve("operator.token")).trim());
        return new Node(p, port, id, lines);
      }
      if (!p.isAlive() && lines.isEmpty()) {
        throw new AssertionError(name + " exited with " + p.exitValue());
      }
    }
    throw new AssertionError(name + " did not say ready within 30 s");
  }

  private HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + tokens.get(port));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> get(int port, String path) {
    try {
      HttpResponse<byte[]> r =
          HTTP.send(request(port, path).build(), HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200
          ? (Map<String, Object>) Json.parse(r.body())
          : Map.of("status", (long) r.statusCode());
    } catch (Exception e) {
      return Map.of("error", e.toString());
    }
  }

  /** POSTs JSON; the status and the parsed answer. */
  private HttpResponse<byte[]> post(int port, String path, String json)
      throws IOException, InterruptedException {
    return HTTP.send(
        request(port, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private String peerStatus(Node on, String of) {
    Object peers = get(on.port(), "/node/peers").get("peers");
    if (peers instanceof List<?> list) {
      for (Object o : list) {
        Map<?, ?> p = (Map<?, ?>) o;
        if (of.equals(p.get("nodeId"))) {
          return (String) p.get("status");
        }
      }
    }
    return "absent";
  }

  private static void await(CountDownLatch latch, Duration timeout, String what)
      throws InterruptedException {
    if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("not within " + timeout + ": " + what);
    }
  }

  private static String blockId(int i) throws Exception {
    byte[] h =
        MessageDigest.getInstance("SHA-256")
            .digest(("killed-receiver block " + i).getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(64);
    for (byte b : h) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  /**
   * The stream: every block updated {@link #ROUNDS} times at places spread at random over the whole
   * stream, each update to a temperature other than the block's previous one. A block's last update
   * can thus fall anywhere: before the kill, while the receiver is down, while it starts, or once
   * it is back.
   */
  private static List<Update> stream(List<String> blocks) {
    Random random = new Random(20261130L);
    List<String> order = new ArrayList<>(blocks.size() * ROUNDS);
    for (int round = 0; round < ROUNDS; round++) {
      order.addAll(blocks);
    }
    Collections.shuffle(order, random);
    Map<String, Integer> previous = new HashMap<>();
    List<Update> out = new ArrayList<>(order.size());
    for (String b : order) {
      Integer prev = previous.get(b);
      int t =
          prev == null
              ? random.nextInt(TEMPERATURES.length)
              : (prev + 1 + random.nextInt(TEMPERATURES.length - 1)) % TEMPERATURES.length;
      previous.put(b, t);
      out.add(new Update(b, TEMPERATURES[t]));
    }
    return out;
  }

  private static String body(List<Update> updates) {
    StringBuilder sb = new StringBuilder("{\"updates\":[");
    for (int i = 0; i < updates.size(); i++) {
      Update u = updates.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"blockId\":\"")
          .append(u.blockId())
          .append("\",\"temperature\":\"")
          .append(u.temperature())
          .append("\"}");
    }
    return sb.append("]}").toString();
  }

  /** Each block's temperature on a node; a block the node has no metadata for is absent. */
  @SuppressWarnings("unchecked")
  private Map<String, String> temperatures(int port, List<String> blocks) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (int from = 0; from < blocks.size(); from += PER_QUERY) {
      List<String> ids = blocks.subList(from, Math.min(blocks.size(), from + PER_QUERY));
      StringBuilder sb = new StringBuilder("{\"blockIds\":[");
      for (int i = 0; i < ids.size(); i++) {
        sb.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
      }
      HttpResponse<byte[]> r = post(port, "/sync/request", sb.append("]}").toString());
      assertEquals(
          200,
          r.statusCode(),
          () -> "POST /sync/request: " + new String(r.body(), StandardCharsets.UTF_8));
      Map<String, Object> answer = (Map<String, Object>) Json.parse(r.body());
      for (Object e : (List<Object>) answer.get("entries")) {
        Map<String, Object> md = (Map<String, Object>) e;
        out.put((String) md.get("blockId"), (String) md.get("temperature"));
      }
    }
    return out;
  }

  /** Blocks whose temperature on a node is not the last one accepted (or is missing there). */
  private static int lost(Map<String, String> accepted, Map<String, String> held) {
    int lost = 0;
    for (Map.Entry<String, String> e : accepted.entrySet()) {
      if (!e.getValue().equals(held.get(e.getKey()))) {
        lost++;
      }
    }
    return lost;
  }

  /** The first object in a JSON tree that has the key, or null. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> findWith(Object tree, String key) {
    if (tree instanceof Map<?, ?> m) {
      if (m.containsKey(key)) {
        return (Map<String, Object>) m;
      }
      for (Object v : m.values()) {
        Map<String, Object> found = findWith(v, key);
        if (found != null) {
          return found;
        }
      }
    } else if (tree instanceof List<?> l) {
      for (Object v : l) {
        Map<String, Object> found = findWith(v, key);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static long number(Map<String, Object> o, String key) {
    return o != null && o.get(key) instanceof Number n ? n.longValue() : -1;
  }

  @Test
  void aReceiverKilledMidStreamAndRestartedEndsWithEveryAcceptedUpdate() throws Exception {
    Node a = start("sender", flags("sender", freePort()));
    List<String> bFlags = flags("receiver", freePort(), "--bootstrap", "127.0.0.1:" + a.port());
    Node b = start("receiver", bFlags);
    Await.until(
        Duration.ofSeconds(15),
        () -> "ACTIVE".equals(peerStatus(a, b.nodeId())),
        "the sender lists the receiver ACTIVE");

    List<String> blocks = new ArrayList<>(BLOCKS);
    for (int i = 0; i < BLOCKS; i++) {
      blocks.add(blockId(i));
    }
    List<Update> updates = stream(blocks);
    int requests = (updates.size() + PER_REQUEST - 1) / PER_REQUEST;

    // The receiver is killed once a third of the stream is accepted, while the stream goes on.
    // The stream waits at three points, so that each stage of the receiver's absence sees
    // updates: after two fifths (until the receiver is dead), after two thirds (until its
    // restart is launched) and after five sixths (until it says it is ready again).
    CountDownLatch thirdAccepted = new CountDownLatch(1);
    CountDownLatch receiverDead = new CountDownLatch(1);
    CountDownLatch receiverRelaunched = new CountDownLatch(1);
    CountDownLatch receiverReady = new CountDownLatch(1);
    Map<String, String> lastAccepted = new ConcurrentHashMap<>();
    AtomicInteger acceptedUpdates = new AtomicInteger();
    AtomicInteger acceptedRequests = new AtomicInteger();
    AtomicInteger resent = new AtomicInteger();
    AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    Map<String, Integer> sentWhile = Collections.synchronizedMap(new LinkedHashMap<>());
    Map<String, String> lastAcceptedWhile = new ConcurrentHashMap<>();
    Thread client =
        new Thread(
            () -> {
              try {
                for (int r = 0; r < requests; r++) {
                  if (r == requests / 3) {
                    thirdAccepted.countDown();
                  } else if (r == 2 * requests / 5) {
                    await(receiverDead, Duration.ofSeconds(30), "the receiver is killed");
                  } else if (r == 2 * requests / 3) {
                    await(
                        receiverRelaunched,
                        Duration.ofSeconds(30),
                        "the receiver is started again");
                  } else if (r == 5 * requests / 6) {
                    await(receiverReady, Duration.ofSeconds(60), "the restarted receiver is ready");
                  }
                  String stage =
                      r < requests / 3
                          ? "receiver up"
                          : r < 2 * requests / 5
                              ? "receiver being killed"
                              : r < 2 * requests / 3
                                  ? "receiver down"
                                  : r < 5 * requests / 6
                                      ? "receiver starting"
                                      : "receiver reconnecting";
                  List<Update> batch =
                      updates.subList(
                          r * PER_REQUEST, Math.min(updates.size(), (r + 1) * PER_REQUEST));
                  String json = body(batch);
                  // A request whose answer is lost is sent again, as it is: the stream is
                  // sequential,
                  // so the same values applied twice in a row leave the same last values.
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                  while (true) {
                    int status;
                    String why;
                    try {
                      HttpResponse<byte[]> resp = post(a.port(), "/sync/temperature", json);
                      status = resp.statusCode();
                      why = new String(resp.body(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      status = -1;
                      why = e.toString();
                    }
                    if (status >= 200 && status < 300) {
                      for (Update u : batch) {
                        lastAccepted.put(u.blockId(), u.temperature());
                        lastAcceptedWhile.put(u.blockId(), stage);
                      }
                      acceptedUpdates.addAndGet(batch.size());
                      acceptedRequests.incrementAndGet();
                      sentWhile.merge(stage, batch.size(), Integer::sum);
                      break;
                    }
                    if (System.nanoTime() > deadline) {
                      throw new AssertionError(
                          "request " + r + " not accepted within 30 s: " + status + " " + why);
                    }
                    resent.incrementAndGet();
                    LockSupport.parkNanos(50_000_000);
                  }
                }
              } catch (Throwable t) {
                streamFailure.set(t);
              } finally {
                thirdAccepted.countDown();
              }
            },
            "update-stream");
    client.start();

    await(thirdAccepted, Duration.ofSeconds(60), "a third of the stream is accepted");
    assertTrue(streamFailure.get() == null, () -> "the stream failed: " + streamFailure.get());
    int acceptedAtKill = acceptedUpdates.get();
    b.process().destroyForcibly(); // SIGKILL: no goodbye, nothing flushed
    assertTrue(b.process().waitFor(15, TimeUnit.SECONDS), "the receiver dies");
    System.out.println(
        String.format(
            "receiver killed (exit %d) with %d updates accepted",
            b.process().exitValue(), acceptedAtKill));
    receiverDead.countDown();

    long restartedAt = System.nanoTime();
    receiverRelaunched.countDown(); // the stream goes on while the receiver starts
    Node again = start("receiver", bFlags);
    assertEquals(b.nodeId(), again.nodeId(), "same data directory, same key, same node");
    receiverReady.countDown();
    System.out.println(
        String.format(
            "receiver ready again %d ms after its restart",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt)));

    client.join(TimeUnit.SECONDS.toMillis(120));
    assertTrue(!client.isAlive(), "the stream ends");
    if (streamFailure.get() != null) {
      throw new AssertionError("the stream failed", streamFailure.get());
    }
    System.out.println(
        String.format(
            "stream: %d updates in %d requests accepted (%d sent again), by stage %s",
            acceptedUpdates.get(), acceptedRequests.get(), resent.get(), sentWhile));
    assertEquals(requests, acceptedRequests.get(), "every request accepted in the end");
    assertEquals(BLOCKS, lastAccepted.size(), "every block updated");
    Map<String, Integer> finalWhile = new LinkedHashMap<>();
    for (String stage : sentWhile.keySet()) {
      finalWhile.put(stage, 0);
    }
    lastAcceptedWhile.values().forEach(stage -> finalWhile.merge(stage, 1, Integer::sum));
    System.out.println("blocks by when their last update was accepted: " + finalWhile);
    // What the test is about: values the receiver had and lost with its memory, and values it
    // was never sent because it was down.
    assertTrue(
        finalWhile.get("receiver up") > 0 && finalWhile.get("receiver down") > 0,
        "some blocks last updated before the kill and some while the receiver was down: "
            + finalWhile);

    // Sanity check of the test itself: the sender holds what its host last accepted.
    Map<String, String> onA = temperatures(a.port(), blocks);
    assertEquals(
        0, lost(lastAccepted, onA), "the sender's own metadata is the last accepted values");

    // The receiver catches up: await, then count what it still lacks.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, String> onB = temperatures(again.port(), blocks);
    int lost = lost(lastAccepted, onB);
    while (lost > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(200_000_000);
      onB = temperatures(again.port(), blocks);
      lost = lost(lastAccepted, onB);
    }
    long convergedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
    int missing = 0;
    for (String id : blocks) {
      if (!onB.containsKey(id)) {
        missing++;
      }
    }
    System.out.println(
        String.format(
            "DELIVERY killed-receiver accepted=%d blocks=%d lost=%d converged_after_ms=%d",
            acceptedUpdates.get(), BLOCKS, lost, convergedAfterMs));
    if (lost > 0) {
      System.out.println(
          String.format(
              "receiver after 60 s: %d blocks missing, %d with another temperature; the sender sees it %s",
              missing, lost - missing, peerStatus(a, again.nodeId())));
    }

    // The nodes' own counters, where the node reports them.
    Map<String, Object> statusA = get(a.port(), "/node/status");
    Map<String, Object> statusB = get(again.port(), "/node/status");
    System.out.println("sender status: " + Json.write(statusA));
    System.out.println("receiver status: " + Json.write(statusB));
    // health.totalBlocks counts the blocks a node holds metadata for (metrics.blocks counts
    // stored block contents, of which this test has none).
    Map<String, Object> healthB = findWith(statusB, "totalBlocks");
    if (healthB != null && lost == 0) {
      assertEquals(
          BLOCKS,
          number(healthB, "totalBlocks"),
          "the receiver counts the blocks it holds metadata for");
    }
    Map<String, Object> deliveryA = findWith(statusA, "updatesAccepted");
    if (deliveryA != null) {
      assertTrue(
          number(deliveryA, "updatesAccepted") >= acceptedUpdates.get(),
          "the sender counts at least the updates its host accepted: " + deliveryA);
    }
    Map<String, Object> deliveryB = findWith(statusB, "updatesApplied");
    if (deliveryB != null && deliveryB.containsKey("syncEntriesReceived") && lost == 0) {
      // The restarted receiver started empty: each block reached it in a batch or by sync.
      assertTrue(
          number(deliveryB, "updatesApplied") + number(deliveryB, "syncEntriesReceived") >= BLOCKS,
          "the receiver counts what brought it every block: " + deliveryB);
    }

    assertEquals(0, lost, "blocks on the restarted receiver without the last accepted temperature");
  }
}
