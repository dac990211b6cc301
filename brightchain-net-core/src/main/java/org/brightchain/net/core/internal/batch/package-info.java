/**
 * Batched block updates: the {@link org.brightchain.net.core.internal.batch.Batcher} coalesces and
 * seals the host's changes, {@link org.brightchain.net.core.internal.batch.BatchDelivery} delivers
 * signed batches with acknowledgement windows and retries, and {@link
 * org.brightchain.net.core.internal.batch.BatchApplier} applies received ones once. See {@code
 * docs/blocks.md}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.batch;
