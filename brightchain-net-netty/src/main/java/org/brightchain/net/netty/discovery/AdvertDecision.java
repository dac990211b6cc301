package org.brightchain.net.netty.discovery;

import java.util.EnumMap;
import java.util.Map;

/**
 * The outcome of one datagram, and for an accepted advert whether to report it now (at most once
 * per node per interval, or when its endpoint changed) and whether the node is new to the table.
 *
 * @param report the candidate to report now, or null
 */
record AdvertDecision(AdvertOutcome outcome, Candidate report, boolean isNew) {
  private static final Map<AdvertOutcome, AdvertDecision> PLAIN = plain();

  /** The decision for {@code outcome} with nothing to report; shared, as most datagrams get one. */
  static AdvertDecision plain(AdvertOutcome outcome) {
    return PLAIN.get(outcome);
  }

  private static Map<AdvertOutcome, AdvertDecision> plain() {
    Map<AdvertOutcome, AdvertDecision> m = new EnumMap<>(AdvertOutcome.class);
    for (AdvertOutcome o : AdvertOutcome.values()) {
      m.put(o, new AdvertDecision(o, null, false));
    }
    return m;
  }
}
