package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.core.VirtualNet.RawPeer;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * Who may do what ({@code docs/security.md}), on virtual time: the WebSocket handshake, the replay
 * window, REST sessions and the operator token, and rate limits.
 */
class SecurityTest {
  private static final String A = "10.0.0.1";
  private final VirtualNet net = new VirtualNet();
  private final RecordingListener heard = new RecordingListener();

  private BrightChainNode start(BrightChainNode.Builder b) {
    return net.start(b.addListener(heard).build());
  }

  private long now() {
    return net.vs.clock().millis();
  }

  private static SignedMessage signed(
      NodeIdentity id, String purpose, EventPayload p, long ts, NodeId recipient) {
    return MessageSigning.sign(id, purpose, WSMessage.of(p, ts, id.nodeId()), ts, recipient);
  }

  private static List<ErrorEvent> errors(RawPeer peer) {
    List<ErrorEvent> out = new ArrayList<>();
    for (SignedMessage m : peer.messages()) {
      if (m.payload().data() instanceof ErrorEvent e) {
        out.add(e);
      }
    }
    return out;
  }

  /** One payload of every type, as an attacker would send it. The switch covers every type. */
  private EventPayload sample(WSEventType type, NodeIdentity k) {
    BlockId b = blockId(77);
    BlockMetadata md =
        BlockMetadata.initial(b, net.vs.now(), k.nodeId())
            .withTemperature(DataTemperature.FROZEN, net.vs.now(), k.nodeId());
    return switch (type) {
      case NODE_ANNOUNCE ->
          new NodeAnnounce(k.nodeId(), "10.0.0.66", 4242, 4242, Set.of(), "x", null);
      case NODE_LEAVE -> new NodeLeave(k.nodeId(), "bye");
      case NODE_STATUS -> new NodeStatusUpdate(k.nodeId(), NodeStatus.ONLINE);
      case BLOCK_TEMPERATURE -> new BlockTemperatureUpdate(b, DataTemperature.HOT);
      case BLOCK_LOCATION ->
          new BlockLocationUpdate(
              b, BlockLocation.of(k.nodeId(), net.vs.now(), true), BlockLocationUpdate.Action.ADD);
      case BLOCK_SYNC -> new BlockSyncRequest(List.of(b));
      case METADATA_UPDATE -> new MetadataUpdate(md);
      case METADATA_SYNC -> new MetadataSync(List.of(md));
      case BLOCK_BATCH ->
          new org.brightchain.net.message.BatchUpdate(
              "evil-1",
              net.vs.now().toEpochMilli(),
              List.of(
                  org.brightchain.net.message.BatchUpdate.Update.of(
                      new BlockTemperatureUpdate(b, DataTemperature.HOT))));
      case PING -> new Ping(1);
      case PONG -> new Pong(1);
      case ACK -> Ack.success();
      case RESUME -> new Resume(0);
      case GAP -> new Gap(1, 5);
      case SUBSCRIBE -> Subscribe.all();
      case CHALLENGE -> Challenge.random();
      case AUTH -> new AuthProof(Challenge.random().challenge(), k.nodeId());
      case ERROR -> new ErrorEvent("x", "", 0);
    };
  }

  // ------------------------------------------------------------------ WebSocket handshake

