package org.brightchain.net.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.statistics.Statistics;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeAuthentication;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;

@Domain(ContractArbitraries.class)
class JsonCodecPropertiesTest {

  /**
   * The value survives JSON text and bytes, and its tree survives writing and parsing (numbers
   * compared by value: a Double comes back as a Long or BigDecimal). Trees without doubles also
   * survive the canonical form exactly.
   */
  private static <T> void roundTrips(T value, Class<T> type) throws WireFormatException {
    assertEquals(value, JsonCodec.fromJson(JsonCodec.toJson(value), type));
    assertEquals(value, JsonCodec.fromJson(JsonCodec.toJsonBytes(value), type));
    Object tree = JsonCodec.toTree(value);
    Object parsed = Json.parse(Json.write(tree));
    assertTreeEquals(tree, parsed, "");
    assertEquals(value, JsonCodec.fromTree(parsed, type));
    if (!holdsDouble(tree)) {
      assertEquals(tree, parsed);
      String canonical = Json.writeCanonical(tree);
      assertEquals(tree, Json.parse(canonical));
      assertEquals(canonical, Json.writeCanonical(Json.parse(canonical)));
      assertEquals(value, JsonCodec.fromJson(canonical, type));
    }
  }

  static boolean holdsDouble(Object tree) {
    if (tree instanceof Double || tree instanceof Float) {
      return true;
    } else if (tree instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(JsonCodecPropertiesTest::holdsDouble);
    } else if (tree instanceof List<?> l) {
      return l.stream().anyMatch(JsonCodecPropertiesTest::holdsDouble);
    }
    return false;
  }

  /** Structural equality with numbers compared by value. */
  static void assertTreeEquals(Object expected, Object actual, String path) {
    if (expected instanceof Number e && actual instanceof Number a) {
      assertEquals(
          0,
          new BigDecimal(e.toString()).compareTo(new BigDecimal(a.toString())),
          () -> path + ": " + e + " != " + a);
    } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      assertEquals(e.keySet(), a.keySet(), () -> path + ": keys");
      e.forEach((k, v) -> assertTreeEquals(v, a.get(k), path + "." + k));
    } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
      assertEquals(e.size(), a.size(), () -> path + ": size");
      for (int i = 0; i < e.size(); i++) {
        assertTreeEquals(e.get(i), a.get(i), path + "[" + i + "]");
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }

  // ------------------------------------------------------------- contract round trips

  @Property(tries = 200)
  void signedMessagesRoundTrip(@ForAll SignedMessage m) throws WireFormatException {
    roundTrips(m, SignedMessage.class);
    // A plain signed message is a frame without hop fields, and is written the same.
    assertEquals(Envelope.of(m), JsonCodec.fromJson(JsonCodec.toJson(m), Envelope.class));
    assertEquals(JsonCodec.toJson(m), JsonCodec.toJson(Envelope.of(m)));
  }

