package org.brightchain.net.core.internal.wire;

/**
 * Input that is not a valid message: malformed JSON or protobuf, a missing or ill-typed field, or a
 * value a contract type refuses. The message names the offending field and is safe to show to the
 * sender; it never contains a stack trace.
 */
public final class WireFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message for the sender. */
  public WireFormatException(String message) {
    super(message, null, false, false);
  }
}
