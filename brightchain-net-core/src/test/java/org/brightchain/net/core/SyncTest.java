package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.spi.MetadataStore;
import org.junit.jupiter.api.Test;

/** Metadata reconciliation between nodes (virtual time, in memory). */
class SyncTest {
  private final VirtualNet net = new VirtualNet();

  private static Map<BlockId, BlockMetadata> contents(MetadataStore store) {
    Map<BlockId, BlockMetadata> out = new TreeMap<>();
    for (BlockMetadata m : store.scan(null, Integer.MAX_VALUE)) {
      out.put(m.blockId(), m);
    }
    return out;
  }

  private static BlockMetadata md(int block, DataTemperature t, long at, NodeId by) {
    return BlockMetadata.initial(VirtualNet.blockId(block), Instant.ofEpochMilli(at), by)
        .withTemperature(t, Instant.ofEpochMilli(at), by);
  }

  @Test
  void twoNodesThatDifferIn100BlocksOutOf5000EndEqualAndExchangeOnlyTheDifference() {
    InMemoryMetadataStore sa = new InMemoryMetadataStore();
    InMemoryMetadataStore sb = new InMemoryMetadataStore();
    NodeId x = NodeId.of("11".repeat(32));
    NodeId y = NodeId.of("22".repeat(32));
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 5_000; i++) {
      BlockMetadata m = md(i, DataTemperature.WARM, t0 + i, x);
      if (i < 40) {
        sa.update(m.blockId(), c -> m); // only A
      } else if (i < 80) {
        sb.update(m.blockId(), c -> m); // only B
      } else {
        sa.update(m.blockId(), c -> m);
        BlockMetadata other =
            i < 100
                // 20 blocks where each side changed another field: both changes must survive
                ? m.withLocation(
                    BlockLocation.of(y, Instant.ofEpochMilli(t0 + 9_000), true),
                    Instant.ofEpochMilli(t0 + 9_000),
                    y)
                : m;
        sb.update(m.blockId(), c -> other);
        if (i < 100) {
          sa.update(
              m.blockId(),
              c -> c.withTemperature(DataTemperature.HOT, Instant.ofEpochMilli(t0 + 8_000), x));
        }
      }
    }
    SyncConfig manual = SyncConfig.defaults().withOnConnect(false).withInterval(Duration.ZERO);
    BrightChainNode a = net.start(net.builder("10.0.0.1").metadataStore(sa).sync(manual).build());
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .metadataStore(sb)
                .sync(manual)
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .build());
    net.vs.runUntilIdle();

    SyncResult r = net.await(b.sync(a.nodeId()));

    Map<BlockId, BlockMetadata> ca = contents(sa);
    assertEquals(5_000, ca.size());
    assertEquals(ca, contents(sb), "equal metadata on both nodes");
    for (int i = 80; i < 100; i++) {
      BlockMetadata m = ca.get(VirtualNet.blockId(i));
      assertEquals(DataTemperature.HOT, m.temperature(), "A's temperature kept");
      assertEquals(1, m.locations().size(), "B's location kept");
    }
    assertEquals(40 + 20, r.entriesSent(), r.toString());
    assertEquals(40 + 20, r.entriesReceived(), r.toString());
    assertEquals(5_000 - 40, r.items());
    // 100 differing items per side at most: the reconciliation bytes stay near 64 B per difference.
    long differences = 40 + 40 + 20 + 20;
    assertTrue(r.bytesSent() + r.bytesReceived() <= 64 * differences + 2048, r.toString());
    assertTrue(r.messages() <= 6, r.toString());
    assertEquals(1, b.deliveryStats().syncsCompleted());
    assertEquals(1, a.deliveryStats().syncsCompleted(), "the answering side counts it too");

    // Nothing differs any more: a second reconciliation exchanges no entries.
    SyncResult again = net.await(a.sync(b.nodeId()));
    assertEquals(0, again.entriesSent() + again.entriesReceived(), again.toString());
  }

  @Test
  void largeStoresAreReadOffTheSchedulerAndStillReconciled() throws Exception {
    // Both stores are above the size read on the scheduler: each node reads its own on its
    // sync thread, in real time, while its scheduler goes on.
    InMemoryMetadataStore sa = new InMemoryMetadataStore();
    InMemoryMetadataStore sb = new InMemoryMetadataStore();
    NodeId x = NodeId.of("33".repeat(32));
    int n = org.brightchain.net.core.internal.sync.SnapshotCache.INLINE_SNAPSHOT + 10_000;
    for (int i = 0; i < n; i++) {
      BlockMetadata m = md(i, DataTemperature.COLD, 1_700_000_000_000L + i, x);
      sa.update(m.blockId(), c -> m);
      if (i % 1000 != 7) {
        sb.update(m.blockId(), c -> m); // B lacks 60 of them
      }
    }
    SyncConfig manual = SyncConfig.defaults().withOnConnect(false).withInterval(Duration.ZERO);
    BrightChainNode a = net.start(net.builder("10.0.0.1").metadataStore(sa).sync(manual).build());
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .metadataStore(sb)
                .sync(manual)
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .build());
    net.vs.runUntilIdle();

    java.util.concurrent.CompletableFuture<SyncResult> f = b.sync(a.nodeId());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!f.isDone() && System.nanoTime() < deadline) {
      net.vs.runUntilIdle(); // virtual time stands still while the stores are read
      Thread.onSpinWait();
    }
    assertTrue(f.isDone(), "not done within 60 s");
    SyncResult r = f.get();
    assertEquals(n / 1000, r.entriesReceived(), r.toString());
    assertEquals(contents(sa), contents(sb));
  }

  @Test
  void aNodeThatComesBackEmptyGetsEverythingOnConnect() {
    BrightChainNode a = net.startNode("10.0.0.1");
    for (int i = 0; i < 2_500; i++) {
      net.await(a.updateTemperature(VirtualNet.blockId(i), DataTemperature.values()[i % 4]));
    }
    net.await(a.flush());
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.advance(Duration.ofSeconds(5));
    assertEquals(2_500, b.health().totalBlocks());
    for (int i = 0; i < 2_500; i += 97) {
      assertEquals(a.metadata(VirtualNet.blockId(i)), b.metadata(VirtualNet.blockId(i)));
    }
    assertEquals(1, b.deliveryStats().syncsCompleted());
    assertEquals(2_500, b.deliveryStats().syncEntriesReceived());
  }

  @Test
  void twoPartitionedGroupsBothUpdatedConvergeWhenThePartitionHeals() {
    String[] left = {"10.0.1.1", "10.0.1.2", "10.0.1.3"};
    String[] right = {"10.0.2.1", "10.0.2.2", "10.0.2.3"};
    List<BrightChainNode> nodes = new ArrayList<>();
    List<InMemoryMetadataStore> stores = new ArrayList<>();
    List<String> hosts = new ArrayList<>(List.of(left));
    hosts.addAll(List.of(right));
    for (int i = 0; i < hosts.size(); i++) {
      InMemoryMetadataStore s = new InMemoryMetadataStore();
      BrightChainNode.Builder b = net.builder(hosts.get(i)).metadataStore(s);
      for (int j = 0; j < i; j++) {
        b.addBootstrapNode(hosts.get(j), VirtualNet.PORT);
      }
      nodes.add(net.start(b.build()));
      stores.add(s);
    }
    net.vs.advance(Duration.ofSeconds(5));
    for (String l : left) {
      for (String r : right) {
        net.network.partition(l, r, true);
      }
    }
    net.vs.advance(Duration.ofSeconds(20));
    // Both sides change the same blocks (different fields, and the same field), seconds apart
    // (stamps are wall-clock time, and last writer wins).
    for (int i = 0; i < 300; i++) {
      BrightChainNode l = nodes.get(i % 3);
      net.await(l.updateTemperature(VirtualNet.blockId(i), DataTemperature.HOT));
      net.await(
          l.addLocation(VirtualNet.blockId(i), BlockLocation.of(l.nodeId(), net.vs.now(), true)));
    }
    net.vs.advance(Duration.ofSeconds(5));
    for (int i = 0; i < 300; i++) {
      BrightChainNode r = nodes.get(3 + i % 3);
      net.await(
          r.updateTemperature(
              VirtualNet.blockId(i), DataTemperature.COLD)); // later: wins everywhere
      net.await(
          r.addLocation(VirtualNet.blockId(i), BlockLocation.of(r.nodeId(), net.vs.now(), false)));
    }
    net.vs.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 300; i += 10) {
      // A removal well after the add (stamps are wall time, last writer wins): the location goes.
      net.await(
          nodes.get(i % 3).removeLocation(VirtualNet.blockId(i), nodes.get(3 + i % 3).nodeId()));
    }
    net.vs.advance(Duration.ofSeconds(5));
    // Each group agrees within itself already; the groups do not.
    assertEquals(contents(stores.get(0)), contents(stores.get(2)));
    assertEquals(contents(stores.get(3)), contents(stores.get(5)));
    assertTrue(!contents(stores.get(0)).equals(contents(stores.get(3))));

    for (String l : left) {
      for (String r : right) {
        net.network.partition(l, r, false);
      }
    }
    net.vs.advance(Duration.ofSeconds(120));

    Map<BlockId, BlockMetadata> first = contents(stores.get(0));
    for (int k = 1; k < stores.size(); k++) {
      assertEquals(first, contents(stores.get(k)), "node " + hosts.get(k) + " converged");
    }
    assertEquals(300, first.size());
    for (int i = 0; i < 300; i++) {
      BlockMetadata m = first.get(VirtualNet.blockId(i));
      assertEquals(DataTemperature.COLD, m.temperature(), "the later temperature");
      assertEquals(
          i % 10 == 0 ? 1 : 2, m.locations().size(), "both locations, less the removed one");
    }
  }
}
