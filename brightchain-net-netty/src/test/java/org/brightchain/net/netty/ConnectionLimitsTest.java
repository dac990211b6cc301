package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.spi.ConnectionLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionLimits} on real sockets: per-address and per-subnet caps (429), the absolute
 * header and handshake deadline (408 or a plain close), the header size limit (431), and a
 * slowloris flood that must not keep the node from serving an honest client.
 */
class ConnectionLimitsTest {
  private static final String INFO = "GET /node/info HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String UPGRADE =
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  private static final Duration DEADLINE = Duration.ofMillis(1500);

  /** How late after the deadline a connection may still be closed. */
  private static final Duration SLACK = Duration.ofSeconds(1);

  /**
   * The same for the flood: 1,000 sockets are opened as fast as one thread can, and the node
   * accepts them behind, on the same (small, shared) machine; its clock starts at its accept.
   */
  private static final Duration FLOOD_SLACK = Duration.ofMillis(1500);

  private BrightChainNode node;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    if (node != null) {
      node.close();
    }
  }

  private NettyTransport start(ConnectionLimits limits) {
    CapturingTransportProvider made = new CapturingTransportProvider();
    node =
        BrightChainNode.builder()
            .transportProvider(made)
            .host("127.0.0.1")
            .httpPort(0)
            .connectionLimits(limits)
            // These tests are about connections, not request rates (SecuritySuiteTest is).
            .rateLimit(
                new org.brightchain.net.config.RateLimitConfig(
                    java.time.Duration.ofSeconds(10),
                    1_000_000,
                    3,
                    java.time.Duration.ofMinutes(5)))
            .build();
    node.start().join();
    return made.transport();
  }

  private int port() {
    return node.httpAddress().getPort();
  }

  // ---------------------------------------------------------------- caps

  @Test
  void perAddressCapRefusesWith429UntilAConnectionCloses() throws Exception {
    NettyTransport t = start(ConnectionLimits.defaults().withCaps(3, 10));
    InetAddress local = InetAddress.getByName("127.0.0.1");
    // Three long-lived connections of the three kinds: REST keep-alive, WebSocket, event stream.
    Socket rest = connect("127.0.0.1");
    assertEquals(200, exchange(rest, INFO).status());
    Socket ws = connect("127.0.0.1");
    assertEquals(101, exchange(ws, UPGRADE + "\r\n").status());
    Socket events = connect("127.0.0.1");
    assertEquals(
        200,
        exchange(
                events,
                "GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + node.operatorToken()
                    + "\r\n\r\n")
            .status());
    assertEquals(3, t.addresses().fromAddress(local));

    Socket fourth = connect("127.0.0.1");
    Answer refused = exchange(fourth, INFO);
    assertError(refused, 429, "too_many_connections");
    assertTrue(refused.body().contains("127.0.0.1"), refused.body());
    assertTrue(closedWithin(fourth, Duration.ofSeconds(5)).length == 0, "closed after the 429");
    assertEquals(1, t.refusedConnections());
    assertEquals(3, t.addresses().fromAddress(local), "a refused connection is not counted");

    // The other connections were not disturbed, and closing one makes room.
    assertEquals(200, exchange(rest, INFO).status());
    ws.close();
    Await.until(
        Duration.ofSeconds(5),
        () -> t.addresses().fromAddress(local) == 2,
        () -> t.addresses().fromAddress(local));
    Socket again = connect("127.0.0.1");
    assertEquals(200, exchange(again, INFO).status());

    for (Socket s : sockets) {
      s.close();
    }
    Await.until(
        Duration.ofSeconds(5),
        () -> t.addresses().trackedKeys() == 0,
        () -> t.addresses().trackedKeys() + " keys left");
  }

  @Test
  void subnetCapAppliesAcrossAddressesOfOneSlash24() throws Exception {
    NettyTransport t = start(ConnectionLimits.defaults().withCaps(2, 3));
    Socket a1 = connect("127.0.0.1");
    assertEquals(200, exchange(a1, INFO).status());
    Socket a2 = connect("127.0.0.1");
    assertEquals(200, exchange(a2, INFO).status());
    // 127.0.0.1 is at its own cap; the subnet is not.
    Answer perAddress = exchange(connect("127.0.0.1"), INFO);
    assertError(perAddress, 429, "too_many_connections");
    assertFalse(perAddress.body().contains("subnet"), perAddress.body());

    Socket b1 = connect("127.0.0.2");
    assertEquals(200, exchange(b1, INFO).status());
    // 127.0.0.2 has one connection only, but 127.0.0.0/24 has three.
    Answer perSubnet = exchange(connect("127.0.0.2"), INFO);
    assertError(perSubnet, 429, "too_many_connections");
    assertTrue(perSubnet.body().contains("127.0.0.0/24"), perSubnet.body());
    assertError(exchange(connect("127.0.0.3"), INFO), 429, "too_many_connections");
    assertEquals(3, t.refusedConnections());

    a1.close();
    InetAddress first = InetAddress.getByName("127.0.0.1");
    Await.until(
        Duration.ofSeconds(5),
        () -> t.addresses().fromAddress(first) == 1,
        () -> t.addresses().fromSubnet(first));
    Socket c1 = connect("127.0.0.3");
    assertEquals(200, exchange(c1, INFO).status());
    assertEquals(3, t.addresses().fromSubnet(first));

    for (Socket s : sockets) {
      s.close();
    }
    Await.until(
        Duration.ofSeconds(5),
        () -> t.addresses().trackedKeys() == 0,
        () -> t.addresses().trackedKeys() + " keys left");
  }

  @Test
  void subnetsAreSlash24AndSlash56AndMappedAddressesCountAsIpv4() throws Exception {
    AddressLimiter l = new AddressLimiter(1, 2);
    assertNull(l.tryAcquire(InetAddress.getByName("10.1.2.3")));
    // IPv4-mapped IPv6 is the same address: over the per-address cap.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(new byte[] {10, 1, 2, 3}, 0, mapped, 12, 4);
    InetAddress mapped6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertEquals(AddressLimiter.Refusal.ADDRESS, l.tryAcquire(mapped6));
    assertNull(l.tryAcquire(InetAddress.getByName("10.1.2.200")));
    assertEquals(AddressLimiter.Refusal.SUBNET, l.tryAcquire(InetAddress.getByName("10.1.2.201")));
    assertNull(l.tryAcquire(InetAddress.getByName("10.1.3.1")), "another /24");

    assertNull(l.tryAcquire(InetAddress.getByName("2001:db8:0:100::1")));
    assertNull(l.tryAcquire(InetAddress.getByName("2001:db8:0:1ff:ffff::2")), "same /56");
    assertEquals(
        AddressLimiter.Refusal.SUBNET, l.tryAcquire(InetAddress.getByName("2001:db8:0:180::3")));
    assertNull(l.tryAcquire(InetAddress.getByName("2001:db8:0:200::1")), "another /56");
    assertEquals(
        "2001:db8:0:100::/56", AddressLimiter.subnetOf(InetAddress.getByName("2001:db8:0:1ab::9")));

    for (String a :
        List.of(
            "10.1.2.3",
            "10.1.2.200",
            "10.1.3.1",
            "2001:db8:0:100::1",
            "2001:db8:0:1ff:ffff::2",
            "2001:db8:0:200::1")) {
      l.release(InetAddress.getByName(a));
    }
    assertEquals(0, l.trackedKeys(), "nothing left once every connection is released");
  }

  // ---------------------------------------------------------------- header deadline

  @Test
  void tricklingClientIsCutAtTheDeadlineWith408() throws Exception {
    start(ConnectionLimits.defaults().withHeaderTimeout(DEADLINE));
    Socket s = connect("127.0.0.1");
    long opened = System.nanoTime();
    s.getOutputStream()
        .write(
            "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    ScheduledExecutorService trickle = trickle(s);
    try {
      Answer a = readAnswer(s.getInputStream());
      assertNotNull(a, "a partial request is answered");
      assertError(a, 408, "request_timeout");
      assertTrue(closedWithin(s, SLACK).length == 0);
      assertClosedInWindow(opened, System.nanoTime());
    } finally {
      trickle.shutdownNow();
    }
    assertEquals(200, exchange(connect("127.0.0.1"), INFO).status(), "the node keeps serving");
  }

  @Test
  void silentConnectionIsClosedAtTheDeadlineWithoutAnswer() throws Exception {
    NettyTransport t = start(ConnectionLimits.defaults().withHeaderTimeout(DEADLINE));
    Socket s = connect("127.0.0.1");
    long opened = System.nanoTime();
    // Blank lines are not a request: they do not make the connection owe an answer.
    s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] got = closedWithin(s, DEADLINE.plus(SLACK).plusSeconds(2));
    assertClosedInWindow(opened, System.nanoTime());
    assertEquals(0, got.length, new String(got, StandardCharsets.ISO_8859_1));
    assertEquals(1, t.headerTimeouts());
  }

  @Test
  void keepAliveConnectionIdlesPastTheDeadlineButEachRequestHasItsOwn() throws Exception {
    start(ConnectionLimits.defaults().withHeaderTimeout(DEADLINE));
    Socket s = connect("127.0.0.1");
    assertEquals(200, exchange(s, INFO).status());
    // Idle between requests: governed by the idle timeout (60 s), not the header deadline.
    s.setSoTimeout((int) DEADLINE.plusMillis(700).toMillis());
    assertThrows(
        SocketTimeoutException.class, () -> s.getInputStream().read(), "still open while idle");
    s.setSoTimeout(10_000);
    assertEquals(200, exchange(s, INFO).status());
    // The next request's deadline runs from its first byte.
    long first = System.nanoTime();
    s.getOutputStream().write("GET /node/info HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
    Answer a = readAnswer(s.getInputStream());
    assertNotNull(a);
    assertError(a, 408, "request_timeout");
    assertTrue(closedWithin(s, SLACK).length == 0);
    assertClosedInWindow(first, System.nanoTime());
  }

  @Test
  void pipelinedPartialRequestAfterACompleteOneStillHasADeadline() throws Exception {
    start(ConnectionLimits.defaults().withHeaderTimeout(DEADLINE));
    Socket s = connect("127.0.0.1");
    long sent = System.nanoTime();
    // One write: a whole request and the start of the next, then silence.
    s.getOutputStream()
        .write((INFO + "GET /node/info HTTP/1.1\r\nHost:").getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, readAnswer(s.getInputStream()).status());
    Answer a = readAnswer(s.getInputStream());
    assertNotNull(a);
    assertError(a, 408, "request_timeout");
    assertClosedInWindow(sent, System.nanoTime());
  }

  // ---------------------------------------------------------------- WebSocket handshake deadline

  @Test
  void webSocketHandshakeMustCompleteWithinTheDeadline() throws Exception {
    NettyTransport t = start(ConnectionLimits.defaults().withHeaderTimeout(DEADLINE));
    // Connects and sends nothing.
    Socket silent = connect("127.0.0.1");
    long silentOpened = System.nanoTime();
    // Sends part of an upgrade request.
    Socket partial = connect("127.0.0.1");
    long partialOpened = System.nanoTime();
    partial
        .getOutputStream()
        .write(
            "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    // Sends complete upgrade headers announcing a body it then trickles: the deadline runs until
    // the handshake is done, not only until the headers are.
    Socket body = connect("127.0.0.1");
    long bodyOpened = System.nanoTime();
    body.getOutputStream()
        .write((UPGRADE + "Content-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    ScheduledExecutorService trickle = trickle(body);
    // An honest WebSocket client, connected at the same time, stays.
    Socket honest = connect("127.0.0.1");
    assertEquals(101, exchange(honest, UPGRADE + "\r\n").status());
    try {
      assertEquals(
          0, closedWithin(silent, DEADLINE.plus(SLACK).plusSeconds(2)).length, "silent: no answer");
      assertClosedInWindow(silentOpened, System.nanoTime());

      Answer a = readAnswer(partial.getInputStream());
      assertNotNull(a);
      assertError(a, 408, "request_timeout");
      assertTrue(closedWithin(partial, SLACK).length == 0);
      assertClosedInWindow(partialOpened, System.nanoTime());

      Answer b = readAnswer(body.getInputStream());
      assertNotNull(b);
      assertError(b, 408, "request_timeout");
      assertTrue(b.body().contains("WebSocket handshake"), b.body());
      assertClosedInWindow(bodyOpened, System.nanoTime());
    } finally {
      trickle.shutdownNow();
    }
    // Past the deadline, the upgraded connection is still open: a read times out, no EOF.
    honest.setSoTimeout(500);
    assertThrows(SocketTimeoutException.class, () -> drainUntilEof(honest.getInputStream()));
    assertEquals(3, t.headerTimeouts());
  }

  // ---------------------------------------------------------------- header size

  @Test
  void oversizedHeadersGet431AndTheNodeKeepsServing() throws Exception {
    start(ConnectionLimits.defaults()); // 8 KiB of request line and headers
    // One header far over the limit.
    Socket big = connect("127.0.0.1");
    Answer a =
        exchange(
            big, "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertError(a, 431, "headers_too_large");
    assertTrue(a.body().contains("8192"), a.body());
    assertTrue(closedWithin(big, SLACK).length == 0, "closed after the 431");

    // Line and headers each under Netty's own limits, together over the limit.
    String path = "/node/info?pad=" + "p".repeat(3000);
    String headers = "X-A: " + "a".repeat(3000) + "\r\nX-B: " + "b".repeat(3000) + "\r\n";
    assertError(
        exchange(
            connect("127.0.0.1"), "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n"),
        431,
        "headers_too_large");

    // Just under the limit is served.
    Answer under =
        exchange(
            connect("127.0.0.1"),
            "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(8000) + "\r\n\r\n");
    assertEquals(200, under.status(), under.body());

    // An upgrade request with oversized headers is refused, not taken for a handshake.
    assertError(
        exchange(connect("127.0.0.1"), UPGRADE + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n"),
        431,
        "headers_too_large");

    // A request line over its own limit.
    assertError(
        exchange(connect("127.0.0.1"), "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        414,
        "uri_too_long");

    assertEquals(200, exchange(connect("127.0.0.1"), INFO).status(), "the node keeps serving");
  }

  // ---------------------------------------------------------------- HttpServerCodec's protections

  @Test
  void aRequestWithBothContentLengthAndChunkedIsTheLastOneRead() throws Exception {
    start(ConnectionLimits.defaults());
    Socket s = connect("127.0.0.1");
    // Framed both ways, followed by a request a proxy might not have seen: only the first is
    // answered (400 from Netty 4.2's decoder), and the connection is closed.
    s.getOutputStream()
        .write(
            ("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /node/info HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    String all = new String(closedWithin(s, Duration.ofSeconds(5)), StandardCharsets.ISO_8859_1);
    assertEquals(1, all.split("HTTP/1\\.1 ", -1).length - 1, all);
    assertTrue(all.toLowerCase(Locale.ROOT).contains("connection: close"), all);
    assertFalse(all.contains("\"nodeId\""), "the second request was not served: " + all);
  }

  @Test
  void pipelinedRequestsInProgressAreBoundedAsHttpServerCodecDid() throws Exception {
    CompletableFuture<org.brightchain.net.spi.RestResponse> answer = new CompletableFuture<>();
    org.brightchain.net.spi.TransportHandler node =
        new org.brightchain.net.spi.TransportHandler() {
          @Override
          public void connectionOpened(org.brightchain.net.spi.PeerConnection c) {}

          @Override
          public void frameReceived(
              org.brightchain.net.spi.PeerConnection c, org.brightchain.net.spi.Frame f) {}

          @Override
          public void connectionClosed(
              org.brightchain.net.spi.PeerConnection c, int code, String reason) {}

          @Override
          public CompletableFuture<org.brightchain.net.spi.RestResponse> handle(
              org.brightchain.net.spi.RestRequest r) {
            return answer;
          }
        };
    EventStreamUpgrade events =
        new EventStreamUpgrade(
            node,
            new ConnectionFactory(
                new io.netty.channel.group.DefaultChannelGroup(
                    io.netty.util.concurrent.GlobalEventExecutor.INSTANCE),
                new SlowConsumerGuard(
                    1024,
                    org.brightchain.net.spi.TransportSettings.SlowConsumerPolicy.DISCONNECT)));
    io.netty.channel.embedded.EmbeddedChannel ch =
        new io.netty.channel.embedded.EmbeddedChannel(
            new RestRequestHandler(node, events, new TransportDiagnostics(), 8192, true)) {
          @Override
          protected java.net.SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 1);
          }
        };
    int sent = RestRequestHandler.MAX_PIPELINED + 50;
    for (int i = 0; i < sent; i++) {
      ch.writeInbound(
          new io.netty.handler.codec.http.DefaultFullHttpRequest(
              io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
              io.netty.handler.codec.http.HttpMethod.GET,
              "/node/info"));
    }
    assertTrue(ch.isOpen(), "open while the requests in progress are served");
    answer.complete(org.brightchain.net.spi.RestResponse.json(200, "{}"));
    Await.until(
        Duration.ofSeconds(5),
        () -> {
          ch.runPendingTasks();
          return !ch.isOpen();
        },
        () -> "still open");
    int answered = 0;
    while (ch.readOutbound() instanceof io.netty.handler.codec.http.FullHttpResponse r) {
      assertEquals(200, r.status().code());
      r.release();
      answered++;
    }
    assertEquals(
        RestRequestHandler.MAX_PIPELINED, answered, "the requests in progress answered, no more");
  }

  // ---------------------------------------------------------------- slowloris

  @Test
  void slowlorisFloodIsCutAtTheDeadlineWhileHonestRequestsSucceed() throws Exception {
    Duration deadline = Duration.ofSeconds(2);
    start(new ConnectionLimits(5000, 5000, deadline, 8192));
    int wanted = 1000;
    int count = wanted;
    long fds = maxOpenFiles();
    // Each socket costs two descriptors in this process (client and server end).
    if (fds > 0 && fds < 2L * wanted + 512) {
      count = (int) Math.max(10, (fds - 512) / 2);
      System.out.println(
          "SECURITY slowloris: file-descriptor limit "
              + fds
              + " allows "
              + count
              + " sockets, not "
              + wanted);
    }
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port());
    // A node serves for long: warm it up as it would be, so the figures are not class loading.
    Socket warm = connect("127.0.0.1");
    for (int i = 0; i < 50; i++) {
      assertEquals(200, exchange(warm, INFO).status());
    }
    warm.close();

    // The honest client: 100 requests, each on a new connection, spread over the deadline.
    int honestCount = 100;
    ScheduledExecutorService honestPacer = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<Long>> honest =
        honestRequests(
            honestPacer, server, honestCount, deadline.toMillis() * 9 / 10 / honestCount);

    Duration slack = FLOOD_SLACK;
    long openingStarted = System.nanoTime();
    List<Probe> probes = new ArrayList<>(count);
    long openedAll = flood(server, count, probes, deadline.plus(slack).plusSeconds(5));
    List<Long> honestMillis = new ArrayList<>();
    for (CompletableFuture<Long> f : honest) {
      honestMillis.add(f.get(30, TimeUnit.SECONDS));
    }
    honestPacer.shutdown();

    double limit = deadline.plus(slack).toNanos() / 1e9;
    double[] times =
        probes.stream()
            .filter(p -> p.closedAt >= 0)
            .mapToDouble(p -> (p.closedAt - p.openedAt) / 1e9)
            .sorted()
            .toArray();
    long closedInTime = Arrays.stream(times).filter(after -> after <= limit).count();
    long answered408 =
        probes.stream()
            .filter(
                p ->
                    p.closedAt >= 0
                        && p.received
                            .toString(StandardCharsets.ISO_8859_1)
                            .startsWith("HTTP/1.1 408 "))
            .count();
    double first = times.length == 0 ? Double.MAX_VALUE : times[0];
    double last = times.length == 0 ? 0 : times[times.length - 1];
    int trickling = (int) probes.stream().filter(p -> p.trickle).count();
    double median = times.length == 0 ? Double.NaN : times[times.length / 2];
    long honestOk = honestMillis.stream().filter(ms -> ms >= 0).count();
    long honestSlowest = honestMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
    System.out.println(
        String.format(
            Locale.ROOT,
            "SECURITY slowloris: %d sockets opened in %.2f s (%d trickling a byte every 200 ms, %d silent after a partial"
                + " request), %d closed by the %d s deadline + %.1f s (first after %.2f s, median %.2f s, last after %.2f s),"
                + " %d answered 408; honest requests %d/%d ok (slowest %d ms)",
            count,
            (openedAll - openingStarted) / 1e9,
            trickling,
            count - trickling,
            closedInTime,
            deadline.toSeconds(),
            slack.toMillis() / 1e3,
            first,
            median,
            last,
            answered408,
            honestOk,
            honestCount,
            honestSlowest));
    assertEquals(count, closedInTime, "every slowloris socket closed by the deadline");
    assertTrue(
        first >= deadline.toMillis() / 1e3 - 0.1, "none closed before the deadline: " + first);
    assertEquals(count, answered408, "each partial request answered 408");
    assertEquals(honestCount, honestOk, "honest requests (ms, -1 failed): " + honestMillis);
  }

  // ---------------------------------------------------------------- slow bodies

  @Test
  void slowBodiesAreCutAtTheRequestDeadlineWhileHonestRequestsSucceed() throws Exception {
    Duration deadline = Duration.ofSeconds(2);
    // The headers have the default 10 s: only the request deadline can cut these sockets.
    NettyTransport t =
        start(new ConnectionLimits(5000, 5000, Duration.ofSeconds(10), 8192, deadline));
    int count = 200;
    long fds = maxOpenFiles();
    if (fds > 0 && fds < 2L * count + 512) {
      count = (int) Math.max(10, (fds - 512) / 2);
    }
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port());
    Socket warm = connect("127.0.0.1");
    for (int i = 0; i < 50; i++) {
      assertEquals(200, exchange(warm, INFO).status());
    }
    warm.close();

    int honestCount = 100;
    ScheduledExecutorService honestPacer = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<Long>> honest =
        honestRequests(
            honestPacer, server, honestCount, deadline.toMillis() * 9 / 10 / honestCount);

    // Complete headers announcing a 1,000-byte body, then one byte of it a second.
    byte[] headers =
        ("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII);
    Duration slack = FLOOD_SLACK;
    List<Probe> probes = new ArrayList<>(count);
    flood(
        server,
        count,
        headers,
        Duration.ofSeconds(1),
        true,
        probes,
        deadline.plus(slack).plusSeconds(5));
    List<Long> honestMillis = new ArrayList<>();
    for (CompletableFuture<Long> f : honest) {
      honestMillis.add(f.get(30, TimeUnit.SECONDS));
    }
    honestPacer.shutdown();

    double limit = deadline.plus(slack).toNanos() / 1e9;
    double[] times =
        probes.stream()
            .filter(p -> p.closedAt >= 0)
            .mapToDouble(p -> (p.closedAt - p.openedAt) / 1e9)
            .sorted()
            .toArray();
    long closedInTime = Arrays.stream(times).filter(after -> after <= limit).count();
    long answered408 =
        probes.stream()
            .filter(
                p ->
                    p.closedAt >= 0
                        && p.received
                            .toString(StandardCharsets.ISO_8859_1)
                            .startsWith("HTTP/1.1 408 "))
            .count();
    double first = times.length == 0 ? Double.MAX_VALUE : times[0];
    double last = times.length == 0 ? 0 : times[times.length - 1];
    long honestOk = honestMillis.stream().filter(ms -> ms >= 0).count();
    long honestSlowest = honestMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
    System.out.println(
        String.format(
            Locale.ROOT,
            "SECURITY slow bodies: %d sockets sending a body at 1 byte/s, request deadline %d s:"
                + " %d/%d closed within the deadline + %.1f s (first after %s, last after %s),"
                + " %d answered 408, %d still open; honest requests served %d/%d (slowest %d ms)",
            count,
            deadline.toSeconds(),
            closedInTime,
            count,
            slack.toMillis() / 1e3,
            times.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f s", first),
            times.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f s", last),
            answered408,
            count - times.length,
            honestOk,
            honestCount,
            honestSlowest));
    assertEquals(count, closedInTime, "every slow body closed by the deadline + " + slack);
    assertTrue(
        first >= deadline.toMillis() / 1e3 - 0.1, "none closed before the deadline: " + first);
    assertEquals(count, answered408, "each slow request answered 408");
    assertEquals(honestCount, honestOk, "honest requests (ms, -1 failed): " + honestMillis);
    assertEquals(count, t.requestTimeouts());
    assertEquals(0, t.headerTimeouts());
  }

  /**
   * Schedules {@code n} honest requests, {@code spacingMs} apart, each on a new connection; each
   * future holds the time it took if answered 200, else -1.
   */
  private static List<CompletableFuture<Long>> honestRequests(
      ScheduledExecutorService pacer, InetSocketAddress server, int n, long spacingMs) {
    List<CompletableFuture<Long>> honest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<Long> f = new CompletableFuture<>();
      honest.add(f);
      pacer.schedule(
          () -> {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
              s.connect(server, 5000);
              s.setSoTimeout(5000);
              Answer a =
                  exchange(s, "GET /node/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
              f.complete(
                  a != null && a.status() == 200
                      ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                      : -1);
            } catch (IOException e) {
              f.complete(-1L);
            }
          },
          i * spacingMs,
          TimeUnit.MILLISECONDS);
    }
    return honest;
  }

  /**
   * Opens {@code count} sockets that each send part of a request, half of them trickling a byte
   * every 200 ms after, and records in {@code probes} what each receives and when it is closed,
   * until all are closed or {@code atMost} passed. Returns when the last socket was opened.
   */
  private static long flood(
      InetSocketAddress server, int count, List<Probe> probes, Duration atMost) throws IOException {
    byte[] partial =
        "GET /node/info HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    return flood(server, count, partial, Duration.ofMillis(200), false, probes, atMost);
  }

  /**
   * Opens {@code count} sockets that each send {@code opening}, then one more byte every {@code
   * every} (all of them, or every other one unless {@code allTrickle}), and records in {@code
   * probes} what each receives and when it is closed, until all are closed or {@code atMost}
   * passed. Returns when the last socket was opened.
   */
  private static long flood(
      InetSocketAddress server,
      int count,
      byte[] opening,
      Duration every,
      boolean allTrickle,
      List<Probe> probes,
      Duration atMost)
      throws IOException {
    Selector selector = Selector.open();
    try {
      for (int i = 0; i < count; i++) {
        SocketChannel ch = SocketChannel.open(server);
        Probe p = new Probe(ch, System.nanoTime(), allTrickle || i % 2 == 0);
        probes.add(p);
        ch.write(ByteBuffer.wrap(opening));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, p);
      }
      long openedAll = System.nanoTime();
      long hardStop = System.nanoTime() + atMost.toNanos();
      long nextTrickle = System.nanoTime() + every.toNanos();
      int open = count;
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (open > 0 && System.nanoTime() < hardStop) {
        selector.select(20);
        for (SelectionKey k : selector.selectedKeys()) {
          open -= read((Probe) k.attachment(), k, buf) ? 0 : 1;
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() - nextTrickle >= 0) {
          nextTrickle += every.toNanos();
          trickle(probes);
        }
      }
      return openedAll;
    } finally {
      for (Probe p : probes) {
        p.channel.close();
      }
      selector.close();
    }
  }

  /** Reads what {@code p} received; false once the node closed it. */
  private static boolean read(Probe p, SelectionKey k, ByteBuffer buf) throws IOException {
    buf.clear();
    int n;
    try {
      n = p.channel.read(buf);
    } catch (IOException e) {
      n = -1;
    }
    if (n > 0) {
      p.received.write(buf.array(), 0, n);
    } else if (n < 0) {
      p.closedAt = System.nanoTime();
      k.cancel();
      p.channel.close();
      return false;
    }
    return true;
  }

  /** One more byte of header on each trickling socket still open. */
  private static void trickle(List<Probe> probes) {
    for (Probe p : probes) {
      if (p.trickle && p.closedAt < 0) {
        try {
          p.channel.write(ByteBuffer.wrap(new byte[] {'a'}));
        } catch (IOException e) {
          // reset by the node: the read side records the close
        }
      }
    }
  }

  private static final class Probe {
    final SocketChannel channel;
    final long openedAt;
    final boolean trickle;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    long closedAt = -1;

    Probe(SocketChannel channel, long openedAt, boolean trickle) {
      this.channel = channel;
      this.openedAt = openedAt;
      this.trickle = trickle;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** An HTTP answer read off a socket. */
  record Answer(int status, String head, String body) {}

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static Answer exchange(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return readAnswer(s.getInputStream());
  }

  /** Reads one response: head, then a body of its Content-Length; null if closed before any. */
  private static Answer readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (java.net.SocketException e) {
        b = -1; // reset
      }
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("closed inside a response head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(h.substring(9, 12));
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Answer(status, h, new String(body, StandardCharsets.UTF_8));
  }

  private static void assertError(Answer a, int status, String code) throws Exception {
    assertNotNull(a, "no answer");
    assertEquals(status, a.status(), a.head() + a.body());
    assertTrue(
        a.head().toLowerCase(Locale.ROOT).contains("content-type: application/json"), a.head());
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(a.body().getBytes(StandardCharsets.UTF_8));
    assertEquals(code, json.get("error"));
    assertTrue(json.get("message") instanceof String m && !m.isBlank(), a.body());
    assertFalse(a.body().contains("Exception"), "no stack trace: " + a.body());
  }

  /** Reads until the node closes the connection; what was read, or fails after {@code max}. */
  private static byte[] closedWithin(Socket s, Duration max) throws IOException {
    s.setSoTimeout((int) max.toMillis());
    try {
      return drainUntilEof(s.getInputStream());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + max);
    }
  }

  private static byte[] drainUntilEof(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (java.net.SocketException e) {
        return out.toByteArray(); // reset counts as closed
      }
      if (n < 0) {
        return out.toByteArray();
      }
      out.write(buf, 0, n);
    }
  }

  /** Closed no earlier than the deadline and no later than the deadline plus the slack. */
  private static void assertClosedInWindow(long from, long closedAt) {
    long ms = TimeUnit.NANOSECONDS.toMillis(closedAt - from);
    assertTrue(ms >= DEADLINE.toMillis() - 100, "closed too early: after " + ms + " ms");
    assertTrue(ms <= DEADLINE.plus(SLACK).toMillis(), "closed too late: after " + ms + " ms");
  }

  /** Sends one more byte of a header value every 200 ms until the socket fails. */
  private static ScheduledExecutorService trickle(Socket s) {
    ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor();
    e.scheduleAtFixedRate(
        () -> {
          try {
            s.getOutputStream().write('a');
            s.getOutputStream().flush();
          } catch (IOException ex) {
            e.shutdown();
          }
        },
        200,
        200,
        TimeUnit.MILLISECONDS);
    return e;
  }

  /** The process's open-file limit from /proc, or -1 where there is none. */
  private static long maxOpenFiles() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }
}
