package org.brightchain.net.core.internal.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.core.internal.channel.Confinement;
import org.brightchain.net.core.internal.channel.Errors;
import org.brightchain.net.core.internal.metadata.MetadataChanges;
import org.brightchain.net.spi.MetadataStore;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the node's metadata for reconciliation, rebuilt only when something changed. A small
 * store is read at once on the scheduler; a large one on the executor the node was given, so that
 * heartbeats and messages go on meanwhile (the store is thread-safe; changes made during the read
 * are picked up by the next reconciliation). At most one read runs at a time. Completes on the
 * scheduler. Scheduler-confined.
 */
public final class SnapshotCache {
  private static final Logger log = LoggerFactory.getLogger(SnapshotCache.class);

  /**
   * Stores up to this many blocks are snapshotted on the scheduler; larger ones on the executor.
   */
  public static final int INLINE_SNAPSHOT = 50_000;

  private final MetadataChanges changes;
  private final Scheduler scheduler;
  private final Executor background;
  private final BooleanSupplier running;
  private SyncSnapshot snapshot;
  private CompletableFuture<SyncSnapshot> building;
  private CompletableFuture<SyncSnapshot> nextBuild;
  private long buildingVersion;

  /** Snapshots of {@code changes}' store; large ones read on {@code background}. */
  public SnapshotCache(
      MetadataChanges changes, Scheduler scheduler, Executor background, BooleanSupplier running) {
    this.changes = changes;
    this.scheduler = scheduler;
    this.background = background;
    this.running = running;
  }

  /** A snapshot of the metadata now. */
  public CompletableFuture<SyncSnapshot> current() {
    return atLeast(changes.version());
  }

  /**
   * A snapshot that holds at least the changes up to {@code minVersion}. Requests that need a newer
   * one than the running read share the next read, started when the running one ends.
   */
  public CompletableFuture<SyncSnapshot> atLeast(long minVersion) {
    assert Confinement.onScheduler(scheduler);
    if (snapshot != null && snapshot.version() >= minVersion) {
      return CompletableFuture.completedFuture(snapshot);
    }
    MetadataStore store = changes.store();
    if (store.size() <= INLINE_SNAPSHOT) {
      snapshot = build(store, changes.version());
      return CompletableFuture.completedFuture(snapshot);
    }
    if (building != null && buildingVersion >= minVersion) {
      return building;
    }
    if (building != null) {
      if (nextBuild == null) {
        nextBuild = new CompletableFuture<>();
      }
      return nextBuild; // started, at the then current version, when the running read ends
    }
    startBuild(store);
    return building;
  }

  private void startBuild(MetadataStore store) {
    long version = changes.version();
    buildingVersion = version;
    CompletableFuture<SyncSnapshot> f = new CompletableFuture<>();
    building = f;
    CompletableFuture.supplyAsync(() -> build(store, version), background)
        .whenCompleteAsync((snap, err) -> built(store, f, snap, err), scheduler::execute);
  }

  /** A read ended, whatever the outcome: back on the scheduler. */
  private void built(
      MetadataStore store, CompletableFuture<SyncSnapshot> f, SyncSnapshot snap, Throwable err) {
    if (snap != null && (snapshot == null || snapshot.version() <= snap.version())) {
      snapshot = snap;
    }
    if (building == f) {
      building = null;
    }
    CompletableFuture<SyncSnapshot> waiting = nextBuild;
    nextBuild = null;
    if (waiting != null && running.getAsBoolean()) {
      startBuild(store);
      building.whenComplete(
          (s2, e2) -> {
            if (e2 != null) {
              waiting.completeExceptionally(e2);
            } else {
              waiting.complete(s2);
            }
          });
    } else if (waiting != null) {
      waiting.completeExceptionally(new IllegalStateException("node stopped"));
    }
    if (err != null) {
      log.warn("reading the metadata for reconciliation failed: {}", Errors.rootMessage(err));
      f.completeExceptionally(err);
    } else {
      f.complete(snap);
    }
  }

  /** The node stops: reads waiting fail. */
  public void stop() {
    if (nextBuild != null) {
      nextBuild.completeExceptionally(new IllegalStateException("node stopped"));
      nextBuild = null;
    }
    if (building != null) {
      building.completeExceptionally(new IllegalStateException("node stopped"));
      building = null;
    }
  }

  /** Reads every block's item from {@code store}. Any thread. */
  static SyncSnapshot build(MetadataStore store, long version) {
    long size = store.size();
    SyncStorage.Builder b =
        SyncStorage.builder((int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, size)));
    Map<ItemId, BlockId> blocks = new HashMap<>((int) Math.min(1 << 28, size * 4 / 3 + 16));
    BlockId from = null;
    int page = 4096;
    while (true) {
      List<BlockMetadata> got = store.scan(from, page + 1);
      int start =
          from == null ? 0 : 1; // the first entry of a later page is the last of the one before
      for (int i = start; i < got.size(); i++) {
        BlockMetadata m = got.get(i);
        SyncItem item = SyncItem.of(m);
        b.add(item);
        blocks.put(item.id(), m.blockId());
      }
      if (got.size() < page + 1) {
        break;
      }
      from = got.get(got.size() - 1).blockId();
    }
    return new SyncSnapshot(version, b.build(), blocks);
  }
}
