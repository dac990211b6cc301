package org.brightchain.net.core.internal.metadata;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.UnaryOperator;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.spi.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way block metadata changes: every write — the host's, an event's, a batch's, a
 * reconciliation's — is a join applied atomically to one block in the {@link MetadataStore}, so
 * changes applied in any order, any number of times, leave the same metadata. Counts a version that
 * moves whenever something changed (reconciliation snapshots of an unchanged store are reused), and
 * refuses versions stamped further ahead than the allowed clock skew.
 *
 * <p>{@link #apply} may run on any thread (the store is atomic per block); {@link #version()} is
 * read and bumped on the scheduler.
 */
public final class MetadataChanges {
  private static final Logger log = LoggerFactory.getLogger(MetadataChanges.class);

  private final MetadataStore store;
  private final Clock clock;
  private final Duration maxSkew;
  private volatile long version;

  /** What one write did. */
  public record Change(BlockMetadata before, BlockMetadata after) {
    /** Whether the write changed the store. */
    public boolean changed() {
      return after != null && !after.equals(before);
    }
  }

  /**
   * Changes to {@code store}; versions more than {@code maxSkew} ahead of {@code clock} are
   * refused.
   */
  public MetadataChanges(MetadataStore store, Clock clock, Duration maxSkew) {
    this.store = store;
    this.clock = clock;
    this.maxSkew = maxSkew;
  }

  /** Changes to {@code store} with no check of stamps: for tools and tests. */
  public static MetadataChanges unchecked(MetadataStore store) {
    return new MetadataChanges(store, Clock.systemUTC(), Duration.ofMillis(Long.MAX_VALUE / 4));
  }

  /** The store. */
  public MetadataStore store() {
    return store;
  }

  /** Moves whenever the store changed (or might have, after a failed write). */
  public long version() {
    return version;
  }

  /** Marks the store as possibly changed (a write that failed half way, say). */
  public void touched() {
    version++;
  }

  /** Estimated bytes of a block's metadata on the wire (batch and reconciliation budgets). */
  public static int estimateBytes(BlockMetadata m) {
    return 400 + 450 * m.locations().size() + 150 * m.versions().removed().size();
  }

  /** The block's metadata, or defaults stamped "never" if it has none. */
  public static BlockMetadata base(BlockId id, BlockMetadata cur) {
    return cur == null ? BlockMetadata.empty(id) : cur;
  }

  /**
   * Applies {@code join} to one block's metadata atomically; a result equal to the current value
   * (or null) leaves the store as it was.
   */
  public Change apply(BlockId id, UnaryOperator<BlockMetadata> join) {
    BlockMetadata[] before = new BlockMetadata[1];
    BlockMetadata after =
        store.update(
            id,
            cur -> {
              before[0] = cur;
              BlockMetadata next = join.apply(cur);
              return next == null || next.equals(cur) ? cur : next;
            });
    Change c = new Change(before[0], after);
    if (c.changed()) {
      version++;
    }
    return c;
  }

  /** Merges one block's metadata into the store, register by register. */
  public Change merge(BlockMetadata incoming) {
    return apply(incoming.blockId(), cur -> cur == null ? incoming : cur.mergedWith(incoming));
  }

  /**
   * Merges metadata from a peer; entries with a version beyond the allowed skew are skipped
   * (counted in {@code refused}).
   *
   * @return how many entries changed the store
   */
  public int mergeAll(Collection<BlockMetadata> entries, Runnable refused) {
    int changed = 0;
    for (BlockMetadata incoming : entries) {
      String future = futureVersion(incoming);
      if (future != null) {
        // A version from the future would pin its register (and pull this node's clock) ahead.
        refused.run();
        log.info("metadata of {} stamped {}: ignored", incoming.blockId(), future);
        continue;
      }
      if (merge(incoming).changed()) {
        changed++;
      }
    }
    return changed;
  }

  /**
   * Why {@code m} cannot be merged because a version of it lies further ahead of this node's clock
   * than the allowed skew (it would pin its register, and stop the operator from overriding it), or
   * {@code null} if it can. The latest version bounds all the others.
   */
  public String futureVersion(BlockMetadata m) {
    return futureStamp(m.updatedAt().toEpochMilli());
  }

  /** Why a version stamped at {@code atMillis} is too far ahead, or {@code null} if it is not. */
  public String futureStamp(long atMillis) {
    long ahead = atMillis - clock.millis();
    return ahead > maxSkew.toMillis()
        ? ahead + " ms ahead of this node's clock (at most " + maxSkew.toMillis() + ")"
        : null;
  }
}
