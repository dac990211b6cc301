package org.brightchain.net.core.internal.channel;

/** How the node names a failure in its logs and answers. */
public final class Errors {
  private Errors() {}

  /** The innermost cause's class and message, e.g. {@code ConnectException: refused}. */
  public static String rootMessage(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
