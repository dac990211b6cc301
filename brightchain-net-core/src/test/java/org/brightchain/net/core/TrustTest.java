package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.VirtualNet.RawPeer;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * The replay rule and the authorization matrix of {@code docs/security.md}, tried from the outside
 * on virtual time: third parties with their own valid keys, replayed and withheld frames, hostile
 * hop-by-hop fields, stamps from the future, writes in another node's name.
 */
class TrustTest {
  private static final String A = "10.0.0.1";
  private static final long SKEW = SecurityConfig.DEFAULT_MAX_CLOCK_SKEW.toMillis();
  private final VirtualNet net = new VirtualNet();
  private final RecordingListener heard = new RecordingListener();

  private BrightChainNode start(BrightChainNode.Builder b) {
    return net.start(b.addListener(heard).build());
  }

  private long now() {
    return net.vs.clock().millis();
  }

  private static SignedMessage signed(NodeIdentity id, EventPayload p, long ts, NodeId recipient) {
    return MessageSigning.sign(
        id, MessageSigning.purposeFor(p.type()), WSMessage.of(p, ts, id.nodeId()), ts, recipient);
  }

  private static Frame withSequence(SignedMessage m, long seq) {
    return Frame.binary(ProtoCodec.encodeEnvelope(new Envelope(m, seq, "", "")));
  }

  // ------------------------------------------------------------------ the replay rule

  @Test
  void aSequenceNumberFromAThirdPartyOpensNothing() {
    BrightChainNode node = start(net.builder(A));
    RawPeer victim = new RawPeer(net, "10.0.0.2").connect(A);
    RawPeer attacker = new RawPeer(net, "10.0.0.3").connect(A);
    assertEquals(PeerStatusType.ACTIVE, node.peer(victim.identity.nodeId()).orElseThrow().status());
    int rejected = heard.rejected.size();

    // The victim's goodbye from two days ago, and old writes, each with a log position.
    SignedMessage oldLeave =
        signed(
            victim.identity,
            new NodeLeave(victim.identity.nodeId(), "bye"),
            now() - Duration.ofDays(2).toMillis(),
            null);
    attacker.send(withSequence(oldLeave, 42));
    attacker.send(
        withSequence(
            signed(
                victim.identity,
                new BlockTemperatureUpdate(blockId(1), DataTemperature.FROZEN),
                now() - Duration.ofMinutes(30).toMillis(),
                null),
            43));
    attacker.send(
        withSequence(
            signed(
                attacker.identity,
                new BlockTemperatureUpdate(blockId(2), DataTemperature.FROZEN),
                now() - Duration.ofDays(3).toMillis(),
                null),
            44));
    // The victim's own connection cannot do it either: the node asked it for no replay.
    victim.send(withSequence(oldLeave, 1));

    assertEquals(PeerStatusType.ACTIVE, node.peer(victim.identity.nodeId()).orElseThrow().status());
    assertTrue(node.metadata(blockId(1)).isEmpty() && node.metadata(blockId(2)).isEmpty());
    assertEquals(rejected + 4, heard.rejected.size(), heard.rejected.toString());
    System.out.println("SECURITY replays with seq from a third party: applied=0 of 4");
  }

  @Test
  void aReplayTheNodeAskedForIsAppliedPastTheWindowButOnlyItsRegisterWrites() {
    SyncConfig noSync = SyncConfig.defaults().withOnConnect(false).withInterval(Duration.ZERO);
    BrightChainNode a = start(net.builder("10.0.0.1").sync(noSync));
    RecordingListener seenByB = new RecordingListener();
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .sync(noSync)
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(seenByB)
                .build());
    net.vs.runUntilIdle();
    net.await(a.publish(new BlockTemperatureUpdate(blockId(1), DataTemperature.HOT)));
    assertTrue(b.metadata(blockId(1)).isPresent());

    net.network.partition("10.0.0.1", "10.0.0.2", true);
    net.vs.runUntilIdle();
    for (int i = 2; i <= 4; i++) {
      net.await(a.publish(new BlockTemperatureUpdate(blockId(i), DataTemperature.COLD)));
    }
    // Past the window: a's logged events are now older than ten minutes.
    net.vs.advance(Duration.ofMinutes(11));
    net.network.partition("10.0.0.1", "10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(70)); // b redials a and asks to resume where it was
    assertEquals(PeerStatusType.ACTIVE, VirtualNet.statusOf(b, a));
    for (int i = 2; i <= 4; i++) {
      assertEquals(
          DataTemperature.COLD,
          b.metadata(blockId(i)).map(BlockMetadata::temperature).orElse(null),
          "replayed write " + i + "; refused: " + seenByB.rejected);
    }
    // The node:status events a logged meanwhile were in the replay too: never applied past the
    // window.
    assertTrue(
        seenByB.rejected.stream()
            .anyMatch(r -> r.contains("node:status") && r.contains("replay window")),
        seenByB.rejected.toString());
  }

