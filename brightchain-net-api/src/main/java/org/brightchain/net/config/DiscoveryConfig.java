package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkPort;

import java.time.Duration;
import org.brightchain.net.internal.Values;

/**
 * Local-network multicast discovery, as the design's {@code DiscoveryConfig}.
 *
 * @param port UDP port adverts are sent to (default 4244)
 * @param multicastAddress the multicast group (default {@code 239.255.42.42})
 * @param broadcastInterval time between adverts (default 5 s)
 * @param nodeTimeout a node not heard from for this long leaves the table (default 30 s)
 */
public record DiscoveryConfig(
    int port, String multicastAddress, Duration broadcastInterval, Duration nodeTimeout) {

  /** Validates. */
  public DiscoveryConfig {
    checkPort(port, "port");
    Values.text(multicastAddress, "multicastAddress", 64);
    Durations.positive(broadcastInterval, "broadcastInterval");
    Durations.positive(nodeTimeout, "nodeTimeout");
  }

  /** The defaults listed above. */
  public static DiscoveryConfig defaults() {
    return new DiscoveryConfig(
        4244, "239.255.42.42", Duration.ofSeconds(5), Duration.ofSeconds(30));
  }
}
