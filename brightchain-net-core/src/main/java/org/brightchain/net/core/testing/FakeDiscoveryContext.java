package org.brightchain.net.core.testing;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.Scheduler;

/**
 * A node as a {@link org.brightchain.net.spi.DiscoveryProvider} sees it, for testing a provider
 * without a node: a fresh identity, the settings and clock given, a scheduler, a background
 * executor that runs tasks at once, and the candidates reported, kept in order.
 *
 * <pre>{@code
 * VirtualScheduler vs = new VirtualScheduler();
 * FakeDiscoveryContext ctx = new FakeDiscoveryContext(DiscoverySettings.defaults(), vs, vs.clock());
 * provider.start(ctx);
 * vs.advance(Duration.ofSeconds(5));
 * assertEquals(1, ctx.candidates().size());
 * }</pre>
 */
public final class FakeDiscoveryContext implements DiscoveryContext {
  /**
   * One call of {@link #candidate}.
   *
   * @param host the host reported
   * @param wsPort its port
   * @param expected the node id expected there, or null
   * @param source who reported it
   */
  public record Candidate(String host, int wsPort, NodeId expected, String source) {}

  private final NodeIdentity identity = NodeIdentity.generate();
  private final DiscoverySettings settings;
  private final Scheduler scheduler;
  private final Clock clock;
  private final List<Candidate> candidates = new CopyOnWriteArrayList<>();
  private volatile int activePeers;

  /** A context with these settings, running timers on {@code scheduler}, reading {@code clock}. */
  public FakeDiscoveryContext(DiscoverySettings settings, Scheduler scheduler, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The candidates reported so far, in order (a live, thread-safe view). */
  public List<Candidate> candidates() {
    return candidates;
  }

  /** The key this fake node signs with. */
  public NodeIdentity identity() {
    return identity;
  }

  /** Sets how many peers the fake node says it has (default 0). */
  public void activePeers(int n) {
    this.activePeers = n;
  }

  @Override
  public NodeAdvertisement self() {
    return new NodeAdvertisement(identity.nodeId(), "", 4242, Set.of(), "test");
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
  public Executor backgroundExecutor() {
    return Runnable::run;
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
    return activePeers;
  }

  @Override
  public int wantedPeers() {
    return settings.wantedPeers();
  }

  @Override
  public void candidate(String host, int wsPort, NodeId expected, String source) {
    candidates.add(new Candidate(host, wsPort, expected, source));
  }
}
