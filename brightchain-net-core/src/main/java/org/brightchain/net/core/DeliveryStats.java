package org.brightchain.net.core;

import org.brightchain.net.core.internal.channel.NodeCounters;

/**
 * Counters of batched updates and reconciliation since the node started.
 *
 * @param updatesAccepted updates accepted from the host (each applied here at once)
 * @param updatesCoalesced accepted updates replaced by a later one to the same field before being
 *     sent
 * @param batchesSent batches sealed and signed by this node
 * @param batchesAcked (peer, batch) deliveries acknowledged
 * @param batchRetries batches sent again to a peer that had not acknowledged them
 * @param batchesAbandoned (peer, batch) deliveries given up after every retry; each is left to
 *     reconciliation, which is started with that peer
 * @param batchesReceived batches received and applied
 * @param batchDuplicates batches received again (acknowledged, not applied twice)
 * @param updatesApplied updates received in batches that changed this node's metadata
 * @param syncsCompleted reconciliations finished, as either side
 * @param syncsFailed reconciliations that failed or timed out
 * @param syncEntriesReceived metadata entries received through reconciliation
 */
public record DeliveryStats(
    long updatesAccepted,
    long updatesCoalesced,
    long batchesSent,
    long batchesAcked,
    long batchRetries,
    long batchesAbandoned,
    long batchesReceived,
    long batchDuplicates,
    long updatesApplied,
    long syncsCompleted,
    long syncsFailed,
    long syncEntriesReceived) {

  /** The node's counters as this record. */
  static DeliveryStats from(NodeCounters c) {
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
