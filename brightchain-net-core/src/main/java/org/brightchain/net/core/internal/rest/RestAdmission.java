package org.brightchain.net.core.internal.rest;

import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;

/**
 * Who a REST request acts as, or why it is refused before it is routed: rate limit, then
 * authentication, then whether the route needs a session — the order in which they cost the least.
 * The operator is not rate limited; everyone else is, per address and per node. Any thread.
 */
final class RestAdmission {
  /** Who a request acts as ({@code principal}), or its refusal. */
  record Admission(Sessions.Principal principal, RestResponse refusal) {}

  private final Sessions sessions;
  private final RateLimiter limiter;
  private final SecurityConfig security;
  private final NodeCounters counters;

  RestAdmission(
      Sessions sessions, RateLimiter limiter, SecurityConfig security, NodeCounters counters) {
    this.sessions = sessions;
    this.limiter = limiter;
    this.security = security;
    this.counters = counters;
  }

  /**
   * Admits a request for {@code path}; {@code known} says whether a route has that path, {@code
   * open} whether that route needs no session.
   */
  Admission admit(RestRequest req, String path, boolean known, boolean open) {
    String auth = req.header("authorization");
    String bearer = null;
    if (auth != null) {
      if (auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        bearer = auth.substring(7).trim();
      } else {
        return refuse(
            RestResponses.unauthorized(
                "invalid_request", "Authorization: expected the Bearer scheme"));
      }
    }
    Sessions.Principal who = sessions.principal(bearer);
    if (!(who instanceof Sessions.Operator)) {
      RestResponse limited = rateLimit("addr:" + Addresses.hostOf(req.remoteAddress()));
      if (limited == null && who instanceof Sessions.Node n) {
        limited = rateLimit("node:" + n.nodeId().hex());
      }
      if (limited != null) {
        return refuse(limited);
      }
    }
    if (bearer != null && who == null) {
      counters.authFailures.incrementAndGet();
      return refuse(
          RestResponses.unauthorized("invalid_token", "the token is unknown, revoked or expired"));
    }
    boolean publicRead =
        (req.method().equals("GET") || req.method().equals("HEAD")) && security.isPublicRead(path);
    if (who == null && known && !open && !publicRead) {
      return refuse(
          RestResponses.unauthorized(
              "unauthorized",
              "this endpoint needs a session: POST /auth/challenge and /auth/verify, or the operator token, as Authorization: Bearer <token>"));
    }
    return new Admission(who, null);
  }

  private static Admission refuse(RestResponse r) {
    return new Admission(null, r);
  }

  /**
   * Counts a request against {@code key}: null if allowed, else the refusal (429 with {@code
   * Retry-After}). Blacklisted keys are refused without counting.
   */
  private RestResponse rateLimit(String key) {
    RateLimiter.Decision d = limiter.acquire(key);
    if (d.allowed()) {
      return null;
    }
    counters.rateLimited.incrementAndGet();
    long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
    boolean black = d.outcome() == RateLimiter.Outcome.BLACKLISTED;
    return RestResponses.error(
            429,
            black ? "blacklisted" : "rate_limited",
            black
                ? "too many requests: refused for " + seconds + " s"
                : "too many requests: at most "
                    + security.rateLimit().maxRequests()
                    + " per "
                    + security.rateLimit().window().toSeconds()
                    + " s")
        .withHeader("Retry-After", Long.toString(seconds));
  }
}
