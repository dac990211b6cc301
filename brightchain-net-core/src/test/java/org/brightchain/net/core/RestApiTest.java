package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.brightchain.net.core.VirtualNet.statusOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every REST endpoint, called through the in-memory transport. */
class RestApiTest {
  private static final String HOST = "10.0.0.1";
  private static final String JSON = "application/json";

  private final VirtualNet net = new VirtualNet();
  private final InMemoryBlockStore blocks = new InMemoryBlockStore();
  private BrightChainNode node;

  @BeforeEach
  void startNode() {
    node = net.start(net.builder(HOST).blockStore(blocks).region("eu-west").build());
  }

  // ------------------------------------------------------------------ helpers

  private record Reply(RestResponse response, Object json) {
    int status() {
      return response.status();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> obj() {
      assertTrue(json instanceof Map, () -> "not a JSON object: " + json);
      return (Map<String, Object>) json;
    }

    Object get(String key) {
      return obj().get(key);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> obj(String key) {
      return (Map<String, Object>) obj().get(key);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String key) {
      return (List<Object>) obj().get(key);
    }
  }

  private Reply call(String method, String path, String contentType, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    // These tests are about the endpoints; AuthTest is about who may call them.
    headers.put("authorization", "Bearer " + node.operatorToken());
    RestRequest req =
        new RestRequest(
            method,
            path,
            Map.of(),
            headers,
            body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
            InetSocketAddress.createUnresolved("10.0.0.77", 50123));
    RestResponse r = net.request(HOST, req);
    Object json = null;
    if (r.contentType().startsWith("application/json")) {
      try {
        json = Json.parse(r.body());
      } catch (WireFormatException e) {
        throw new AssertionError(
            "response is not JSON: " + new String(r.body(), StandardCharsets.UTF_8), e);
      }
    }
    return new Reply(r, json);
  }

  private Reply get(String path) {
    return call("GET", path, null, null);
  }

  private Reply post(String path, String json) {
    return call("POST", path, JSON, json);
  }

  private static void assertError(Reply r, int status, String code) {
    assertEquals(status, r.status(), () -> "body: " + r.json());
    assertEquals(code, r.get("error"));
    assertTrue(r.get("message") instanceof String s && !s.isEmpty(), "an error message");
    assertTrue(r.response().contentType().startsWith("application/json"));
  }

  /** After a bad request, the next good one still succeeds. */
  private void assertStillServes() {
    Reply info = get("/node/info");
    assertEquals(200, info.status());
    assertEquals(node.nodeId().hex(), info.get("nodeId"));
    Reply t = post("/blocks/" + blockId(1) + "/temperature", "{\"temperature\":\"warm\"}");
    assertEquals(200, t.status(), () -> "body: " + t.json());
  }

  private static String hex(int n) {
    return blockId(n).hex();
  }

  // ------------------------------------------------------------------ node

  @Test
  void nodeInfoDescribesTheNode() {
    Reply r = get("/node/info");

    assertEquals(200, r.status());
    assertEquals(RestResponse.JSON, r.response().contentType());
    assertEquals(node.nodeId().hex(), r.get("nodeId"));
    assertEquals(HexFormat.of().formatHex(node.identity().publicKey()), r.get("publicKey"));
    assertEquals(4242L, r.get("httpPort"));
    assertEquals(4242L, r.get("wsPort"));
    assertEquals("online", r.get("status"));
    assertEquals("eu-west", r.get("region"));
    assertEquals(
        List.of("routing", "metadata", "temperature").stream().sorted().toList(),
        r.list("capabilities").stream().map(String.class::cast).sorted().toList());
    assertEquals(net.vs.now().toEpochMilli(), r.get("startedAt"));
    assertTrue(r.get("version") instanceof String);
    assertEquals(1L, r.get("protocolVersion"));
  }

  @Test
  void nodePeersListsThePeerTable() {
    assertEquals(List.of(), get("/node/peers").list("peers"));

    BrightChainNode b = net.startNode("10.0.0.2", HOST);
    Reply r = get("/node/peers");

    assertEquals(200, r.status());
    assertEquals(1, r.list("peers").size());
    @SuppressWarnings("unchecked")
    Map<String, Object> peer = (Map<String, Object>) r.list("peers").get(0);
    assertEquals(b.nodeId().hex(), peer.get("nodeId"));
    assertEquals("ACTIVE", peer.get("status"));
    assertEquals("10.0.0.2", peer.get("address"));
    assertEquals(4242L, peer.get("wsPort"));
  }

  @Test
  void nodeStatusReportsMetricsAndHealth() {
    blocks.put(blockId(1), new byte[] {1});
    blocks.put(blockId(2), new byte[] {2});
    net.await(node.updateTemperature(blockId(1), DataTemperature.HOT));
    net.vs.advance(Duration.ofSeconds(90));

    Reply r = get("/node/status");

    assertEquals(200, r.status());
    assertEquals(node.nodeId().hex(), r.get("nodeId"));
    assertEquals("online", r.get("status"));
    Map<String, Object> metrics = r.obj("metrics");
    assertEquals(90_000L, metrics.get("uptime"));
    assertEquals(0L, metrics.get("peers"));
    assertEquals(2L, metrics.get("blocks"));
    @SuppressWarnings("unchecked")
    Map<String, Object> bandwidth = (Map<String, Object>) metrics.get("bandwidth");
    assertTrue(bandwidth.containsKey("in") && bandwidth.containsKey("out"), bandwidth.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> ops = (Map<String, Object>) metrics.get("operations");
    assertTrue(
        ops.get("success") instanceof Long && ops.get("failed") instanceof Long, ops.toString());
    Map<String, Object> health = r.obj("health");
    assertEquals(1L, health.get("activeNodes"));
    assertEquals(1L, health.get("totalBlocks"));
    assertEquals(Map.of("eu-west", 1L), health.get("regionDistribution"));
    assertTrue(health.containsKey("averageRedundancy"));
  }

  @Test
  void failedRequestsAreCountedInTheStatus() {
    long failed = node.metrics().operations().failed();
    long ok = node.metrics().operations().success();

    get("/nope");
    post("/blocks/" + hex(1) + "/temperature", "{\"temperature\":\"tepid\"}");
    get("/node/info");

    assertEquals(failed + 2, node.metrics().operations().failed());
    assertEquals(ok + 1, node.metrics().operations().success());
  }

  // ------------------------------------------------------------------ blocks

  @Test
  void getBlockAnswers404UntilTheStoreHasItThenTheBytes() {
    BlockId id = blockId(5);
    assertError(get("/blocks/" + id), 404, "not_found");

    byte[] bytes = {0, 1, 2, (byte) 0xff};
    blocks.put(id, bytes);
    Reply r = get("/blocks/" + id);

    assertEquals(200, r.status());
    assertEquals("application/octet-stream", r.response().contentType());
    assertArrayEquals(bytes, r.response().body());
    // Upper-case hex names the same block.
    assertEquals(200, get("/blocks/" + id.hex().toUpperCase(java.util.Locale.ROOT)).status());
  }

  @Test
  void headOnABlockIsAllowedLikeGet() {
    BlockId id = blockId(6);
    blocks.put(id, new byte[] {9});

    Reply r = call("HEAD", "/blocks/" + id, null, null);

    assertEquals(200, r.status(), () -> "allowed: " + r.response().headers());
  }

  @Test
  void metadataAnswers404UntilTheBlockIsKnownThenItsMetadata() {
    BlockId id = blockId(8);
    assertError(get("/blocks/" + id + "/metadata"), 404, "not_found");

    net.await(node.updateTemperature(id, DataTemperature.COLD));
    Reply r = get("/blocks/" + id + "/metadata");

    assertEquals(200, r.status());
    assertEquals(id.hex(), r.get("blockId"));
    assertEquals("cold", r.get("temperature"));
    assertEquals(node.nodeId().hex(), r.get("updatedBy"));
    assertEquals(List.of(), r.list("locations"));
  }

  @Test
  void postTemperatureSetsTheTemperature() {
    BlockId id = blockId(9);

    Reply r = post("/blocks/" + id + "/temperature", "{\"temperature\":\"hot\"}");

    assertEquals(200, r.status());
    assertEquals("hot", r.get("temperature"));
    assertEquals(id.hex(), r.get("blockId"));
    assertEquals(node.nodeId().hex(), r.get("updatedBy"));
    assertEquals(DataTemperature.HOT, node.metadata(id).orElseThrow().temperature());
    assertEquals("hot", get("/blocks/" + id + "/metadata").get("temperature"));
  }

  @Test
  void postLocationAddsAndRemovesACopy() {
    BlockId id = blockId(10);
    NodeId holder = NodeId.of(hex(77));

    Reply added =
        post(
            "/blocks/" + id + "/location",
            "{\"nodeId\":\""
                + holder
                + "\",\"isAuthoritative\":true,\"latencyMs\":12,\"poolId\":\"p1\"}");

    assertEquals(200, added.status(), () -> "body: " + added.json());
    assertEquals(1, added.list("locations").size());
    BlockLocation l = node.metadata(id).orElseThrow().locations().get(0);
    assertEquals(holder, l.nodeId());
    assertTrue(l.authoritative());
    assertEquals(12L, l.latencyMs());
    assertEquals("p1", l.poolId());

    // Without a nodeId, the copy is this node's own.
    assertEquals(200, post("/blocks/" + id + "/location", "{}").status());
    assertEquals(2, node.metadata(id).orElseThrow().locations().size());
    assertTrue(
        node.metadata(id).orElseThrow().locations().stream()
            .anyMatch(x -> x.nodeId().equals(node.nodeId())));

    Reply removed =
        post(
            "/blocks/" + id + "/location", "{\"nodeId\":\"" + holder + "\",\"action\":\"remove\"}");
    assertEquals(200, removed.status());
    assertEquals(1, node.metadata(id).orElseThrow().locations().size());
    assertEquals(node.nodeId(), node.metadata(id).orElseThrow().locations().get(0).nodeId());
  }

  // ------------------------------------------------------------------ sync

  @Test
  void syncRequestAnswersKnownEntriesAndListsMissingOnes() {
    net.await(node.updateTemperature(blockId(20), DataTemperature.FROZEN));

    Reply r = post("/sync/request", "{\"blockIds\":[\"" + hex(20) + "\",\"" + hex(21) + "\"]}");

    assertEquals(200, r.status());
    assertEquals(1, r.list("entries").size());
    @SuppressWarnings("unchecked")
    Map<String, Object> entry = (Map<String, Object>) r.list("entries").get(0);
    assertEquals(hex(20), entry.get("blockId"));
    assertEquals("frozen", entry.get("temperature"));
    assertEquals(List.of(hex(21)), r.list("missing"));
  }

  @Test
  void syncMetadataMergesNewerEntriesOnly() {
    BlockId id = blockId(30);
    NodeId other = NodeId.of(hex(31));
    BlockMetadata md =
        BlockMetadata.initial(id, net.vs.now(), other)
            .withTemperature(DataTemperature.HOT, net.vs.now(), other);
    String body = "{\"entries\":[" + JsonCodec.toJson(md) + "]}";

    Reply r = post("/sync/metadata", body);

    assertEquals(200, r.status(), () -> "body: " + r.json());
    assertEquals(1L, r.get("received"));
    assertEquals(1L, r.get("applied"));
    assertEquals(md, node.metadata(id).orElseThrow());

    Reply again = post("/sync/metadata", body);
    assertEquals(1L, again.get("received"));
    assertEquals(0L, again.get("applied"), "not newer: not applied");
  }

  @Test
  void syncMetadataRefusesVersionsFromBeyondTheReplayWindowAndChangesNothing() {
    BlockId ok = blockId(32);
    BlockId ahead = blockId(33);
    NodeId other = NodeId.of(hex(31));
    BlockMetadata fine = BlockMetadata.initial(ok, net.vs.now(), other);
    BlockMetadata future =
        BlockMetadata.initial(ahead, net.vs.now().plus(java.time.Duration.ofDays(365)), other);
    String body = "{\"entries\":[" + JsonCodec.toJson(fine) + "," + JsonCodec.toJson(future) + "]}";

    Reply r = post("/sync/metadata", body);

    assertError(r, 400, "bad_request");
    assertTrue(
        ((String) r.get("message")).startsWith("entries[1].updatedAt: "),
        () -> "message: " + r.get("message"));
    assertTrue(node.metadata(ok).isEmpty(), "nothing merged");
    assertTrue(node.metadata(ahead).isEmpty(), "nothing merged");
  }

  @Test
  void syncTemperatureAppliesEveryUpdate() {
    Reply r =
        post(
            "/sync/temperature",
            "{\"updates\":[{\"blockId\":\""
                + hex(40)
                + "\",\"temperature\":\"hot\"},"
                + "{\"blockId\":\""
                + hex(41)
                + "\",\"temperature\":\"cold\"}]}");

    assertEquals(200, r.status());
    assertEquals(2L, r.get("applied"));
    assertEquals(2, r.list("entries").size());
    assertEquals(DataTemperature.HOT, node.metadata(blockId(40)).orElseThrow().temperature());
    assertEquals(DataTemperature.COLD, node.metadata(blockId(41)).orElseThrow().temperature());
  }

  @Test
  void syncTemperatureWithOneBadEntryChangesNothing() {
    Reply r =
        post(
            "/sync/temperature",
            "{\"updates\":[{\"blockId\":\""
                + hex(42)
                + "\",\"temperature\":\"hot\"},"
                + "{\"blockId\":\""
                + hex(43)
                + "\",\"temperature\":\"lukewarm\"}]}");

    assertError(r, 400, "bad_request");
    assertTrue(node.metadata(blockId(42)).isEmpty());
    assertStillServes();
  }

  // ------------------------------------------------------------------ peers

  @Test
  void peersAnnounceDialsTheAnnouncedNode() {
    BrightChainNode b = net.startNode("10.0.0.2");

    Reply r = post("/peers/announce", "{\"address\":\"10.0.0.2\",\"wsPort\":4242}");

    assertEquals(202, r.status());
    assertEquals("dialing", r.get("status"));
    assertEquals(PeerStatusType.ACTIVE, statusOf(node, b));
    assertEquals(PeerStatusType.ACTIVE, statusOf(b, node));
  }

  @Test
  void peersAnnounceWithoutAnAddressUsesTheCallersAddress() {
    Reply r = post("/peers/announce", "{\"wsPort\":4242}");

    assertEquals(202, r.status());
    assertEquals("10.0.0.77", r.get("address"));
  }

  @Test
  void peersDisconnectAnswers404ForAnUnknownPeerAnd200ForAKnownOne() {
    BrightChainNode b = net.startNode("10.0.0.2", HOST);
    assertEquals(PeerStatusType.ACTIVE, statusOf(node, b));

    assertError(post("/peers/disconnect", "{\"nodeId\":\"" + hex(99) + "\"}"), 404, "not_found");
    assertEquals(PeerStatusType.ACTIVE, statusOf(node, b));

    Reply r = post("/peers/disconnect", "{\"nodeId\":\"" + b.nodeId() + "\"}");

    assertEquals(200, r.status());
    assertEquals(b.nodeId().hex(), r.get("nodeId"));
    assertEquals("OFFLINE", r.get("status"));
    assertEquals(PeerStatusType.OFFLINE, statusOf(node, b));
    assertEquals(0, net.openConnections(HOST));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void malformedJsonIsABadRequest() {
    for (String body :
        List.of(
            "{\"temperature\":",
            "{temperature: 'hot'}",
            "[\"hot\"]",
            "",
            "\"hot\"",
            "{\"temperature\":\"hot\",}")) {
      Reply r = post("/blocks/" + hex(1) + "/temperature", body);
      assertError(r, 400, "bad_request");
      assertStillServes();
    }
    assertError(post("/sync/request", "{\"blockIds\":\"not a list\"}"), 400, "bad_request");
    assertError(post("/sync/request", "{\"blockIds\":[\"xyz\"]}"), 400, "bad_request");
    assertError(post("/sync/metadata", "{\"entries\":[{\"blockId\":1}]}"), 400, "bad_request");
    assertError(post("/peers/announce", "{\"wsPort\":0}"), 400, "bad_request");
    assertError(post("/peers/disconnect", "{\"nodeId\":\"abc\"}"), 400, "bad_request");
    assertStillServes();
  }

  @Test
  void aBodyThatIsNotJsonIsUnsupportedMediaType() {
    Reply wrong =
        call(
            "POST",
            "/blocks/" + hex(1) + "/temperature",
            "text/plain",
            "{\"temperature\":\"hot\"}");
    assertError(wrong, 415, "unsupported_media_type");
    assertStillServes();

    Reply none = call("POST", "/sync/request", null, "{\"blockIds\":[]}");
    assertError(none, 415, "unsupported_media_type");
    assertStillServes();

    // A charset parameter is fine.
    assertEquals(
        200,
        call("POST", "/sync/request", "application/json; charset=utf-8", "{\"blockIds\":[]}")
            .status());
  }

  @Test
  void anUnknownRouteIsNotFound() {
    for (String path :
        List.of(
            "/",
            "/nope",
            "/node",
            "/node/infos",
            "/blocks",
            "/blocks/" + hex(1) + "/nope",
            "/sync/everything",
            "/peers",
            "/peers/list",
            "/node/info/extra")) {
      assertError(get(path), 404, "not_found");
      assertStillServes();
    }
  }

  @Test
  void aWrongMethodIsNotAllowedAndSaysWhatIs() {
    Reply r = call("POST", "/node/info", JSON, "{}");
    assertError(r, 405, "method_not_allowed");
    assertEquals("GET, HEAD", r.response().headers().get("Allow"));
    assertStillServes();

    Reply g = get("/sync/request");
    assertError(g, 405, "method_not_allowed");
    assertEquals("POST", g.response().headers().get("Allow"));
    assertStillServes();

    Reply d = call("DELETE", "/blocks/" + hex(1), null, null);
    assertError(d, 405, "method_not_allowed");
    assertEquals("GET, HEAD", d.response().headers().get("Allow"));
    assertStillServes();

    for (String path :
        List.of(
            "/blocks/" + hex(1) + "/temperature",
            "/blocks/" + hex(1) + "/location",
            "/peers/announce",
            "/peers/disconnect",
            "/sync/metadata",
            "/sync/temperature")) {
      Reply x = get(path);
      assertError(x, 405, "method_not_allowed");
      assertEquals("POST", x.response().headers().get("Allow"), path);
    }
    for (String path : List.of("/node/peers", "/node/status", "/blocks/" + hex(1) + "/metadata")) {
      Reply x = call("PUT", path, JSON, "{}");
      assertError(x, 405, "method_not_allowed");
      assertEquals("GET, HEAD", x.response().headers().get("Allow"), path);
    }
    assertStillServes();
  }

  @Test
  void anInvalidBlockIdIsABadRequest() {
    for (String bad :
        List.of("xyz", "abc", "g".repeat(64), "a".repeat(63), "a".repeat(65), "a".repeat(127))) {
      assertError(get("/blocks/" + bad), 400, "bad_request");
      assertError(get("/blocks/" + bad + "/metadata"), 400, "bad_request");
      assertError(
          post("/blocks/" + bad + "/temperature", "{\"temperature\":\"hot\"}"), 400, "bad_request");
      assertError(post("/blocks/" + bad + "/location", "{}"), 400, "bad_request");
      assertStillServes();
    }
  }

  @Test
  void anInvalidTemperatureIsABadRequestNamingTheAcceptedValues() {
    BlockId id = blockId(50);

    Reply r = post("/blocks/" + id + "/temperature", "{\"temperature\":\"lukewarm\"}");

    assertError(r, 400, "bad_request");
    String message = (String) r.get("message");
    for (String accepted : List.of("hot", "warm", "cold", "frozen")) {
      assertTrue(message.contains(accepted), message);
    }
    assertTrue(message.contains("lukewarm"), message);
    assertTrue(node.metadata(id).isEmpty());
    assertError(
        post("/blocks/" + id + "/temperature", "{\"temperature\":\"HOT\"}"), 400, "bad_request");
    assertError(post("/blocks/" + id + "/temperature", "{\"temperature\":3}"), 400, "bad_request");
    assertError(post("/blocks/" + id + "/temperature", "{}"), 400, "bad_request");
    assertTrue(node.metadata(id).isEmpty());
    assertStillServes();
  }

  @Test
  void aRouteWithATrailingSlashStillMatches() {
    assertEquals(200, get("/node/info/").status());
    assertNull(get("/node/info/").response().headers().get("Allow"));
  }
}
