package org.brightchain.net.netty.discovery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoveryConfig;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.Scheduler;

/** A node as a discovery provider sees it: a key, settings, a clock, and the candidates it got. */
final class TestContext implements DiscoveryContext {
  /** One call of {@link #candidate}. */
  record Reported(String host, int port, NodeId expected, String source, long atNanos) {}

  final NodeIdentity identity;
  final int wsPort;
  final String address;
  final DiscoverySettings settings;
  final Clock clock;
  final Scheduler scheduler;
  final List<Reported> candidates = new CopyOnWriteArrayList<>();

  TestContext(
      DiscoverySettings settings, Clock clock, Scheduler scheduler, int wsPort, String address) {
    this.identity = NodeIdentity.generate();
    this.settings = settings;
    this.clock = clock;
    this.scheduler = scheduler;
    this.wsPort = wsPort;
    this.address = address;
  }

  /** Multicast on {@code group:port}, an advert every {@code interval}, nodes kept 30 s. */
  static DiscoverySettings multicast(String group, int port, Duration interval) {
    return DiscoverySettings.defaults()
        .withMulticast(new DiscoveryConfig(port, group, interval, Duration.ofSeconds(30)));
  }

  NodeId nodeId() {
    return identity.nodeId();
  }

  /** This node's advert, signed at {@code millis}, in its binary form. */
  byte[] advert(long millis) {
    return SignedAdvert.sign(self(), millis, identity.publicKey(), identity::sign).encode();
  }

  boolean reported(NodeId id) {
    return candidates.stream().anyMatch(c -> c.expected().equals(id));
  }

  @Override
  public NodeAdvertisement self() {
    return new NodeAdvertisement(
        identity.nodeId(), address, wsPort, Set.of("storage", "routing"), "0.1.0");
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public DiscoverySettings settings() {
    return settings;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public byte[] publicKey() {
    return identity.publicKey();
  }

  @Override
  public byte[] sign(byte[] message) {
    return identity.sign(message);
  }

  @Override
  public int activePeers() {
    return 0;
  }

  @Override
  public int wantedPeers() {
    return 8;
  }

  @Override
  public void candidate(String host, int wsPort, NodeId expected, String source) {
    candidates.add(new Reported(host, wsPort, expected, source, System.nanoTime()));
  }
}
