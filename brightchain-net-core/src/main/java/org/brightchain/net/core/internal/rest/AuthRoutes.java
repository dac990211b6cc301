package org.brightchain.net.core.internal.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.spi.RestResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /auth/*}: a node proves its key and gets a session token. Open to anyone. */
final class AuthRoutes {
  private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);

  private final NodeOperations node;
  private final Sessions sessions;
  private final NodeCounters counters;

  AuthRoutes(NodeOperations node, Sessions sessions, NodeCounters counters) {
    this.node = node;
    this.sessions = sessions;
    this.counters = counters;
  }

  void register(RestRouter.Table t) {
    t.add(
        "POST",
        "/auth/challenge",
        RestRouter.Access.OPEN,
        RestRouter.Runs.ON_SCHEDULER,
        c -> challenge(c.body()));
    t.add(
        "POST",
        "/auth/verify",
        RestRouter.Access.OPEN,
        RestRouter.Runs.ON_SCHEDULER,
        c -> verify(c.body()));
  }

  /** {@code POST /auth/challenge}: a fresh challenge for the node named in the body. */
  private RestResponse challenge(JsonObject body) throws WireFormatException {
    NodeId id = RestCall.nodeId(body, "nodeId");
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", id.hex());
    o.put("challenge", sessions.challenge(id));
    o.put("server", node.self().hex());
    o.put("expiry", sessions.challengeExpiry().toEpochMilli());
    return RestResponses.ok(o);
  }

  /**
   * {@code POST /auth/verify}: the design's {@code NodeAuthentication {nodeId, publicKey,
   * challenge, signature}} in; {@code {nodeId, token, expiry}} out.
   */
  private RestResponse verify(JsonObject body) throws WireFormatException {
    NodeId id = RestCall.nodeId(body, "nodeId");
    byte[] key = RestCall.hexField(body, "publicKey", 128);
    String challenge = body.string("challenge");
    byte[] signature = RestCall.hexField(body, "signature", 256);
    try {
      Sessions.Token t = sessions.verify(id, key, challenge, signature);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", t.nodeId().hex());
      o.put("token", t.token());
      o.put("expiry", t.expiry().toEpochMilli());
      log.info("REST session for {} until {}", id.shortId(), t.expiry());
      return RestResponses.ok(o);
    } catch (SecurityException e) {
      counters.authFailures.incrementAndGet();
      return RestResponses.unauthorized("auth_failed", e.getMessage());
    }
  }
}
