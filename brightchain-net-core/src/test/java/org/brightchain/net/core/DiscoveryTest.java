package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.statusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.peer.PeerStore;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery in the engine, on virtual time: providers, the caps on candidates, the saved table. */
class DiscoveryTest {
  private final VirtualNet net = new VirtualNet();
  @TempDir Path tmp;

  /** A provider that hands its context to the test. */
  static final class Handle implements DiscoveryProvider {
    final AtomicReference<DiscoveryContext> context = new AtomicReference<>();
    boolean stopped;

    @Override
    public String name() {
      return "handle";
    }

    @Override
    public void start(DiscoveryContext c) {
      context.set(c);
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  private static DiscoverySettings maxPeers(int max) {
    return new DiscoverySettings(
        Optional.empty(), DnsSeedsConfig.none(), "", max, Math.min(8, max));
  }

  @Test
  void aProviderInCodeIsStartedAndItsCandidatesAreDialledWhileABrokenOneIsSkipped() {
    Handle handle = new Handle();
    DiscoveryProvider broken =
        new DiscoveryProvider() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void start(DiscoveryContext c) {
            throw new IllegalStateException("no such network");
          }
        };
    BrightChainNode b = net.startNode("10.0.0.2");
    BrightChainNode a =
        net.start(
            net.builder("10.0.0.1")
                .addDiscoveryProvider(broken)
                .addDiscoveryProvider(handle)
                .loadDiscoveryProviders(false)
                .build());
    DiscoveryContext c = handle.context.get();
    assertTrue(c != null, "started despite the broken one");
    assertEquals(a.nodeId(), c.self().nodeId());
    assertEquals(0, c.activePeers());
    c.candidate("10.0.0.2", VirtualNet.PORT, b.nodeId(), "handle");
    net.vs.runUntilIdle();
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(1, c.activePeers());
    // A candidate for the node itself, or at a bad port, is ignored.
    c.candidate("10.0.0.1", VirtualNet.PORT, a.nodeId(), "handle");
    c.candidate("10.0.0.9", 0, null, "handle");
    net.vs.runUntilIdle();
    assertEquals(1, net.await(a.dialTargetCountForTests()));
    net.await(a.stop());
    assertTrue(handle.stopped);
  }

  @Test
  void oneSourceAndOnePublicNetworkCannotFillTheTable() {
    Handle handle = new Handle();
    BrightChainNode a =
        net.start(
            net.builder("10.0.0.1")
                .discovery(maxPeers(64))
                .addDiscoveryProvider(handle)
                .loadDiscoveryProviders(false)
                .build());
    DiscoveryContext c = handle.context.get();
    // A flood from one source, spread over public networks: a quarter of the table at most.
    for (int i = 0; i < 1000; i++) {
      c.candidate(
          "198.51." + (i / 250) + "." + (i % 250), 4242, NodeIdentity.generate().nodeId(), "liar");
    }
    net.vs.runUntilIdle();
    int fromLiar = net.await(a.dialTargetCountForTests());
    assertEquals(16, fromLiar, "64 / 4 from one source");
    // Many honest sources, all in one public /24: a sixteenth of the table at most.
    for (int i = 0; i < 50; i++) {
      c.candidate("203.0.113." + i, 4242, null, "source-" + i);
    }
    net.vs.runUntilIdle();
    assertEquals(fromLiar + 4, net.await(a.dialTargetCountForTests()), "64 / 16 from one /24");
    // Local networks are not capped by subnet: a LAN of many nodes is normal.
    for (int i = 0; i < 10; i++) {
      c.candidate("192.168.7." + i, 4242, null, "lan-" + i);
    }
    net.vs.runUntilIdle();
    assertEquals(fromLiar + 4 + 10, net.await(a.dialTargetCountForTests()));
    System.out.printf(
        "DISCOVERY eclipse: 1000 candidates from one source -> %d admitted (table 64); 50 sources in one /24 -> 4 admitted; 10 LAN candidates -> 10%n",
        fromLiar);
  }

  @Test
  void aRestartedNodeRedialsThePeersItSavedWithoutBootstrapOrDiscovery() throws Exception {
    BrightChainNode b = net.startNode("10.0.0.2");
    BrightChainNode c = net.startNode("10.0.0.3");
    Path dir = tmp.resolve("a");
    BrightChainNode a =
        net.start(
            net.builder("10.0.0.1")
                .dataDirectory(dir)
                .addBootstrapNode("10.0.0.2", VirtualNet.PORT)
                .addBootstrapNode("10.0.0.3", VirtualNet.PORT)
                .build());
    net.vs.advance(Duration.ofSeconds(1));
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, c));
    net.vs.advance(Duration.ofMinutes(2)); // connected a while; saved every 30 s
    net.await(a.stop());
    String saved = Files.readString(dir.resolve(PeerStore.FILE));
    assertTrue(saved.contains(b.nodeId().hex()) && saved.contains(c.nodeId().hex()), saved);

