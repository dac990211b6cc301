package org.brightchain.net.core.internal.batch;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.channel.Caches;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.SeenMessages;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.spi.MetadataStore;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies received batches: each (sender, batch id) once, register by register, in slices so that
 * heartbeats and other messages are not held up behind a long batch. Scheduler-confined.
 */
public final class BatchApplier {
  private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

  /** Updates applied in one go; a longer batch is applied in slices, other work in between. */
  public static final int APPLY_SLICE = 1000;

  private final MetadataChanges changes;
  private final Scheduler scheduler;
  private final NodeCounters counters;

  /** (sender, batch id) of batches applied: applied once, acknowledged every time. */
  private final Cache<String, Boolean> applied;

  /** Applies batches to {@code changes}; batch ids are remembered for {@code ttl}. */
  public BatchApplier(
      MetadataChanges changes,
      Scheduler scheduler,
      NodeCounters counters,
      Duration ttl,
      Clock clock) {
    this.changes = changes;
    this.scheduler = scheduler;
    this.counters = counters;
    this.applied = Caches.expiring(SeenMessages.CAPACITY, ttl, clock);
  }

  /**
   * Applies a received batch once; a batch seen before changes nothing. A long batch is applied in
   * slices of {@value #APPLY_SLICE} updates, each a task of its own.
   *
   * @return true if {@code done} will run once the batch is applied (with false if the store
   *     failed); false if the batch was a duplicate (nothing to apply, {@code done} not run)
   */
  public boolean apply(BatchUpdate b, NodeId sender, Consumer<Boolean> done) {
    assert Confinement.onScheduler(scheduler);
    if (applied.asMap().putIfAbsent(key(sender, b), Boolean.TRUE) != null) {
      counters.batchDuplicates.incrementAndGet();
      return false;
    }
    counters.batchesReceived.incrementAndGet();
    applySlice(b, sender, 0, done);
    return true;
  }

  private static String key(NodeId sender, BatchUpdate b) {
    return sender.hex() + "/" + b.batchId();
  }

  private void applySlice(BatchUpdate b, NodeId sender, int from, Consumer<Boolean> done) {
    int to = Math.min(b.updates().size(), from + APPLY_SLICE);
    int changed;
    try {
      changed = applyUpdates(changes, b, sender, from, to);
    } catch (RuntimeException e) {
      // The store failed: refuse the batch, so that the sender reconciles instead, and let a
      // copy of it be applied again.
      applied.invalidate(key(sender, b));
      changes.touched();
      log.warn(
          "applying batch {} from {} failed: {}",
          LogText.safe(b.batchId()),
          sender.shortId(),
          Errors.rootMessage(e));
      done.accept(false);
      return;
    }
    counters.updatesApplied.addAndGet(changed);
    if (to < b.updates().size()) {
      scheduler.execute(() -> applySlice(b, sender, to, done));
    } else {
      done.accept(true);
    }
  }

  /**
   * Every update of a batch signed by {@code sender}, applied to a bare store (for tests and
   * tools).
   */
  public static int applyUpdates(MetadataStore store, BatchUpdate b, NodeId sender) {
    return applyUpdates(MetadataChanges.unchecked(store), b, sender, 0, b.updates().size());
  }

  /**
   * Applies updates {@code from} to {@code to} of a batch signed by {@code sender}: each register
   * of each block keeps its later version (the update's stamp is its timestamp and the sender), so
   * any order of any number of copies of a set of batches leaves the same metadata.
   *
   * @return how many updates changed the store
   */
  public static int applyUpdates(
      MetadataChanges changes, BatchUpdate b, NodeId sender, int from, int to) {
    int changed = 0;
    List<BatchUpdate.Update> updates = b.updates();
    for (int i = from; i < to; i++) {
      UnaryOperator<BlockMetadata> join = joinOf(b, i, sender);
      if (join != null && changes.apply(updates.get(i).blockId(), join).changed()) {
        changed++;
      }
    }
    return changed;
  }

  /** The register write of update {@code i}, or null if it must be skipped. */
  private static UnaryOperator<BlockMetadata> joinOf(BatchUpdate b, int i, NodeId sender) {
    BatchUpdate.Update u = b.updates().get(i);
    Instant at = Instant.ofEpochMilli(b.timestampOf(i));
    BlockId id = u.blockId();
    return switch (u.type()) {
      case TEMPERATURE -> {
        BlockTemperatureUpdate t = (BlockTemperatureUpdate) u.data();
        yield cur -> MetadataChanges.base(id, cur).withTemperature(t.temperature(), at, sender);
      }
      case LOCATION -> {
        BlockLocationUpdate l = (BlockLocationUpdate) u.data();
        yield cur ->
            l.action() == BlockLocationUpdate.Action.ADD
                ? MetadataChanges.base(id, cur).withLocation(l.location(), at, sender)
                : MetadataChanges.base(id, cur).withoutLocation(l.location().nodeId(), at, sender);
      }
      case METADATA -> {
        BlockMetadata m = ((MetadataUpdate) u.data()).metadata();
        // Versions later than the batch that carries them are not from its signer's time.
        yield m.updatedAt().toEpochMilli() > b.timestamp()
            ? null
            : cur -> cur == null ? m : cur.mergedWith(m);
      }
    };
  }
}
