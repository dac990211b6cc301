package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.internal.WireNames;

/**
 * A gateway refused, did not answer, or answered nonsense to a port-mapping request. The {@link
 * #reason()} is what a program reacts to; {@link #method()} and {@link #code()} say which protocol
 * answered what (a NAT-PMP or PCP result code, a UPnP error code), and the message says it for
 * people.
 */
public class PortMappingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a port-mapping request failed. Each constant has a {@linkplain #wireName() wire name}. */
  public enum Reason {
    /** No gateway answered: no default route, nothing listening, no UPnP device found. */
    NO_GATEWAY("no_gateway"),
    /** A gateway that answered before stopped answering within the timeout. */
    TIMEOUT("timeout"),
    /** The gateway's policy refused the mapping (NAT-PMP 2, PCP NOT_AUTHORIZED, UPnP 606). */
    DENIED("denied"),
    /**
     * The port is taken, or cannot be the one asked for (UPnP 718, 729, PCP
     * CANNOT_PROVIDE_EXTERNAL).
     */
    CONFLICT("conflict"),
    /** The gateway has no room for another mapping (NAT-PMP 4, PCP NO_RESOURCES, UPnP 728). */
    NO_RESOURCES("no_resources"),
    /** The gateway does not support the request (a version, an opcode, an argument, UPnP 725). */
    UNSUPPORTED("unsupported"),
    /** The gateway itself is not connected (NAT-PMP 3, PCP NETWORK_FAILURE, UPnP 501). */
    NETWORK_FAILURE("network_failure"),
    /** The gateway no longer holds the mapping: it restarted, or the mapping was removed. */
    LOST("lost"),
    /** The gateway is not on a local subnet, or pointed somewhere else; it is not trusted. */
    UNTRUSTED("untrusted"),
    /** The gateway's answer could not be understood (bad size, bad XML, unknown code). */
    PROTOCOL_ERROR("protocol_error"),
    /** The gateway reported an error not listed above. */
    GATEWAY_ERROR("gateway_error");

    private static final WireNames<Reason> NAMES = new WireNames<>(Reason.class, Reason::wireName);
    private final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }

    /** The value as written in JSON ({@code Reachability.error}). */
    public String wireName() {
      return wireName;
    }

    /**
     * The constant with this wire name.
     *
     * @throws IllegalArgumentException naming the accepted values if there is none
     */
    public static Reason fromWire(String wireName) {
      return NAMES.get(wireName);
    }
  }

  private final Reason reason;
  private final String method;
  private final int code;

  /** An exception with a reason and a message, not tied to a protocol's code. */
  public PortMappingException(Reason reason, String message) {
    this(reason, "", -1, message, null);
  }

  /**
   * An exception with everything.
   *
   * @param reason why
   * @param method the mapper's name, or empty
   * @param code the protocol's result or error code, or -1 if there is none
   * @param message for people
   * @param cause the underlying exception, or {@code null}
   */
  public PortMappingException(
      Reason reason, String method, int code, String message, Throwable cause) {
    super(message, cause);
    this.reason = notNull(reason, "reason");
    this.method = notNull(method, "method");
    this.code = code;
  }

  /** Why the request failed. */
  public Reason reason() {
    return reason;
  }

  /** The mapper that failed ({@code upnp}, {@code natpmp}, {@code pcp}), or empty. */
  public String method() {
    return method;
  }

  /** The protocol's result or error code, or -1 if the failure had none (a timeout, say). */
  public int code() {
    return code;
  }
}