    // Same identity and data directory, no bootstrap nodes, no discovery.
    BrightChainNode again =
        net.start(net.builder("10.0.0.1").dataDirectory(dir).loadDiscoveryProviders(false).build());
    assertEquals(a.nodeId(), again.nodeId());
    net.vs.advance(Duration.ofSeconds(2));
    assertEquals(PeerStatusType.ACTIVE, statusOf(again, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(again, c));
  }

  private org.brightchain.net.spi.RestResponse announce(BrightChainNode a, String body) {
    return net.request(
        "10.0.0.1",
        new org.brightchain.net.spi.RestRequest(
            "POST",
            "/peers/announce",
            java.util.Map.of(),
            java.util.Map.of(
                "content-type", "application/json", "authorization", "Bearer " + a.operatorToken()),
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.net.InetSocketAddress.createUnresolved("10.0.0.2", 50000)));
  }

  @Test
  void aSignedAdvertPostedToAnnounceIsDialledAndAForgedOneRefused() {
    BrightChainNode a = net.startNode("10.0.0.1");
    NodeIdentity bKey = NodeIdentity.generate();
    BrightChainNode b = net.start(net.builder("10.0.0.2").identity(bKey).build());
    long now = net.vs.clock().millis();
    org.brightchain.net.NodeAdvertisement ad =
        new org.brightchain.net.NodeAdvertisement(
            b.nodeId(), "10.0.0.2", VirtualNet.PORT, java.util.Set.of("routing"), "x");
    org.brightchain.net.core.internal.discovery.SignedAdvert signed =
        org.brightchain.net.core.internal.discovery.SignedAdvert.sign(
            ad, now, bKey.publicKey(), bKey::sign);
    byte[] sig = signed.signature();
    sig[5] ^= 1;
    org.brightchain.net.core.internal.discovery.SignedAdvert forged =
        new org.brightchain.net.core.internal.discovery.SignedAdvert(
            ad, now, bKey.publicKey(), sig);
    org.brightchain.net.spi.RestResponse bad =
        announce(a, "{\"advert\":\"" + forged.toText() + "\"}");
    assertEquals(400, bad.status());
    net.vs.runUntilIdle();
    assertTrue(a.peer(b.nodeId()).isEmpty());
    assertEquals(202, announce(a, "{\"advert\":\"" + signed.toText() + "\"}").status());
    net.vs.runUntilIdle();
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
  }

  @Test
  void aDamagedPeerFileIsSetAsideAndTheNodeStillStarts() throws Exception {
    Path dir = tmp.resolve("d");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(PeerStore.FILE), "{\"peers\": [ nope");
    BrightChainNode a = net.start(net.builder("10.0.0.1").dataDirectory(dir).build());
    assertTrue(a.peers().isEmpty());
    assertTrue(Files.exists(dir.resolve(PeerStore.FILE + ".bad")));
  }

  @Test
  void aFullTableEvictsThePeerConnectedTheLeastToMakeRoom() throws Exception {
    Path dir = tmp.resolve("e");
    Files.createDirectories(dir);
    // Eight saved peers nobody can reach, connected for 1 to 8 hours in all.
    List<PeerStore.Entry> saved = new ArrayList<>();
    List<NodeId> ids = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      NodeId id = NodeIdentity.generate().nodeId();
      ids.add(id);
      saved.add(
          new PeerStore.Entry(
              id, "10.9.9." + i, 4242, 1_700_000_000_000L, Duration.ofHours(i).toMillis()));
    }
    new PeerStore(dir).save(saved);
    BrightChainNode a =
        net.start(net.builder("10.0.0.1").dataDirectory(dir).discovery(maxPeers(8)).build());
    net.vs.advance(Duration.ofSeconds(1));
    assertEquals(8, a.peers().size());
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.advance(Duration.ofSeconds(1));
    assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
    List<NodeId> kept = a.peers().stream().map(PeerInfo::nodeId).toList();
    assertEquals(8, kept.size());
    assertFalse(kept.contains(ids.get(0)), "the peer connected 1 h in all was evicted");
    for (int i = 1; i < 8; i++) {
      assertTrue(kept.contains(ids.get(i)), "kept the peer connected " + (i + 1) + " h");
    }
  }
}
