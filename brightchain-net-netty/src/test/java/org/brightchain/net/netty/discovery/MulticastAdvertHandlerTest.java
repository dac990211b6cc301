package org.brightchain.net.netty.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.netty.discovery.MulticastDiscovery.Counters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checks on received adverts, on an {@link EmbeddedChannel} with a clock that moves when told:
 * what is reported and when, what is refused and counted, and the bounds under floods from one
 * address and from many spoofed ones.
 */
class MulticastAdvertHandlerTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final InetSocketAddress GROUP = new InetSocketAddress("239.255.42.42", 4244);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final NodeIdentity self = NodeIdentity.generate();
  private final List<AdvertDecision> accepted = new ArrayList<>();
  private AdvertIntake intake;
  private EmbeddedChannel channel;

  @BeforeEach
  void open() {
    open(IntakeLimits.defaults());
  }

  private void open(IntakeLimits limits) {
    intake = new AdvertIntake(self.nodeId(), INTERVAL, TIMEOUT, limits);
    channel = new EmbeddedChannel(new MulticastAdvertHandler(intake, clock, accepted::add));
  }

  private long now() {
    return clock.millis();
  }

  private void receive(byte[] bytes, String from) {
    channel.writeInbound(
        new DatagramPacket(
            Unpooled.wrappedBuffer(bytes), GROUP, new InetSocketAddress(from, 4244)));
  }

  private static NodeAdvertisement ad(NodeIdentity id, String address, int port) {
    return new NodeAdvertisement(id.nodeId(), address, port, Set.of("storage"), "0.1.0");
  }

  private static byte[] signed(NodeIdentity id, String address, int port, long millis) {
    return SignedAdvert.sign(ad(id, address, port), millis, id.publicKey(), id::sign).encode();
  }

  private Counters counters() {
    return Counters.of(0, 0, intake.counts());
  }

  @Test
  void aValidAdvertIsReportedOncePerIntervalAtItsSourceAddress() {
    NodeIdentity peer = NodeIdentity.generate();
    for (int i = 0; i < 4; i++) {
      receive(signed(peer, "", 4242, now()), "10.0.0.7");
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(4, counters().accepted());
    assertEquals(
        1,
        accepted.stream().filter(d -> d.report() != null).count(),
        "once per interval, not per datagram");
    AdvertDecision first = accepted.get(0);
    assertTrue(first.isNew());
    assertEquals(new Candidate("10.0.0.7", 4242, peer.nodeId()), first.report());

    clock.advance(Duration.ofSeconds(1)); // 5 s after the first report
    receive(signed(peer, "", 4242, now()), "10.0.0.7");
    assertEquals(new Candidate("10.0.0.7", 4242, peer.nodeId()), accepted.get(4).report());
    assertFalse(accepted.get(4).isNew());

    // A new endpoint is reported at once; an advert's own address wins over its source.
    receive(signed(peer, "192.168.1.20", 4300, now() + 1), "10.0.0.7");
    assertEquals(new Candidate("192.168.1.20", 4300, peer.nodeId()), accepted.get(5).report());
    assertEquals(1, intake.heard(now()).size());
    assertEquals("192.168.1.20", intake.heard(now()).get(0).host());
    assertTrue(channel.outboundMessages().isEmpty(), "nothing is sent in reply");
  }

  @Test
  void everyKindOfBadDatagramIsRefusedCountedAndNeverReported() {
    NodeIdentity peer = NodeIdentity.generate();
    NodeIdentity other = NodeIdentity.generate();
    byte[] valid = signed(peer, "", 4242, now());
    receive(valid, "10.0.0.7");

    receive(new byte[SignedAdvert.MAX_BYTES + 1], "10.0.0.8");
    byte[] garbage = new byte[300];
    new Random(1).nextBytes(garbage);
    receive(garbage, "10.0.0.8");
    receive(signed(self, "", 4242, now()), "10.0.0.8");
    receive(valid, "10.0.0.9"); // the same advert again, from anywhere: a replay
    // Forged: the peer's advert and key, a signature made with another key.
    SignedAdvert good =
        SignedAdvert.sign(ad(peer, "10.6.6.6", 4242), now() + 1, peer.publicKey(), peer::sign);
    byte[] wrongSignature =
        SignedAdvert.sign(ad(peer, "10.6.6.6", 4242), now() + 1, peer.publicKey(), other::sign)
            .encode();
    receive(wrongSignature, "10.0.0.8");
    // Tampered: a signed advert whose address was changed afterwards.
    byte[] signatureOfAnother =
        SignedAdvert.sign(ad(peer, "", 4242), now() + 1, peer.publicKey(), peer::sign).signature();
    receive(
        new SignedAdvert(
                ad(peer, "10.6.6.6", 4242), now() + 1, peer.publicKey(), signatureOfAnother)
            .encode(),
        "10.0.0.8");
    // Key mismatch: the peer's id, another node's key and a valid signature by that key.
    receive(
        SignedAdvert.sign(ad(peer, "10.6.6.6", 4242), now() + 2, other.publicKey(), other::sign)
            .encode(),
        "10.0.0.8");
    // Stale: signed more than twice the node timeout ago, or as far in the future.
    long maxAge = TIMEOUT.multipliedBy(2).toMillis();
    NodeIdentity old = NodeIdentity.generate();
    receive(signed(old, "", 4242, now() - maxAge - 1), "10.0.0.8");
    NodeIdentity ahead = NodeIdentity.generate();
    receive(signed(ahead, "", 4242, now() + maxAge + 1), "10.0.0.8");

    Counters c = counters();
    assertEquals(10, c.received());
    assertEquals(1, c.accepted());
    assertEquals(1, c.tooBig());
    assertEquals(1, c.malformed());
    assertEquals(1, c.own());
    assertEquals(1, c.duplicate());
    assertEquals(2, c.badSignature(), "forged and tampered");
    assertEquals(1, c.keyMismatch());
    assertEquals(2, c.stale());
    assertEquals(c.received(), c.accepted() + c.rejected());
    assertEquals(1, accepted.size());
    assertEquals(
        List.of(peer.nodeId()), intake.heard(now()).stream().map(Sighting::nodeId).toList());
    assertTrue(channel.outboundMessages().isEmpty(), "nothing is sent in reply");
  }

  @Test
  void aNodeLeavesTheTableAfterTheNodeTimeoutAndIsNewWhenHeardAgain() {
    NodeIdentity peer = NodeIdentity.generate();
    receive(signed(peer, "", 4242, now()), "10.0.0.7");
    clock.advance(TIMEOUT);
    assertEquals(1, intake.heard(now()).size(), "heard exactly the node timeout ago: still there");
    clock.advance(Duration.ofMillis(1));
    assertTrue(intake.heard(now()).isEmpty());
    receive(signed(peer, "", 4242, now()), "10.0.0.7");
    assertTrue(accepted.get(1).isNew());
    assertEquals(peer.nodeId(), accepted.get(1).report().nodeId());
  }

  @Test
  void aFloodFromOneAddressIsVerifiedAFewTimesPerIntervalAndAnotherAddressGetsThrough() {
    // Valid adverts of 50 nodes, each with newer timestamps, mixed with garbage and forgeries.
    List<NodeIdentity> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(NodeIdentity.generate());
    }
    List<byte[]> flood = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      switch (i % 4) {
        case 0 -> flood.add(signed(ids.get(i / 4 % 50), "", 4242, now() - 10_000 + i));
        case 1 -> {
          byte[] g = new byte[100 + random.nextInt(400)];
          random.nextBytes(g);
          flood.add(g);
        }
        case 2 ->
            flood.add(
                SignedAdvert.sign(
                        ad(ids.get(0), "", 4242),
                        now() + i,
                        ids.get(0).publicKey(),
                        ids.get(1)::sign)
                    .encode());
        default -> flood.add(new byte[SignedAdvert.MAX_BYTES + 1 + i % 500]);
      }
      if (i % 4 == 0 && i / 4 >= 50) {
        flood.set(i, flood.get(i - 200)); // after one round, replays of earlier adverts
      }
    }
    for (byte[] d : flood) {
      receive(d, "10.0.0.66");
    }
    Counters c = counters();
    long verified = c.accepted() + c.badSignature() + c.keyMismatch() + c.stale();
    assertEquals(10_000, c.received());
    assertEquals(
        IntakeLimits.defaults().perSource(),
        verified,
        "a few verifications per interval from one address: " + c);
    assertTrue(c.rateLimited() > 2000, c.toString());
    assertEquals(c.received(), c.accepted() + c.rejected());
    assertTrue(intake.heard(now()).size() <= IntakeLimits.defaults().perSource());

    NodeIdentity honest = NodeIdentity.generate();
    receive(signed(honest, "", 4242, now()), "10.0.0.5");
    assertEquals(
        honest.nodeId(),
        accepted.get(accepted.size() - 1).report().nodeId(),
        "another address is not limited by the flood");
  }

  @Test
  void aFloodFromSpoofedAddressesCostsBoundedMemoryAndCpuAndKnownNodesStayKnown() {
    IntakeLimits limits = new IntakeLimits(64, 256, 8, 512);
    open(limits);
    NodeIdentity known = NodeIdentity.generate();
    receive(signed(known, "", 4242, now()), "10.1.0.1");

    // 5,000 valid adverts of 500 nodes, each from its own (spoofed) address.
    List<NodeIdentity> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(NodeIdentity.generate());
    }
    long t0 = System.nanoTime();
    int sent = 0;
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < ids.size(); i++) {
        int n = round * ids.size() + i;
        receive(
            signed(ids.get(i), "", 4242, now() + round),
            "10." + (2 + n / 65536) + "." + (n / 256 % 256) + "." + (n % 256));
        sent++;
      }
      if (round == 5) {
        // In the middle of the flood, the budget long spent, the known node's advert still counts.
        long before = counters().accepted();
        receive(signed(known, "", 4242, now() + 1), "10.1.0.1");
        assertEquals(
            before + 1, counters().accepted(), "the known node is verified despite the flood");
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Counters c = counters();
    // Turned away from the full table after their signature was checked.
    long verified = c.accepted() + c.badSignature() + c.keyMismatch() + c.stale() + c.tableFull();
    assertEquals(
        limits.perInterval() + 1, verified, "the budget, and one advert of the known node: " + c);
    assertTrue(intake.size() <= limits.maxNodes(), "table bounded: " + intake.size());
    assertTrue(
        intake.sourcesTracked() <= limits.maxSources(),
        "sources bounded: " + intake.sourcesTracked());
    assertTrue(c.tableFull() > 0, c.toString());
    assertEquals(0, c.evicted(), "nodes heard this interval are not evicted: " + c);
    assertTrue(
        intake.heard(now()).stream().anyMatch(h -> h.nodeId().equals(known.nodeId())),
        "the known node stays known");

    // The next interval, a new honest node from a fresh address is heard at once.
    clock.advance(INTERVAL);
    NodeIdentity honest = NodeIdentity.generate();
    receive(signed(honest, "", 4242, now()), "10.1.0.2");
    assertEquals(honest.nodeId(), accepted.get(accepted.size() - 1).report().nodeId());
    assertEquals(
        1, counters().evicted(), "a flood entry not heard since the last interval made room");
    System.out.printf(
        "DISCOVERY multicast spoofed flood: %d valid adverts of %d nodes from %d addresses -> %d verified (budget %d per interval), %d rate limited, %d turned away from the full table; table %d entries (bound %d), %d sources tracked (bound %d); the known node stayed; a new node got in the next interval; %d ms%n",
        sent,
        ids.size(),
        sent,
        verified,
        limits.perInterval(),
        c.rateLimited(),
        c.tableFull(),
        intake.size(),
        limits.maxNodes(),
        intake.sourcesTracked(),
        limits.maxSources(),
        ms);
  }
}
