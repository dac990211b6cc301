package org.brightchain.net.core;

import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.sync.SyncReport;

/** The engine's internal results as the API's records. */
final class Results {
  private Results() {}

  static SyncResult of(SyncReport r) {
    return new SyncResult(
        r.peer(),
        r.items(),
        r.messages(),
        r.bytesSent(),
        r.bytesReceived(),
        r.entriesSent(),
        r.entriesReceived(),
        r.changed(),
        r.elapsed());
  }

  static DeliveryStats of(NodeCounters c) {
    return new DeliveryStats(
        c.updatesAccepted.get(),
        c.updatesCoalesced.get(),
        c.batchesSent.get(),
        c.batchesAcked.get(),
        c.batchRetries.get(),
        c.batchesAbandoned.get(),
        c.batchesReceived.get(),
        c.batchDuplicates.get(),
        c.updatesApplied.get(),
        c.syncsCompleted.get(),
        c.syncsFailed.get(),
        c.syncEntriesReceived.get());
  }
}
