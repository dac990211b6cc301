package org.brightchain.net.core.internal.rest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API as a table of routes: method + path pattern ({@code /blocks/{id}/metadata}) →
 * handler. A request is admitted first ({@link RestAdmission}: rate limit, authentication), then
 * routed; a path no route knows is 404 for everyone, a known path with another method 405 naming
 * the methods allowed. Handlers run on the node's scheduler unless marked to run where the request
 * arrived.
 */
public final class RestRouter {
  private static final Logger log = LoggerFactory.getLogger(RestRouter.class);

  /** Handles one call; its exceptions become 400 (bad input) or 500 (a bug). */
  @FunctionalInterface
  interface Handler {
    RestResponse handle(RestCall call) throws WireFormatException;
  }

  /** Where a route runs. */
  enum Runs {
    /** On the node's scheduler (it reads or changes node state). */
    ON_SCHEDULER,
    /** Where the request arrived (it touches only thread-safe stores). */
    IN_PLACE
  }

  /** Who may call a route. */
  enum Access {
    /** Anyone: the routes that open a session. */
    OPEN,
    /** A session or the operator, unless the path is configured as a public read. */
    SESSION
  }

  /** One route. */
  record Route(String method, String[] pattern, Access access, Runs runs, Handler handler) {}

  /** Routes are added here by each resource's routes class. */
  static final class Table {
    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; {@code path} segments in braces are variables. */
    Table add(String method, String path, Access access, Runs runs, Handler handler) {
      String p = path.startsWith("/") ? path.substring(1) : path;
      routes.add(new Route(method, p.split("/", -1), access, runs, handler));
      return this;
    }

    /** Adds a route that needs a session and runs on the scheduler. */
    Table add(String method, String path, Handler handler) {
      return add(method, path, Access.SESSION, Runs.ON_SCHEDULER, handler);
    }
  }

  private final List<Route> routes;
  private final RestAdmission admission;
  private final NodeCounters counters;
  private final Function<Supplier<RestResponse>, CompletableFuture<RestResponse>> onScheduler;

  /**
   * A router over {@code table}. {@code onScheduler} runs a handler on the node's scheduler and
   * completes with its response.
   */
  RestRouter(
      Table table,
      RestAdmission admission,
      NodeCounters counters,
      Function<Supplier<RestResponse>, CompletableFuture<RestResponse>> onScheduler) {
    this.routes = List.copyOf(table.routes);
    this.admission = admission;
    this.counters = counters;
    this.onScheduler = onScheduler;
  }

  /** Answers a request. Any thread. */
  public CompletableFuture<RestResponse> handle(RestRequest req) {
    CompletableFuture<RestResponse> out;
    try {
      out = route(req);
    } catch (RuntimeException e) {
      out = CompletableFuture.failedFuture(e);
    }
    return out.exceptionally(
            e -> {
              log.error("{} {} failed", LogText.safe(req.method()), LogText.safe(req.path()), e);
              return RestResponses.error(
                  500, "internal_error", "the node failed to handle this request");
            })
        .thenApply(
            r -> {
              (r.status() < 400 ? counters.operationsOk : counters.operationsFailed)
                  .incrementAndGet();
              if (r.status() >= 400 && r.status() < 500) {
                log.info(
                    "{} {} from {}: {}",
                    LogText.safe(req.method()),
                    LogText.safe(req.path()),
                    req.remoteAddress(),
                    r.status());
              }
              return r;
            });
  }

  private CompletableFuture<RestResponse> route(RestRequest req) {
    String[] seg = segments(req.path());
    Route matched = null;
    Set<String> allowed = new LinkedHashSet<>();
    List<String> vars = new ArrayList<>();
    boolean open = false;
    for (Route r : routes) {
      List<String> v = match(r.pattern(), seg);
      if (v == null) {
        continue;
      }
      allowed.add(r.method());
      open |= r.access() == Access.OPEN;
      if (matched == null && allows(r.method(), req.method())) {
        matched = r;
        vars = v;
      }
    }
    boolean known = !allowed.isEmpty();
    RestAdmission.Admission a = admission.admit(req, "/" + String.join("/", seg), known, open);
    if (a.refusal() != null) {
      return CompletableFuture.completedFuture(a.refusal());
    }
    if (!known) {
      return CompletableFuture.completedFuture(
          RestResponses.error(404, "not_found", "no route for " + req.method() + " " + req.path()));
    }
    if (matched == null) {
      return CompletableFuture.completedFuture(
          RestResponses.notAllowed(req.method(), allowHeader(allowed)));
    }
    RestCall call = new RestCall(req, List.copyOf(vars), a.principal());
    Handler h = matched.handler();
    return matched.runs() == Runs.IN_PLACE
        ? CompletableFuture.completedFuture(run(h, call))
        : onScheduler.apply(() -> run(h, call));
  }

  private static RestResponse run(Handler h, RestCall call) {
    try {
      return h.handle(call);
    } catch (RestResponses.HttpError e) {
      return e.response;
    } catch (WireFormatException | IllegalArgumentException e) {
      return RestResponses.error(400, "bad_request", e.getMessage());
    }
  }

  private static String[] segments(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  /** The values of the pattern's variables if {@code seg} matches it, else null. */
  private static List<String> match(String[] pattern, String[] seg) {
    if (pattern.length != seg.length) {
      return null;
    }
    List<String> vars = new ArrayList<>();
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith("{")) {
        vars.add(seg[i]);
      } else if (!pattern[i].equals(seg[i])) {
        return null;
      }
    }
    return vars;
  }

  /** HEAD is served by GET routes. */
  private static boolean allows(String routeMethod, String method) {
    return routeMethod.equals(method) || (routeMethod.equals("GET") && method.equals("HEAD"));
  }

  private static String allowHeader(Set<String> methods) {
    List<String> out = new ArrayList<>();
    for (String m : methods) {
      out.add(m);
      if (m.equals("GET")) {
        out.add("HEAD");
      }
    }
    return String.join(", ", out);
  }
}
