package org.brightchain.net.core.internal.rest;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.peer.TargetPolicy;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;

/**
 * The REST endpoints of the design, independent of any HTTP server: the route table of every
 * resource ({@code docs/openapi.yaml} documents each one) behind one {@link RestRouter}.
 */
public final class RestApi {
  private final RestRouter router;

  /** The API of {@code node}; {@code onScheduler} runs a handler on the node's scheduler. */
  public RestApi(
      NodeOperations node,
      Sessions sessions,
      RateLimiter limiter,
      SecurityConfig security,
      TargetPolicy targets,
      NodeCounters counters,
      Clock clock,
      Function<Supplier<RestResponse>, CompletableFuture<RestResponse>> onScheduler) {
    RestRouter.Table t = new RestRouter.Table();
    new AuthRoutes(node, sessions, counters).register(t);
    new NodeRoutes(node, counters).register(t);
    new BlockRoutes(node).register(t);
    new SyncRoutes(node).register(t);
    RateLimiter announces =
        new RateLimiter(
            security.announceLimit(),
            security.maxTrackedSources(),
            () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    new PeerRoutes(node, sessions, targets, announces, counters).register(t);
    new EventRoutes(node, sessions, counters).register(t);
    this.router =
        new RestRouter(
            t, new RestAdmission(sessions, limiter, security, counters), counters, onScheduler);
  }

  /** Answers a request. Any thread. */
  public CompletableFuture<RestResponse> handle(RestRequest request) {
    return router.handle(request);
  }
}
