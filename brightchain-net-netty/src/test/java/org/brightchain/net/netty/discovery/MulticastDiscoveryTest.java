package org.brightchain.net.netty.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.core.Schedulers;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.netty.discovery.MulticastDiscovery.Counters;
import org.brightchain.net.spi.DiscoveryProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The provider on real sockets, on this host: two nodes hear each other; forgeries and floods sent
 * to the group are refused and counted. Each test uses a free port of its own.
 */
class MulticastDiscoveryTest {
  private static final String GROUP = "239.255.42.42";
  private final Schedulers.ThreadScheduler scheduler = Schedulers.singleThread("multicast-test");
  private final List<MulticastDiscovery> providers = new ArrayList<>();

  @AfterEach
  void stopAll() {
    providers.forEach(MulticastDiscovery::stop);
    scheduler.shutdown();
  }

  private static int freeUdpPort() throws SocketException {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static NetworkInterface loopback() throws SocketException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nif.isLoopback() && nif.isUp()) {
        return nif;
      }
    }
    throw new AssertionError("no loopback interface");
  }

  private TestContext context(DiscoverySettings settings, int wsPort) {
    return new TestContext(settings, Clock.systemUTC(), scheduler, wsPort, "");
  }

  private MulticastDiscovery started(TestContext ctx) throws Exception {
    return started(ctx, new MulticastDiscovery());
  }

  private MulticastDiscovery started(TestContext ctx, MulticastDiscovery p) throws Exception {
    providers.add(p);
    p.start(ctx);
    return p;
  }

  /** A provider that uses only the loopback interface, so that a test's datagrams stay here. */
  private static MulticastDiscovery onLoopback() throws SocketException {
    NetworkInterface lo = loopback();
    return new MulticastDiscovery(IntakeLimits.defaults(), g -> List.of(lo));
  }

  private static boolean hears(MulticastDiscovery p, TestContext other) {
    return p.heard().stream().anyMatch(h -> h.nodeId().equals(other.nodeId()));
  }

  @Test
  void twoNodesOnOneHostHearEachOtherOnTheirInterfaces() throws Exception {
    int port = freeUdpPort();
    DiscoverySettings s = TestContext.multicast(GROUP, port, Duration.ofSeconds(1));
    TestContext a = context(s, 4242);
    TestContext b = context(s, 4343);
    long t0 = System.nanoTime();
    MulticastDiscovery pa = started(a);
    MulticastDiscovery pb = started(b);
    assertTrue(pa.active());
    Await.until(
        Duration.ofSeconds(3),
        () -> a.reported(b.nodeId()) && b.reported(a.nodeId()),
        () -> pa.heard() + " / " + pb.heard());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(hears(pa, b) && hears(pb, a));

    TestContext.Reported r = a.candidates.get(0);
    assertEquals(b.nodeId(), r.expected());
    assertEquals(4343, r.port());
    assertEquals("multicast", r.source());
    assertTrue(
        InetAddress.getByName(r.host()).isLoopbackAddress()
            || NetworkInterface.getByInetAddress(InetAddress.getByName(r.host())) != null,
        "reported at an address of this host: " + r.host());
    // Loopback is on: each node also hears itself, and ignores it.
    Await.until(Duration.ofSeconds(3), () -> pa.counters().own() > 0, pa::counters);
    // Once per interval: five adverts of B accepted (four intervals, at most 10% shorter each)
    // bring a few reports, not one per advert, let alone one per datagram.
    Await.until(Duration.ofSeconds(10), () -> pa.counters().accepted() >= 5, pa::counters);
    long reports = a.candidates.stream().filter(c -> c.expected().equals(b.nodeId())).count();
    Counters c = pa.counters();
    assertTrue(reports >= 2 && reports <= 4, reports + " reports, " + c);
    assertEquals(0, c.rejected() - c.own() - c.duplicate(), c.toString());
    System.out.printf(
        "DISCOVERY multicast loopback: 2 nodes on one host (interfaces %s, %s) heard each other in %d ms (interval 1000 ms); %d reports of the other for %d adverts accepted%n",
        pa.interfaceNames(), DatagramSupport.name(), ms, reports, c.accepted());
  }

  @Test
  void anIpv6GroupWorksOnInterfacesWithIpv6() throws Exception {
    InetAddress group = InetAddress.getByName("ff02::4242");
    Assumptions.assumeFalse(
        MulticastDiscovery.interfacesFor(group).isEmpty(), "no multicast interface with IPv6 here");
    int port = freeUdpPort();
    DiscoverySettings s = TestContext.multicast("ff02::4242", port, Duration.ofSeconds(1));
    TestContext a = context(s, 4242);
    TestContext b = context(s, 4343);
    MulticastDiscovery pa = started(a);
    MulticastDiscovery pb = started(b);
    Await.until(
        Duration.ofSeconds(3),
        () -> a.reported(b.nodeId()) && b.reported(a.nodeId()),
        () -> pa.counters() + " / " + pb.counters());
    // Sent from a link-local address: reported with its zone, which dialling it needs.
    String host = a.candidates.get(0).host();
    assertTrue(host.startsWith("fe80:") && host.contains("%"), host);
    System.out.println("ipv6 candidate: " + host);
  }

  @Test
  void withoutMulticastSettingsItDoesNothing() throws Exception {
    MulticastDiscovery p = started(context(DiscoverySettings.defaults(), 4242));
    assertFalse(p.active());
    assertTrue(p.heard().isEmpty());
    assertEquals(0, p.counters().sent());
    p.stop();
  }

  @Test
  void aGroupThatIsNotMulticastIsRefused() {
    TestContext ctx = context(TestContext.multicast("10.1.2.3", 4244, Duration.ofSeconds(1)), 4242);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new MulticastDiscovery().start(ctx))
            .getMessage()
            .contains("10.1.2.3"));
    TestContext named =
        context(TestContext.multicast("mcast.example.com", 4244, Duration.ofSeconds(1)), 4242);
    assertThrows(
        IllegalArgumentException.class,
        () -> new MulticastDiscovery().start(named),
        "a name, not resolved");
  }

  @Test
  void theServiceLoaderFindsIt() {
    assertTrue(
        ServiceLoader.load(DiscoveryProvider.class).stream()
            .anyMatch(p -> p.type() == MulticastDiscovery.class));
    assertEquals("multicast", new MulticastDiscovery().name());
  }

  @Test
  void stopIsIdempotentAndFreesThePort() throws Exception {
    int port = freeUdpPort();
    MulticastDiscovery p =
        started(
            context(TestContext.multicast(GROUP, port, Duration.ofSeconds(1)), 4242), onLoopback());
    assertTrue(p.active());
    p.stop();
    p.stop();
    assertFalse(p.active());
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port)); // would fail if the provider's socket were still open
    }
    assertThrows(
        IllegalStateException.class,
        () -> p.start(context(TestContext.multicast(GROUP, port, Duration.ofSeconds(1)), 4242)));
  }

  /** Sends datagrams to the group on the loopback interface, from {@code from}. */
  private static MulticastSocket sender(String from) throws Exception {
    MulticastSocket s = new MulticastSocket(new InetSocketAddress(from, 0));
    s.setNetworkInterface(loopback());
    s.setTimeToLive(1);
    return s;
  }

  private static void send(MulticastSocket s, byte[] bytes, int port) throws Exception {
    s.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(GROUP, port)));
  }

  @Test
  void forgedAndKeyMismatchedAdvertsSentToTheGroupAreRefusedAndCounted() throws Exception {
    int port = freeUdpPort();
    TestContext node = context(TestContext.multicast(GROUP, port, Duration.ofSeconds(1)), 4242);
    MulticastDiscovery p = started(node, onLoopback());
    NodeIdentity victim = NodeIdentity.generate();
    NodeIdentity attacker = NodeIdentity.generate();
    NodeAdvertisement claim =
        new NodeAdvertisement(victim.nodeId(), "10.66.66.66", 4242, Set.of("storage"), "0.1.0");
    long now = System.currentTimeMillis();
    try (MulticastSocket s = sender("127.0.0.1")) {
      // The victim's key, the attacker's signature.
      send(s, SignedAdvert.sign(claim, now, victim.publicKey(), attacker::sign).encode(), port);
      // The victim's id, the attacker's key and a valid signature by it.
      send(s, SignedAdvert.sign(claim, now, attacker.publicKey(), attacker::sign).encode(), port);
      send(s, new byte[] {0x0a, 0x05, 1, 2, 3}, port);
      send(s, new byte[1400], port);
    }
    Await.until(
        Duration.ofSeconds(3),
        () ->
            p.counters().badSignature() == 1
                && p.counters().keyMismatch() == 1
                && p.counters().malformed() == 1
                && p.counters().tooBig() == 1,
        p::counters);
    assertTrue(p.heard().isEmpty());
    assertTrue(node.candidates.isEmpty());
  }

  @Test
  void aFloodFromOneSourceIsRateLimitedAndAnHonestNodeIsStillHeard() throws Exception {
    Assumptions.assumeTrue(canSendFrom("127.0.0.2"), "cannot send from 127.0.0.2 here");
    int port = freeUdpPort();
    Duration interval = Duration.ofSeconds(2);
    DiscoverySettings s = TestContext.multicast(GROUP, port, interval);
    TestContext node = context(s, 4242);
    MulticastDiscovery p = started(node, onLoopback());

    // 10,000 datagrams: valid adverts of 50 nodes (250 distinct, then repeated), garbage,
    // forgeries and oversized ones, all from 127.0.0.2.
    List<NodeIdentity> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(NodeIdentity.generate());
    }
    long now = System.currentTimeMillis();
    List<byte[]> valid = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      NodeIdentity id = ids.get(i % 50);
      NodeAdvertisement ad =
          new NodeAdvertisement(id.nodeId(), "", 4242, Set.of("storage"), "0.1.0");
      valid.add(SignedAdvert.sign(ad, now + i / 50, id.publicKey(), id::sign).encode());
    }
    Random random = new Random(3);
    int total = 10_000;
    TestContext honest = context(s, 4343);
    long t0;
    MulticastDiscovery h;
    try (MulticastSocket flooder = sender("127.0.0.2")) {
      t0 = System.nanoTime();
      h = started(honest, onLoopback()); // sends from 127.0.0.1 while the flood goes on
      for (int i = 0; i < total; i++) {
        byte[] d;
        switch (i % 4) {
          case 0 -> d = valid.get(i / 4 % valid.size());
          case 1 -> {
            d = new byte[50 + random.nextInt(900)];
            random.nextBytes(d);
          }
          case 2 ->
              d =
                  SignedAdvert.sign(
                          new NodeAdvertisement(ids.get(0).nodeId(), "", 4242, Set.of(), "0.1.0"),
                          now + i,
                          ids.get(0).publicKey(),
                          b -> valid.get(0))
                      .encode();
          default -> d = new byte[SignedAdvert.MAX_BYTES + 1 + i % 200];
        }
        send(flooder, d, port);
        if (i % 50 == 49) {
          // Paced a little, so that most of the flood reaches the provider rather than being
          // dropped by the kernel when the socket's buffer is full.
          settle(p, h, i + 1);
        }
      }
      settle(p, h, total);
    }
    long floodMs = (System.nanoTime() - t0) / 1_000_000;
    Await.until(Duration.ofSeconds(3), () -> node.reported(honest.nodeId()), p::heard);
    long heardMs =
        (node.candidates.stream()
                    .filter(c -> c.expected().equals(honest.nodeId()))
                    .findFirst()
                    .orElseThrow()
                    .atNanos()
                - t0)
            / 1_000_000;
    h.stop(); // its adverts are all sent: each one accepted, from 127.0.0.1
    long honestAdverts = h.counters().sent();
    // A marker sent after everything else, from the flood's address: once it is counted, so is
    // every datagram sent before it that reached the socket.
    long tooBigBefore = p.counters().tooBig();
    try (MulticastSocket marker = sender("127.0.0.2")) {
      send(marker, new byte[SignedAdvert.MAX_BYTES + 1], port);
    }
    Await.until(Duration.ofSeconds(3), () -> p.counters().tooBig() > tooBigBefore, p::counters);
    Counters c = p.counters();
    long received = c.received() - c.own() - honestAdverts - 1;
    assertTrue(received > total * 9 / 10, "most of the flood arrived: " + received);
    long verified = c.accepted() + c.badSignature() + c.keyMismatch() + c.stale() - honestAdverts;
    long intervals = floodMs / interval.toMillis() + 1;
    assertTrue(
        verified <= 8 * intervals,
        "8 per interval from one source: " + c + " over " + floodMs + " ms");
    assertTrue(c.rateLimited() > 2000, c.toString());
    assertTrue(p.heard().size() <= 8 * intervals + 1, p.heard().size() + " in the table");
    assertTrue(
        heardMs < interval.toMillis(),
        "honest node heard within an interval despite the flood: " + heardMs + " ms");
    System.out.printf(
        "DISCOVERY multicast flood: %d datagrams from one source in %d ms (%d received) -> %d verified, %d rate limited, %d malformed, %d too big, %d duplicates; table %d entries; honest node heard after %.1f s%n",
        total,
        floodMs,
        received,
        verified,
        c.rateLimited(),
        c.malformed(),
        c.tooBig(),
        c.duplicate(),
        p.heard().size(),
        heardMs / 1000.0);
  }

  /**
   * Paces the flood: returns once {@code p} received {@code sent} datagrams of it, or when no more
   * arrived since the last look (the kernel dropped some). Counting waits for a marker.
   */
  private static void settle(MulticastDiscovery p, MulticastDiscovery honest, int sent) {
    long last = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      long n = flooded(p, honest);
      if (n >= sent || n == last) {
        return;
      }
      last = n;
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** Datagrams {@code p} received from the flood: all but its own and the honest node's. */
  private static long flooded(MulticastDiscovery p, MulticastDiscovery honest) {
    Counters c = p.counters();
    return c.received() - c.own() - honest.counters().sent();
  }

  private static boolean canSendFrom(String address) {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
      return true;
    } catch (SocketException e) {
      return false;
    }
  }
}
