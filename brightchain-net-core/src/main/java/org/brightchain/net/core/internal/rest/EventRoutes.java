package org.brightchain.net.core.internal.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.channel.Subscription;
import org.brightchain.net.core.internal.inbound.InboundPipeline;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.RestResponse;

/**
 * {@code /events}: a ticket for an event stream (GET), or a signed event posted over HTTP (POST).
 */
final class EventRoutes {
  private final NodeOperations node;
  private final Sessions sessions;
  private final NodeCounters counters;

  EventRoutes(NodeOperations node, Sessions sessions, NodeCounters counters) {
    this.node = node;
    this.sessions = sessions;
    this.counters = counters;
  }

  void register(RestRouter.Table t) {
    // A streaming transport asks here before it opens a stream: the ticket lets the stream open
    // as whoever was admitted.
    t.add("GET", "/events", c -> ticket(c));
    t.add("POST", "/events", c -> post(c.body()));
  }

  /** A ticket for a stream, once its filter ({@code types}, {@code blocks}) is known to be good. */
  private RestResponse ticket(RestCall c) {
    try {
      Subscription.parse(c.request().query().get("types"), c.request().query().get("blocks"));
    } catch (IllegalArgumentException e) {
      return RestResponses.error(400, "bad_subscription", e.getMessage());
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("ticket", sessions.ticket(c.principal()));
    return RestResponses.ok(o);
  }

  /**
   * {@code POST /events}: a signed message from a client that cannot hold a WebSocket open, checked
   * and handled exactly as one arriving on a WebSocket.
   */
  private RestResponse post(JsonObject body) throws WireFormatException {
    SignedMessage m = JsonCodec.fromTree(body.map(), SignedMessage.class);
    Map<String, Object> o = new LinkedHashMap<>();
    try {
      InboundPipeline.Accepted a = node.acceptPosted(m);
      o.put("status", a == InboundPipeline.Accepted.ACCEPTED ? "accepted" : "duplicate");
      return RestResponses.json(a == InboundPipeline.Accepted.ACCEPTED ? 202 : 200, o);
    } catch (IllegalArgumentException e) {
      counters.operationsFailed.incrementAndGet();
      return RestResponses.error(400, "bad_request", e.getMessage());
    }
  }
}
