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
 */
public record TransportSettings(
    String host,
    int httpPort,
    int wsPort,
    int maxBodyBytes,
    int maxFrameBytes,
    Duration connectTimeout) {

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
  }

  /** True if one listener serves REST and WebSocket. */
  public boolean sharedPort() {
    return httpPort == wsPort;
  }
}
