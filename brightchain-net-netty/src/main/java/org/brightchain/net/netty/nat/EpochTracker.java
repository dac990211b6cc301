package org.brightchain.net.netty.nat;

import java.util.function.LongSupplier;

/**
 * Detects a gateway that lost its mappings, from the "seconds since start of epoch" in every
 * NAT-PMP and PCP answer (RFC 6887 section 8.5, which refines RFC 6886 section 3.6): the epoch
 * grows with real time; if it went backwards, or grew much slower or faster than the client's own
 * clock, the gateway restarted or reset its table. Not thread-safe: used on the mapper's thread.
 */
final class EpochTracker {
  private final LongSupplier nanoTime;
  private boolean known;
  private long lastEpoch;
  private long lastNanos;

  EpochTracker(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Records an answer's epoch.
   *
   * @return a description of the reset if this epoch shows the gateway lost its state since the
   *     previous answer, else {@code null}
   */
  String observe(long epoch) {
    long now = nanoTime.getAsLong();
    String reset = null;
    if (known) {
      // In milliseconds: the client's clock is finer than the epoch's seconds, the 2 s slack
      // covers the epoch's rounding.
      long clientMs = (now - lastNanos) / 1_000_000L;
      long serverMs = (epoch - lastEpoch) * 1000;
      if (epoch + 1 < lastEpoch) {
        reset = "its epoch went back from " + lastEpoch + " s to " + epoch + " s";
      } else if (clientMs + 2000 < serverMs - serverMs / 16
          || serverMs + 2000 < clientMs - clientMs / 16) {
        reset =
            "its epoch moved "
                + (epoch - lastEpoch)
                + " s in "
                + Math.round(clientMs / 1000.0)
                + " s";
      }
    }
    known = true;
    lastEpoch = epoch;
    lastNanos = now;
    return reset;
  }
}
