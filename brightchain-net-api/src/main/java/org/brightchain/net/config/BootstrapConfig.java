package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.checkPort;

import java.time.Duration;
import java.util.List;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.Values;

/**
 * Known nodes to join the network through, as the design's {@code BootstrapConfig}.
 *
 * @param nodes the bootstrap nodes
 * @param retryInterval base delay between connection attempts (default 5 s)
 * @param maxRetries attempts before a non-static node is given up (default 10); static nodes are
 *     retried forever
 */
public record BootstrapConfig(List<Node> nodes, Duration retryInterval, int maxRetries) {

  /** Validates and copies. */
  public BootstrapConfig {
    nodes = Values.list(nodes, "nodes");
    Durations.positive(retryInterval, "retryInterval");
    checkArgument(maxRetries >= 0, "maxRetries: %s (expected: >= 0)", maxRetries);
  }

  /** No bootstrap nodes, default timings. */
  public static BootstrapConfig none() {
    return of(List.of());
  }

  /** These nodes with default timings. */
  public static BootstrapConfig of(List<Node> nodes) {
    return new BootstrapConfig(nodes, Duration.ofSeconds(5), 10);
  }

  /**
   * One bootstrap node.
   *
   * @param address host name or IP address
   * @param port its WebSocket port
   * @param isStatic whether it is retried forever
   */
  public record Node(String address, int port, boolean isStatic) {

    /** Validates. */
    public Node {
      HostNames.check(address, "address");
      checkPort(port, "port");
      checkArgument(port > 0, "port: 0 (expected: 1-65535)");
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}; the node is static.
     *
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static Node parse(String hostPort) {
      Values.text(hostPort, "bootstrap", 300);
      int colon = hostPort.lastIndexOf(':');
      checkArgument(
          colon > 0 && colon < hostPort.length() - 1,
          "bootstrap: '%s' (expected: host:port)",
          hostPort);
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bootstrap: '" + hostPort + "' (expected: host:port with a numeric port)");
      }
      checkArgument(port > 0 && port <= 65535, "bootstrap port: %s (expected: 1-65535)", port);
      return new Node(host, port, true);
    }
  }
}
