package org.brightchain.net.netty;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.brightchain.net.spi.TransportSettings.SlowConsumerPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the bytes queued on one connection and applies the slow-consumer policy past the bound:
 * the frame is dropped, or the connection is cut with 1008. A frame on a connection with nothing
 * queued always passes, so one frame larger than the bound still goes out. Thread-safe.
 */
final class SlowConsumerGuard {
  private static final Logger log = LoggerFactory.getLogger(SlowConsumerGuard.class);

  private final long maxQueuedBytes;
  private final SlowConsumerPolicy policy;
  private final LongAdder drops = new LongAdder();
  private final LongAdder closes = new LongAdder();
  private final LongAccumulator maxQueuedSeen = new LongAccumulator(Math::max, 0);

  SlowConsumerGuard(long maxQueuedBytes, SlowConsumerPolicy policy) {
    this.maxQueuedBytes = maxQueuedBytes;
    this.policy = policy;
  }

  /**
   * Whether a frame of {@code size} bytes may be queued on {@code c}, which already has {@code
   * queued} bytes waiting. Past the bound, applies the policy and answers false.
   */
  boolean admit(AbortableConnection c, long queued, int size) {
    if (queued + size <= maxQueuedBytes || queued == 0) {
      maxQueuedSeen.accumulate(queued + size);
      return true;
    }
    if (policy == SlowConsumerPolicy.DROP) {
      drops.increment();
      log.debug("{}: {} bytes waiting, frame dropped", c, queued);
    } else {
      closes.increment();
      log.info("{}: {} bytes waiting (limit {}), closing slow consumer", c, queued, maxQueuedBytes);
      // The socket is not draining, so a polite close would never be written: cut it.
      c.abort(1008, "slow consumer");
    }
    return false;
  }

  /** The most bytes ever queued on one connection: never above the bound but for one frame. */
  long maxQueuedBytesSeen() {
    return maxQueuedSeen.get();
  }

  /** Frames dropped so far. */
  long drops() {
    return drops.sum();
  }

  /** Connections cut so far. */
  long closes() {
    return closes.sum();
  }
}
