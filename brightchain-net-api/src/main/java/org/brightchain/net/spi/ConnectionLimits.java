package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.time.Duration;

/**
 * Limits a transport enforces per remote party, before any message reaches the node: how many
 * connections one address and one subnet may hold, how long a client may take to send its request
 * headers or finish the WebSocket handshake, and how long it may take to send a whole request.
 *
 * <p>Both deadlines are absolute: a client that trickles one byte a second does not extend them, as
 * it would a read timeout. They run side by side: a request's headers must be complete within the
 * header deadline and the whole request, body included, within the request deadline, both counted
 * from the request's first byte (from the connection opening for its first request), so a request
 * deadline shorter than the header deadline bounds the headers too. Subnets are {@code /24} for
 * IPv4 and {@code /56} for IPv6.
 *
 * @param maxPerAddress most open connections (REST, WebSocket and event streams together) from one
 *     IP address; more are refused (default 64)
 * @param maxPerSubnet most open connections from one subnet (default 256)
 * @param headerTimeout time from the first byte of a request (or from the connection opening) to
 *     its last header, and from connection to a completed WebSocket handshake (default 10 s)
 * @param maxHeaderBytes largest request line plus headers accepted; larger gets 431 (default 8 KiB)
 * @param requestTimeout time from the first byte of a request (or from the connection opening) to
 *     its last byte, body included; a request not complete by then is answered 408 and its
 *     connection closed (default 30 s). It does not cover the node's answer, nor what an upgraded
 *     WebSocket connection or an event stream sends after its request.
 */
public record ConnectionLimits(
    int maxPerAddress,
    int maxPerSubnet,
    Duration headerTimeout,
    int maxHeaderBytes,
    Duration requestTimeout) {

  /** The default request deadline: 30 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Validates. */
  public ConnectionLimits {
    checkArgument(maxPerAddress > 0, "maxPerAddress: %s (expected: > 0)", maxPerAddress);
    checkArgument(
        maxPerSubnet >= maxPerAddress,
        "maxPerSubnet: %s (expected: >= maxPerAddress %s)",
        maxPerSubnet,
        maxPerAddress);
    checkArgument(
        headerTimeout != null && !headerTimeout.isNegative() && !headerTimeout.isZero(),
        "headerTimeout: %s (expected: > 0)",
        headerTimeout);
    checkArgument(
        maxHeaderBytes >= 1024 && maxHeaderBytes <= 1 << 20,
        "maxHeaderBytes: %s (expected: 1024..1048576)",
        maxHeaderBytes);
    checkArgument(
        requestTimeout != null && !requestTimeout.isNegative() && !requestTimeout.isZero(),
        "requestTimeout: %s (expected: > 0)",
        requestTimeout);
  }

  /** Limits with the default request deadline ({@link #DEFAULT_REQUEST_TIMEOUT}). */
  public ConnectionLimits(
      int maxPerAddress, int maxPerSubnet, Duration headerTimeout, int maxHeaderBytes) {
    this(maxPerAddress, maxPerSubnet, headerTimeout, maxHeaderBytes, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * The defaults: 64 per address, 256 per subnet, 10 s header deadline, 8 KiB of headers, 30 s
   * request deadline.
   */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(64, 256, Duration.ofSeconds(10), 8192, DEFAULT_REQUEST_TIMEOUT);
  }

  /** A copy with other per-address and per-subnet caps. */
  public ConnectionLimits withCaps(int perAddress, int perSubnet) {
    return new ConnectionLimits(
        perAddress, perSubnet, headerTimeout, maxHeaderBytes, requestTimeout);
  }

  /** A copy with another header deadline. */
  public ConnectionLimits withHeaderTimeout(Duration timeout) {
    return new ConnectionLimits(
        maxPerAddress, maxPerSubnet, timeout, maxHeaderBytes, requestTimeout);
  }

  /** A copy with another request deadline. */
  public ConnectionLimits withRequestTimeout(Duration timeout) {
    return new ConnectionLimits(
        maxPerAddress, maxPerSubnet, headerTimeout, maxHeaderBytes, timeout);
  }
}
