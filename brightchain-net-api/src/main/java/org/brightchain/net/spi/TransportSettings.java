package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.checkPort;

import java.time.Duration;
import org.brightchain.net.internal.Values;

/**
 * What the node asks of its transport.
 *
 * @param host the address to bind, for example {@code 0.0.0.0}
 * @param httpPort the REST port; 0 picks a free port
 * @param wsPort the WebSocket port; equal to {@code httpPort} (including both 0) to serve both on
 *     one listener, with WebSocket at {@link #WEBSOCKET_PATH}
 * @param maxBodyBytes largest REST request body accepted; larger gets 413
 * @param maxFrameBytes largest WebSocket message accepted; larger closes with 1009
 * @param connectTimeout time allowed to open an outbound connection, handshake included
 * @param idleTimeout a connection that receives nothing for this long is closed (heartbeats keep
 *     node connections busy)
 * @param maxConnections most WebSocket and event-stream connections at once; more are refused with
 *     503
 * @param maxQueuedBytes most bytes waiting to be written to one slow connection; past it the {@code
 *     slowConsumerPolicy} applies
 * @param slowConsumerPolicy what happens to a connection that does not keep up
 * @param limits per-address and per-subnet connection caps, header deadline and header size
 */
public record TransportSettings(
    String host,
    int httpPort,
    int wsPort,
    int maxBodyBytes,
    int maxFrameBytes,
    Duration connectTimeout,
    Duration idleTimeout,
    int maxConnections,
    int maxQueuedBytes,
    SlowConsumerPolicy slowConsumerPolicy,
    ConnectionLimits limits) {

  /** What to do with a connection whose unsent data passes {@link #maxQueuedBytes()}. */
  public enum SlowConsumerPolicy {
    /**
     * Close it (code 1008, "slow consumer"); a node that reconnects resumes from its last sequence
     * number and misses nothing the replay log still holds. The default.
     */
    DISCONNECT,
    /** Drop the frames that do not fit, counting them. */
    DROP
  }

  /** Settings with the default {@link ConnectionLimits}. */
  public TransportSettings(
      String host,
      int httpPort,
      int wsPort,
      int maxBodyBytes,
      int maxFrameBytes,
      Duration connectTimeout,
      Duration idleTimeout,
      int maxConnections,
      int maxQueuedBytes,
      SlowConsumerPolicy slowConsumerPolicy) {
    this(
        host,
        httpPort,
        wsPort,
        maxBodyBytes,
        maxFrameBytes,
        connectTimeout,
        idleTimeout,
        maxConnections,
        maxQueuedBytes,
        slowConsumerPolicy,
        ConnectionLimits.defaults());
  }

  /**
   * Settings with default idle timeout (60 s), connection cap (10,000) and queue (4 MiB,
   * disconnect).
   */
  public TransportSettings(
      String host,
      int httpPort,
      int wsPort,
      int maxBodyBytes,
      int maxFrameBytes,
      Duration connectTimeout) {
    this(
        host,
        httpPort,
        wsPort,
        maxBodyBytes,
        maxFrameBytes,
        connectTimeout,
        Duration.ofSeconds(60),
        10_000,
        4 << 20,
        SlowConsumerPolicy.DISCONNECT,
        ConnectionLimits.defaults());
  }

  /** The path of the WebSocket endpoint. */
  public static final String WEBSOCKET_PATH = "/ws";

  /** Validates. */
  public TransportSettings {
    Values.text(host, "host", 255);
    checkPort(httpPort, "httpPort");
    checkPort(wsPort, "wsPort");
    checkArgument(maxBodyBytes > 0, "maxBodyBytes: %s (expected: > 0)", maxBodyBytes);
    checkArgument(maxFrameBytes > 0, "maxFrameBytes: %s (expected: > 0)", maxFrameBytes);
    checkArgument(
        connectTimeout != null && !connectTimeout.isNegative() && !connectTimeout.isZero(),
        "connectTimeout: %s (expected: > 0)",
        connectTimeout);
    checkArgument(
        idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(),
        "idleTimeout: %s (expected: > 0)",
        idleTimeout);
    checkArgument(maxConnections > 0, "maxConnections: %s (expected: > 0)", maxConnections);
    checkArgument(maxQueuedBytes > 0, "maxQueuedBytes: %s (expected: > 0)", maxQueuedBytes);
    checkArgument(slowConsumerPolicy != null, "slowConsumerPolicy: null");
    checkArgument(limits != null, "limits: null");
  }

  /** True if one listener serves REST and WebSocket. */
  public boolean sharedPort() {
    return httpPort == wsPort;
  }
}
