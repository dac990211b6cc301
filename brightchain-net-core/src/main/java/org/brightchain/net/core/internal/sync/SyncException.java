package org.brightchain.net.core.internal.sync;

/**
 * A reconciliation failed: the peer sent a malformed message or one that does not fit the
 * conversation, the conversation ran too long, or the result did not check out against the peer's
 * fingerprint (see {@link Reconciler}). The message says which, and is safe to show to the peer.
 */
public final class SyncException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public SyncException(String message) {
    super(message, null, false, false);
  }
}
