package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.statusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.core.internal.discovery.Dnsmasq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that knows nothing but a DNS seed, served by a real dnsmasq, finds its peers. */
class DnsSeedNodeTest {
  private final VirtualNet net = new VirtualNet();
  @TempDir Path tmp;

  @Test
  void aNodeWithOnlyADnsSeedFindsItsPeers() throws Exception {
    Dnsmasq.require();
    BrightChainNode b = net.startNode("10.0.0.2");
    BrightChainNode c = net.startNode("10.0.0.3");
    try (Dnsmasq dns =
        Dnsmasq.start(
            tmp,
            "seed.test",
            List.of("--host-record=seed.test,10.0.0.2", "--host-record=seed.test,10.0.0.3"))) {
      DiscoverySettings settings =
          new DiscoverySettings(
              Optional.empty(),
              new DnsSeedsConfig(
                  List.of("seed.test"), Duration.ofMinutes(10), Duration.ofSeconds(2)),
              dns.server(),
              100,
              8);
      long t0 = System.nanoTime();
      BrightChainNode a = net.start(net.builder("10.0.0.1").discovery(settings).build());
      // The seed is asked on a real thread, in real time; the nodes run on virtual time.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!(statusOf(a, b) == PeerStatusType.ACTIVE && statusOf(a, c) == PeerStatusType.ACTIVE)
          && System.nanoTime() < deadline) {
        net.vs.advance(Duration.ofMillis(10));
        Thread.onSpinWait();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(PeerStatusType.ACTIVE, statusOf(a, b));
      assertEquals(PeerStatusType.ACTIVE, statusOf(a, c));
      System.out.printf(
          "DISCOVERY dns seed only: a node found its 2 peers through dnsmasq in %d ms%n", ms);
    }
  }
}
