package org.brightchain.net.netty.discovery;

/** What became of one received datagram. */
enum AdvertOutcome {
  ACCEPTED,
  TOO_BIG,
  MALFORMED,
  OWN,
  /** Not newer than the advert last accepted from that node: a copy or a replay. */
  DUPLICATE,
  RATE_LIMITED,
  KEY_MISMATCH,
  /** The signature does not verify, or its scheme is unknown. */
  BAD_SIGNATURE,
  STALE,
  /** Valid, from a node not in the table, while the table is full of nodes heard this interval. */
  TABLE_FULL
}
