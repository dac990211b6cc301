package org.brightchain.net.core.internal.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.sync.SyncException;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.spi.RestResponse;

/**
 * {@code /sync/*}: metadata by id, reconciliation steps, and bulk metadata and temperature writes.
 */
final class SyncRoutes {
  /** Most entries accepted by one sync request. */
  static final int MAX_SYNC_ENTRIES = 1000;

  private final NodeOperations node;

  SyncRoutes(NodeOperations node) {
    this.node = node;
  }

  void register(RestRouter.Table t) {
    t.add("POST", "/sync/request", c -> request(c.body(), c.principal()));
    t.add("POST", "/sync/metadata", c -> metadata(c.body(), c));
    t.add("POST", "/sync/temperature", c -> temperature(c.body(), c.author(node.self())));
  }

  /**
   * {@code POST /sync/request}: with {@code blockIds}, the metadata of those blocks; with {@code
   * session} (and {@code reconcile}), one step of a reconciliation, as over the WebSocket.
   */
  private RestResponse request(JsonObject body, Sessions.Principal who) throws WireFormatException {
    if (body.has("session") || body.has("reconcile")) {
      return reconcile(body, who);
    }
    List<Object> raw = body.array("blockIds");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return tooMany("blockIds", raw.size());
    }
    List<Object> entries = new ArrayList<>();
    List<Object> missing = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.get(i) instanceof String s) || !BlockId.isValid(s)) {
        throw new WireFormatException(
            "blockIds[" + i + "]: expected a block id (64 or 128 hex characters)");
      }
      BlockId id = BlockId.of(s);
      Optional<BlockMetadata> md = node.metadata(id);
      if (md.isPresent()) {
        entries.add(JsonCodec.toTree(md.get()));
      } else {
        missing.add(id.hex());
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("entries", entries);
    o.put("missing", missing);
    return RestResponses.ok(o);
  }

  private RestResponse reconcile(JsonObject body, Sessions.Principal who)
      throws WireFormatException {
    BlockSyncRequest r;
    try {
      r =
          new BlockSyncRequest(
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
    } catch (SyncException e) {
      return RestResponses.error(422, "sync_failed", e.getMessage());
    }
    if (answer == null) {
      return RestResponses.error(
              503,
              "unavailable",
              "preparing a snapshot of the metadata for reconciliation; ask again shortly")
          .withHeader("Retry-After", "1");
    }
    List<Object> entries = new ArrayList<>();
    answer.entries().forEach(e -> entries.add(JsonCodec.toTree(e)));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("session", answer.session());
    o.put("reconcile", answer.reconcile());
    o.put("entries", entries);
    return RestResponses.ok(o);
  }

  private RestResponse metadata(JsonObject body, RestCall call) throws WireFormatException {
    List<Object> raw = body.array("entries");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return tooMany("entries", raw.size());
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
      if (!call.operator()) {
        String foreign = Attribution.foreignField(entries.get(i), call.author(node.self()));
        if (foreign != null) {
          return RestResponses.error(403, "forbidden", "entries[" + i + "]." + foreign);
        }
      }
    }
    int applied = 0;
    for (BlockMetadata e : entries) {
      Optional<BlockMetadata> before = node.metadata(e.blockId());
      BlockMetadata after = node.updateMetadata(e); // merged here, batched to the peers
      if (before.isEmpty() || !before.get().equals(after)) {
        applied++;
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("received", (long) entries.size());
    o.put("applied", (long) applied);
    return RestResponses.ok(o);
  }

  private RestResponse temperature(JsonObject body, NodeId author) throws WireFormatException {
    List<Object> raw = body.array("updates");
    if (raw.size() > MAX_SYNC_ENTRIES) {
      return tooMany("updates", raw.size());
    }
    List<BlockId> ids = new ArrayList<>();
    List<DataTemperature> temps = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      JsonObject u = JsonObject.of(raw.get(i), "updates[" + i + "]");
      ids.add(RestCall.blockIdField(u, "blockId"));
      temps.add(RestCall.enumField(u, "temperature", DataTemperature::fromWire));
    }
    // Validate everything first: a bad entry rejects the request and changes nothing.
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      results.add(JsonCodec.toTree(node.updateTemperature(ids.get(i), temps.get(i), author)));
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("applied", (long) results.size());
    o.put("entries", results);
    return RestResponses.ok(o);
  }

  private static RestResponse tooMany(String field, int n) {
    return RestResponses.error(
        413,
        "payload_too_large",
        field + ": " + n + " (expected: at most " + MAX_SYNC_ENTRIES + ")");
  }
}
