package org.brightchain.net.core.internal.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.batch.Batcher;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.channel.HybridClock;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.TemperaturePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's writes (its own calls, the REST writes, the temperature policy): each applied here at
 * once as a register write stamped by this node, then queued for the next batch.
 * Scheduler-confined.
 */
public final class HostWrites {
  private static final Logger log = LoggerFactory.getLogger(HostWrites.class);

  /** How often the temperature policy is asked which blocks have cooled. */
  static final Duration COOLING_INTERVAL = Duration.ofMinutes(1);

  private final NodeId self;
  private final MetadataChanges changes;
  private final HybridClock stamps;
  private final Batcher batcher;
  private final TemperaturePolicy policy;
  private final Clock clock;
  private final Scheduler scheduler;
  private final BooleanSupplier running;
  private Scheduler.Cancellable coolingTimer;

  HostWrites(
      NodeId self,
      MetadataChanges changes,
      HybridClock stamps,
      Batcher batcher,
      TemperaturePolicy policy,
      Clock clock,
      Scheduler scheduler,
      BooleanSupplier running) {
    this.self = self;
    this.changes = changes;
    this.stamps = stamps;
    this.batcher = batcher;
    this.policy = policy;
    this.clock = clock;
    this.scheduler = scheduler;
    this.running = running;
  }

  /**
   * Applies a temperature change made here on {@code author}'s word (this node for the host and the
   * operator, a session's node for a REST session) and queues it for the next batch.
   */
  BlockMetadata updateTemperature(BlockId id, DataTemperature t, NodeId author) {
    long[] ts = new long[1]; // stamped inside the store's atomic update: one lookup per write
    BlockMetadata m =
        changes
            .apply(
                id,
                cur -> {
                  ts[0] = stamps.writeStamp(cur == null ? null : cur.versions().temperature());
                  return MetadataChanges.base(id, cur)
                      .withTemperature(t, Instant.ofEpochMilli(ts[0]), author);
                })
            .after();
    if (author.equals(self)) {
      batcher.enqueue(BatchUpdate.Update.of(new BlockTemperatureUpdate(id, t), ts[0]), 200);
    } else {
      enqueueState(m);
    }
    return m;
  }

  /**
   * Applies a location change made here and queues it for the next batch. A location is stamped by
   * the node that holds the block: by this node for its own copies (sent as a location update it
   * signs), and — when the operator or the host records another node's copy — by that node, sent as
   * state (a metadata update), as reconciliation would carry it.
   */
  BlockMetadata updateLocation(BlockId id, BlockLocation l, BlockLocationUpdate.Action action) {
    NodeId holder = l.nodeId();
    long[] ts = new long[1];
    BlockMetadata m =
        changes
            .apply(
                id,
                cur -> {
                  ts[0] = stamps.writeStamp(cur == null ? null : cur.versions().location(holder));
                  Instant at = Instant.ofEpochMilli(ts[0]);
                  return action == BlockLocationUpdate.Action.ADD
                      ? MetadataChanges.base(id, cur).withLocation(l, at, holder)
                      : MetadataChanges.base(id, cur).withoutLocation(holder, at, holder);
                })
            .after();
    if (holder.equals(self)) {
      batcher.enqueue(BatchUpdate.Update.of(new BlockLocationUpdate(id, l, action), ts[0]), 400);
    } else {
      enqueueState(m);
    }
    return m;
  }

  /** Queues a block's whole metadata, with the stamps it carries, for the next batch. */
  private void enqueueState(BlockMetadata m) {
    long now = clock.millis();
    long ts = Math.max(now, Math.min(m.updatedAt().toEpochMilli(), now + stamps.maxSkewMs()));
    batcher.enqueue(
        BatchUpdate.Update.of(new MetadataUpdate(m), ts), MetadataChanges.estimateBytes(m));
  }

  /**
   * Merges a host's metadata and queues the block's merged metadata for the next batch.
   *
   * @throws IllegalArgumentException if a version of it lies beyond the replay window
   */
  BlockMetadata updateMetadata(BlockMetadata md) {
    assert Confinement.onScheduler(scheduler);
    String future = changes.futureVersion(md);
    if (future != null) {
      throw new IllegalArgumentException("metadata of " + md.blockId() + ": updatedAt " + future);
    }
    BlockMetadata after = changes.merge(md).after();
    // The update carries its own versions; its stamp only keeps the batch's at or after them.
    enqueueState(after);
    return after;
  }

  /** A block was used: the temperature policy may change its temperature. */
  void recordAccess(BlockId id) {
    assert Confinement.onScheduler(scheduler);
    Optional<DataTemperature> current = changes.store().get(id).map(BlockMetadata::temperature);
    policy.onAccess(id, clock.instant(), current).ifPresent(t -> updateTemperature(id, t, self));
  }

  /** Starts asking the temperature policy, every minute, which blocks have cooled. */
  void startCooling() {
    coolingTimer = scheduler.schedule(this::cool, COOLING_INTERVAL);
  }

  /** Stops the cooling rounds. */
  void stop() {
    if (coolingTimer != null) {
      coolingTimer.cancel();
    }
  }

  private void cool() {
    if (!running.getAsBoolean()) {
      return;
    }
    try {
      Map<BlockId, DataTemperature> cooled =
          policy.cool(
              clock.instant(),
              id -> changes.store().get(id).map(BlockMetadata::temperature).orElse(null));
      cooled.forEach((id, t) -> updateTemperature(id, t, self));
    } catch (RuntimeException e) {
      log.warn("temperature policy failed: {}", Errors.rootMessage(e));
    }
    coolingTimer = scheduler.schedule(this::cool, COOLING_INTERVAL);
  }
}
