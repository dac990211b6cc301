package org.brightchain.net.core.internal.node;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.peer.Dialer;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the discovery providers (multicast, DNS seeds, the host's own) and turns the candidates they
 * report into dial attempts, counted against each source by the {@link Dialer}. A provider that
 * fails to start or stop is logged and skipped.
 */
final class DiscoveryBridge {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryBridge.class);

  private final List<DiscoveryProvider> configured;
  private final List<DiscoveryProvider> running = new ArrayList<>();
  private final DiscoveryContext context;

  DiscoveryBridge(
      List<DiscoveryProvider> configured,
      DiscoverySettings settings,
      NodeIdentity identity,
      Scheduler scheduler,
      Clock clock,
      Supplier<NodeAnnounce> announceSelf,
      IntSupplier activePeers,
      Dialer dialer,
      Executor background) {
    this.configured = configured;
    this.context =
        new Context(
            settings, identity, scheduler, clock, announceSelf, activePeers, dialer, background);
  }

  /** Starts every provider, highest priority first. Scheduler only. */
  void start() {
    List<DiscoveryProvider> all = new ArrayList<>(configured);
    all.sort(Comparator.comparingInt(DiscoveryProvider::priority).reversed());
    for (DiscoveryProvider p : all) {
      try {
        p.start(context);
        running.add(p);
        log.debug("discovery provider {} started", p.name());
      } catch (Exception | LinkageError e) {
        log.warn(
            "discovery provider {} failed to start and is skipped: {}",
            nameOf(p),
            Errors.rootMessage(e));
      }
    }
  }

  /** Stops every provider that started. Scheduler only. */
  void stop() {
    for (DiscoveryProvider p : running) {
      try {
        p.stop();
      } catch (RuntimeException e) {
        log.warn("discovery provider {} failed to stop: {}", nameOf(p), Errors.rootMessage(e));
      }
    }
    running.clear();
  }

  /** Names of the providers running. */
  List<String> names() {
    List<String> out = new ArrayList<>();
    for (DiscoveryProvider p : running) {
      out.add(nameOf(p));
    }
    return out;
  }

  private static String nameOf(DiscoveryProvider p) {
    try {
      return p.name();
    } catch (RuntimeException e) {
      return p.getClass().getName();
    }
  }

  /** What providers see of the node. Callable from any thread. */
  private record Context(
      DiscoverySettings settings,
      NodeIdentity identity,
      Scheduler scheduler,
      Clock clock,
      Supplier<NodeAnnounce> announceSelf,
      IntSupplier activeCount,
      Dialer dialer,
      Executor background)
      implements DiscoveryContext {
    @Override
    public Executor backgroundExecutor() {
      return background;
    }

    @Override
    public NodeAdvertisement self() {
      NodeAnnounce a = announceSelf.get();
      return new NodeAdvertisement(
          a.nodeId(), a.address(), a.wsPort(), a.capabilities(), a.version());
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
      return activeCount.getAsInt();
    }

    @Override
    public int wantedPeers() {
      return settings.wantedPeers();
    }

    @Override
    public void candidate(String host, int wsPort, NodeId expected, String source) {
      if (host == null || source == null) {
        return;
      }
      scheduler.execute(() -> dialer.admit(host, wsPort, expected, source));
    }
  }
}