  @Property(tries = 200)
  void envelopesRoundTrip(@ForAll Envelope e) throws WireFormatException {
    roundTrips(e, Envelope.class);
    // A reader that wants only the signed message ignores the hop fields.
    assertEquals(e.message(), JsonCodec.fromJson(JsonCodec.toJson(e), SignedMessage.class));
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) JsonCodec.toTree(e);
    assertEquals(e.sequence() != 0, tree.containsKey("seq"));
    assertEquals(!e.requestId().isEmpty(), tree.containsKey("requestId"));
    assertEquals(!e.replyTo().isEmpty(), tree.containsKey("replyTo"));
  }

  @Property(tries = 500)
  void wsMessagesRoundTrip(@ForAll WSMessage m) throws WireFormatException {
    roundTrips(m, WSMessage.class);
  }

  @Property
  void nodeAnnouncesRoundTrip(@ForAll NodeAnnounce p) throws WireFormatException {
    roundTrips(p, NodeAnnounce.class);
  }

  @Property
  void nodeLeavesRoundTrip(@ForAll NodeLeave p) throws WireFormatException {
    roundTrips(p, NodeLeave.class);
  }

  @Property
  void nodeStatusUpdatesRoundTrip(@ForAll NodeStatusUpdate p) throws WireFormatException {
    roundTrips(p, NodeStatusUpdate.class);
  }

  @Property
  void blockTemperatureUpdatesRoundTrip(@ForAll BlockTemperatureUpdate p)
      throws WireFormatException {
    roundTrips(p, BlockTemperatureUpdate.class);
  }

  @Property
  void blockLocationUpdatesRoundTrip(@ForAll BlockLocationUpdate p) throws WireFormatException {
    roundTrips(p, BlockLocationUpdate.class);
  }

  @Property
  void blockSyncRequestsRoundTrip(@ForAll BlockSyncRequest p) throws WireFormatException {
    roundTrips(p, BlockSyncRequest.class);
  }

  @Property
  void metadataUpdatesRoundTrip(@ForAll MetadataUpdate p) throws WireFormatException {
    roundTrips(p, MetadataUpdate.class);
  }

  @Property(tries = 500)
  void metadataSyncsRoundTrip(@ForAll MetadataSync p) throws WireFormatException {
    roundTrips(p, MetadataSync.class);
    Statistics.label("sync")
        .collect(
            p.session().isEmpty() ? "plain" : p.reconcile().isEmpty() ? "session" : "reconcile");
    Statistics.label("sync")
        .coverage(
            c -> {
              c.check("plain").count(n -> n > 0);
              c.check("session").count(n -> n > 0);
              c.check("reconcile").count(n -> n > 0);
            });
  }

  @Property
  void pingsRoundTrip(@ForAll Ping p) throws WireFormatException {
    roundTrips(p, Ping.class);
  }

  @Property
  void pongsRoundTrip(@ForAll Pong p) throws WireFormatException {
    roundTrips(p, Pong.class);
  }

  @Property
  void acksRoundTrip(@ForAll Ack p) throws WireFormatException {
    roundTrips(p, Ack.class);
  }

  @Property
  void resumesRoundTrip(@ForAll Resume p) throws WireFormatException {
    roundTrips(p, Resume.class);
  }

  @Property
  void gapsRoundTrip(@ForAll Gap p) throws WireFormatException {
    roundTrips(p, Gap.class);
  }

  @Property
  void subscribesRoundTrip(@ForAll Subscribe p) throws WireFormatException {
    roundTrips(p, Subscribe.class);
  }

  @Property
  void challengesRoundTrip(@ForAll org.brightchain.net.message.Challenge p)
      throws WireFormatException {
    roundTrips(p, org.brightchain.net.message.Challenge.class);
  }

  @Property
  void authProofsRoundTrip(@ForAll org.brightchain.net.message.AuthProof p)
      throws WireFormatException {
    roundTrips(p, org.brightchain.net.message.AuthProof.class);
  }

  @Property
  void errorEventsRoundTrip(@ForAll org.brightchain.net.message.ErrorEvent p)
      throws WireFormatException {
    roundTrips(p, org.brightchain.net.message.ErrorEvent.class);
  }

  /** Signed bytes are canonical JSON, so every payload's tree must be integers only, no nulls. */
  @Property(tries = 500)
  void everyPayloadHasACanonicalTree(@ForAll WSMessage m) {
    Object tree = JsonCodec.toTree(m);
    assertFalse(holdsDouble(tree));
    assertFalse(holdsNull(tree));
    Json.writeCanonical(tree);
  }

  static boolean holdsNull(Object tree) {
    if (tree == null) {
      return true;
    } else if (tree instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(JsonCodecPropertiesTest::holdsNull);
    } else if (tree instanceof List<?> l) {
      return l.stream().anyMatch(JsonCodecPropertiesTest::holdsNull);
    }
    return false;
  }

  @Property
  void peerInfosRoundTrip(@ForAll PeerInfo p) throws WireFormatException {
    roundTrips(p, PeerInfo.class);
  }

  @Property
  void nodeAdvertisementsRoundTrip(@ForAll NodeAdvertisement a) throws WireFormatException {
    roundTrips(a, NodeAdvertisement.class);
  }

  @Property
  void blockLocationsRoundTrip(@ForAll BlockLocation l) throws WireFormatException {
    roundTrips(l, BlockLocation.class);
  }

  @Property
  void blockMetadataRoundTrip(@ForAll BlockMetadata m) throws WireFormatException {
    roundTrips(m, BlockMetadata.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) JsonCodec.toTree(m);
    assertEquals(!m.isPlain(), tree.containsKey("versions"));
    Statistics.label("plain").collect(m.isPlain());
    Statistics.label("removed").collect(!m.versions().removed().isEmpty());
    Statistics.label("plain")
        .coverage(
            c -> {
              c.check(false).percentage(p -> p >= 25);
              c.check(true).percentage(p -> p >= 10);
            });
    Statistics.label("removed").coverage(c -> c.check(true).percentage(p -> p >= 10));
  }

  @Property
  void nodeLocationsRoundTrip(@ForAll NodeLocation l) throws WireFormatException {
    roundTrips(l, NodeLocation.class);
  }

  @Property
  void nodeMetricsRoundTrip(@ForAll NodeMetrics m) throws WireFormatException {
    roundTrips(m, NodeMetrics.class);
  }

  @Property
  void networkHealthRoundTrip(@ForAll NetworkHealth h) throws WireFormatException {
    roundTrips(h, NetworkHealth.class);
  }

  @Property
  void nodeInfosRoundTrip(@ForAll NodeInfo i) throws WireFormatException {
    roundTrips(i, NodeInfo.class);
  }

  @Property
  void nodeStatusReportsRoundTrip(@ForAll NodeStatusReport r) throws WireFormatException {
    roundTrips(r, NodeStatusReport.class);
  }

  @Property(tries = 200)
  void batchUpdatesRoundTrip(@ForAll BatchUpdate b) throws WireFormatException {
    roundTrips(b, BatchUpdate.class);
    for (BatchUpdate.Update u : b.updates()) {
      Statistics.label("update time")
          .collect(
              u.timestamp() == 0 ? "batch's" : u.timestamp() == b.timestamp() ? "same" : "earlier");
    }
    Statistics.label("update time")
        .coverage(
            c -> {
              c.check("batch's").count(n -> n > 0);
              c.check("earlier").count(n -> n > 0);
            });
  }

  @Property
  void nodeAuthenticationsRoundTrip(@ForAll NodeAuthentication a) throws WireFormatException {
    roundTrips(a, NodeAuthentication.class);
  }

  /**
   * Contract text must be valid Unicode: JSON could escape an unpaired surrogate but protobuf
   * cannot carry it, so a JSON message holding one is refused with a clear error, not decoded into
   * a value that would change on its way through a binary peer.
   */
  @Property
  void textWithUnpairedSurrogatesIsRefused(@ForAll("surrogateReasons") String reason) {
    String json = "{\"nodeId\":\"" + "a".repeat(64) + "\",\"reason\":" + Json.write(reason) + "}";
    WireFormatException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            WireFormatException.class, () -> JsonCodec.fromJson(json, NodeLeave.class));
    assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
  }

  @Provide
  Arbitrary<String> surrogateReasons() {
    return ContractArbitraries.anyText(255)
        .filter(s -> s.chars().anyMatch(c -> Character.isSurrogate((char) c)))
        .filter(
            s -> {
              try {
                org.brightchain.net.internal.Values.text(s, "reason", 256);
                return false;
              } catch (IllegalArgumentException e) {
                return true;
              }
            });
  }

  // ------------------------------------------------------------- trees

  @Property
  void treesRoundTrip(@ForAll("trees") Object tree) throws WireFormatException {
    String text = Json.write(tree);
    assertEquals(tree, Json.parse(text));
    assertEquals(tree, Json.parse(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals(text, Json.write(Json.parse(text)));
  }

  @Property
  void canonicalTreesRoundTripWithSortedKeys(@ForAll("integerTrees") Object tree)
      throws WireFormatException {
    String canonical = Json.writeCanonical(tree);
    Object parsed = Json.parse(canonical);
    assertEquals(tree, parsed);
    assertEquals(canonical, Json.write(parsed));
    assertKeysSorted(parsed);
  }

  private static void assertKeysSorted(Object tree) {
    if (tree instanceof Map<?, ?> m) {
      String previous = null;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = (String) e.getKey();
        assertTrue(previous == null || previous.compareTo(key) < 0, "keys not sorted");
        previous = key;
        assertKeysSorted(e.getValue());
      }
    } else if (tree instanceof List<?> l) {
      l.forEach(JsonCodecPropertiesTest::assertKeysSorted);
    }
  }

  @Provide
  Arbitrary<Object> trees() {
    return trees(true);
  }

  @Provide
  Arbitrary<Object> integerTrees() {
    return trees(false);
  }

  private static Arbitrary<Object> trees(boolean withDecimals) {
    List<Tuple.Tuple2<Integer, Arbitrary<?>>> leaves = new ArrayList<>();
    leaves.add(Tuple.of(3, ContractArbitraries.anyText(20)));
    leaves.add(Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
    leaves.add(Tuple.of(3, Arbitraries.longs()));
    leaves.add(Tuple.of(1, Arbitraries.of(true, false)));
    leaves.add(Tuple.of(1, Arbitraries.just(NULL)));
    if (withDecimals) {
      leaves.add(
          Tuple.of(
              2,
              Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 20))
                  .as(BigDecimal::valueOf)));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Arbitrary<Object> leaf = Arbitraries.frequencyOf((List) leaves);
    Arbitrary<Object> tree =
        Arbitraries.recursive(
            () -> leaf,
            inner ->
                Arbitraries.oneOf(
                    inner.list().ofMaxSize(4).map(l -> (Object) l),
                    Arbitraries.maps(ContractArbitraries.anyText(12), inner)
                        .ofMaxSize(4)
                        .map(m -> (Object) new LinkedHashMap<>(m))),
            0,
            5);
    return tree.map(JsonCodecPropertiesTest::nulls);
  }

  /** jqwik does not generate null elements directly; a marker stands in for JSON null. */
  private static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static Object nulls(Object tree) {
    if (tree == NULL) {
      return null;
    } else if (tree instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, nulls(v)));
      return out;
    } else if (tree instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(nulls(v)));
      return out;
    }
    return tree;
  }

  // ------------------------------------------------------------- hostile input

  /** Parsing returns a tree or throws WireFormatException; a parsed tree writes back stably. */
  private static void parsesOrRefuses(String text) {
    Object tree;
    try {
      tree = Json.parse(text);
    } catch (WireFormatException e) {
      tree = e;
    }
    if (!(tree instanceof WireFormatException)) {
      try {
        assertTreeEquals(tree, Json.parse(Json.write(tree)), "");
      } catch (WireFormatException e) {
        fail("parsed once, refused the second time: " + e.getMessage());
      }
    }
    SignedMessage m;
    try {
      m = JsonCodec.fromJson(text, SignedMessage.class);
    } catch (WireFormatException e) {
      m = null; // refused: fine
    }
    if (m != null) {
      try {
        assertEquals(m, JsonCodec.fromJson(JsonCodec.toJson(m), SignedMessage.class));
        // What JSON accepts, a binary peer carries unchanged (so its signature still verifies).
        assertEquals(m, ProtoCodec.decodeSignedMessage(ProtoCodec.encode(m)));
      } catch (WireFormatException e) {
        fail("decoded once, refused the second time: " + e.getMessage());
      }
    }
    try {
      Envelope e = JsonCodec.fromJson(text, Envelope.class);
      assertEquals(e, JsonCodec.fromJson(JsonCodec.toJson(e), Envelope.class));
    } catch (WireFormatException e) {
      // refused: fine
    }
  }

  private static void parsesOrRefuses(byte[] bytes) {
    try {
      Json.parse(bytes);
    } catch (WireFormatException e) {
      // refused: fine
    }
    try {
      JsonCodec.fromJson(bytes, SignedMessage.class);
    } catch (WireFormatException e) {
      // refused: fine
    }
  }

  @Property(tries = 2000)
  void arbitraryTextParsesOrThrowsWireFormatException(@ForAll("hostileText") String text) {
    parsesOrRefuses(text);
    parsesOrRefuses(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 2000)
  void mutatedMessagesParseOrThrowWireFormatException(@ForAll("mutatedJson") String text) {
    parsesOrRefuses(text);
    parsesOrRefuses(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void arbitraryBytesParseOrThrowWireFormatException(@ForAll("hostileBytes") byte[] bytes) {
    parsesOrRefuses(bytes);
  }

  /**
   * Number-like tokens parse or are refused with WireFormatException, and what parses writes back
   * in bounded space (an exponent must not make the plain form huge).
   */
  @Property(tries = 2000)
  void numbersParseOrThrowWireFormatException(@ForAll("numberish") String token) {
    for (String text : List.of(token, "[" + token + "]", "{\"timestamp\":" + token + "}")) {
      try {
        Object tree = Json.parse(text);
        assertTrue(Json.write(tree).length() < 1200, "written form too long");
      } catch (WireFormatException e) {
        // refused: fine
      }
    }
    parsesOrRefuses("{\"payload\":{},\"timestamp\":" + token + "}");
  }

  @Provide
  Arbitrary<String> numberish() {
    Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMaxLength(25);
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789eE+-.").ofMaxLength(30),
        Combinators.combine(
                Arbitraries.of("", "-", "+"),
                digits,
                Arbitraries.of("", "."),
                digits,
                Arbitraries.of("", "e", "E", "e+", "e-", "E-"),
                digits)
            .as((sign, a, dot, b, e, x) -> sign + a + dot + b + e + x));
  }

  private static final String JSON_CHARS = "{}[]\",:0123456789-+.eEtrufalsn\\/ bu\t\n";

  @Provide
  Arbitrary<String> hostileText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withChars(JSON_CHARS).ofMaxLength(120),
        ContractArbitraries.anyText(100));
  }

  @Provide
  Arbitrary<byte[]> hostileBytes() {
    return Arbitraries.oneOf(
        ContractArbitraries.bytes(0, 400),
        mutatedJson().map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Combinators.combine(
                ContractArbitraries.signedMessages().map(JsonCodec::toJsonBytes),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.bytes())
            .as(
                (b, at, v) -> {
                  byte[] c = b.clone();
                  c[at % c.length] = v;
                  return c;
                }));
  }

  /** Valid JSON of a frame with characters replaced, inserted, removed or cut. */
  @Provide
  Arbitrary<String> mutatedJson() {
    Arbitrary<int[]> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, JSON_CHARS.length() - 1))
            .as((op, at, c) -> new int[] {op, at, c});
    return Combinators.combine(
            ContractArbitraries.envelopes().map(JsonCodec::toJson),
            edit.list().ofMinSize(1).ofMaxSize(4))
        .as(
            (json, edits) -> {
              StringBuilder sb = new StringBuilder(json);
              for (Iterator<int[]> it = edits.iterator(); it.hasNext() && sb.length() > 0; ) {
                int[] e = it.next();
                int at = e[1] % sb.length();
                char c = JSON_CHARS.charAt(e[2]);
                switch (e[0]) {
                  case 0 -> sb.setCharAt(at, c);
                  case 1 -> sb.insert(at, c);
                  case 2 -> sb.deleteCharAt(at);
                  default -> sb.setLength(at);
                }
              }
              return sb.toString();
            });
  }

  // ------------------------------------------------------------- envelopes and control messages

  private static final NodeId A = NodeId.of("a".repeat(64));
  private static final BlockId BLOCK = BlockId.of("b".repeat(64));

  private static <T> T decodes(String json, Class<T> type) {
    try {
      return JsonCodec.fromJson(json, type);
    } catch (WireFormatException e) {
      throw new AssertionError("refused " + json + ": " + e.getMessage(), e);
    }
  }

  private static String refusal(String json, Class<?> type) {
    return assertThrows(WireFormatException.class, () -> JsonCodec.fromJson(json, type))
        .getMessage();
  }

  /** The JSON of a signed ping from A, with {@code extra} members added at the top level. */
  private static String signedPingJson(String extra) {
    return "{\"payload\":{\"type\":\"system:ping\",\"data\":{\"nonce\":1},\"timestamp\":1,"
        + "\"sender\":\""
        + A.hex()
        + "\"},\"timestamp\":2,\"nodeId\":\""
        + A.hex()
        + "\","
        + "\"publicKey\":\"02"
        + "00".repeat(32)
        + "\",\"signature\":\""
        + "00".repeat(64)
        + "\""
        + extra
        + "}";
  }

  @Example
  void plainSignedMessageDecodesAsEnvelopeWithoutHopFields() throws WireFormatException {
    String json = signedPingJson("");
    Envelope e = decodes(json, Envelope.class);
    assertEquals(0, e.sequence());
    assertEquals("", e.requestId());
    assertEquals("", e.replyTo());
    assertEquals(decodes(json, SignedMessage.class), e.message());
    assertEquals(Envelope.of(e.message()), e);
    // Written back, it is the same JSON: no hop fields appear.
    assertEquals(Json.write(Json.parse(json)), JsonCodec.toJson(e));
  }

  @Example
  void hopFieldsSitBesideTheSignedFields() {
    Envelope e = decodes(signedPingJson(",\"seq\":17,\"requestId\":\"r-1\""), Envelope.class);
    assertEquals(17, e.sequence());
    assertEquals("r-1", e.requestId());
    assertEquals("", e.replyTo());
    String written = JsonCodec.toJson(e);
    assertTrue(written.endsWith(",\"seq\":17,\"requestId\":\"r-1\"}"), written);
    Envelope reply = new Envelope(e.message(), 0, "", "r-1");
    assertTrue(JsonCodec.toJson(reply).endsWith(",\"replyTo\":\"r-1\"}"));
    assertFalse(JsonCodec.toJson(reply).contains("\"seq\""));

    assertEquals(
        "seq: -1 (expected: 0 to 2^53-1)", refusal(signedPingJson(",\"seq\":-1"), Envelope.class));
    assertEquals(
        "seq: expected an integer", refusal(signedPingJson(",\"seq\":\"1\""), Envelope.class));
    assertEquals(
        "requestId: expected a string",
        refusal(signedPingJson(",\"requestId\":1"), Envelope.class));
    refusal(signedPingJson(",\"requestId\":\"a\",\"replyTo\":\"b\""), Envelope.class);
  }

  @Example
  void controlMessageShapes() {
    assertEquals("{\"ok\":true}", JsonCodec.toJson(Ack.success()));
    assertEquals("{\"ok\":false,\"error\":\"full\"}", JsonCodec.toJson(Ack.failed("full")));
    assertEquals(Ack.success(), decodes("{\"ok\":true}", Ack.class));
    assertEquals("ok: required", refusal("{}", Ack.class));
    assertEquals("{\"afterSequence\":5}", JsonCodec.toJson(new Resume(5)));
    assertEquals("{\"afterSequence\":5,\"oldestAvailable\":9}", JsonCodec.toJson(new Gap(5, 9)));
    assertTrue(
        refusal("{\"afterSequence\":5,\"oldestAvailable\":6}", Gap.class)
            .startsWith("oldestAvailable: 6"));
    assertEquals("{\"types\":[],\"blockIds\":[]}", JsonCodec.toJson(Subscribe.all()));
    assertEquals(Subscribe.all(), decodes("{}", Subscribe.class));
    Subscribe some = new Subscribe(Set.of(WSEventType.BLOCK_TEMPERATURE), Set.of(BLOCK));
    assertEquals(
        "{\"types\":[\"block:temperature\"],\"blockIds\":[\"" + BLOCK.hex() + "\"]}",
        JsonCodec.toJson(some));
  }

  @Example
  void unknownSubscribeTypesNameTheField() {
    String json =
        "{\"type\":\"system:subscribe\",\"data\":{\"types\":[\"node:leave\",\"block:teleport\"]},"
            + "\"timestamp\":1,\"sender\":\""
            + A.hex()
            + "\"}";
    String message = refusal(json, WSMessage.class);
    assertTrue(message.startsWith("data.types[1]: "), message);
    assertTrue(message.contains("'block:teleport'"), message);
    assertEquals("types[0]: expected a string", refusal("{\"types\":[1]}", Subscribe.class));
    assertTrue(refusal("{\"blockIds\":[\"xyz\"]}", Subscribe.class).startsWith("blockIds[0]: "));
  }

  @Example
  void syncFieldsAreWrittenOnlyWhenSet() {
    assertEquals(
        "{\"blockIds\":[\"" + BLOCK.hex() + "\"]}",
        JsonCodec.toJson(new BlockSyncRequest(List.of(BLOCK))));
    assertEquals(
        "{\"blockIds\":[],\"session\":\"s-1\",\"reconcile\":\"AQID\"}",
        JsonCodec.toJson(BlockSyncRequest.reconcile("s-1", "AQID")));
    assertEquals("{\"entries\":[]}", JsonCodec.toJson(new MetadataSync(List.of())));
    assertEquals(
        "{\"entries\":[],\"session\":\"s-1\"}",
        JsonCodec.toJson(new MetadataSync(List.of(), "s-1", "")));
    assertEquals(
        BlockSyncRequest.reconcile("s-1", "AQID"),
        decodes(
            "{\"blockIds\":[],\"session\":\"s-1\",\"reconcile\":\"AQID\"}",
            BlockSyncRequest.class));
  }

  /**
   * Binary peers carry a reconciliation message as bytes, so JSON accepts only the one base64 text
   * of those bytes: the same message must not read differently after a protobuf hop.
   */
  @Example
  void reconcileIsCanonicalBase64() {
    assertEquals(
        new MetadataSync(List.of(), "s", "QQ=="),
        decodes("{\"entries\":[],\"session\":\"s\",\"reconcile\":\"QQ==\"}", MetadataSync.class));
    for (String bad :
        List.of("QQ", "QR==", "QUI", "QUJ=", "Q", "QQ=", "Q Q=", "QQ==QQ==", "-_8=")) {
      String json = "{\"entries\":[],\"session\":\"s\",\"reconcile\":\"" + bad + "\"}";
      String message = refusal(json, MetadataSync.class);
      assertTrue(message.startsWith("reconcile: "), bad + ": " + message);
      String request = "{\"blockIds\":[],\"session\":\"s\",\"reconcile\":\"" + bad + "\"}";
      assertTrue(refusal(request, BlockSyncRequest.class).startsWith("reconcile: "), bad);
    }
    assertEquals(
        "session: empty while reconcile is set",
        refusal("{\"blockIds\":[],\"reconcile\":\"QQ==\"}", BlockSyncRequest.class));
    assertEquals(
        "session: expected letters, digits, '-' or '_'",
        refusal("{\"entries\":[],\"session\":\"a b\"}", MetadataSync.class));
    assertTrue(
        refusal("{\"entries\":[],\"session\":\"" + "s".repeat(65) + "\"}", MetadataSync.class)
            .startsWith("session: longer than 64"));
  }

  @Example
  void batchUpdateTimesAreWrittenOnlyWhenSet() throws WireFormatException {
    BatchUpdate batch =
        new BatchUpdate(
            "b-1",
            1_764_000_000_500L,
            List.of(
                BatchUpdate.Update.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.COLD)),
                BatchUpdate.Update.of(
                    new BlockTemperatureUpdate(BLOCK, DataTemperature.HOT), 1_764_000_000_400L)));
    String update =
        "{\"type\":\"TEMPERATURE\",\"blockId\":\""
            + BLOCK.hex()
            + "\",\"data\":{\"blockId\":\""
            + BLOCK.hex()
            + "\",\"temperature\":\"";
    assertEquals(
        "{\"batchId\":\"b-1\",\"timestamp\":1764000000500,\"updates\":["
            + update
            + "cold\"}},"
            + update
            + "hot\"},\"timestamp\":1764000000400}]}",
        JsonCodec.toJson(batch));
    assertEquals(batch, JsonCodec.fromJson(JsonCodec.toJson(batch), BatchUpdate.class));
    assertEquals(1_764_000_000_500L, batch.timestampOf(0));
    assertEquals(1_764_000_000_400L, batch.timestampOf(1));
    String late = JsonCodec.toJson(batch).replace("1764000000400", "1764000000501");
    assertTrue(
        refusal(late, BatchUpdate.class)
            .startsWith("updates[1].timestamp: 1764000000501 is after the batch's timestamp"));
    // In a message, under its event type.
    WSMessage m = WSMessage.of(batch, 1_764_000_000_600L, A);
    assertTrue(
        JsonCodec.toJson(m).startsWith("{\"type\":\"block:batch\",\"data\":{\"batchId\":\"b-1\""));
    assertEquals(m, JsonCodec.fromJson(JsonCodec.toJson(m), WSMessage.class));
  }

  @Example
  void peerRoundTripTimeIsOptional() {
    PeerInfo none =
        new PeerInfo(A, "h", 1, 2, Instant.EPOCH, Set.of(), PeerStatusType.ACTIVE, null, null);
    assertFalse(JsonCodec.toJson(none).contains("rttMs"));
    PeerInfo zero =
        new PeerInfo(A, "h", 1, 2, Instant.EPOCH, Set.of(), PeerStatusType.ACTIVE, null, 0L);
    assertTrue(JsonCodec.toJson(zero).endsWith(",\"rttMs\":0}"));
    assertEquals(zero, decodes(JsonCodec.toJson(zero), PeerInfo.class));
  }

  @Example
  void hopFieldsAreOutsideTheSignature() {
    NodeIdentity signer = ProtoCodecPropertiesTest.signer();
    List<EventPayload> payloads =
        List.of(
            new Ping(7),
            Ack.failed("no such block"),
            new Resume(41),
            new Gap(3, 10),
            new Subscribe(Set.of(WSEventType.BLOCK_TEMPERATURE), Set.of(BLOCK)));
    for (EventPayload data : payloads) {
      SignedMessage m =
          MessageSigning.sign(signer, WSMessage.of(data, 1_764_000_000_000L, signer.nodeId()));
      Envelope sent = decodes(JsonCodec.toJson(new Envelope(m, 42, "req-1", "")), Envelope.class);
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(sent.message()));
      // A relay sets its own hop fields; the signature still verifies.
      Envelope relayed =
          decodes(
              JsonCodec.toJson(new Envelope(sent.message(), 9_000, "", "req-1")), Envelope.class);
      assertEquals(9_000, relayed.sequence());
      assertEquals("req-1", relayed.replyTo());
      assertEquals(m, relayed.message());
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(relayed.message()));
      // And across codecs: signed once, relayed as protobuf.
      Envelope binary =
          assertDoesNotThrowWire(
              () -> ProtoCodec.decodeEnvelope(ProtoCodec.encodeEnvelope(relayed)));
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(binary.message()));
    }
  }

  private interface WireCall<T> {
    T call() throws WireFormatException;
  }

  private static <T> T assertDoesNotThrowWire(WireCall<T> call) {
    try {
      return call.call();
    } catch (WireFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Example
  void deepNestingIsRefusedWithoutStackOverflow() {
    String open = "[".repeat(100_000);
    String closed = open + "]".repeat(100_000);
    String objects = "{\"a\":".repeat(100_000);
    for (String text : List.of(open, closed, objects)) {
      assertThrows(WireFormatException.class, () -> Json.parse(text));
      assertThrows(
          WireFormatException.class, () -> Json.parse(text.getBytes(StandardCharsets.UTF_8)));
      assertThrows(WireFormatException.class, () -> JsonCodec.fromJson(text, SignedMessage.class));
    }
    String deepest = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    try {
      Json.parse(deepest);
    } catch (WireFormatException e) {
      fail("MAX_DEPTH levels must be accepted: " + e.getMessage());
    }
    String tooDeep = "[" + deepest + "]";
    assertThrows(WireFormatException.class, () -> Json.parse(tooDeep));
  }
}
