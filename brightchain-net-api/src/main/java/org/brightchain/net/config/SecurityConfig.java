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
 *     message ids are remembered for twice this long and a minute more, so a replay is refused as a
 *     duplicate inside the window and as stale outside it (default 10 min)
 * @param rateLimit requests or messages allowed per remote address and per node, and the blacklist
 *     (BrightChain's default: 100 per 10 s; 3 violations block for 5 min)
 * @param tokenLifetime how long a REST bearer token from {@code POST /auth/verify} lasts (default 1
 *     h)
 * @param publicReads REST paths anyone may {@code GET} without a session, for example {@code
 *     "/node/info"}; a path ending in {@code "/*"} covers everything below it (default {@code
 *     /node/info} and {@code /node/status})
 * @param maxTrackedSources most remote addresses and nodes whose request counts are kept at once;
 *     bounds the rate limiter's memory whatever the number of sources (default 100,000)
 * @param maxClockSkew how far ahead of the receiver's clock a version (the stamp of a register
 *     write: a temperature, a location, metadata) may be; one further ahead is refused, never
 *     clamped. Also how far the node's own clock may be pulled ahead by what it hears, and the most
 *     an operator's write is stamped ahead to win over an earlier one (default 60 s)
 * @param announceLimit how many peers one REST session, and one remote address, may ask the node to
 *     dial ({@code POST /peers/announce}) per window; the operator is not limited (default 10 per
 *     minute, then 10 minutes refused)
 * @param privateAnnounceTargets whether a caller from a public address may ask the node to dial a
 *     private, loopback or link-local address; callers on the node's own host or on a private
 *     network always may (default false)
 */
public record SecurityConfig(
    Duration handshakeTimeout,
    Duration replayWindow,
    RateLimitConfig rateLimit,
    Duration tokenLifetime,
    Set<String> publicReads,
    int maxTrackedSources,
    Duration maxClockSkew,
    RateLimitConfig announceLimit,
    boolean privateAnnounceTargets) {

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
        maxTrackedSources >= 1_000, "maxTrackedSources: %s (expected: >= 1000)", maxTrackedSources);
    Durations.positive(maxClockSkew, "maxClockSkew");
    checkArgument(
        maxClockSkew.compareTo(replayWindow) <= 0,
        "maxClockSkew: %s (expected: at most the replay window %s)",
        maxClockSkew,
        replayWindow);
    notNull(announceLimit, "announceLimit");
  }

  /**
   * The settings of earlier versions, with {@link #maxClockSkew}, {@link #announceLimit} and {@link
   * #privateAnnounceTargets} at their defaults.
   */
  public SecurityConfig(
      Duration handshakeTimeout,
      Duration replayWindow,
      RateLimitConfig rateLimit,
      Duration tokenLifetime,
      Set<String> publicReads,
      int maxTrackedSources) {
    this(
        handshakeTimeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        publicReads,
        maxTrackedSources,
        DEFAULT_MAX_CLOCK_SKEW.compareTo(replayWindow) <= 0 ? DEFAULT_MAX_CLOCK_SKEW : replayWindow,
        DEFAULT_ANNOUNCE_LIMIT,
        false);
  }

  /** The default {@link #maxClockSkew}: 60 s. */
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(60);

  /** The default {@link #announceLimit}: 10 per minute, then refused for 10 minutes. */
  public static final RateLimitConfig DEFAULT_ANNOUNCE_LIMIT =
      new RateLimitConfig(Duration.ofMinutes(1), 10, 1, Duration.ofMinutes(10));

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

  private SecurityConfig with(
      Duration handshake,
      Duration window,
      RateLimitConfig limit,
      Duration tokens,
      Set<String> reads,
      Duration skew,
      RateLimitConfig announce,
      boolean privateTargets) {
    return new SecurityConfig(
        handshake, window, limit, tokens, reads, maxTrackedSources, skew, announce, privateTargets);
  }

  /** A copy with another maximum clock skew. */
  public SecurityConfig withMaxClockSkew(Duration skew) {
    return with(
        handshakeTimeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        publicReads,
        skew,
        announceLimit,
        privateAnnounceTargets);
  }

  /** A copy with another limit on the peers REST callers may ask the node to dial. */
  public SecurityConfig withAnnounceLimit(RateLimitConfig limit) {
    return with(
        handshakeTimeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        publicReads,
        maxClockSkew,
        limit,
        privateAnnounceTargets);
  }

  /**
   * A copy that lets (or not) public callers name private targets in {@code POST /peers/announce}.
   */
  public SecurityConfig withPrivateAnnounceTargets(boolean allowed) {
    return with(
        handshakeTimeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        publicReads,
        maxClockSkew,
        announceLimit,
        allowed);
  }

  /** A copy with another rate limit. */
  public SecurityConfig withRateLimit(RateLimitConfig limit) {
    return with(
        handshakeTimeout,
        replayWindow,
        limit,
        tokenLifetime,
        publicReads,
        maxClockSkew,
        announceLimit,
        privateAnnounceTargets);
  }

  /** A copy with another replay window. */
  public SecurityConfig withReplayWindow(Duration window) {
    Duration skew = maxClockSkew.compareTo(window) <= 0 ? maxClockSkew : window;
    return with(
        handshakeTimeout,
        window,
        rateLimit,
        tokenLifetime,
        publicReads,
        skew,
        announceLimit,
        privateAnnounceTargets);
  }

  /** A copy with another handshake deadline. */
  public SecurityConfig withHandshakeTimeout(Duration timeout) {
    return with(
        timeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        publicReads,
        maxClockSkew,
        announceLimit,
        privateAnnounceTargets);
  }

  /** A copy with other public reads. */
  public SecurityConfig withPublicReads(Set<String> paths) {
    return with(
        handshakeTimeout,
        replayWindow,
        rateLimit,
        tokenLifetime,
        paths,
        maxClockSkew,
        announceLimit,
        privateAnnounceTargets);
  }

  /** Whether {@code path} may be read without a session. */
  public boolean isPublicRead(String path) {
    for (String p : publicReads) {
      if (p.endsWith("/*")
          ? path.startsWith(p.substring(0, p.length() - 1))
              || path.equals(p.substring(0, p.length() - 2))
          : path.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
