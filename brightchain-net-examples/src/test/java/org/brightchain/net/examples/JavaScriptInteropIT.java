package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.NodeEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An independent client, written in JavaScript from {@code docs/protocol.md} alone ({@code
 * interop/js}), talks to two Java nodes: it completes the mutual challenge-response handshake with
 * the first node (verifying the node's proof of key and announce), is identified by it, has its
 * signed temperature applied and relayed to the second node, and verifies a temperature the second
 * node published, relayed to it by the first. On a second connection it sends an event without
 * authenticating, which the node refuses with {@code system:error not_authenticated} and does not
 * apply.
 */
class JavaScriptInteropIT {
  private static final Path JS_DIR = Path.of("..", "interop", "js").toAbsolutePath().normalize();
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void aJavaScriptClientWrittenFromTheSpecificationInteroperates() throws Exception {
    Assumptions.assumeTrue(onPath("node"), "node is not on the PATH");
    Assumptions.assumeTrue(onPath(npm()), "npm is not on the PATH");
    assertTrue(Files.isRegularFile(JS_DIR.resolve("client.mjs")), JS_DIR + " holds client.mjs");
    installDependencies();

    Result vectors = run(List.of("node", "vectors.mjs"), Duration.ofSeconds(30));
    assertEquals(
        0, vectors.exitCode(), "the JavaScript implementation passes the test vectors: " + vectors);

    BlockId jsBlock = blockId("block heated by the JavaScript client");
    BlockId javaBlock = blockId("block cooled by the second Java node");
    CompletableFuture<NodeId> jsAnnounced = new CompletableFuture<>();

    BrightChainNode first = BrightChainNode.builder().host("127.0.0.1").httpPort(0).build();
    toClose.add(first);
    first.start().get(15, TimeUnit.SECONDS);
    BrightChainNode second =
        BrightChainNode.builder()
            .host("127.0.0.1")
            .httpPort(0)
            .addBootstrapNode("127.0.0.1", first.wsAddress().getPort())
            .build();
    toClose.add(second);
    second.start().get(15, TimeUnit.SECONDS);
    Await.until(
        Duration.ofSeconds(10),
        () -> isActive(first, second) && isActive(second, first),
        "the two nodes list each other ACTIVE");

    first.addListener(
        new NodeEventListener() {
          @Override
          public void messageReceived(SignedMessage m) {
            if (m.payload().data() instanceof NodeAnnounce a
                && a.nodeId().equals(m.nodeId())
                && !m.nodeId().equals(second.nodeId())) {
              jsAnnounced.complete(m.nodeId());
            }
          }
        });

    long started = System.nanoTime();
    List<String> cmd =
        List.of(
            "node",
            "client.mjs",
            String.valueOf(first.wsAddress().getPort()),
            jsBlock.hex(),
            "hot");
    Process client = new ProcessBuilder(cmd).directory(JS_DIR.toFile()).start();
    CompletableFuture<String> stdout = drain(client.getInputStream());
    CompletableFuture<String> stderr = drain(client.getErrorStream());
    try {
      NodeId jsId;
      try {
        jsId = jsAnnounced.get(15, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        client.destroyForcibly();
        throw new AssertionError(
            "the first node did not receive the JavaScript client's node:announce; client stderr: "
                + stderr.get(5, TimeUnit.SECONDS));
      }
      // The client is connected: publish on the second node, so the first relays it to the client.
      second.updateTemperature(javaBlock, DataTemperature.COLD).get(5, TimeUnit.SECONDS);

      if (!client.waitFor(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        client.destroyForcibly();
        throw new AssertionError(
            "the client did not end within "
                + CLIENT_TIMEOUT
                + "; stderr: "
                + stderr.get(5, TimeUnit.SECONDS));
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      String out = stdout.get(5, TimeUnit.SECONDS);
      String err = stderr.get(5, TimeUnit.SECONDS);
      System.out.println("[js] " + out.strip());
      if (!err.isBlank()) {
        System.out.println("[js stderr] " + err.strip());
      }
      assertEquals(0, client.exitValue(), "client exit code; stderr: " + err);

      Map<?, ?> result = (Map<?, ?>) Json.parse(out.strip());
      // The handshake: the node's system:auth answered the client's challenge, signed for the
      // authentication purpose (and not valid as an event).
      assertEquals(Boolean.TRUE, result.get("proofVerified"), out);
      assertEquals(Boolean.TRUE, result.get("proofRefusedAsEvent"), out);
      assertEquals(Boolean.TRUE, result.get("announceVerified"), out);
      assertEquals(first.nodeId().hex(), result.get("nodeId"), out);
      assertEquals(jsId.hex(), result.get("clientNodeId"), out);
      assertEquals(Boolean.TRUE, result.get("pongVerified"), out);
      assertEquals(Boolean.TRUE, result.get("syncVerified"), out);
      assertEquals(Boolean.TRUE, result.get("relayedVerified"), out);
      Map<?, ?> relayed = (Map<?, ?>) result.get("relayed");
      assertEquals(second.nodeId().hex(), relayed.get("sender"), out);
      assertEquals(javaBlock.hex(), relayed.get("blockId"), out);
      assertEquals("cold", relayed.get("temperature"), out);
      assertEquals(List.of(), result.get("systemErrors"), out);

      // An event sent on a connection that never authenticated is refused with not_authenticated.
      assertEquals(Boolean.TRUE, result.get("notAuthenticatedRefused"), out);
      Map<?, ?> refused = (Map<?, ?>) result.get("unauthenticated");
      assertEquals("not_authenticated", refused.get("code"), out);
      assertEquals(first.nodeId().hex(), refused.get("sender"), out);
      assertEquals(Boolean.TRUE, refused.get("challengeFirst"), out);
      BlockId refusedBlock = BlockId.of((String) refused.get("blockId"));
      assertTrue(
          first.metadata(refusedBlock).isEmpty(),
          "the first node did not apply the unauthenticated event");
      assertTrue(second.metadata(refusedBlock).isEmpty(), "nor relay it to the second node");

      Map<?, ?> sent = (Map<?, ?>) result.get("temperatureSent");
      long sentAt = ((Number) sent.get("timestamp")).longValue();

      // The first node applied the client's event, stamped with the client's id and time.
      BlockMetadata onFirst =
          first
              .metadata(jsBlock)
              .orElseThrow(() -> new AssertionError("first node has no metadata for " + jsBlock));
      assertEquals(DataTemperature.HOT, onFirst.temperature());
      assertEquals(jsId, onFirst.updatedBy());
      assertEquals(sentAt, onFirst.updatedAt().toEpochMilli());

      // ... and relayed it to the second node, which applied it too.
      Await.until(
          Duration.ofSeconds(10),
          () -> second.metadata(jsBlock).map(m -> m.updatedBy().equals(jsId)).orElse(false),
          "the client's temperature reaches the second node");
      BlockMetadata onSecond = second.metadata(jsBlock).orElseThrow();
      assertEquals(DataTemperature.HOT, onSecond.temperature());
      assertEquals(sentAt, onSecond.updatedAt().toEpochMilli());

      System.out.printf(Locale.ROOT, "JavaScript interop client finished in %d ms%n", elapsed);
    } finally {
      client.destroyForcibly();
    }
  }

  private static boolean isActive(BrightChainNode on, BrightChainNode of) {
    Optional<PeerInfo> p = on.peer(of.nodeId());
    return p.isPresent() && p.get().status() == PeerStatusType.ACTIVE;
  }

  private static BlockId blockId(String text) throws Exception {
    return BlockId.of(
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA3-512")
                    .digest(text.getBytes(StandardCharsets.UTF_8))));
  }

  private static String npm() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "npm.cmd"
        : "npm";
  }

  private static boolean onPath(String program) {
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@code npm ci} unless node_modules already matches the committed lock file. */
  private static void installDependencies() throws Exception {
    Path installed = JS_DIR.resolve("node_modules").resolve(".package-lock.json");
    Path lock = JS_DIR.resolve("package-lock.json");
    if (Files.isRegularFile(installed)
        && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Result npm = run(List.of(npm(), "ci", "--no-audit", "--no-fund"), NPM_TIMEOUT);
    assertEquals(0, npm.exitCode(), "npm ci in " + JS_DIR + ": " + npm);
  }

  record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(List<String> cmd, Duration timeout) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(JS_DIR.toFile()).start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout);
    }
    Result r =
        new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    System.out.println(
        "[" + String.join(" ", cmd) + "] exit " + r.exitCode() + " " + r.stdout().strip());
    return r;
  }

  /** Reads a stream to its end on a thread of its own. */
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                text.complete(buf.toString(StandardCharsets.UTF_8));
              } catch (IOException | RuntimeException e) {
                text.completeExceptionally(e);
              }
            },
            "drain");
    t.setDaemon(true);
    t.start();
    return text;
  }
}
