package org.brightchain.net.config;

import java.time.Duration;
import java.util.List;
import org.brightchain.net.internal.Values;

/**
 * DNS names that list nodes of the network, as the design's {@code DNSSeeds}.
 *
 * @param seeds DNS names to query
 * @param queryInterval time between queries when the peer table is thin (default 10 min)
 * @param timeout time allowed for one query (default 5 s)
 */
public record DnsSeedsConfig(List<String> seeds, Duration queryInterval, Duration timeout) {

  /** Validates and copies. */
  public DnsSeedsConfig {
    seeds = Values.list(seeds, "seeds");
    seeds.forEach(s -> Values.text(s, "seed", 253));
    Durations.positive(queryInterval, "queryInterval");
    Durations.positive(timeout, "timeout");
  }

  /** No seeds. */
  public static DnsSeedsConfig none() {
    return of(List.of());
  }

  /** These seeds with default timings. */
  public static DnsSeedsConfig of(List<String> seeds) {
    return new DnsSeedsConfig(seeds, Duration.ofMinutes(10), Duration.ofSeconds(5));
  }
}
