package org.brightchain.net.examples;

import java.time.Clock;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.DiscoveryConfig;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.Schedulers;
import org.brightchain.net.netty.discovery.MulticastDiscovery;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN multicast discovery for the runnable node, until the node runs its discovery providers
 * itself: a {@link DiscoveryContext} over a started node, whose candidates the node dials.
 */
final class NodeDiscovery implements DiscoveryContext {
  private static final Logger log = LoggerFactory.getLogger(NodeDiscovery.class);

  private final BrightChainNode node;
  private final DiscoverySettings settings;
  private final Schedulers.ThreadScheduler scheduler = Schedulers.singleThread("brightchain-discovery");

  private NodeDiscovery(BrightChainNode node, DiscoverySettings settings) {
    this.node = node;
    this.settings = settings;
  }

  /** Starts multicast discovery for {@code node}; null, with a log line, if it cannot start. */
  static MulticastDiscovery startMulticast(BrightChainNode node, DiscoveryConfig config) {
    NodeDiscovery ctx = new NodeDiscovery(node, DiscoverySettings.defaults().withMulticast(config));
    MulticastDiscovery provider = new MulticastDiscovery();
    try {
      provider.start(ctx);
      return provider;
    } catch (Exception e) {
      log.warn("LAN multicast discovery is off: {}", e.getMessage());
      ctx.scheduler.shutdown();
      return null;
    }
  }

  @Override
  public NodeAdvertisement self() {
    NodeInfo i = node.info();
    return new NodeAdvertisement(i.nodeId(), i.address(), i.wsPort(), i.capabilities(), i.version());
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
    return Clock.systemUTC();
  }

  @Override
  public byte[] publicKey() {
    return node.identity().publicKey();
  }

  @Override
  public byte[] sign(byte[] message) {
    return node.identity().sign(message);
  }

  @Override
  public int activePeers() {
    return (int) node.peers().stream().filter(p -> p.status() == PeerStatusType.ACTIVE).count();
  }

  @Override
  public int wantedPeers() {
    return settings.wantedPeers();
  }

  @Override
  public void candidate(String host, int wsPort, NodeId expected, String source) {
    if (expected != null && node.peer(expected).filter(p -> p.status() == PeerStatusType.ACTIVE).isPresent()) {
      return;
    }
    node.connect(host, wsPort).exceptionally(e -> {
      log.debug("{}: cannot dial {}:{}: {}", source, host, wsPort, e.toString());
      return null;
    });
  }
}
