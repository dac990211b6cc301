package org.brightchain.net.core.internal.rest;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.spi.RestResponse;

/** {@code /blocks/*}: block bytes, metadata, and the host-side temperature and location writes. */
final class BlockRoutes {
  private final NodeOperations node;

  BlockRoutes(NodeOperations node) {
    this.node = node;
  }

  void register(RestRouter.Table t) {
    // The block store is thread-safe: served where the request arrived.
    t.add(
        "GET",
        "/blocks/{id}",
        RestRouter.Access.SESSION,
        RestRouter.Runs.IN_PLACE,
        c -> block(c.var(0)));
    t.add("GET", "/blocks/{id}/metadata", c -> metadata(c.var(0)));
    t.add(
        "POST",
        "/blocks/{id}/temperature",
        c -> temperature(c.var(0), c.body(), c.author(node.self())));
    t.add("POST", "/blocks/{id}/location", c -> location(c.var(0), c.body(), c));
  }

  private RestResponse block(String rawId) {
    BlockId id;
    try {
      id = BlockId.of(rawId);
    } catch (IllegalArgumentException e) {
      return RestResponses.error(400, "bad_request", e.getMessage());
    }
    Optional<byte[]> bytes = node.block(id);
    if (bytes.isEmpty()) {
      return RestResponses.error(404, "not_found", "block " + id + " is not stored here");
    }
    return new RestResponse(200, "application/octet-stream", bytes.get(), Map.of());
  }

  private RestResponse metadata(String rawId) throws WireFormatException {
    BlockId id = RestCall.blockId(rawId);
    return node.metadata(id)
        .map(md -> RestResponses.ok(JsonCodec.toTree(md)))
        .orElseGet(() -> RestResponses.error(404, "not_found", "no metadata for block " + id));
  }

  private RestResponse temperature(String rawId, JsonObject body, NodeId author)
      throws WireFormatException {
    BlockId id = RestCall.blockId(rawId);
    DataTemperature t = RestCall.enumField(body, "temperature", DataTemperature::fromWire);
    return RestResponses.ok(JsonCodec.toTree(node.updateTemperature(id, t, author)));
  }

  /**
   * A location: the holder is the caller's node unless {@code nodeId} says otherwise, which only
   * the operator may (a session says where its own node keeps a block, nothing else).
   */
  private RestResponse location(String rawId, JsonObject body, RestCall call)
      throws WireFormatException {
    BlockId id = RestCall.blockId(rawId);
    NodeId author = call.author(node.self());
    NodeId holder = body.has("nodeId") ? RestCall.nodeId(body, "nodeId") : author;
    if (!call.operator() && !holder.equals(author)) {
      return RestResponses.error(
          403,
          "forbidden",
          "nodeId: a session records only its own node's locations (" + author.shortId() + ")");
    }
    BlockLocationUpdate.Action action =
        body.has("action")
            ? RestCall.enumField(body, "action", BlockLocationUpdate.Action::fromWire)
            : BlockLocationUpdate.Action.ADD;
    BlockLocation location =
        new BlockLocation(
            holder,
            body.has("lastSeen")
                ? Instant.ofEpochMilli(body.longValue("lastSeen"))
                : node.clock().instant(),
            body.has("isAuthoritative") && body.bool("isAuthoritative"),
            body.optLong("latencyMs"),
            body.optString("poolId"));
    return RestResponses.ok(JsonCodec.toTree(node.updateLocation(id, location, action)));
  }
}
