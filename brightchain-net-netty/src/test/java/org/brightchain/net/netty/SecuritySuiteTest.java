package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.NodeEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The security suite over real sockets ({@code docs/security.md}). Each test prints one line
 * starting with {@code SECURITY}: CI collects them.
 */
class SecuritySuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RateLimitConfig GENEROUS =
      new RateLimitConfig(Duration.ofSeconds(10), 10_000_000, 3, Duration.ofMinutes(5));
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<BrightChainNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(BrightChainNode::close);
  }

  private BrightChainNode start(BrightChainNode.Builder b) {
    BrightChainNode n = b.host("127.0.0.1").httpPort(0).build();
    nodes.add(n);
    n.start().join();
    return n;
  }

  /** Counts what the node accepted and refused. */
  static final class Counter implements NodeEventListener {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void messageReceived(SignedMessage message) {
      if (message.payload().data() instanceof BlockTemperatureUpdate) {
        accepted.incrementAndGet();
      }
    }

    @Override
    public void messageRejected(String connectionId, String reason) {
      if (reasons.size() < 20) {
        reasons.add(reason);
      }
      rejected.incrementAndGet();
    }
  }

  private static BlockId block(int n) {
    return BlockId.of(String.format(Locale.ROOT, "%0128x", n));
  }

  private static SignedMessage event(NodeIdentity id, int n, long ts) {
    return MessageSigning.sign(
        id,
        MessageSigning.EVENT_PURPOSE,
        WSMessage.of(new BlockTemperatureUpdate(block(n), DataTemperature.HOT), ts, id.nodeId()),
        ts,
        null);
  }

  private static SignedMessage forged(SignedMessage m) {
    byte[] sig = m.signature();
    sig[7] ^= 0x10;
    return new SignedMessage(
        m.payload(), m.timestamp(), m.nodeId(), m.publicKey(), sig, m.recipient());
  }

  /** The claimed node id is not the hash of the key: signed by a thief, claiming a victim. */
  private static SignedMessage wrongKey(NodeIdentity thief, NodeId victim, int n, long ts) {
    WSMessage w =
        WSMessage.of(new BlockTemperatureUpdate(block(n), DataTemperature.HOT), ts, victim);
    byte[] sig =
        thief.sign(MessageSigning.signedBytes(MessageSigning.EVENT_PURPOSE, w, ts, victim, null));
    return new SignedMessage(w, ts, victim, thief.publicKey(), sig, null);
  }

  private HttpResponse<String> post(BrightChainNode n, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // The client's pooled keep-alive connection can be lost under this load ("received no
      // bytes"): send once more on a fresh one, as HTTP clients do, and count it.
      resent.incrementAndGet();
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Requests sent a second time after a lost connection (see post). */
  private final AtomicInteger resent = new AtomicInteger();

  private static WebSocket open(BrightChainNode n, NettyWebSocketTest.Client c) {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + n.wsAddress().getPort() + "/ws?format=json"), c)
        .join();
  }

  // ------------------------------------------------------------------ (a)

  @Test
  void tenThousandUnauthenticatedForgedAndWrongKeyWritesChangeNothing() throws Exception {
    Counter counter = new Counter();
    BrightChainNode node =
        start(BrightChainNode.builder().rateLimit(GENEROUS).addListener(counter));
    NodeIdentity attacker = NodeIdentity.generate();
    NodeId victim = NodeIdentity.generate().nodeId();
    long now = System.currentTimeMillis();
    int perKind = 1250;
    AtomicInteger restRefused = new AtomicInteger();
    AtomicInteger restOther = new AtomicInteger();
    // REST: 5,000 writes in four kinds, four at a time.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> jobs = new ArrayList<>();
    for (int kind = 0; kind < 4; kind++) {
      int k = kind;
      jobs.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perKind; i++) {
                  int n = k * perKind + i;
                  HttpResponse<String> r =
                      switch (k) {
                        case 0 ->
                            post(
                                node,
                                "/blocks/" + block(n).hex() + "/temperature",
                                "{\"temperature\":\"hot\"}",
                                null);
                        case 1 ->
                            post(
                                node,
                                "/blocks/" + block(n).hex() + "/temperature",
                                "{\"temperature\":\"hot\"}",
                                Sessions.randomToken());
                        case 2 ->
                            post(
                                node,
                                "/events",
                                JsonCodec.toJson(forged(event(attacker, n, now))),
                                null);
                        default ->
                            post(
                                node,
                                "/auth/verify",
                                "{\"nodeId\":\""
                                    + victim.hex()
                                    + "\",\"publicKey\":\""
                                    + HexFormat.of().formatHex(attacker.publicKey())
                                    + "\",\"challenge\":\""
                                    + Sessions.randomToken()
                                    + "\",\"signature\":\""
                                    + HexFormat.of().formatHex(attacker.sign(new byte[] {1}))
                                    + "\"}",
                                null);
                      };
                  (r.statusCode() == 401 ? restRefused : restOther).incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> f : jobs) {
      f.get();
    }
    pool.shutdown();
    // WebSocket: 5,000 frames: before the proof, then forged and wrong-key after it.
    NettyWebSocketTest.Client early = new NettyWebSocketTest.Client();
    WebSocket unauth = open(node, early);
    for (int i = 0; i < 1666; i++) {
      unauth.sendText(JsonCodec.toJson(event(attacker, 10_000 + i, now)), true).join();
    }
    NettyWebSocketTest.Client c = new NettyWebSocketTest.Client();
    WebSocket ws = open(node, c);
    NettyWebSocketTest.handshake(ws, c, attacker, true);
    for (int i = 0; i < 1667; i++) {
      ws.sendText(JsonCodec.toJson(forged(event(attacker, 20_000 + i, now))), true).join();
    }
    for (int i = 0; i < 1667; i++) {
      ws.sendText(JsonCodec.toJson(wrongKey(attacker, victim, 30_000 + i, now)), true).join();
    }
    int wsFrames = 1666 + 1667 + 1667;
    Await.until(WAIT, () -> counter.rejected.get() >= wsFrames, counter.rejected::get);
    long changed = 0;
    for (int n :
        new int[] {
          0, 1249, 1250, 2499, 2500, 3749, 10_000, 11_665, 20_000, 21_666, 30_000, 31_666
        }) {
      changed += node.metadata(block(n)).isPresent() ? 1 : 0;
    }
    assertEquals(0, counter.accepted.get(), "accepted");
    assertEquals(0, changed, "block state changed");
    assertEquals(
        5000, restRefused.get(), "every REST write refused with 401 (other: " + restOther + ")");
    assertTrue(
        resent.get() <= 50, "connections lost: " + resent.get() + " of 5000 requests sent again");
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.httpAddress().getPort() + "/node/info"))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "still serving");
    System.out.printf(
        Locale.ROOT,
        "SECURITY forged writes: %d (REST %d: no session, bad token, forged event, wrong-key proof; WebSocket %d: before the proof, forged signature, wrong key) -> 0 accepted; REST 401 %d/%d; WebSocket refused %d%n",
        5000 + wsFrames,
        5000,
        wsFrames,
        restRefused.get(),
        5000,
        counter.rejected.get());
  }

  // ------------------------------------------------------------------ (b)

  @Test
  void replaysAreRefusedWhileHonestSkewIsAccepted() throws Exception {
    Counter counter = new Counter();
    Duration window = Duration.ofMinutes(10);
    BrightChainNode node =
        start(BrightChainNode.builder().rateLimit(GENEROUS).addListener(counter));
    NodeIdentity me = NodeIdentity.generate();
    NettyWebSocketTest.Client c = new NettyWebSocketTest.Client();
    WebSocket ws = open(node, c);
    NettyWebSocketTest.handshake(ws, c, me, true);
    int n = 1000;
    long now = System.currentTimeMillis();
    long half = window.toMillis() / 2 - 5_000; // half the window, less time for the run itself
    // A version ahead of the receiver's clock by more than the allowed skew is refused.
    long ahead =
        org.brightchain.net.config.SecurityConfig.DEFAULT_MAX_CLOCK_SKEW.toMillis() - 5_000;
    List<SignedMessage> honest = new ArrayList<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    for (int i = 0; i < n; i++) {
      honest.add(event(me, i, now + random.nextLong(-half, ahead + 1)));
    }
    for (SignedMessage m : honest) {
      ws.sendText(JsonCodec.toJson(m), true).join();
    }
    Await.until(
        WAIT,
        () -> counter.accepted.get() == n,
        () -> counter.accepted.get() + " " + counter.reasons);
    long rejectedBefore = counter.rejected.get();
    for (SignedMessage m : honest) {
      ws.sendText(JsonCodec.toJson(m), true).join(); // replays inside the window
    }
    List<SignedMessage> stale = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Well outside: the node's clock moves on while the test runs.
      long off = window.toMillis() + 60_000 + random.nextLong(0, 3_600_000);
      stale.add(event(me, n + i, i % 2 == 0 ? now - off : now + off));
    }
    for (SignedMessage m : stale) {
      ws.sendText(JsonCodec.toJson(m), true).join();
    }
    Await.until(
        WAIT,
        () -> counter.rejected.get() - rejectedBefore == n,
        () ->
            (counter.rejected.get() - rejectedBefore)
                + " accepted "
                + counter.accepted.get()
                + " "
                + counter.reasons);
    // Replays are duplicates (counted apart, not as errors): wait until the node has read all.
    String info =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.httpAddress().getPort() + "/node/info"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(info.contains(node.nodeId().hex()));
    assertEquals(n, counter.accepted.get(), "replays and stale messages applied nothing");
    for (int i = n; i < 2 * n; i += 97) {
      assertTrue(node.metadata(block(i)).isEmpty(), "stale " + i);
    }
    System.out.printf(
        Locale.ROOT,
        "SECURITY replay: %d honest messages with skew from -%d s to +%d s accepted %d/%d; %d replays inside the window applied 0; %d outside the %d min window applied 0 (refused %d)%n",
        n,
        half / 1000,
        ahead / 1000,
        counter.accepted.get(),
        n,
        n,
        n,
        window.toMinutes(),
        counter.rejected.get() - rejectedBefore);
  }

  // ------------------------------------------------------------------ (c)

  /** One HTTP/1.1 request on a kept-alive socket; the status code, and the body in {@code body}. */
  private static int exchange(Socket s, InputStream in, String request) throws IOException {
    return exchange(s, in, request, new StringBuilder());
  }

  private static int exchange(Socket s, InputStream in, String request, StringBuilder body)
      throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    int state = 0;
    while (state < 4 && (b = in.read()) >= 0) {
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    body.setLength(0);
    body.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
    return Integer.parseInt(h.substring(9, 12));
  }

  @Test
  void aFloodAtTenTimesTheLimitIsRefusedAndBlacklistedWhileAnHonestClientIsServed()
      throws Exception {
    RateLimitConfig limit =
        new RateLimitConfig(Duration.ofSeconds(2), 100, 3, Duration.ofMinutes(5));
    BrightChainNode node = start(BrightChainNode.builder().rateLimit(limit));
    int port = node.httpAddress().getPort();
    String request = "GET /node/info HTTP/1.1\r\nHost: x\r\n\r\n";
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    AtomicInteger blacklisted = new AtomicInteger();
    AtomicLong blacklistedAfterMs = new AtomicLong(-1);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger windows = new AtomicInteger();
    long t0 = System.nanoTime();
    Thread flooder =
        new Thread(
            () -> {
              try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port));
                InputStream in = new BufferedInputStream(s.getInputStream());
                // 10x the limit: 1,000 requests per 2 s window, until the node says "blacklisted"
                // (after 3 windows over the limit), for at most 6 windows.
                StringBuilder body = new StringBuilder();
                for (int window = 0; window < 6 && blacklistedAfterMs.get() < 0; window++) {
                  long windowEnd = t0 + Duration.ofSeconds(2L * (window + 1)).toNanos();
                  for (int i = 0; i < 1000; i++) {
                    int status = exchange(s, in, request, body);
                    sent.incrementAndGet();
                    if (status == 200) {
                      ok.incrementAndGet();
                    } else if (status == 429) {
                      limited.incrementAndGet();
                      if (body.indexOf("\"blacklisted\"") >= 0 && blacklistedAfterMs.get() < 0) {
                        blacklistedAfterMs.set((System.nanoTime() - t0) / 1_000_000);
                        windows.set(window + 1);
                      }
                    }
                  }
                  while (System.nanoTime() < windowEnd) {
                    Thread.onSpinWait(); // pace: the flood is 10x the limit, not unbounded
                  }
                }
                // Blacklisted: even one request after the flood is refused.
                if (exchange(s, in, request, body) == 429 && body.indexOf("\"blacklisted\"") >= 0) {
                  blacklisted.incrementAndGet();
                }
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            },
            "flooder");
    flooder.start();
    int honestSent = 0;
    int honestOk = 0;
    while (flooder.isAlive() && honestSent < 200) {
      honestSent++;
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/node/info"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      honestOk += r.statusCode() == 200 ? 1 : 0;
      Thread.sleep(25); // an honest client's own pace (about 40 per second, under the limit)
    }
    flooder.join();
    int flood = sent.get();
    assertTrue(
        ok.get() <= (windows.get() + 1) * limit.maxRequests(),
        "allowed at most the limit per window: " + ok + " in " + windows + " windows");
    assertEquals(flood - ok.get(), limited.get(), "the excess got 429");
    assertEquals(
        1,
        blacklisted.get(),
        "blacklisted after " + limit.blacklistThreshold() + " windows over the limit");
    double honestRate = 100.0 * honestOk / honestSent;
    assertTrue(
        honestRate >= 99.0,
        "honest success " + honestRate + "% (" + honestOk + "/" + honestSent + ")");
    System.out.printf(
        Locale.ROOT,
        "SECURITY flood: %d requests at 10x the limit (%d per %d s) from one address: %d allowed, %d answered 429, blacklisted after %d ms (flood window %d), still refused after the flood; honest client %d/%d ok (%.1f%%)%n",
        flood,
        limit.maxRequests(),
        limit.window().toSeconds(),
        ok.get(),
        limited.get(),
        blacklistedAfterMs.get(),
        windows.get(),
        honestOk,
        honestSent,
        honestRate);
  }
}
