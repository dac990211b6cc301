package org.brightchain.net.spi;

/** A gateway refused or did not answer a port-mapping request. */
public class PortMappingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the mapping failed. */
  public enum Reason {
    /** No gateway answered. */
    NO_GATEWAY,
    /** The gateway did not answer in time. */
    TIMEOUT,
    /** The gateway's policy refused the mapping. */
    DENIED,
    /** The port is taken by another mapping. */
    CONFLICT,
    /** The gateway lacks resources for another mapping. */
    NO_RESOURCES,
    /** The gateway does not support the request. */
    UNSUPPORTED,
    /** The gateway's answer could not be understood. */
    PROTOCOL_ERROR
  }

  private final Reason reason;

  /** An exception with a reason and a message. */
  public PortMappingException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the mapping failed. */
  public Reason reason() {
    return reason;
  }
}
