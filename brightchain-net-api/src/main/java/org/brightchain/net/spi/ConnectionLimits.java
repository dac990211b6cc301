package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.time.Duration;

/**
 * Limits a transport enforces per remote party, before any message reaches the node: how many
 * connections one address and one subnet may hold, and how long a client may take to send its
 * request headers or finish the WebSocket handshake.
 *
 * <p>The deadline is absolute: a client that trickles one byte a second does not extend it, as it
 * would a read timeout. Subnets are {@code /24} for IPv4 and {@code /56} for IPv6.
 *
 * @param maxPerAddress most open connections (REST, WebSocket and event streams together) from one
 *     IP address; more are refused (default 64)
 * @param maxPerSubnet most open connections from one subnet (default 256)
 * @param headerTimeout time from the first byte of a request (or from the connection opening) to
 *     its last header, and from connection to a completed WebSocket handshake (default 10 s)
 * @param maxHeaderBytes largest request line plus headers accepted; larger gets 431 (default 8 KiB)
 */
public record ConnectionLimits(
    int maxPerAddress, int maxPerSubnet, Duration headerTimeout, int maxHeaderBytes) {

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
  }

  /** The defaults: 64 per address, 256 per subnet, 10 s header deadline, 8 KiB of headers. */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(64, 256, Duration.ofSeconds(10), 8192);
  }

  /** A copy with other per-address and per-subnet caps. */
  public ConnectionLimits withCaps(int perAddress, int perSubnet) {
    return new ConnectionLimits(perAddress, perSubnet, headerTimeout, maxHeaderBytes);
  }

  /** A copy with another header deadline. */
  public ConnectionLimits withHeaderTimeout(Duration timeout) {
    return new ConnectionLimits(maxPerAddress, maxPerSubnet, timeout, maxHeaderBytes);
  }
}
