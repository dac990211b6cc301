/**
 * Set reconciliation of block metadata, without networking: two nodes find which versions each
 * lacks with traffic proportional to the number of differences, not to the size of the sets.
 *
 * <p>Start with {@link SyncItem#of(org.brightchain.net.BlockMetadata)} to turn metadata into items,
 * {@link SyncStorage} to hold a node's items, and {@link Reconciler} for one conversation with a
 * peer; its {@code have()} and {@code need()} name what to push and what to pull. The transport
 * carries the opaque messages. The protocol, its wire format and its bounds are in {@code
 * docs/sync.md}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.sync;
