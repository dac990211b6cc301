package org.brightchain.net.spi;

import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;

/** What a {@link DiscoveryProvider} sees of its node. */
public interface DiscoveryContext {

  /** This node's own advertisement, for providers that announce it. */
  NodeAdvertisement self();

  /** The node's scheduler, for timers. */
  Scheduler scheduler();

  /** The node's discovery settings: each provider reads what concerns it. */
  org.brightchain.net.config.DiscoverySettings settings();

  /** The node's clock. */
  java.time.Clock clock();

  /**
   * Where a provider runs blocking work (DNS queries, file reads) that must not hold up the
   * scheduler. Tasks may run on any thread and concurrently: a provider that needs them in order
   * serializes them itself. The node's own implementation runs them on its background executor;
   * this default, for contexts made by hand, starts a daemon thread per task.
   */
  default java.util.concurrent.Executor backgroundExecutor() {
    return task -> {
      Thread t = new Thread(task, "brightchain-discovery");
      t.setDaemon(true);
      t.start();
    };
  }

  /** The node's public key (compressed secp256k1, or Ed25519), for signed adverts. */
  byte[] publicKey();

  /**
   * Signs {@code message} with the node's key, for adverts a provider publishes. The bytes must
   * carry their own purpose string, so a signature made here cannot pass as anything else.
   */
  byte[] sign(byte[] message);

  /** Peers connected now. */
  int activePeers();

  /**
   * How many peers the node wants connected; a provider that is costly to ask (DNS seeds, say) is
   * consulted only while {@link #activePeers()} is below this.
   */
  int wantedPeers();

  /**
   * Reports a candidate peer at {@code host:wsPort}. The node decides whether to dial it; the
   * peer's identity is checked when it connects. {@code expected} may be null when unknown.
   */
  void candidate(String host, int wsPort, NodeId expected, String source);
}