  @Test
  void aWithheldGoodbyeDoesNotUndoTheNodesLaterSession() {
    BrightChainNode node = start(net.builder(A));
    NodeIdentity v = NodeIdentity.generate();
    RawPeer first = new RawPeer(net, "10.0.0.2", v).connect(A);
    // The victim says goodbye; an attacker captures the frame and withholds it.
    SignedMessage goodbye = signed(v, new NodeLeave(v.nodeId(), "shutdown"), now(), null);
    net.vs.advance(Duration.ofSeconds(5));
    RawPeer second = new RawPeer(net, "10.0.0.4", v).connect(A); // a new session, announced later
    net.vs.runUntilIdle();
    assertEquals(PeerStatusType.ACTIVE, node.peer(v.nodeId()).orElseThrow().status());
    RawPeer attacker = new RawPeer(net, "10.0.0.3").connect(A);
    attacker.send(goodbye);
    assertEquals(
        PeerStatusType.ACTIVE,
        node.peer(v.nodeId()).orElseThrow().status(),
        "a goodbye older than the session is stale");
    // A goodbye the victim signs now is obeyed.
    second.send(second.sign(new NodeLeave(v.nodeId(), "shutdown"), null));
    assertEquals(PeerStatusType.OFFLINE, node.peer(v.nodeId()).orElseThrow().status());
    assertFalse(first.closeCodes.contains(1011));
  }

  @Test
  void versionsAheadOfTheAllowedSkewAreRefusedOnEveryPath() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.2").connect(A);
    NodeIdentity k = peer.identity;
    long ahead = now() + 590_000; // inside the replay window, far beyond the allowed skew
    int rejected = heard.rejected.size();
    // A single event stamped ahead.
    peer.send(
        signed(k, new BlockTemperatureUpdate(blockId(1), DataTemperature.FROZEN), ahead, null));
    // A batch whose update (and so the batch and its message) is stamped ahead.
    BatchUpdate b =
        new BatchUpdate(
            "b-1",
            ahead,
            List.of(
                BatchUpdate.Update.of(
                    new BlockTemperatureUpdate(blockId(2), DataTemperature.FROZEN), ahead)));
    peer.send(signed(k, b, ahead, null));
    // State: a metadata update and a reconciliation entry with a version ahead.
    BlockMetadata future =
        BlockMetadata.initial(blockId(3), java.time.Instant.ofEpochMilli(ahead), k.nodeId());
    peer.send(signed(k, new MetadataUpdate(future), now(), null));
    peer.send(signed(k, new MetadataSync(List.of(future)), now(), null));
    // Posted over HTTP.
    String posted =
        JsonCodec.toJson(
            signed(k, new BlockTemperatureUpdate(blockId(4), DataTemperature.FROZEN), ahead, null));
    RestResponse r = call("POST", "/events", posted, node.operatorToken(), "10.0.0.77");
    assertEquals(400, r.status());
    RestResponse m =
        call(
            "POST",
            "/sync/metadata",
            "{\"entries\":[" + JsonCodec.toJson(future) + "]}",
            node.operatorToken(),
            "10.0.0.77");
    assertEquals(400, m.status());
    assertTrue(body(m).contains("updatedAt"), body(m));

