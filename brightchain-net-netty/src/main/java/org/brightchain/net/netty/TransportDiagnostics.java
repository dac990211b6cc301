package org.brightchain.net.netty;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.brightchain.net.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what the transport turns away before the node sees it: connections over an
 * address cap, requests whose headers or whole request missed their deadline, requests the HTTP
 * decoder failed on. Each kind is logged at most once per 10 s, so a flood costs a line, not a line
 * per connection. Thread-safe.
 */
final class TransportDiagnostics {
  private static final Logger log = LoggerFactory.getLogger(TransportDiagnostics.class);

  private final LongAdder refusedConnections = new LongAdder();
  private final LongAdder headerTimeouts = new LongAdder();
  private final LongAdder requestTimeouts = new LongAdder();
  private final LogLimiter refusedLog = new LogLimiter(log, 10, TimeUnit.SECONDS);
  private final LogLimiter timeoutLog = new LogLimiter(log, 10, TimeUnit.SECONDS);
  private final LogLimiter requestTimeoutLog = new LogLimiter(log, 10, TimeUnit.SECONDS);
  private final LogLimiter malformedLog = new LogLimiter(log, 10, TimeUnit.SECONDS);

  /** Counts and logs a connection refused at accept for being over a cap. */
  void refused(SocketAddress remote, String why) {
    refusedConnections.increment();
    refusedLog.info("refused {}: {}", remote, why);
  }

  /** Counts and logs a connection closed by the header deadline {@code timeout}. */
  void headerTimeout(SocketAddress remote, boolean partial, Duration timeout) {
    headerTimeouts.increment();
    timeoutLog.info(
        "{}: {} within {} ms, closing",
        remote,
        partial ? "request incomplete" : "no request",
        timeout.toMillis());
  }

  /** Counts and logs a connection closed by the request deadline {@code timeout}. */
  void requestTimeout(SocketAddress remote, boolean partial, Duration timeout) {
    requestTimeouts.increment();
    requestTimeoutLog.info(
        "{}: {} within {} ms (request deadline), closing",
        remote,
        partial ? "request incomplete" : "no request",
        timeout.toMillis());
  }

  /** Logs a request the HTTP decoder failed on, or one past a protocol bound. */
  void malformedRequest(SocketAddress remote, Object cause) {
    malformedLog.info("malformed HTTP from {}: {}", remote, LogText.safe(cause));
  }

  /** Connections refused so far for being over the per-address or per-subnet cap. */
  long refusedConnections() {
    return refusedConnections.sum();
  }

  /** Connections closed so far for not completing their request headers in time. */
  long headerTimeouts() {
    return headerTimeouts.sum();
  }

  /** Connections closed so far for not completing a whole request in time. */
  long requestTimeouts() {
    return requestTimeouts.sum();
  }
}
