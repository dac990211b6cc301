package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Instant;
import org.brightchain.net.internal.Values;
import org.brightchain.net.internal.WireNames;

/**
 * Whether a node can be reached from outside its NAT gateway, and how: part of {@code GET
 * /node/status} and of {@link org.brightchain.net.spi.NodeEventListener#reachabilityChanged}.
 *
 * <p>While {@link State#MAPPED}, the gateway forwards {@code externalAddress:externalPort} (REST)
 * and {@code externalAddress:externalWsPort} (WebSocket; the same port when one listener serves
 * both) to this node, until {@code leaseExpiresAt} unless renewed; the node then announces that
 * endpoint to its peers. In every other state the external fields are empty and the node is
 * reachable only where its local address is.
 *
 * @param state where the node stands
 * @param method the port-mapping method in use or being tried ({@code pcp}, {@code natpmp}, {@code
 *     upnp}); empty when none
 * @param externalAddress the gateway's public address; empty unless mapped
 * @param externalPort the public port forwarded to the REST listener; 0 unless mapped
 * @param externalWsPort the public port forwarded to the WebSocket listener; 0 unless mapped
 * @param leaseExpiresAt when the gateway drops the mapping unless it is renewed; {@code null}
 *     unless mapped
 * @param error the last error's wire name (a {@link
 *     org.brightchain.net.spi.PortMappingException.Reason}, for example {@code denied} or {@code
 *     timeout}); empty when the last exchange with the gateway went well
 * @param detail a sentence for people: what happened and what the node does next
 */
public record Reachability(
    State state,
    String method,
    String externalAddress,
    int externalPort,
    int externalWsPort,
    Instant leaseExpiresAt,
    String error,
    String detail) {

  /** Longest {@link #detail()} kept; longer texts are cut. */
  public static final int MAX_DETAIL = 512;

  /** Validates; cuts {@code detail} to {@link #MAX_DETAIL} characters. */
  public Reachability {
    notNull(state, "state");
    Values.text(method, "method", 32);
    Values.text(externalAddress, "externalAddress", 255);
    Values.text(error, "error", 32);
    notNull(detail, "detail");
    if (detail.length() > MAX_DETAIL) {
      int cut = MAX_DETAIL;
      if (Character.isHighSurrogate(detail.charAt(cut - 1))) {
        cut--;
      }
      detail = detail.substring(0, cut);
    }
    Values.text(detail, "detail", MAX_DETAIL);
    if (state == State.MAPPED) {
      checkArgument(!method.isEmpty(), "method: empty (expected: the method of a mapped state)");
      checkArgument(
          !externalAddress.isEmpty(), "externalAddress: empty (expected: an address when mapped)");
      checkArgument(
          externalPort > 0 && externalPort <= 65535,
          "externalPort: %s (expected: 1-65535 when mapped)",
          externalPort);
      checkArgument(
          externalWsPort > 0 && externalWsPort <= 65535,
          "externalWsPort: %s (expected: 1-65535 when mapped)",
          externalWsPort);
      leaseExpiresAt = Values.millis(leaseExpiresAt, "leaseExpiresAt");
    } else {
      checkArgument(
          externalAddress.isEmpty(),
          "externalAddress: '%s' (expected: empty when %s)",
          externalAddress,
          state.wireName());
      checkArgument(
          externalPort == 0 && externalWsPort == 0,
          "externalPort: %s, externalWsPort: %s (expected: 0 when %s)",
          externalPort,
          externalWsPort,
          state.wireName());
      checkArgument(
          leaseExpiresAt == null,
          "leaseExpiresAt: %s (expected: none when %s)",
          leaseExpiresAt,
          state.wireName());
    }
  }

  /** Not mapped and not trying: {@code detail} says why. */
  public static Reachability unmapped(String error, String detail) {
    return new Reachability(State.UNMAPPED, "", "", 0, 0, null, error, detail);
  }

  /** Asking the gateway through {@code method}. */
  public static Reachability mapping(String method, String detail) {
    return new Reachability(State.MAPPING, method, "", 0, 0, null, "", detail);
  }

  /** A gateway was found but mapping failed; the node retries. */
  public static Reachability failed(String method, String error, String detail) {
    return new Reachability(State.FAILED, method, "", 0, 0, null, error, detail);
  }

  /** Reachable from outside at {@code address}. */
  public static Reachability mapped(
      String method,
      String address,
      int port,
      int wsPort,
      Instant leaseExpiresAt,
      String error,
      String detail) {
    return new Reachability(
        State.MAPPED, method, address, port, wsPort, leaseExpiresAt, error, detail);
  }

  /** True when the gateway forwards the external endpoint to this node. */
  public boolean isMapped() {
    return state == State.MAPPED;
  }

  /**
   * Where a node stands with its gateway. Each constant has a {@linkplain #wireName() wire name},
   * used in JSON.
   */
  public enum State {
    /**
     * No mapping and none being asked for: NAT traversal is off, no gateway answered, or the node
     * is stopped.
     */
    UNMAPPED("unmapped"),
    /** Asking a gateway for a mapping. */
    MAPPING("mapping"),
    /** The gateway forwards the external endpoint to this node. */
    MAPPED("mapped"),
    /** A gateway answered but mapping failed (refused, timed out, ...); the node retries. */
    FAILED("failed");

    private static final WireNames<State> NAMES = new WireNames<>(State.class, State::wireName);
    private final String wireName;

    State(String wireName) {
      this.wireName = wireName;
    }

    /** The value as written on the wire. */
    public String wireName() {
      return wireName;
    }

    /**
     * The constant with this wire name.
     *
     * @throws IllegalArgumentException naming the accepted values if there is none
     */
    public static State fromWire(String wireName) {
      return NAMES.get(wireName);
    }
  }
}