    for (int i = 1; i <= 4; i++) {
      assertTrue(node.metadata(blockId(i)).isEmpty(), "block " + i);
    }
    assertTrue(heard.rejected.size() >= rejected + 3, heard.rejected.toString());
    System.out.println("SECURITY future versions over every path: applied=0 of 6");
  }

  @Test
  void aVersionAtTheSkewIsAcceptedAndTheOperatorStillOverridesIt() {
    BrightChainNode node = start(net.builder(A));
    BrightChainNode b = start(net.builder("10.0.0.2").addBootstrapNode(A, VirtualNet.PORT));
    net.vs.runUntilIdle();
    NodeIdentity hostile = NodeIdentity.generate();
    String token = login(hostile, node.nodeId());
    // A session pins FROZEN as far ahead as anyone may: the skew.
    BlockMetadata pinned =
        BlockMetadata.empty(blockId(9))
            .withTemperature(
                DataTemperature.FROZEN,
                java.time.Instant.ofEpochMilli(now() + SKEW),
                hostile.nodeId());
    assertEquals(
        200,
        call(
                "POST",
                "/sync/metadata",
                "{\"entries\":[" + JsonCodec.toJson(pinned) + "]}",
                token,
                "10.0.0.77")
            .status());
    assertEquals(DataTemperature.FROZEN, node.metadata(blockId(9)).orElseThrow().temperature());
    net.vs.advance(Duration.ofMillis(1));

    RestResponse op =
        call(
            "POST",
            "/blocks/" + blockId(9).hex() + "/temperature",
            "{\"temperature\":\"hot\"}",
            node.operatorToken(),
            "127.0.0.1");
    assertEquals(200, op.status());
    assertEquals(
        DataTemperature.HOT,
        node.metadata(blockId(9)).orElseThrow().temperature(),
        "the operator's later write wins");
    net.await(node.flush());
    net.vs.runUntilIdle();
    assertEquals(
        DataTemperature.HOT,
        b.metadata(blockId(9)).orElseThrow().temperature(),
        "and at the peers");
    System.out.println("SECURITY operator override after a hostile write: applied");
  }

  // ------------------------------------------------------------------ attribution

  @Test
  void aSessionWritesOnlyInItsOwnName() {
    BrightChainNode node = start(net.builder(A));
    NodeIdentity n = NodeIdentity.generate();
    NodeId other = NodeIdentity.generate().nodeId();
    String token = login(n, node.nodeId());

    BlockMetadata foreign = BlockMetadata.initial(blockId(1), net.vs.now(), other);
    RestResponse r1 =
        call(
            "POST",
            "/sync/metadata",
            "{\"entries\":[" + JsonCodec.toJson(foreign) + "]}",
            token,
            "10.0.0.77");
    assertEquals(403, r1.status());
    assertTrue(body(r1).contains("entries[0].updatedBy"), body(r1));

    BlockMetadata otherLocation =
        BlockMetadata.initial(blockId(2), net.vs.now(), n.nodeId())
            .withLocation(BlockLocation.of(other, net.vs.now(), true), net.vs.now(), n.nodeId());
    RestResponse r2 =
        call(
            "POST",
            "/sync/metadata",
            "{\"entries\":[" + JsonCodec.toJson(otherLocation) + "]}",
            token,
            "10.0.0.77");
    assertEquals(403, r2.status());
    assertTrue(body(r2).contains("entries[0].locations"), body(r2));

    RestResponse r3 =
        call(
            "POST",
            "/blocks/" + blockId(3).hex() + "/location",
            "{\"nodeId\":\"" + other.hex() + "\"}",
            token,
            "10.0.0.77");
    assertEquals(403, r3.status());
    assertTrue(body(r3).contains("nodeId"), body(r3));
    for (int i = 1; i <= 3; i++) {
      assertTrue(node.metadata(blockId(i)).isEmpty());
    }

    // In its own name: accepted and stamped by the session's node.
    assertEquals(
        200,
        call("POST", "/blocks/" + blockId(4).hex() + "/location", "{}", token, "10.0.0.77")
            .status());
    assertEquals(
        n.nodeId(), node.metadata(blockId(4)).orElseThrow().versions().location(n.nodeId()).by());
    assertEquals(
        200,
        call(
                "POST",
                "/blocks/" + blockId(5).hex() + "/temperature",
                "{\"temperature\":\"cold\"}",
                token,
                "10.0.0.77")
            .status());
    assertEquals(n.nodeId(), node.metadata(blockId(5)).orElseThrow().versions().temperature().by());
    // The operator may record another node's copy: stamped by that node.
    assertEquals(
        200,
        call(
                "POST",
                "/blocks/" + blockId(6).hex() + "/location",
                "{\"nodeId\":\"" + other.hex() + "\"}",
                node.operatorToken(),
                "127.0.0.1")
            .status());
    assertEquals(other, node.metadata(blockId(6)).orElseThrow().versions().location(other).by());
    System.out.println("SECURITY foreign-name writes by a session: applied=0 of 3");
  }

  @Test
  void aLocationIsADirectWriteOnlyFromTheNodeThatHoldsTheBlock() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.2").connect(A);
    NodeId other = NodeIdentity.generate().nodeId();
    BlockLocationUpdate foreign =
        new BlockLocationUpdate(
            blockId(1),
            BlockLocation.of(other, net.vs.now(), true),
            BlockLocationUpdate.Action.ADD);
    peer.send(peer.sign(foreign, null));
    BatchUpdate batch =
        new BatchUpdate("b-1", now(), List.of(BatchUpdate.Update.of(foreign, now())));
    SignedMessage batchMsg = peer.sign(batch, null);
    peer.send(Frame.binary(ProtoCodec.encodeEnvelope(new Envelope(batchMsg, 0, "req-1", ""))));
    assertTrue(node.metadata(blockId(1)).isEmpty());
    assertTrue(
        peer.messages().stream().anyMatch(m -> m.payload().data() instanceof Ack a && !a.ok()),
        "the batch request is refused");

    BlockLocationUpdate own =
        new BlockLocationUpdate(
            blockId(2),
            BlockLocation.of(peer.identity.nodeId(), net.vs.now(), true),
            BlockLocationUpdate.Action.ADD);
    peer.send(peer.sign(own, null));
    assertTrue(node.metadata(blockId(2)).isPresent());
  }

  @Test
  void aReplyToCarriedWithAnotherNodesSignatureAnswersNothing() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.2").connect(A);
    CompletableFuture<Envelope> asked =
        node.request(
            peer.identity.nodeId(),
            new BlockSyncRequest(List.of(blockId(1))),
            Duration.ofSeconds(5));
    net.vs.runUntilIdle();
    String requestId =
        peer.envelopes().stream()
            .filter(e -> !e.requestId().isEmpty())
            .reduce((x, y) -> y)
            .orElseThrow()
            .requestId();
    NodeIdentity third = NodeIdentity.generate();
    SignedMessage theirs = signed(third, Ack.success(), now(), node.nodeId());
    peer.send(Frame.binary(ProtoCodec.encodeEnvelope(new Envelope(theirs, 0, "", requestId))));
    assertFalse(asked.isDone(), "an answer signed by another node");
    peer.send(
        Frame.binary(
            ProtoCodec.encodeEnvelope(
                new Envelope(peer.sign(Ack.success(), node.nodeId()), 0, "", requestId))));
    assertTrue(asked.isDone() && !asked.isCompletedExceptionally());
  }

  // ------------------------------------------------------------------ dialling

  @Test
  void whatACallerMayMakeTheNodeDialIsBounded() {
    BrightChainNode node = start(net.builder(A));
    String token = login(NodeIdentity.generate(), node.nodeId());
    String pub = "203.0.113.5";
    for (String target :
        List.of("127.0.0.1", "10.0.0.5", "169.254.1.1", "0.0.0.0", "seed.example.org", "::1")) {
      RestResponse r =
          call(
              "POST",
              "/peers/announce",
              "{\"address\":\"" + target + "\",\"wsPort\":4242}",
              token,
              pub);
      assertEquals(403, r.status(), target + ": " + body(r));
      assertTrue(body(r).contains("forbidden_target"), body(r));
    }
    // From a private network: private targets and names, never this host.
    assertEquals(
        202,
        call(
                "POST",
                "/peers/announce",
                "{\"address\":\"10.0.0.5\",\"wsPort\":4242}",
                token,
                "10.0.0.77")
            .status());
    assertEquals(
        403,
        call(
                "POST",
                "/peers/announce",
                "{\"address\":\"127.0.0.1\",\"wsPort\":4242}",
                token,
                "10.0.0.77")
            .status());
    // A budget per session and per address.
    int accepted = 0;
    int limited = 0;
    for (int i = 0; i < 15; i++) {
      RestResponse r =
          call(
              "POST",
              "/peers/announce",
              "{\"address\":\"198.51.100." + (i + 1) + "\",\"wsPort\":4242}",
              token,
              pub);
      if (r.status() == 202) {
        accepted++;
      } else if (r.status() == 429) {
        limited++;
        assertTrue(r.headers().containsKey("Retry-After"));
      }
    }
    assertTrue(accepted <= 10 && limited >= 5, accepted + " accepted, " + limited + " limited");
    // The operator is bounded by nothing but the discovery caps.
    assertEquals(
        202,
        call(
                "POST",
                "/peers/announce",
                "{\"address\":\"127.0.0.1\",\"wsPort\":4299}",
                node.operatorToken(),
                pub)
            .status());
  }

  @Test
  void aHintFromAPeerIsDialledOnlyWhereThePeerMayPoint() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.2").connect(A);
    long dialsBefore = net.dials(A, "127.0.0.1");
    NodeAnnounce toLoopback =
        new NodeAnnounce(
            NodeIdentity.generate().nodeId(), "127.0.0.1", 4242, 4242, Set.of(), "x", null);
    peer.send(peer.sign(toLoopback, node.nodeId()));
    net.vs.advance(Duration.ofSeconds(5));
    assertEquals(
        dialsBefore, net.dials(A, "127.0.0.1"), "a peer cannot point the node at its own loopback");
  }

  // ------------------------------------------------------------------ input hygiene

  @Test
  void hostileAddressesAreRefusedWithoutEchoingThem() {
    BrightChainNode node = start(net.builder(A));
    String forged = "127.0.0.1\\n2026-01-01T00:00:00.000Z INFO FORGED";
    RestResponse r =
        call(
            "POST",
            "/peers/announce",
            "{\"address\":\"" + forged + "\",\"wsPort\":4242}",
            node.operatorToken(),
            "127.0.0.1");
    assertEquals(400, r.status());
    assertTrue(body(r).contains("address") && !body(r).contains("FORGED"), body(r));
    RestResponse nul =
        call(
            "POST",
            "/peers/announce",
            "{\"address\":\"10.0.0.5\\u0000\",\"wsPort\":4242}",
            node.operatorToken(),
            "127.0.0.1");
    assertEquals(400, nul.status());
  }

  @Test
  void contentTypeIsMatchedExactly() {
    BrightChainNode node = start(net.builder(A));
    String body = "{\"blockIds\":[]}";
    for (String type :
        List.of(
            "application/jsonx",
            "application/json-seq",
            "application/json;charset=utf-16",
            "text/json",
            "application/json+x")) {
      RestResponse r = callTyped("POST", "/sync/request", body, node.operatorToken(), type);
      assertEquals(415, r.status(), type);
    }
    for (String type :
        List.of(
            "application/json",
            "application/json; charset=UTF-8",
            "Application/JSON;charset=\"utf-8\"")) {
      assertEquals(
          200, callTyped("POST", "/sync/request", body, node.operatorToken(), type).status(), type);
    }
  }

  @Test
  void aBadEventStreamFilterIsA400() {
    BrightChainNode node = start(net.builder(A));
    for (Map<String, String> q :
        List.of(Map.of("types", "bogus:type"), Map.of("blocks", "../../x"))) {
      Map<String, String> headers = Map.of("authorization", "Bearer " + node.operatorToken());
      RestResponse r =
          net.request(
              A,
              new RestRequest(
                  "GET",
                  "/events",
                  q,
                  headers,
                  new byte[0],
                  InetSocketAddress.createUnresolved("127.0.0.1", 1)));
      assertEquals(400, r.status(), q.toString());
      assertTrue(body(r).contains("bad_subscription"));
    }
  }

  // ------------------------------------------------------------------ helpers

  private RestResponse call(String method, String path, String body, String token, String from) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (body != null) {
      headers.put("content-type", "application/json");
    }
    if (token != null) {
      headers.put("authorization", "Bearer " + token);
    }
    return net.request(
        A,
        new RestRequest(
            method,
            path,
            Map.of(),
            headers,
            body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
            InetSocketAddress.createUnresolved(from, 50123)));
  }

  private RestResponse callTyped(
      String method, String path, String body, String token, String type) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", type);
    headers.put("authorization", "Bearer " + token);
    return net.request(
        A,
        new RestRequest(
            method,
            path,
            Map.of(),
            headers,
            body.getBytes(StandardCharsets.UTF_8),
            InetSocketAddress.createUnresolved("127.0.0.1", 50123)));
  }

  private static String body(RestResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(RestResponse r) {
    try {
      return (Map<String, Object>) Json.parse(r.body());
    } catch (WireFormatException e) {
      throw new AssertionError(e);
    }
  }

  private String login(NodeIdentity who, NodeId server) {
    RestResponse c =
        call(
            "POST",
            "/auth/challenge",
            "{\"nodeId\":\"" + who.nodeId().hex() + "\"}",
            null,
            "10.0.0.77");
    String challenge = (String) json(c).get("challenge");
    byte[] sig = who.sign(Sessions.signedBytes(challenge, who.nodeId(), server));
    RestResponse v =
        call(
            "POST",
            "/auth/verify",
            "{\"nodeId\":\""
                + who.nodeId().hex()
                + "\",\"publicKey\":\""
                + HexFormat.of().formatHex(who.publicKey())
                + "\",\"challenge\":\""
                + challenge
                + "\",\"signature\":\""
                + HexFormat.of().formatHex(sig)
                + "\"}",
            null,
            "10.0.0.77");
    assertEquals(200, v.status(), () -> body(v));
    return (String) json(v).get("token");
  }
}
