package org.brightchain.net.core.internal.channel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's counters, in one place: every component increments the ones of its concern, and
 * status, metrics and the REST API read them. Safe for use from any thread.
 */
public final class NodeCounters {
  // Requests and messages
  /** Messages and requests handled successfully. */
  public final AtomicLong operationsOk = new AtomicLong();

  /** Messages and requests refused or failed. */
  public final AtomicLong operationsFailed = new AtomicLong();

  /** Messages dropped: malformed, unverifiable, stale, unauthorised or over a limit. */
  public final AtomicLong messagesRejected = new AtomicLong();

  /** Failed proofs of key (WebSocket handshakes, REST sessions, unknown tokens). */
  public final AtomicLong authFailures = new AtomicLong();

  /** Messages refused for a timestamp outside the replay window. */
  public final AtomicLong staleMessages = new AtomicLong();

  /** Copies of messages already seen. */
  public final AtomicLong duplicates = new AtomicLong();

  /** Resumes that asked for events no longer logged, and gaps peers reported. */
  public final AtomicLong gapsReported = new AtomicLong();

  /** Requests and messages refused by the rate limiter. */
  public final AtomicLong rateLimited = new AtomicLong();

  /** Discovery candidates refused by the eclipse caps. */
  public final AtomicLong candidatesRefused = new AtomicLong();

  // Batching
  /** Host changes accepted for batching. */
  public final AtomicLong updatesAccepted = new AtomicLong();

  /** Host changes that replaced a pending change of the same register. */
  public final AtomicLong updatesCoalesced = new AtomicLong();

  /** Batches this node sealed and signed. */
  public final AtomicLong batchesSent = new AtomicLong();

  /** Batch deliveries acknowledged by a peer. */
  public final AtomicLong batchesAcked = new AtomicLong();

  /** Batch deliveries sent again for want of an acknowledgement. */
  public final AtomicLong batchRetries = new AtomicLong();

  /** Batch deliveries given up and left to reconciliation. */
  public final AtomicLong batchesAbandoned = new AtomicLong();

  /** Batches received and applied (first copies). */
  public final AtomicLong batchesReceived = new AtomicLong();

  /** Copies of batches already applied. */
  public final AtomicLong batchDuplicates = new AtomicLong();

  /** Updates from received batches that changed the store. */
  public final AtomicLong updatesApplied = new AtomicLong();

  // Reconciliation
  /** Reconciliations completed, on either side. */
  public final AtomicLong syncsCompleted = new AtomicLong();

  /** Reconciliations failed, on either side. */
  public final AtomicLong syncsFailed = new AtomicLong();

  /** Metadata entries received in reconciliations. */
  public final AtomicLong syncEntriesReceived = new AtomicLong();
}
