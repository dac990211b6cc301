package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;
import java.util.Set;
import org.brightchain.net.internal.Values;

/**
 * How a node defends itself: authentication deadlines, the replay window, rate limits and which
 * REST reads need no session. {@code docs/security.md} explains each defence.
 *
 * @param handshakeTimeout time a WebSocket connection has, from opening, to authenticate ({@code
 *     system:auth}) and announce itself; past it the node closes it with 1008 (default 10 s)
 * @param replayWindow how far a message's timestamp may be from the receiver's clock, either way;
 *     message ids are remembered for twice this long, so a replay is refused as a duplicate
 *     inside the window and as stale outside it (default 10 min)
 * @param rateLimit requests or messages allowed per remote address and per node, and the
 *     blacklist (BrightChain's default: 100 per 10 s; 3 violations block for 5 min)
 * @param tokenLifetime how long a REST bearer token from {@code POST /auth/verify} lasts (default
 *     1 h)
 * @param publicReads REST paths anyone may {@code GET} without a session, for example {@code
 *     "/node/info"}; a path ending in {@code "/*"} covers everything below it (default {@code
 *     /node/info} and {@code /node/status})
 * @param maxTrackedSources most remote addresses and nodes whose request counts are kept at once;
 *     bounds the rate limiter's memory whatever the number of sources (default 100,000)
 */
public record SecurityConfig(
    Duration handshakeTimeout,
    Duration replayWindow,
    RateLimitConfig rateLimit,
    Duration tokenLifetime,
    Set<String> publicReads,
    int maxTrackedSources) {

  /** The paths readable without a session by default. */
  public static final Set<String> DEFAULT_PUBLIC_READS = Set.of("/node/info", "/node/status");

  /** Validates and copies. */
  public SecurityConfig {
    Durations.positive(handshakeTimeout, "handshakeTimeout");
    Durations.positive(replayWindow, "replayWindow");
    notNull(rateLimit, "rateLimit");
    Durations.positive(tokenLifetime, "tokenLifetime");
    publicReads = Values.orderedSet(publicReads, "publicReads");
    for (String p : publicReads) {
      checkArgument(
          p != null && p.startsWith("/") && p.length() <= 256,
          "publicReads: %s (expected: a path starting with /)",
          p);
    }
    checkArgument(
        maxTrackedSources >= 1_000,
        "maxTrackedSources: %s (expected: >= 1000)",
        maxTrackedSources);
  }

  /** The defaults described on each component. */
  public static SecurityConfig defaults() {
    return new SecurityConfig(
        Duration.ofSeconds(10),
        Duration.ofMinutes(10),
        RateLimitConfig.defaults(),
        Duration.ofHours(1),
        DEFAULT_PUBLIC_READS,
        100_000);
  }

  /** A copy with another rate limit. */
  public SecurityConfig withRateLimit(RateLimitConfig limit) {
    return new SecurityConfig(
        handshakeTimeout, replayWindow, limit, tokenLifetime, publicReads, maxTrackedSources);
  }

  /** A copy with another replay window. */
  public SecurityConfig withReplayWindow(Duration window) {
    return new SecurityConfig(
        handshakeTimeout, window, rateLimit, tokenLifetime, publicReads, maxTrackedSources);
  }

  /** A copy with another handshake deadline. */
  public SecurityConfig withHandshakeTimeout(Duration timeout) {
    return new SecurityConfig(
        timeout, replayWindow, rateLimit, tokenLifetime, publicReads, maxTrackedSources);
  }

  /** A copy with other public reads. */
  public SecurityConfig withPublicReads(Set<String> paths) {
    return new SecurityConfig(
        handshakeTimeout, replayWindow, rateLimit, tokenLifetime, paths, maxTrackedSources);
  }

  /** Whether {@code path} may be read without a session. */
  public boolean isPublicRead(String path) {
    for (String p : publicReads) {
      if (p.endsWith("/*") ? path.startsWith(p.substring(0, p.length() - 1)) || path.equals(p.substring(0, p.length() - 2)) : path.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
