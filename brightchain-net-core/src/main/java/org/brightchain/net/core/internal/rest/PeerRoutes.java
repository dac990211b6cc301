package org.brightchain.net.core.internal.rest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.channel.Addresses;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;

/** {@code /peers/*}: dial a peer, drop a peer. */
final class PeerRoutes {
  private final NodeOperations node;
  private final Sessions sessions;

  PeerRoutes(NodeOperations node, Sessions sessions) {
    this.node = node;
    this.sessions = sessions;
  }

  void register(RestRouter.Table t) {
    t.add("POST", "/peers/announce", c -> announce(c.request(), c.body(), c.principal()));
    t.add("POST", "/peers/disconnect", c -> disconnect(c.body(), c.principal()));
  }

  private RestResponse announce(RestRequest req, JsonObject body, Sessions.Principal who) throws WireFormatException {
    if (body.has("advert")) {
      return announceSigned(req, body.string("advert"));
    }
    String address = body.has("address") ? body.string("address") : "";
    if (address.isEmpty()) {
      address = Addresses.hostOf(req.remoteAddress());
    }
    int wsPort = body.intValue("wsPort");
    if (wsPort <= 0 || wsPort > 65535) {
      throw new WireFormatException("wsPort: " + wsPort + " (expected: 1-65535)");
    }
    if (address.length() > 255) {
      throw new WireFormatException("address: longer than 255 characters");
    }
    if (who instanceof Sessions.Node n) {
      // A peer's word is a candidate like any other: counted against it (eclipse resistance).
      if (!node.admit(address, wsPort, null, "announce:" + n.nodeId().hex())) {
        return RestResponses.error(409, "refused", "the node will not dial this peer now (over a discovery cap)");
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
  private RestResponse announceSigned(RestRequest req, String text) throws WireFormatException {
    SignedAdvert advert = SignedAdvert.fromText(text);
    SignedAdvert.Verdict v = advert.verify(node.clock().millis(), node.replayWindow());
    if (v != SignedAdvert.Verdict.VALID) {
      return RestResponses.error(400, "bad_advert", "advert refused: " + v.name().toLowerCase(Locale.ROOT));
    }
    String address =
        advert.advertisement().address().isEmpty()
            ? Addresses.hostOf(req.remoteAddress())
            : advert.advertisement().address();
    int wsPort = advert.advertisement().port();
    if (wsPort <= 0) {
      return RestResponses.error(400, "bad_advert", "advert without a port to dial");
    }
    if (!node.admit(address, wsPort, advert.advertisement().nodeId(), "announce")) {
      return RestResponses.error(409, "refused", "the node will not dial this peer now (itself, departed, or over a discovery cap)");
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", "dialing");
    o.put("address", address);
    o.put("wsPort", (long) wsPort);
    o.put("nodeId", advert.advertisement().nodeId().hex());
    return RestResponses.json(202, o);
  }

  private RestResponse disconnect(JsonObject body, Sessions.Principal who) throws WireFormatException {
    NodeId id = RestCall.nodeId(body, "nodeId");
    if (who instanceof Sessions.Node n && !n.nodeId().equals(id)) {
      return RestResponses.error(403, "forbidden", "a node may disconnect only itself; the operator may disconnect any peer");
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
