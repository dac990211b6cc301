package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;
import org.brightchain.net.internal.Values;

/**
 * How a node asks its NAT gateway to forward its ports. {@link #defaults()} suits a home network;
 * change one setting with the {@code with...} methods.
 *
 * <p>The node maps its REST/WebSocket port(s) over TCP once its listeners are bound, renews the
 * lease when half of it has passed, checks every {@code checkInterval} that the gateway still holds
 * the mapping (a gateway that restarted has forgotten it), and removes the mapping when it stops. A
 * failure never stops the node: it retries, waiting {@code retryInterval} at first and twice as
 * long after each failure, up to {@code maxRetryInterval}.
 *
 * @param mode which method(s) to use; default {@link NatMode#AUTO}
 * @param lease lease asked for; default 1 hour; at least 2 seconds. Leases are never permanent: a
 *     mapping outlives a crashed node by one lease at most
 * @param checkInterval time between checks that the mapping still exists; default 60 s
 * @param retryInterval first wait after a failure; default 5 s
 * @param maxRetryInterval longest wait between retries; default 5 minutes
 * @param requestTimeout time allowed for one exchange with the gateway (a NAT-PMP or PCP request
 *     with its retransmissions, an HTTP request); default 3 s
 * @param discoveryTimeout time to wait for UPnP gateways to answer an SSDP search; default 2 s
 * @param gateway the gateway's IPv4 address; default empty: the default route's gateway. It must be
 *     on a local subnet
 * @param description shown in the gateway's mapping table (UPnP); default {@code BrightChain Node}
 */
public record NatConfig(
    NatMode mode,
    Duration lease,
    Duration checkInterval,
    Duration retryInterval,
    Duration maxRetryInterval,
    Duration requestTimeout,
    Duration discoveryTimeout,
    String gateway,
    String description) {

  /** Validates. */
  public NatConfig {
    notNull(mode, "mode");
    notNull(lease, "lease");
    checkArgument(
        lease.compareTo(Duration.ofSeconds(2)) >= 0 && lease.getSeconds() <= 0xFFFF_FFFFL,
        "lease: %s (expected: 2 s to 2^32-1 s)",
        lease);
    Durations.positive(checkInterval, "checkInterval");
    Durations.positive(retryInterval, "retryInterval");
    Durations.positive(maxRetryInterval, "maxRetryInterval");
    checkArgument(
        maxRetryInterval.compareTo(retryInterval) >= 0,
        "maxRetryInterval: %s (expected: >= retryInterval %s)",
        maxRetryInterval,
        retryInterval);
    Durations.positive(requestTimeout, "requestTimeout");
    Durations.positive(discoveryTimeout, "discoveryTimeout");
    Values.text(gateway, "gateway", 64);
    Values.text(description, "description", 64);
    checkArgument(!description.isBlank(), "description: blank");
  }

  /** Every setting at its default. */
  public static NatConfig defaults() {
    return new NatConfig(
        NatMode.AUTO,
        Duration.ofHours(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        "",
        "BrightChain Node");
  }

  /** This configuration with another mode. */
  public NatConfig withMode(NatMode m) {
    return new NatConfig(
        m,
        lease,
        checkInterval,
        retryInterval,
        maxRetryInterval,
        requestTimeout,
        discoveryTimeout,
        gateway,
        description);
  }

  /** This configuration with another lease. */
  public NatConfig withLease(Duration d) {
    return new NatConfig(
        mode,
        d,
        checkInterval,
        retryInterval,
        maxRetryInterval,
        requestTimeout,
        discoveryTimeout,
        gateway,
        description);
  }

  /** This configuration with another check interval. */
  public NatConfig withCheckInterval(Duration d) {
    return new NatConfig(
        mode,
        lease,
        d,
        retryInterval,
        maxRetryInterval,
        requestTimeout,
        discoveryTimeout,
        gateway,
        description);
  }

  /** This configuration with other retry intervals. */
  public NatConfig withRetry(Duration first, Duration max) {
    return new NatConfig(
        mode,
        lease,
        checkInterval,
        first,
        max,
        requestTimeout,
        discoveryTimeout,
        gateway,
        description);
  }

  /** This configuration with other timeouts. */
  public NatConfig withTimeouts(Duration request, Duration discovery) {
    return new NatConfig(
        mode,
        lease,
        checkInterval,
        retryInterval,
        maxRetryInterval,
        request,
        discovery,
        gateway,
        description);
  }

  /** This configuration with an explicit gateway address (empty: the default route's). */
  public NatConfig withGateway(String address) {
    return new NatConfig(
        mode,
        lease,
        checkInterval,
        retryInterval,
        maxRetryInterval,
        requestTimeout,
        discoveryTimeout,
        address,
        description);
  }

  /** This configuration with another description. */
  public NatConfig withDescription(String text) {
    return new NatConfig(
        mode,
        lease,
        checkInterval,
        retryInterval,
        maxRetryInterval,
        requestTimeout,
        discoveryTimeout,
        gateway,
        text);
  }
}
