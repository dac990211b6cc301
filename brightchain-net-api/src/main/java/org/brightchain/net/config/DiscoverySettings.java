package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Optional;
import org.brightchain.net.internal.Values;

/**
 * How a node finds peers besides its bootstrap nodes: LAN multicast (off unless configured), DNS
 * seeds, and the DNS server to ask. Discovery providers read what concerns them.
 *
 * @param multicast LAN multicast discovery, or empty for none
 * @param dnsSeeds DNS names that list nodes (none by default)
 * @param dnsServer the DNS server to query, {@code host:port} (or {@code host}, port 53); empty for
 *     the system's resolvers
 * @param maxPeers the most peers the node keeps in its table
 * @param wantedPeers the node looks for more peers (DNS seeds, say) while fewer are connected
 */
public record DiscoverySettings(
    Optional<DiscoveryConfig> multicast,
    DnsSeedsConfig dnsSeeds,
    String dnsServer,
    int maxPeers,
    int wantedPeers) {

  /** Validates. */
  public DiscoverySettings {
    notNull(multicast, "multicast");
    notNull(dnsSeeds, "dnsSeeds");
    Values.text(dnsServer, "dnsServer", 261);
    checkArgument(
        maxPeers >= 8 && maxPeers <= 100_000, "maxPeers: %s (expected: 8..100000)", maxPeers);
    checkArgument(
        wantedPeers >= 1 && wantedPeers <= maxPeers,
        "wantedPeers: %s (expected: 1..maxPeers)",
        wantedPeers);
  }

  /** No multicast, no seeds, system resolvers; up to 1,000 peers, wanting 8 connected. */
  public static DiscoverySettings defaults() {
    return new DiscoverySettings(Optional.empty(), DnsSeedsConfig.none(), "", 1000, 8);
  }

  /** A copy with multicast on. */
  public DiscoverySettings withMulticast(DiscoveryConfig config) {
    return new DiscoverySettings(Optional.of(config), dnsSeeds, dnsServer, maxPeers, wantedPeers);
  }

  /** A copy with multicast off. */
  public DiscoverySettings withoutMulticast() {
    return new DiscoverySettings(Optional.empty(), dnsSeeds, dnsServer, maxPeers, wantedPeers);
  }

  /** A copy with these seeds. */
  public DiscoverySettings withDnsSeeds(DnsSeedsConfig seeds) {
    return new DiscoverySettings(multicast, seeds, dnsServer, maxPeers, wantedPeers);
  }

  /** A copy asking this DNS server. */
  public DiscoverySettings withDnsServer(String server) {
    return new DiscoverySettings(multicast, dnsSeeds, server, maxPeers, wantedPeers);
  }
}