  @Test
  void beforeItsProofAConnectionCanChangeNothingWhateverItSends() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.9").open(A, Map.of());
    NodeIdentity k = peer.identity;
    int refused = 0;
    for (WSEventType type : WSEventType.values()) {
      if (type == WSEventType.CHALLENGE || type == WSEventType.AUTH || type == WSEventType.ERROR) {
        continue; // the handshake itself: tested below
      }
      net.vs.advance(Duration.ofMillis(1));
      peer.send(
          Frame.binary(
              ProtoCodec.encodeEnvelope(
                  new Envelope(
                      signed(k, MessageSigning.EVENT_PURPOSE, sample(type, k), now(), null),
                      0,
                      "q" + type.ordinal(),
                      ""))));
      refused++;
      assertEquals(
          refused,
          errors(peer).stream().filter(e -> e.code().equals("not_authenticated")).count(),
          type.wireName());
    }
    assertTrue(node.metadata(blockId(77)).isEmpty(), "no block state");
    assertTrue(node.peers().isEmpty(), "no peer");
    assertTrue(heard.received.isEmpty(), "nothing reached the host: " + heard.received);
    assertEquals(refused, heard.rejected.size());
    // Every request got its refusal too, and nothing else was answered.
    long refusedAcks =
        peer.envelopes().stream()
            .filter(e -> e.message().payload().data() instanceof Ack a && !a.ok())
            .count();
    assertEquals(refused, refusedAcks);
    assertTrue(
        peer.messages().stream()
            .noneMatch(
                m ->
                    m.payload().data() instanceof Pong
                        || m.payload().data() instanceof MetadataSync));
    assertTrue(peer.closeCodes.isEmpty(), "refused, not cut: the deadline does that");
  }

  private void assertProofRefused(RawPeer peer, SignedMessage proof) {
    peer.send(proof);
    assertTrue(
        errors(peer).stream().anyMatch(e -> e.code().equals("auth_failed")),
        () -> "errors: " + errors(peer));
    assertEquals(List.of(1008), peer.closeCodes);
  }

  private SignedMessage challengeOf(RawPeer peer) {
    return peer.messages().stream()
        .filter(m -> m.payload().data() instanceof Challenge)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aProofMustAnswerThisConnectionsChallengeForThisNodeSignedForAuthentication() {
    BrightChainNode node = start(net.builder(A));
    NodeId id = node.nodeId();
    // Another connection's challenge.
    RawPeer other = new RawPeer(net, "10.0.0.8").open(A, Map.of());
    String elsewhere = ((Challenge) challengeOf(other).payload().data()).challenge();
    RawPeer p1 = new RawPeer(net, "10.0.0.9").open(A, Map.of());
    assertProofRefused(
        p1,
        signed(p1.identity, MessageSigning.AUTH_PURPOSE, new AuthProof(elsewhere, id), now(), id));

    RawPeer p2 = new RawPeer(net, "10.0.0.10").open(A, Map.of());
    String mine = ((Challenge) challengeOf(p2).payload().data()).challenge();
    NodeId someoneElse = NodeIdentity.generate().nodeId();
    assertProofRefused(
        p2,
        signed(
            p2.identity, MessageSigning.AUTH_PURPOSE, new AuthProof(mine, someoneElse), now(), id));

    RawPeer p3 = new RawPeer(net, "10.0.0.11").open(A, Map.of());
    String c3 = ((Challenge) challengeOf(p3).payload().data()).challenge();
    assertProofRefused(
        p3, signed(p3.identity, MessageSigning.EVENT_PURPOSE, new AuthProof(c3, id), now(), id));

    RawPeer p4 = new RawPeer(net, "10.0.0.12").open(A, Map.of());
    String c4 = ((Challenge) challengeOf(p4).payload().data()).challenge();
    assertProofRefused(
        p4, signed(p4.identity, MessageSigning.AUTH_PURPOSE, new AuthProof(c4, id), now(), null));

    RawPeer p5 = new RawPeer(net, "10.0.0.13").open(A, Map.of());
    String c5 = ((Challenge) challengeOf(p5).payload().data()).challenge();
    long stale = now() - Duration.ofMinutes(11).toMillis();
    assertProofRefused(
        p5, signed(p5.identity, MessageSigning.AUTH_PURPOSE, new AuthProof(c5, id), stale, id));

    assertTrue(node.peers().isEmpty());
    assertTrue(node.metrics().operations().failed() >= 5, "each refusal counted");
  }

  @Test
  void aConnectionCanAnnounceOnlyTheNodeThatProvedItsKey() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.9").open(A, Map.of()).authenticate();
    NodeIdentity impostor = NodeIdentity.generate();
    peer.send(
        signed(
            impostor,
            MessageSigning.EVENT_PURPOSE,
            new NodeAnnounce(impostor.nodeId(), "", 4242, 4242, Set.of(), "x", null),
            now(),
            null));
    assertTrue(node.peers().isEmpty(), "not identified as the impostor");
    assertTrue(errors(peer).stream().anyMatch(e -> e.code().equals("not_authenticated")));
    peer.send(
        peer.sign(new NodeAnnounce(peer.identity.nodeId(), "", 0, 0, Set.of(), "x", null), null));
    assertEquals(
        List.of(peer.identity.nodeId()), node.peers().stream().map(p -> p.nodeId()).toList());
  }

  @Test
  void aConnectionThatDoesNotCompleteTheHandshakeInTimeIsClosed() {
    start(net.builder(A));
    RawPeer silent = new RawPeer(net, "10.0.0.9").open(A, Map.of());
    RawPeer provedOnly = new RawPeer(net, "10.0.0.10").open(A, Map.of()).authenticate();
    RawPeer complete = new RawPeer(net, "10.0.0.11").connect(A);
    net.vs.advance(Duration.ofMillis(9_999));
    assertTrue(silent.closeCodes.isEmpty() && provedOnly.closeCodes.isEmpty());
    net.vs.advance(Duration.ofMillis(2));
    assertEquals(List.of(1008), silent.closeCodes);
    assertEquals(List.of(1008), provedOnly.closeCodes, "a proof without an announce is not enough");
    assertTrue(complete.closeCodes.isEmpty());
    assertTrue(errors(silent).stream().anyMatch(e -> e.code().equals("handshake_timeout")));
  }

  // ------------------------------------------------------------------ replay window

  @Test
  void theReplayWindowRefusesReplaysAndStaleOrFutureMessagesButToleratesSkew() {
    Duration window = Duration.ofMinutes(10);
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.9").connect(A);
    NodeIdentity k = peer.identity;
    long half = window.toMillis() / 2;
    long skew = SecurityConfig.DEFAULT_MAX_CLOCK_SKEW.toMillis();
    SignedMessage behind =
        signed(
            k,
            MessageSigning.EVENT_PURPOSE,
            new BlockTemperatureUpdate(blockId(1), DataTemperature.HOT),
            now() - half,
            null);
    SignedMessage ahead =
        signed(
            k,
            MessageSigning.EVENT_PURPOSE,
            new BlockTemperatureUpdate(blockId(2), DataTemperature.HOT),
            now() + skew,
            null);
    peer.send(behind);
    peer.send(ahead);
    assertTrue(
        node.metadata(blockId(1)).isPresent() && node.metadata(blockId(2)).isPresent(),
        "half the window behind, the allowed skew ahead are fine");
    int applied = heard.received.size();

    peer.send(behind); // a replay inside the window
    assertEquals(applied, heard.received.size(), "a replay is a duplicate");

    SignedMessage stale =
        signed(
            k,
            MessageSigning.EVENT_PURPOSE,
            new BlockTemperatureUpdate(blockId(3), DataTemperature.HOT),
            now() - window.toMillis() - 1,
            null);
    SignedMessage future =
        signed(
            k,
            MessageSigning.EVENT_PURPOSE,
            new BlockTemperatureUpdate(blockId(4), DataTemperature.HOT),
            now() + window.toMillis() + 1,
            null);
    int rejected = heard.rejected.size();
    peer.send(stale);
    peer.send(Frame.binary(ProtoCodec.encodeEnvelope(new Envelope(future, 5, "", ""))));
    assertTrue(node.metadata(blockId(3)).isEmpty() && node.metadata(blockId(4)).isEmpty());
    assertEquals(rejected + 2, heard.rejected.size());
    assertTrue(heard.rejected.get(rejected).contains("replay window"), heard.rejected.toString());

    // A sequence number is not signed: an old event carrying one the node never asked for is
    // refused like any other (a resume the node did ask for is in TrustTest).
    peer.send(Frame.binary(ProtoCodec.encodeEnvelope(new Envelope(stale, 7, "", ""))));
    assertTrue(node.metadata(blockId(3)).isEmpty());

    // Long after, once the id is forgotten (twice the window and a minute), the old message is
    // refused as stale.
    net.vs.advance(window.multipliedBy(2).plusMinutes(1).plusSeconds(1));
    RawPeer later = new RawPeer(net, "10.0.0.10", k).connect(A);
    rejected = heard.rejected.size();
    later.send(behind);
    assertEquals(rejected + 1, heard.rejected.size());
  }

  @Test
  void aForgedCopySentFirstDoesNotBlockTheGenuineMessage() {
    BrightChainNode node = start(net.builder(A));
    RawPeer peer = new RawPeer(net, "10.0.0.9").connect(A);
    NodeIdentity author = NodeIdentity.generate();
    SignedMessage genuine =
        signed(
            author,
            MessageSigning.EVENT_PURPOSE,
            new BlockTemperatureUpdate(blockId(9), DataTemperature.HOT),
            now(),
            null);
    byte[] sig = genuine.signature();
    sig[3] ^= 1;
    SignedMessage forged =
        new SignedMessage(
            genuine.payload(),
            genuine.timestamp(),
            genuine.nodeId(),
            genuine.publicKey(),
            sig,
            null);
    NodeIdentity thief = NodeIdentity.generate();
    SignedMessage otherKey =
        new SignedMessage(
            genuine.payload(),
            genuine.timestamp(),
            genuine.nodeId(),
            thief.publicKey(),
            genuine.signature(),
            null);
    int rejected = heard.rejected.size();
    for (int i = 0; i < 3; i++) {
      peer.send(forged);
      peer.send(otherKey);
    }
    assertEquals(rejected + 6, heard.rejected.size(), "each copy refused");
    assertTrue(node.metadata(blockId(9)).isEmpty());
    peer.send(genuine);
    assertEquals(
        DataTemperature.HOT,
        node.metadata(blockId(9)).orElseThrow().temperature(),
        "the genuine message still counts");
  }

  // ------------------------------------------------------------------ REST

  private RestResponse call(String method, String path, String body, String token) {
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
            InetSocketAddress.createUnresolved("10.0.0.77", 50123)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(RestResponse r) {
    try {
      return (Map<String, Object>) Json.parse(r.body());
    } catch (WireFormatException e) {
      throw new AssertionError(e);
    }
  }

  /** Every endpoint that is not a public read, with a body that would change state if allowed. */
  private List<String[]> protectedCalls(BrightChainNode node, NodeId peer) {
    String block = blockId(5).hex();
    String event =
        org.brightchain.net.core.internal.wire.JsonCodec.toJson(
            MessageSigning.sign(
                NodeIdentity.generate(),
                WSMessage.of(
                    new BlockTemperatureUpdate(blockId(6), DataTemperature.HOT),
                    now(),
                    NodeIdentity.generate().nodeId())));
    return List.of(
        new String[] {"POST", "/blocks/" + block + "/temperature", "{\"temperature\":\"hot\"}"},
        new String[] {"POST", "/blocks/" + block + "/location", "{}"},
        new String[] {"POST", "/sync/request", "{\"blockIds\":[\"" + block + "\"]}"},
        new String[] {"POST", "/sync/metadata", "{\"entries\":[]}"},
        new String[] {
          "POST",
          "/sync/temperature",
          "{\"updates\":[{\"blockId\":\"" + block + "\",\"temperature\":\"cold\"}]}"
        },
        new String[] {"POST", "/events", event},
        new String[] {"POST", "/peers/announce", "{\"address\":\"10.0.0.2\",\"wsPort\":4242}"},
        new String[] {"POST", "/peers/disconnect", "{\"nodeId\":\"" + peer.hex() + "\"}"},
        new String[] {"GET", "/node/peers", null},
        new String[] {"GET", "/blocks/" + block + "/metadata", null},
        new String[] {"GET", "/blocks/" + block, null},
        new String[] {"GET", "/events", null});
  }

  @Test
  void withoutASessionNoEndpointChangesStateAndOnlyPublicReadsAnswer() {
    BrightChainNode node = start(net.builder(A));
    BrightChainNode b = start(net.builder("10.0.0.2").addBootstrapNode(A, VirtualNet.PORT));
    net.vs.runUntilIdle();
    assertEquals(1, node.peers().size());
    for (String[] c : protectedCalls(node, b.nodeId())) {
      for (String token : new String[] {null, "not-a-token", Sessions.randomToken()}) {
        RestResponse r = call(c[0], c[1], c[2], token);
        assertEquals(
            401,
            r.status(),
            () ->
                c[0]
                    + " "
                    + c[1]
                    + " with "
                    + token
                    + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(
            r.headers().get("WWW-Authenticate").startsWith("Bearer realm="),
            r.headers().toString());
      }
    }
    assertTrue(
        node.metadata(blockId(5)).isEmpty() && node.metadata(blockId(6)).isEmpty(),
        "no block state changed");
    assertEquals(1, node.peers().size());
    assertEquals(
        org.brightchain.net.PeerStatusType.ACTIVE,
        node.peers().get(0).status(),
        "the peer was not disconnected");
    assertEquals(200, call("GET", "/node/info", null, null).status());
    assertEquals(200, call("GET", "/node/status", null, null).status());
    assertEquals(
        404, call("GET", "/nope", null, null).status(), "unknown paths are 404 for everyone");
    // And the operator may do everything.
    for (String[] c : protectedCalls(node, b.nodeId())) {
      int status = call(c[0], c[1], c[2], node.operatorToken()).status();
      assertTrue(status != 401 && status != 403 && status < 500, c[1] + " as operator: " + status);
    }
  }

  private String login(NodeIdentity who, NodeId server) {
    RestResponse c =
        call("POST", "/auth/challenge", "{\"nodeId\":\"" + who.nodeId().hex() + "\"}", null);
    assertEquals(200, c.status());
    String challenge = (String) json(c).get("challenge");
    assertEquals(server.hex(), json(c).get("server"));
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
            null);
    assertEquals(200, v.status(), () -> new String(v.body(), StandardCharsets.UTF_8));
    return (String) json(v).get("token");
  }

  @Test
  void aNodeThatProvesItsKeyOverRestGetsATokenThatWorksUntilRevokedOrExpired() {
    BrightChainNode node = start(net.builder(A));
    NodeIdentity client = NodeIdentity.generate();
    String token = login(client, node.nodeId());
    assertNotNull(token);
    assertEquals(
        200,
        call(
                "POST",
                "/blocks/" + blockId(8).hex() + "/temperature",
                "{\"temperature\":\"warm\"}",
                token)
            .status());
    assertEquals(200, call("GET", "/node/peers", null, token).status());
    // A node session may not disconnect others; disconnecting itself ends its sessions.
    NodeId other = NodeIdentity.generate().nodeId();
    assertEquals(
        403,
        call("POST", "/peers/disconnect", "{\"nodeId\":\"" + other.hex() + "\"}", token).status());
    assertEquals(
        200,
        call("POST", "/peers/disconnect", "{\"nodeId\":\"" + client.nodeId().hex() + "\"}", token)
            .status());
    assertEquals(401, call("GET", "/node/peers", null, token).status(), "revoked");
    // A new session expires after its lifetime (1 h by default).
    String again = login(client, node.nodeId());
    net.vs.advance(Duration.ofMinutes(59));
    assertEquals(200, call("GET", "/node/peers", null, again).status());
    net.vs.advance(Duration.ofMinutes(2));
    assertEquals(401, call("GET", "/node/peers", null, again).status(), "expired");
  }

  @Test
  void aProofOverRestMustUseAFreshChallengeTheRightKeyAndNameThisNode() {
    BrightChainNode node = start(net.builder(A));
    NodeIdentity client = NodeIdentity.generate();
    NodeIdentity thief = NodeIdentity.generate();
    String challenge =
        (String)
            json(call(
                    "POST",
                    "/auth/challenge",
                    "{\"nodeId\":\"" + client.nodeId().hex() + "\"}",
                    null))
                .get("challenge");
    java.util.function.BiFunction<NodeIdentity, byte[], RestResponse> verify =
        (key, sig) ->
            call(
                "POST",
                "/auth/verify",
                "{\"nodeId\":\""
                    + client.nodeId().hex()
                    + "\",\"publicKey\":\""
                    + HexFormat.of().formatHex(key.publicKey())
                    + "\",\"challenge\":\""
                    + challenge
                    + "\",\"signature\":\""
                    + HexFormat.of().formatHex(sig)
                    + "\"}",
                null);
    // Signed by another key for the claimed id: refused, and the challenge is spent.
    RestResponse wrongKey =
        verify.apply(
            thief, thief.sign(Sessions.signedBytes(challenge, client.nodeId(), node.nodeId())));
    assertEquals(401, wrongKey.status());
    assertEquals("auth_failed", json(wrongKey).get("error"));
    RestResponse reused =
        verify.apply(
            client, client.sign(Sessions.signedBytes(challenge, client.nodeId(), node.nodeId())));
    assertEquals(401, reused.status(), "a challenge is good for one attempt");
    // A proof made for another server does not work here.
    String fresh =
        (String)
            json(call(
                    "POST",
                    "/auth/challenge",
                    "{\"nodeId\":\"" + client.nodeId().hex() + "\"}",
                    null))
                .get("challenge");
    byte[] forOther =
        client.sign(Sessions.signedBytes(fresh, client.nodeId(), NodeIdentity.generate().nodeId()));
    RestResponse other =
        call(
            "POST",
            "/auth/verify",
            "{\"nodeId\":\""
                + client.nodeId().hex()
                + "\",\"publicKey\":\""
                + HexFormat.of().formatHex(client.publicKey())
                + "\",\"challenge\":\""
                + fresh
                + "\",\"signature\":\""
                + HexFormat.of().formatHex(forOther)
                + "\"}",
            null);
    assertEquals(401, other.status());
    // Challenges expire after a minute.
    String late =
        (String)
            json(call(
                    "POST",
                    "/auth/challenge",
                    "{\"nodeId\":\"" + client.nodeId().hex() + "\"}",
                    null))
                .get("challenge");
    net.vs.advance(Duration.ofSeconds(61));
    RestResponse expired =
        call(
            "POST",
            "/auth/verify",
            "{\"nodeId\":\""
                + client.nodeId().hex()
                + "\",\"publicKey\":\""
                + HexFormat.of().formatHex(client.publicKey())
                + "\",\"challenge\":\""
                + late
                + "\",\"signature\":\""
                + HexFormat.of()
                    .formatHex(
                        client.sign(Sessions.signedBytes(late, client.nodeId(), node.nodeId())))
                + "\"}",
            null);
    assertEquals(401, expired.status());
    assertNotEquals(0, node.metrics().operations().failed());
  }

  // ------------------------------------------------------------------ rate limits

  @Test
  void restRequestsOverTheLimitGet429WithRetryAfterThenTheSourceIsBlacklisted() {
    BrightChainNode node =
        start(
            net.builder(A)
                .rateLimit(
                    new RateLimitConfig(Duration.ofSeconds(10), 5, 2, Duration.ofMinutes(5))));
    for (int i = 0; i < 5; i++) {
      assertEquals(200, call("GET", "/node/info", null, null).status());
    }
    RestResponse limited = call("GET", "/node/info", null, null);
    assertEquals(429, limited.status());
    assertEquals("rate_limited", json(limited).get("error"));
    assertEquals("10", limited.headers().get("Retry-After"));
    net.vs.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 6; i++) {
      call("GET", "/node/info", null, null);
    }
    RestResponse black = call("GET", "/node/info", null, null);
    assertEquals("blacklisted", json(black).get("error"));
    assertEquals(
        Long.toString(Duration.ofMinutes(5).toSeconds()), black.headers().get("Retry-After"));
    // The operator is not limited.
    assertEquals(200, call("GET", "/node/peers", null, node.operatorToken()).status());
  }

  @Test
  void aFloodingPeerIsWarnedThenCutWhileAnHonestPeerIsUndisturbed() {
    BrightChainNode node =
        start(
            net.builder(A)
                .rateLimit(
                    new RateLimitConfig(Duration.ofSeconds(10), 20, 2, Duration.ofMinutes(5))));
    RawPeer flooder = new RawPeer(net, "10.0.0.9").connect(A).answeringPings();
    RawPeer honest = new RawPeer(net, "10.0.0.10").connect(A).answeringPings();
    int honestSent = 0;
    for (int round = 0; round < 3 && flooder.closeCodes.isEmpty(); round++) {
      for (int i = 0; i < 200 && flooder.closeCodes.isEmpty(); i++) {
        flooder.send(
            flooder.sign(new BlockTemperatureUpdate(blockId(1000 + i), DataTemperature.HOT), null));
        if (i % 20 == 0) {
          honestSent++;
          honest.send(
              honest.sign(
                  new BlockTemperatureUpdate(blockId(2000 + honestSent), DataTemperature.COLD),
                  null));
        }
      }
      net.vs.advance(Duration.ofSeconds(10));
    }
    assertEquals(List.of(1008), flooder.closeCodes, "blacklisted and cut");
    assertTrue(
        errors(flooder).stream()
            .anyMatch(e -> e.code().equals("rate_limited") && e.retryAfterMs() > 0));
    assertTrue(errors(flooder).stream().anyMatch(e -> e.code().equals("blacklisted")));
    long floodApplied =
        java.util.stream.IntStream.range(0, 200)
            .filter(i -> node.metadata(blockId(1000 + i)).isPresent())
            .count();
    assertTrue(floodApplied <= 20 * 2, "at most the limit per window got through: " + floodApplied);
    for (int i = 1; i <= honestSent; i++) {
      assertTrue(node.metadata(blockId(2000 + i)).isPresent(), "honest update " + i);
    }
    assertTrue(honest.closeCodes.isEmpty());
    assertTrue(errors(honest).isEmpty());
  }
}
