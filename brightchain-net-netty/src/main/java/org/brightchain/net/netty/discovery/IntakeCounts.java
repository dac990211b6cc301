package org.brightchain.net.netty.discovery;

/**
 * The receive side of the counters, as kept by an {@link AdvertIntake}: every received datagram
 * counts once, in {@code accepted} or in one of the reasons after it; {@code evicted} counts table
 * entries, not datagrams. The provider publishes them, with its send counters, as its public
 * counters, where each is described.
 */
record IntakeCounts(
    long received,
    long accepted,
    long tooBig,
    long malformed,
    long own,
    long duplicate,
    long rateLimited,
    long keyMismatch,
    long badSignature,
    long stale,
    long tableFull,
    long evicted) {

  /** Nothing yet. */
  static IntakeCounts none() {
    return new IntakeCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
