package org.brightchain.net.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST endpoints of the design, independent of any HTTP server. {@code docs/openapi.yaml}
 * documents each one. Requests run on the node's scheduler, except block reads, which go straight
 * to the host's thread-safe block store.
 */
final class RestApi {
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);

  /** Most entries accepted by one sync request. */
  static final int MAX_SYNC_ENTRIES = 1000;

  private final NodeEngine node;

  RestApi(NodeEngine node) {
    this.node = node;
  }

  CompletableFuture<RestResponse> handle(RestRequest req) {
    CompletableFuture<RestResponse> out;
    try {
      String[] seg = segments(req.path());
      Admission admission = admit(req, seg);
      if (admission.refusal != null) {
        out = CompletableFuture.completedFuture(admission.refusal);
      } else if (seg.length == 2 && seg[0].equals("blocks") && allow(req.method(), "GET")) {
        out = CompletableFuture.completedFuture(getBlock(seg[1])); // store is thread-safe
      } else {
        Sessions.Principal who = admission.principal;
        out = node.onScheduler(() -> route(req, seg, who));
      }
    } catch (RuntimeException e) {
      out = CompletableFuture.failedFuture(e);
    }
    return out.exceptionally(
            e -> {
              log.error("{} {} failed", req.method(), req.path(), e);
              return error(500, "internal_error", "the node failed to handle this request");
            })
        .thenApply(
            r -> {
              (r.status() < 400 ? node.operationsOk : node.operationsFailed).incrementAndGet();
              if (r.status() >= 400 && r.status() < 500) {
                log.info("{} {} from {}: {}", req.method(), req.path(), req.remoteAddress(), r.status());
              }
              return r;
            });
  }

  private static String[] segments(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  /** Who a request acts as, or why it is refused before it is routed. */
  private record Admission(Sessions.Principal principal, RestResponse refusal) {}

  /**
   * Rate limit, then authentication, then authorization: the order in which they cost the
   * least. The operator is not rate limited; everyone else is, per address and per node.
   */
  private Admission admit(RestRequest req, String[] seg) {
    String auth = req.header("authorization");
    String bearer = null;
    if (auth != null) {
      if (auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        bearer = auth.substring(7).trim();
      } else {
        return refuse(unauthorized("invalid_request", "Authorization: expected the Bearer scheme"));
      }
    }
    Sessions.Principal who = node.sessions.principal(bearer);
    if (!(who instanceof Sessions.Operator)) {
      RestResponse limited = node.rateLimit("addr:" + NodeEngine.hostOf(req.remoteAddress()));
      if (limited == null && who instanceof Sessions.Node n) {
        limited = node.rateLimit("node:" + n.nodeId().hex());
      }
      if (limited != null) {
        return refuse(limited);
      }
    }
    if (bearer != null && who == null) {
      node.authFailures.incrementAndGet();
      return refuse(unauthorized("invalid_token", "the token is unknown, revoked or expired"));
    }
    boolean authRoute = seg.length == 2 && seg[0].equals("auth");
    boolean publicRead = allow(req.method(), "GET") && node.security().isPublicRead("/" + String.join("/", seg));
    if (who == null && !authRoute && !publicRead && isRoute(seg)) {
      return refuse(unauthorized("unauthorized", "this endpoint needs a session: POST /auth/challenge and /auth/verify, or the operator token, as Authorization: Bearer <token>"));
    }
    return new Admission(who, null);
  }

  private static Admission refuse(RestResponse r) {
    return new Admission(null, r);
  }

  /** Whether the path names an endpoint at all (unknown paths answer 404 to everyone). */
  private static boolean isRoute(String[] seg) {
    if (seg.length == 0) {
      return false;
    }
    return switch (seg[0]) {
      case "node", "sync", "peers", "auth" -> seg.length == 2;
      case "blocks" -> seg.length == 2 || seg.length == 3;
      case "events" -> seg.length == 1;
      default -> false;
    };
  }

  static RestResponse unauthorized(String code, String message) {
    return error(401, code, message).withHeader("WWW-Authenticate", "Bearer realm=\"brightchain\"" + (code.equals("unauthorized") ? "" : ", error=\"" + code + "\""));
  }

  private RestResponse route(RestRequest req, String[] seg, Sessions.Principal who) {
    String m = req.method();
    try {
      if (seg.length == 2 && seg[0].equals("auth")) {
        switch (seg[1]) {
          case "challenge":
            return allow(m, "POST") ? authChallenge(body(req)) : notAllowed(m, "POST");
          case "verify":
            return allow(m, "POST") ? authVerify(body(req)) : notAllowed(m, "POST");
          default:
            break;
        }
      } else if (seg.length == 2 && seg[0].equals("node")) {
        switch (seg[1]) {
          case "info":
            return allow(m, "GET") ? ok(JsonCodec.toTree(node.info())) : notAllowed(m, "GET");
          case "peers":
            return allow(m, "GET") ? peers() : notAllowed(m, "GET");
          case "status":
            return allow(m, "GET") ? status() : notAllowed(m, "GET");
          default:
            break;
        }
      } else if (seg.length >= 2 && seg.length <= 3 && seg[0].equals("blocks")) {
        if (seg.length == 2) {
          return notAllowed(m, "GET");
        }
        switch (seg[2]) {
          case "metadata":
            return allow(m, "GET") ? metadata(seg[1]) : notAllowed(m, "GET");
          case "temperature":
            return allow(m, "POST") ? postTemperature(seg[1], body(req)) : notAllowed(m, "POST");
          case "location":
            return allow(m, "POST") ? postLocation(seg[1], body(req)) : notAllowed(m, "POST");
          default:
            break;
        }
      } else if (seg.length == 2 && seg[0].equals("sync")) {
        switch (seg[1]) {
          case "request":
            return allow(m, "POST") ? syncRequest(body(req), who) : notAllowed(m, "POST");
          case "metadata":
            return allow(m, "POST") ? syncMetadata(body(req)) : notAllowed(m, "POST");
          case "temperature":
            return allow(m, "POST") ? syncTemperature(body(req)) : notAllowed(m, "POST");
          default:
            break;
        }
      } else if (seg.length == 1 && seg[0].equals("events")) {
        if (m.equals("GET")) {
          // A streaming transport asks here before it opens a stream: the ticket lets the
          // stream open as whoever was admitted.
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("ticket", node.sessions.ticket(who));
          return ok(o);
        }
        if (!allow(m, "POST")) {
          return notAllowed(m, "POST");
        }
        return postEvent(body(req));
      } else if (seg.length == 2 && seg[0].equals("peers")) {
        switch (seg[1]) {
          case "announce":
            return allow(m, "POST") ? announce(req, body(req), who) : notAllowed(m, "POST");
          case "disconnect":
            return allow(m, "POST") ? disconnect(body(req), who) : notAllowed(m, "POST");
          default:
            break;
        }
      }
      return error(404, "not_found", "no route for " + m + " " + req.path());
    } catch (HttpError e) {
      return e.response;
    } catch (WireFormatException e) {
      return error(400, "bad_request", e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(400, "bad_request", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- endpoints

  private RestResponse getBlock(String rawId) {
    BlockId id;
    try {
      id = BlockId.of(rawId);
    } catch (IllegalArgumentException e) {
      return error(400, "bad_request", e.getMessage());
    }
    Optional<byte[]> bytes = node.settings.blockStore().get(id);
    if (bytes.isEmpty()) {
      return error(404, "not_found", "block " + id + " is not stored here");
    }
    return new RestResponse(200, "application/octet-stream", bytes.get(), Map.of());
  }

  private RestResponse peers() {
    List<Object> list = new ArrayList<>();
    for (PeerInfo p : node.peers()) {
      list.add(JsonCodec.toTree(p));
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("peers", list);
    return ok(o);
  }

  private RestResponse metadata(String rawId) throws WireFormatException {
    BlockId id = blockId(rawId);
    return node.settings
        .metadataStore()
        .get(id)
        .map(md -> ok(JsonCodec.toTree(md)))
        .orElseGet(() -> error(404, "not_found", "no metadata for block " + id));
  }

  private RestResponse postTemperature(String rawId, JsonObject body) throws WireFormatException {
    BlockId id = blockId(rawId);
    DataTemperature t = enumField(body, "temperature", DataTemperature::fromWire);
    return ok(JsonCodec.toTree(node.updateTemperature(id, t)));
  }

  private RestResponse postLocation(String rawId, JsonObject body) throws WireFormatException {
    BlockId id = blockId(rawId);
    NodeId holder = body.has("nodeId") ? nodeId(body, "nodeId") : node.self;
    BlockLocationUpdate.Action action =
        body.has("action")
            ? enumField(body, "action", BlockLocationUpdate.Action::fromWire)
            : BlockLocationUpdate.Action.ADD;
    BlockLocation location =
        new BlockLocation(
            holder,
            body.has("lastSeen")
                ? Instant.ofEpochMilli(body.longValue("lastSeen"))
                : node.settings.clock().instant(),
            body.has("isAuthoritative") && body.bool("isAuthoritative"),
            body.optLong("latencyMs"),
            body.optString("poolId"));
    return ok(JsonCodec.toTree(node.updateLocation(id, location, action)));
  }

  @SuppressWarnings("unchecked")
  private RestResponse status() {
    Map<String, Object> o = (Map<String, Object>) JsonCodec.toTree(node.statusReport());
    DeliveryStats d = node.deliveryStats();
    Map<String, Object> delivery = new LinkedHashMap<>();
    delivery.put("updatesAccepted", d.updatesAccepted());
    delivery.put("updatesCoalesced", d.updatesCoalesced());
    delivery.put("batchesSent", d.batchesSent());
    delivery.put("batchesAcked", d.batchesAcked());
    delivery.put("batchRetries", d.batchRetries());
    delivery.put("batchesAbandoned", d.batchesAbandoned());
    delivery.put("batchesReceived", d.batchesReceived());
    delivery.put("batchDuplicates", d.batchDuplicates());
    delivery.put("updatesApplied", d.updatesApplied());
    delivery.put("syncsCompleted", d.syncsCompleted());
    delivery.put("syncsFailed", d.syncsFailed());
    delivery.put("syncEntriesReceived", d.syncEntriesReceived());
    o.put("delivery", delivery);
    return ok(o);
  }

  /**
   * {@code POST /sync/request}: with {@code blockIds}, the metadata of those blocks; with {@code
   * session} (and {@code reconcile}), one step of a reconciliation, as over the WebSocket.
   */
  private RestResponse syncRequest(JsonObject body, Sessions.Principal who) throws WireFormatException {
    if (body.has("session") || body.has("reconcile")) {
      org.brightchain.net.message.BlockSyncRequest r;
      try {
        r =
            new org.brightchain.net.message.BlockSyncRequest(
                List.of(),
                body.has("session") ? body.string("session") : "",
                body.has("reconcile") ? body.string("reconcile") : "");
      } catch (IllegalArgumentException e) {
        throw new WireFormatException(e.getMessage());
      }
      if (r.session().isEmpty()) {
        throw new WireFormatException("session: required with reconcile");
      }
      String principal = "http:" + (who instanceof Sessions.Node n ? n.nodeId().hex() : "operator");
      MetadataSync answer;
      try {
        answer = node.answerSync(principal, r);
      } catch (org.brightchain.net.core.internal.sync.SyncException e) {
        return error(422, "sync_failed", e.getMessage());
      }
      if (answer == null) {
        return error(503, "unavailable", "preparing a snapshot of the metadata for reconciliation; ask again shortly")
            .withHeader("Retry-After", "1");
      }
      List<Object> entries = new ArrayList<>();
      answer.entries().forEach(e -> entries.add(JsonCodec.toTree(e)));
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("session", answer.session());
      o.put("reconcile", answer.reconcile());
      o.put("entries", entries);
      return ok(o);
    }
    List<Object> raw = body.array("blockIds");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return error(413, "payload_too_large", "blockIds: " + raw.size() + " (expected: at most " + MAX_SYNC_ENTRIES + ")");
    }
    List<Object> entries = new ArrayList<>();
    List<Object> missing = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.get(i) instanceof String s) || !BlockId.isValid(s)) {
        throw new WireFormatException("blockIds[" + i + "]: expected a block id (64 or 128 hex characters)");
      }
      BlockId id = BlockId.of(s);
      Optional<BlockMetadata> md = node.settings.metadataStore().get(id);
      if (md.isPresent()) {
        entries.add(JsonCodec.toTree(md.get()));
      } else {
        missing.add(id.hex());
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("entries", entries);
    o.put("missing", missing);
    return ok(o);
  }

  private RestResponse syncMetadata(JsonObject body) throws WireFormatException {
    List<Object> raw = body.array("entries");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return error(413, "payload_too_large", "entries: " + raw.size() + " (expected: at most " + MAX_SYNC_ENTRIES + ")");
    }
    List<BlockMetadata> entries = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      try {
        entries.add(JsonCodec.fromTree(raw.get(i), BlockMetadata.class));
      } catch (WireFormatException e) {
        throw new WireFormatException("entries[" + i + "]." + e.getMessage());
      }
      String future = node.futureVersion(entries.get(i));
      if (future != null) {
        throw new WireFormatException("entries[" + i + "].updatedAt: " + future);
      }
    }
    int applied = 0;
    for (BlockMetadata e : entries) {
      Optional<BlockMetadata> before = node.settings.metadataStore().get(e.blockId());
      BlockMetadata after = node.updateMetadata(e); // merged here, batched to the peers
      if (before.isEmpty() || !before.get().equals(after)) {
        applied++;
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("received", (long) entries.size());
    o.put("applied", (long) applied);
    return ok(o);
  }

  private RestResponse syncTemperature(JsonObject body) throws WireFormatException {
    List<Object> raw = body.array("updates");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return error(413, "payload_too_large", "updates: " + raw.size() + " (expected: at most " + MAX_SYNC_ENTRIES + ")");
    }
    List<BlockId> ids = new ArrayList<>();
    List<DataTemperature> temps = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      JsonObject u = JsonObject.of(raw.get(i), "updates[" + i + "]");
      ids.add(blockIdField(u, "blockId"));
      temps.add(enumField(u, "temperature", DataTemperature::fromWire));
    }
    // Validate everything first: a bad entry rejects the request and changes nothing.
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      results.add(JsonCodec.toTree(node.updateTemperature(ids.get(i), temps.get(i))));
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("applied", (long) results.size());
    o.put("entries", results);
    return ok(o);
  }

  private RestResponse announce(RestRequest req, JsonObject body, Sessions.Principal who) throws WireFormatException {
    if (body.has("advert")) {
      return announceSigned(req, body.string("advert"));
    }
    String address = body.has("address") ? body.string("address") : "";
    if (address.isEmpty()) {
      address = NodeEngine.hostOf(req.remoteAddress());
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
      if (node.admit(address, wsPort, null, "announce:" + n.nodeId().hex()) == null) {
        return error(409, "refused", "the node will not dial this peer now (over a discovery cap)");
      }
    } else {
      node.connect(address, wsPort); // the operator's word
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", "dialing");
    o.put("address", address);
    o.put("wsPort", (long) wsPort);
    return json(202, o);
  }

  /** {@code POST /auth/challenge}: a fresh challenge for the node named in the body. */
  private RestResponse authChallenge(JsonObject body) throws WireFormatException {
    NodeId id = nodeId(body, "nodeId");
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", id.hex());
    o.put("challenge", node.sessions.challenge(id));
    o.put("server", node.self().hex());
    o.put("expiry", node.sessions.challengeExpiry().toEpochMilli());
    return ok(o);
  }

  /**
   * {@code POST /auth/verify}: the design's {@code NodeAuthentication {nodeId, publicKey,
   * challenge, signature}} in; {@code {nodeId, token, expiry}} out.
   */
  private RestResponse authVerify(JsonObject body) throws WireFormatException {
    NodeId id = nodeId(body, "nodeId");
    byte[] key = hexField(body, "publicKey", 128);
    String challenge = body.string("challenge");
    byte[] signature = hexField(body, "signature", 256);
    try {
      Sessions.Token t = node.sessions.verify(id, key, challenge, signature);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", t.nodeId().hex());
      o.put("token", t.token());
      o.put("expiry", t.expiry().toEpochMilli());
      log.info("REST session for {} until {}", id.shortId(), t.expiry());
      return ok(o);
    } catch (SecurityException e) {
      node.authFailures.incrementAndGet();
      return unauthorized("auth_failed", e.getMessage());
    }
  }

  private static byte[] hexField(JsonObject o, String key, int maxBytes) throws WireFormatException {
    String hex = o.string(key);
    if (hex.length() > maxBytes * 2 || hex.length() % 2 != 0) {
      throw new WireFormatException(o.at(key) + ": expected hex of at most " + maxBytes + " bytes");
    }
    try {
      return org.brightchain.net.internal.Hex.decode(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  /**
   * {@code POST /peers/announce {"advert": "bcn1:..."}}: a node's own signed advertisement
   * (docs/discovery.md), so the node dials it expecting exactly that id.
   */
  private RestResponse announceSigned(RestRequest req, String text) throws WireFormatException {
    org.brightchain.net.core.internal.discovery.SignedAdvert advert = org.brightchain.net.core.internal.discovery.SignedAdvert.fromText(text);
    org.brightchain.net.core.internal.discovery.SignedAdvert.Verdict v =
        advert.verify(node.settings.clock().millis(), node.security().replayWindow());
    if (v != org.brightchain.net.core.internal.discovery.SignedAdvert.Verdict.VALID) {
      return error(400, "bad_advert", "advert refused: " + v.name().toLowerCase(Locale.ROOT));
    }
    String address = advert.advertisement().address().isEmpty() ? NodeEngine.hostOf(req.remoteAddress()) : advert.advertisement().address();
    int wsPort = advert.advertisement().port();
    if (wsPort <= 0) {
      return error(400, "bad_advert", "advert without a port to dial");
    }
    if (node.admit(address, wsPort, advert.advertisement().nodeId(), "announce") == null) {
      return error(409, "refused", "the node will not dial this peer now (itself, departed, or over a discovery cap)");
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", "dialing");
    o.put("address", address);
    o.put("wsPort", (long) wsPort);
    o.put("nodeId", advert.advertisement().nodeId().hex());
    return json(202, o);
  }

  /**
   * {@code POST /events}: a signed message from a client that cannot hold a WebSocket open,
   * checked and handled exactly as one arriving on a WebSocket.
   */
  private RestResponse postEvent(JsonObject body) throws WireFormatException {
    SignedMessage m = JsonCodec.fromTree(body.map(), SignedMessage.class);
    Map<String, Object> o = new LinkedHashMap<>();
    try {
      NodeEngine.Accepted a = node.acceptPosted(m);
      o.put("status", a == NodeEngine.Accepted.ACCEPTED ? "accepted" : "duplicate");
      return json(a == NodeEngine.Accepted.ACCEPTED ? 202 : 200, o);
    } catch (IllegalArgumentException e) {
      node.operationsFailed.incrementAndGet();
      return error(400, "bad_request", e.getMessage());
    }
  }

  private RestResponse disconnect(JsonObject body, Sessions.Principal who) throws WireFormatException {
    NodeId id = nodeId(body, "nodeId");
    if (who instanceof Sessions.Node n && !n.nodeId().equals(id)) {
      return error(403, "forbidden", "a node may disconnect only itself; the operator may disconnect any peer");
    }
    int revoked = node.sessions.revoke(id);
    if (!node.disconnect(id) && revoked == 0) {
      return error(404, "not_found", "no peer " + id);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", id.hex());
    o.put("status", "OFFLINE");
    return ok(o);
  }

  // ---------------------------------------------------------------- helpers

  private static boolean allow(String method, String allowed) {
    return method.equals(allowed) || (allowed.equals("GET") && method.equals("HEAD"));
  }

  private static JsonObject body(RestRequest req) throws WireFormatException {
    String type = req.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
      throw new HttpError(
          error(415, "unsupported_media_type", "expected Content-Type: application/json, got " + (type == null ? "none" : type)));
    }
    if (req.body().length == 0) {
      throw new WireFormatException("body: empty (expected a JSON object)");
    }
    return JsonObject.of(Json.parse(req.body()), "");
  }

  private static BlockId blockId(String raw) throws WireFormatException {
    if (!BlockId.isValid(raw)) {
      throw new WireFormatException("blockId: '" + abbreviate(raw) + "' (expected: 64 or 128 hex characters)");
    }
    return BlockId.of(raw);
  }

  private static BlockId blockIdField(JsonObject o, String key) throws WireFormatException {
    String raw = o.string(key);
    if (!BlockId.isValid(raw)) {
      throw new WireFormatException(o.at(key) + ": expected 64 or 128 hex characters");
    }
    return BlockId.of(raw);
  }

  private static NodeId nodeId(JsonObject o, String key) throws WireFormatException {
    try {
      return NodeId.of(o.string(key));
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": expected 64 hex characters");
    }
  }

  private interface Lookup<E> {
    E get(String name);
  }

  private static <E> E enumField(JsonObject o, String key, Lookup<E> lookup) throws WireFormatException {
    String v = o.string(key);
    try {
      return lookup.get(v);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 140 ? s : s.substring(0, 140) + "...";
  }

  static RestResponse ok(Object tree) {
    return json(200, tree);
  }

  static RestResponse json(int status, Object tree) {
    return new RestResponse(status, RestResponse.JSON, Json.write(tree).getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** The error body every endpoint uses: {@code {"error": code, "message": text}}. */
  static RestResponse error(int status, String code, String message) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("error", code);
    o.put("message", message);
    return json(status, o);
  }

  private static RestResponse notAllowed(String method, String allowed) {
    String allow = allowed.equals("GET") ? "GET, HEAD" : allowed;
    return error(405, "method_not_allowed", method + " is not allowed here (allowed: " + allow + ")")
        .withHeader("Allow", allow);
  }

  /** Carries a finished error response out of a helper. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RestResponse response;

    HttpError(RestResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}
