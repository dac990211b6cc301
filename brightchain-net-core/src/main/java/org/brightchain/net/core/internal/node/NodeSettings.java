package org.brightchain.net.core.internal.node;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.spi.BlockStore;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.MetadataStore;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.NodePlugin;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.TemperaturePolicy;
import org.brightchain.net.spi.TransportSettings;

/**
 * Everything the builder decided, frozen. {@code background} runs slow work off the scheduler
 * (null: a thread of the node's own).
 */
public record NodeSettings(
    NodeIdentity identity,
    TransportSettings transport,
    String advertisedAddress,
    String region,
    Set<String> capabilities,
    BootstrapConfig bootstrap,
    BlockStore blockStore,
    MetadataStore metadataStore,
    Clock clock,
    Scheduler scheduler,
    boolean ownsScheduler,
    List<NodeEventListener> listeners,
    List<NodePlugin> plugins,
    Channel channel,
    SecurityConfig security,
    Path dataDirectory,
    DiscoverySettings discovery,
    List<DiscoveryProvider> discoveryProviders,
    TemperaturePolicy temperaturePolicy,
    org.brightchain.net.config.BatchConfig batching,
    org.brightchain.net.config.SyncConfig sync,
    java.util.concurrent.Executor background) {

  /**
   * How the node-to-node channel behaves.
   *
   * @param heartbeatInterval time between pings to each peer
   * @param heartbeatTimeout time a pong may take
   * @param heartbeatMisses missed pongs in a row after which a peer is OFFLINE and disconnected
   *     (one miss makes it PENDING)
   * @param replayLogSize events kept for peers that come back
   * @param requestTimeout default time a request waits for its answer
   * @param stableAfter a connection that lasts this long resets its dial backoff
   * @param maxBackoff the longest wait between two dial attempts
   * @param resumeWait how long a dialled connection waits for the other side's resume before
   *     sending live events anyway
   */
  public record Channel(
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      int heartbeatMisses,
      int replayLogSize,
      Duration requestTimeout,
      Duration stableAfter,
      Duration maxBackoff,
      Duration resumeWait) {

    /** These settings with other heartbeats. */
    public Channel withHeartbeat(Duration interval, Duration timeout, int misses) {
      return new Channel(
          interval,
          timeout,
          misses,
          replayLogSize,
          requestTimeout,
          stableAfter,
          maxBackoff,
          resumeWait);
    }

    /** These settings with another replay log size. */
    public Channel withReplayLogSize(int events) {
      return new Channel(
          heartbeatInterval,
          heartbeatTimeout,
          heartbeatMisses,
          events,
          requestTimeout,
          stableAfter,
          maxBackoff,
          resumeWait);
    }

    /** These settings with another reconnection backoff. */
    public Channel withReconnect(Duration maxBackoff, Duration stableAfter) {
      return new Channel(
          heartbeatInterval,
          heartbeatTimeout,
          heartbeatMisses,
          replayLogSize,
          requestTimeout,
          stableAfter,
          maxBackoff,
          resumeWait);
    }

    /** These settings with another request timeout. */
    public Channel withRequestTimeout(Duration timeout) {
      return new Channel(
          heartbeatInterval,
          heartbeatTimeout,
          heartbeatMisses,
          replayLogSize,
          timeout,
          stableAfter,
          maxBackoff,
          resumeWait);
    }

    /**
     * The defaults: BrightChain's heartbeats (5 s, 2 s, 3 misses), 10,000 events, 10 s requests.
     */
    public static Channel defaults() {
      return new Channel(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          3,
          10_000,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5));
    }
  }
}
