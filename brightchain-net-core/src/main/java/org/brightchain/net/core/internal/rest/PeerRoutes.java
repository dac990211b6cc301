package org.brightchain.net.core.internal.rest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.core.internal.peer.TargetPolicy;
import org.brightchain.net.core.internal.security.RateLimiter;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;

/** {@code /peers/*}: dial a peer, drop a peer. */
final class PeerRoutes {
  private final NodeOperations node;
  private final Sessions sessions;
  private final TargetPolicy targets;
  private final RateLimiter budget;
  private final NodeCounters counters;

  PeerRoutes(
      NodeOperations node,
      Sessions sessions,
      TargetPolicy targets,
      RateLimiter budget,
      NodeCounters counters) {
    this.node = node;
    this.sessions = sessions;
    this.targets = targets;
    this.budget = budget;
    this.counters = counters;
  }

  void register(RestRouter.Table t) {
    t.add("POST", "/peers/announce", c -> announce(c.request(), c.body(), c.principal()));
    t.add("POST", "/peers/disconnect", c -> disconnect(c.body(), c.principal()));
  }

  private RestResponse announce(RestRequest req, JsonObject body, Sessions.Principal who)
      throws WireFormatException {
    if (body.has("advert")) {
      return announceSigned(req, body.string("advert"), who);
    }
    String address = body.has("address") ? body.string("address") : "";
    if (address.isEmpty()) {
      address = Addresses.hostOf(req.remoteAddress());
    }
    int wsPort = body.intValue("wsPort");
    if (wsPort <= 0 || wsPort > 65535) {
      throw new WireFormatException("wsPort: " + wsPort + " (expected: 1-65535)");
    }
    HostNames.check(address, "address");
    RestResponse refused = mayDial(req, who, address);
    if (refused != null) {
      return refused;
    }
    if (who instanceof Sessions.Node n) {
      // A peer's word is a candidate like any other: counted against it (eclipse resistance).
      if (!node.admit(address, wsPort, null, "announce:" + n.nodeId().hex())) {
        return RestResponses.error(
            409, "refused", "the node will not dial this peer now (over a discovery cap)");
      }
    } else {
      node.connect(address, wsPort); // the operator's word
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", "dialing");
    o.put("address", address);
    o.put("wsPort", (long) wsPort);
    return RestResponses.json(202, o);
  }

  /**
   * {@code POST /peers/announce {"advert": "bcn1:..."}}: a node's own signed advertisement
   * (docs/discovery.md), so the node dials it expecting exactly that id.
   */
  private RestResponse announceSigned(RestRequest req, String text, Sessions.Principal who)
      throws WireFormatException {
    SignedAdvert advert = SignedAdvert.fromText(text);
    SignedAdvert.Verdict v = advert.verify(node.clock().millis(), node.replayWindow());
    if (v != SignedAdvert.Verdict.VALID) {
      return RestResponses.error(
          400, "bad_advert", "advert refused: " + v.name().toLowerCase(Locale.ROOT));
    }
    String address =
        advert.advertisement().address().isEmpty()
            ? Addresses.hostOf(req.remoteAddress())
            : advert.advertisement().address();
    int wsPort = advert.advertisement().port();
    if (wsPort <= 0) {
      return RestResponses.error(400, "bad_advert", "advert without a port to dial");
    }
    RestResponse refused = mayDial(req, who, address);
    if (refused != null) {
      return refused;
    }
    if (!node.admit(address, wsPort, advert.advertisement().nodeId(), "announce")) {
      return RestResponses.error(
          409,
          "refused",
          "the node will not dial this peer now (itself, departed, or over a discovery cap)");
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", "dialing");
    o.put("address", address);
    o.put("wsPort", (long) wsPort);
    o.put("nodeId", advert.advertisement().nodeId().hex());
    return RestResponses.json(202, o);
  }

  /**
   * Whether {@code who} may make the node dial {@code address}: the operator always; a session
   * within its budget (per session and per remote address) and only to addresses {@link
   * TargetPolicy} allows from where it calls. Null if it may, else the refusal.
   */
  private RestResponse mayDial(RestRequest req, Sessions.Principal who, String address) {
    if (who instanceof Sessions.Operator) {
      return null;
    }
    String refused = targets.refusal(Addresses.hostOf(req.remoteAddress()), address);
    if (refused != null) {
      counters.candidatesRefused.incrementAndGet();
      return RestResponses.error(
          403,
          "forbidden_target",
          "address: the node does not dial " + refused + " for this caller");
    }
    RateLimiter.Decision d = budget.acquire("addr:" + Addresses.hostOf(req.remoteAddress()));
    if (d.allowed() && who instanceof Sessions.Node n) {
      d = budget.acquire("node:" + n.nodeId().hex());
    }
    if (!d.allowed()) {
      counters.rateLimited.incrementAndGet();
      long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
      return RestResponses.error(
              429, "announce_limited", "too many peers announced: try again in " + seconds + " s")
          .withHeader("Retry-After", Long.toString(seconds));
    }
    return null;
  }

  private RestResponse disconnect(JsonObject body, Sessions.Principal who)
      throws WireFormatException {
    NodeId id = RestCall.nodeId(body, "nodeId");
    if (who instanceof Sessions.Node n && !n.nodeId().equals(id)) {
      return RestResponses.error(
          403,
          "forbidden",
          "a node may disconnect only itself; the operator may disconnect any peer");
    }
    int revoked = sessions.revoke(id);
    if (!node.disconnect(id) && revoked == 0) {
      return RestResponses.error(404, "not_found", "no peer " + id);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", id.hex());
    o.put("status", "OFFLINE");
    return RestResponses.ok(o);
  }
}
