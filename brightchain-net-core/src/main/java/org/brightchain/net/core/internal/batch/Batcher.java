package org.brightchain.net.core.internal.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.NodeId;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Connections;
import org.brightchain.net.core.internal.channel.HybridClock;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.Signer;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Scheduler;

/**
 * The host's changes on their way to the peers: coalesced per register (a later change replaces an
 * earlier one), sealed into one signed {@code block:batch} when the batch is full, would outgrow
 * half the frame limit, or the interval ends, and handed to {@link BatchDelivery}.
 * Scheduler-confined.
 */
public final class Batcher {
  private final BatchConfig config;
  private final int maxFrameBytes;
  private final Scheduler scheduler;
  private final HybridClock clock;
  private final Signer signer;
  private final Connections connections;
  private final BatchDelivery delivery;
  private final NodeCounters counters;
  private final BooleanSupplier running;

  /** Makes batch ids unique across restarts of this node. */
  private final String prefix;

  /** Host updates waiting for the next batch, coalesced per register of a block. */
  private final LinkedHashMap<Register, BatchUpdate.Update> pending = new LinkedHashMap<>();

  private long pendingBytes;
  private Scheduler.Cancellable timer;
  private long counter;

  /** One register of one block: updates to the same register are coalesced, the later one kept. */
  private record Register(BlockId block, BatchUpdate.UpdateType type, NodeId holder) {
    static Register of(BatchUpdate.Update u) {
      NodeId holder = u.data() instanceof BlockLocationUpdate l ? l.location().nodeId() : null;
      return new Register(u.blockId(), u.type(), holder);
    }
  }

  /** A batcher sealing into {@code delivery}. */
  public Batcher(
      BatchConfig config,
      int maxFrameBytes,
      Scheduler scheduler,
      HybridClock clock,
      Signer signer,
      Connections connections,
      BatchDelivery delivery,
      NodeCounters counters,
      SplittableRandom random,
      BooleanSupplier running) {
    this.config = config;
    this.maxFrameBytes = maxFrameBytes;
    this.scheduler = scheduler;
    this.clock = clock;
    this.signer = signer;
    this.connections = connections;
    this.delivery = delivery;
    this.counters = counters;
    this.running = running;
    this.prefix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
  }

  /** Queues a host update of about {@code bytes} for the next batch; seals the batch when full. */
  public void enqueue(BatchUpdate.Update update, int bytes) {
    assert Confinement.onScheduler(scheduler);
    counters.updatesAccepted.incrementAndGet();
    if (pending.put(Register.of(update), update) != null) {
      counters.updatesCoalesced.incrementAndGet();
    }
    pendingBytes += bytes; // a replaced update still counts: the estimate errs on the large side
    if (pending.size() >= config.maxSize() || pendingBytes >= maxBatchBytes()) {
      flush();
    } else if (timer == null) {
      timer =
          scheduler.schedule(
              () -> {
                timer = null;
                flush();
              },
              config.interval());
    }
  }

  /**
   * The most bytes a batch may take, estimated: half the frame limit, so that a batch fits a text
   * frame at a peer with the same limit.
   */
  private long maxBatchBytes() {
    return Math.max(4 * 1024, maxFrameBytes / 2);
  }

  /** Seals the pending updates into one signed batch and sends it to every peer. */
  public void flush() {
    assert Confinement.onScheduler(scheduler);
    cancelTimer();
    if (pending.isEmpty()) {
      return;
    }
    List<BatchUpdate.Update> updates = new ArrayList<>(pending.values());
    pending.clear();
    pendingBytes = 0;
    if (!running.getAsBoolean() || !connections.anyBatchReceiver()) {
      return; // applied here already; peers that connect later catch up by reconciliation
    }
    long latest = 0;
    for (BatchUpdate.Update u : updates) {
      latest = Math.max(latest, u.timestamp());
    }
    long ts = clock.stampAtLeast(latest);
    BatchUpdate b = new BatchUpdate(prefix + Long.toString(++counter, 36), ts, updates);
    SignedMessage m = signer.sign(b, ts, null);
    counters.batchesSent.incrementAndGet();
    delivery.send(m, null);
  }

  /** The node stops: the interval timer goes. */
  public void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
