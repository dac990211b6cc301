package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.Stamp;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.MetadataWrite;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.message.MetadataSync;

/**
 * The join of block metadata: whatever order single-field changes arrive in, however often, and
 * however they are grouped before being merged, every node ends with the same value.
 */
class MetadataMergePropertiesTest {

  private static final BlockId BLOCK = BlockId.of("b".repeat(64));
  private static final NodeId A = NodeId.of("a".repeat(64));
  private static final NodeId B = NodeId.of("b".repeat(64));
  private static final NodeId C = NodeId.of("c".repeat(64));
  private static final BlockMetadata EMPTY = BlockMetadata.empty(BLOCK);

  // ------------------------------------------------------------------ generators

  /**
   * Writes to one block from a small pool: three holders, four times (0 included) and the three
   * nodes plus {@link Stamp#NEVER}'s node as writers, so equal stamps, conflicting writes to one
   * register and writes that tie with the defaults all happen.
   */
  private static Arbitrary<MetadataWrite> write() {
    return MetadataWrite.writes(
        Arbitraries.of(A, B, C),
        Arbitraries.of(0L, 1L, 2L, 3L).map(Instant::ofEpochMilli),
        Arbitraries.of(A, B, C, Stamp.NEVER.by()));
  }

  @Provide
  Arbitrary<List<MetadataWrite>> writes() {
    return write().list().ofMaxSize(24);
  }

  /** Values of the block: the empty value or a plain one, after some writes. */
  @Provide
  Arbitrary<BlockMetadata> values() {
    Arbitrary<BlockMetadata> start =
        Arbitraries.oneOf(
            Arbitraries.just(EMPTY),
            Combinators.combine(Arbitraries.of(0L, 2L), Arbitraries.of(A, B))
                .as((t, by) -> BlockMetadata.initial(BLOCK, Instant.ofEpochMilli(t), by)));
    return Combinators.combine(start, write().list().ofMaxSize(10)).as(MetadataWrite::applyAll);
  }

  /** Writes, and the same writes delivered in another order, some of them more than once. */
  @Provide
  Arbitrary<Tuple2<List<MetadataWrite>, List<MetadataWrite>>> deliveries() {
    return writes()
        .flatMap(
            ws ->
                Arbitraries.integers()
                    .between(0, Math.max(0, ws.size() - 1))
                    .list()
                    .ofMaxSize(ws.isEmpty() ? 0 : ws.size())
                    .flatMap(
                        again -> {
                          List<MetadataWrite> delivered = new ArrayList<>(ws);
                          again.forEach(i -> delivered.add(ws.get(i)));
                          return Arbitraries.shuffle(delivered).map(d -> Tuple.of(ws, d));
                        }));
  }

  /**
   * Writes, and two sub-lists that together hold all of them (a write may be in both), each in its
   * own order.
   */
  @Provide
  Arbitrary<Tuple2<List<MetadataWrite>, Tuple2<List<MetadataWrite>, List<MetadataWrite>>>>
      splits() {
    return writes()
        .flatMap(
            ws ->
                Arbitraries.integers()
                    .between(0, 2)
                    .list()
                    .ofSize(ws.size())
                    .flatMap(
                        side -> {
                          List<MetadataWrite> left = new ArrayList<>();
                          List<MetadataWrite> right = new ArrayList<>();
                          for (int i = 0; i < ws.size(); i++) {
                            if (side.get(i) != 1) {
                              left.add(ws.get(i));
                            }
                            if (side.get(i) != 0) {
                              right.add(ws.get(i));
                            }
                          }
                          return Combinators.combine(
                                  Arbitraries.shuffle(left), Arbitraries.shuffle(right))
                              .as((l, r) -> Tuple.of(ws, Tuple.of(l, r)));
                        }));
  }

  // ------------------------------------------------------------------ the join

  @Property(tries = 500)
  void mergeIsCommutative(@ForAll("values") BlockMetadata a, @ForAll("values") BlockMetadata b) {
    assertEquals(a.mergedWith(b), b.mergedWith(a));
  }

  @Property(tries = 500)
  void mergeIsAssociative(
      @ForAll("values") BlockMetadata a,
      @ForAll("values") BlockMetadata b,
      @ForAll("values") BlockMetadata c) {
    assertEquals(a.mergedWith(b).mergedWith(c), a.mergedWith(b.mergedWith(c)));
  }

  @Property(tries = 500)
  void mergeIsIdempotent(@ForAll("values") BlockMetadata a, @ForAll("values") BlockMetadata b) {
    assertEquals(a, a.mergedWith(a));
    BlockMetadata ab = a.mergedWith(b);
    assertEquals(ab, ab.mergedWith(a));
    assertEquals(ab, ab.mergedWith(b));
  }

  /** Any order, any duplication: the same value. */
  @Property(tries = 1000)
  void anyDeliveryOfTheWritesGivesTheSameValue(
      @ForAll("deliveries") Tuple2<List<MetadataWrite>, List<MetadataWrite>> d) {
    assertEquals(MetadataWrite.applyAll(EMPTY, d.get1()), MetadataWrite.applyAll(EMPTY, d.get2()));
  }

  /** Two nodes that each saw part of the writes agree, once merged, with one that saw all. */
  @Property(tries = 1000)
  void mergingTwoPartsEqualsApplyingAll(
      @ForAll("splits")
          Tuple2<List<MetadataWrite>, Tuple2<List<MetadataWrite>, List<MetadataWrite>>> s) {
    BlockMetadata all = MetadataWrite.applyAll(EMPTY, s.get1());
    BlockMetadata left = MetadataWrite.applyAll(EMPTY, s.get2().get1());
    BlockMetadata right = MetadataWrite.applyAll(EMPTY, s.get2().get2());
    assertEquals(all, left.mergedWith(right));
    assertEquals(all, right.mergedWith(left));
  }

  /** The value's version is the latest stamp of any write (or NEVER, if there was none). */
  @Property(tries = 500)
  void updatedAtAndUpdatedByAreTheLatestWrite(@ForAll("writes") List<MetadataWrite> ws) {
    BlockMetadata m = MetadataWrite.applyAll(EMPTY, ws);
    Stamp latest =
        ws.stream().map(MetadataWrite::stamp).reduce(Stamp.NEVER, (x, y) -> x.isAfter(y) ? x : y);
    assertEquals(latest, new Stamp(m.updatedAt(), m.updatedBy()));
  }

  /** What the join builds, both codecs carry unchanged. */
  @Property(tries = 300)
  void mergedValuesSurviveBothCodecs(
      @ForAll("values") BlockMetadata a, @ForAll("values") BlockMetadata b)
      throws WireFormatException {
    BlockMetadata m = a.mergedWith(b);
    assertEquals(m, JsonCodec.fromJson(JsonCodec.toJson(m), BlockMetadata.class));
    assertEquals(m, ProtoCodec.fromBytes(ProtoCodec.toBytes(m), BlockMetadata.class));
  }

  // ------------------------------------------------------------------ locations

  private static final BlockLocation AT_C = BlockLocation.of(C, Instant.ofEpochMilli(1), true);

  private static BlockMetadata add(BlockMetadata m, BlockLocation l, long at, NodeId by) {
    return m.withLocation(l, Instant.ofEpochMilli(at), by);
  }

  private static BlockMetadata remove(BlockMetadata m, NodeId node, long at, NodeId by) {
    return m.withoutLocation(node, Instant.ofEpochMilli(at), by);
  }

  @Example
  void aLaterRemovalWinsWhicheverOrderTheyArriveIn() {
    BlockMetadata addFirst = remove(add(EMPTY, AT_C, 10, A), C, 20, B);
    BlockMetadata removeFirst = add(remove(EMPTY, C, 20, B), AT_C, 10, A);
    assertEquals(addFirst, removeFirst);
    assertEquals(List.of(), addFirst.locations());
    assertEquals(Map.of(C, Stamp.of(20, B)), addFirst.versions().removed());
    assertEquals(Map.of(), addFirst.versions().locations());
    assertEquals(Instant.ofEpochMilli(20), addFirst.updatedAt());
    assertEquals(B, addFirst.updatedBy());
    // The same through a merge of the two nodes' values.
    BlockMetadata added = add(EMPTY, AT_C, 10, A);
    BlockMetadata removed = remove(EMPTY, C, 20, B);
    assertEquals(addFirst, added.mergedWith(removed));
    assertEquals(addFirst, removed.mergedWith(added));
  }

  @Example
  void aLaterAddWinsOverAnEarlierRemoval() {
    BlockMetadata m = add(remove(EMPTY, C, 10, B), AT_C, 20, A);
    assertEquals(m, remove(add(EMPTY, AT_C, 20, A), C, 10, B));
    assertEquals(List.of(AT_C), m.locations());
    assertEquals(Map.of(C, Stamp.of(20, A)), m.versions().locations());
    assertEquals(Map.of(), m.versions().removed());
  }

  @Example
  void anAddOlderThanTheRemovalNeverBringsTheLocationBack() {
    BlockMetadata removed = remove(add(EMPTY, AT_C, 5, A), C, 20, B);
    // Older by time, older by writer at the same time, and the very same stamp (removal wins).
    for (Stamp older : List.of(Stamp.of(19, C), Stamp.of(20, A), Stamp.of(20, B))) {
      BlockMetadata late = add(removed, AT_C, older.at().toEpochMilli(), older.by());
      assertEquals(removed, late, older.toString());
      assertEquals(
          removed, removed.mergedWith(add(EMPTY, AT_C, older.at().toEpochMilli(), older.by())));
      assertEquals(
          removed, add(EMPTY, AT_C, older.at().toEpochMilli(), older.by()).mergedWith(removed));
    }
    assertTrue(removed.locations().isEmpty());
    assertEquals(Stamp.of(20, B), removed.versions().location(C));
  }

  @Example
  void equalStampsKeepTheLargerValue() {
    Instant t = Instant.ofEpochMilli(7);
    BlockMetadata hotThenCold =
        EMPTY
            .withTemperature(DataTemperature.HOT, t, A)
            .withTemperature(DataTemperature.COLD, t, A);
    BlockMetadata coldThenHot =
        EMPTY
            .withTemperature(DataTemperature.COLD, t, A)
            .withTemperature(DataTemperature.HOT, t, A);
    assertEquals(DataTemperature.COLD, hotThenCold.temperature());
    assertEquals(hotThenCold, coldThenHot);
    BlockMetadata small = EMPTY.withInfo(10, DurabilityLevel.MAXIMUM, t, A);
    BlockMetadata large = EMPTY.withInfo(11, DurabilityLevel.EPHEMERAL, t, A);
    assertEquals(11, small.mergedWith(large).size());
    assertEquals(small.mergedWith(large), large.mergedWith(small));
    // A location without a pool and one in the pool named "" are different values.
    BlockLocation noPool = new BlockLocation(C, Instant.ofEpochMilli(1), true, null, null);
    BlockLocation emptyPool = new BlockLocation(C, Instant.ofEpochMilli(1), true, null, "");
    assertEquals(
        add(add(EMPTY, noPool, 3, A), emptyPool, 3, A),
        add(add(EMPTY, emptyPool, 3, A), noPool, 3, A));
  }

  @Example
  void theEmptyValueIsWhatEveryWriteWinsOver() {
    assertTrue(EMPTY.isPlain());
    assertEquals(Instant.EPOCH, EMPTY.updatedAt());
    BlockMetadata m = EMPTY.withTemperature(DataTemperature.HOT, Instant.ofEpochMilli(1), A);
    assertEquals(DataTemperature.HOT, m.temperature());
    assertFalse(m.isPlain());
    assertEquals(m, m.mergedWith(EMPTY));
    assertEquals(m, EMPTY.mergedWith(m));
  }

  @Example
  void mergingAnotherBlockIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EMPTY.mergedWith(BlockMetadata.empty(BlockId.of("c".repeat(64)))));
  }

  // ------------------------------------------------------------------ on the wire

  private static final Instant SEEN = Instant.ofEpochMilli(1_764_000_000_000L);
  private static final Instant UPDATED = Instant.ofEpochMilli(1_764_000_000_123L);

  private static BlockMetadata plain() {
    return new BlockMetadata(
        BLOCK,
        4096,
        DataTemperature.HOT,
        DurabilityLevel.ENHANCED,
        List.of(BlockLocation.of(A, SEEN, true)),
        UPDATED,
        A);
  }

  /** The plain value, then B set the temperature later and removed A's copy later still. */
  private static BlockMetadata versioned() {
    return plain()
        .withTemperature(DataTemperature.COLD, UPDATED.plusMillis(1), B)
        .withoutLocation(A, UPDATED.plusMillis(2), B);
  }

  private static final String PLAIN_JSON =
      "{\"blockId\":\""
          + "b".repeat(64)
          + "\",\"size\":4096,\"temperature\":\"hot\","
          + "\"durability\":\"enhanced\",\"locations\":[{\"nodeId\":\""
          + "a".repeat(64)
          + "\","
          + "\"lastSeen\":1764000000000,\"isAuthoritative\":true}],"
          + "\"updatedAt\":1764000000123,\"updatedBy\":\""
          + "a".repeat(64)
          + "\"}";

  private static final String VERSIONED_JSON =
      "{\"blockId\":\""
          + "b".repeat(64)
          + "\",\"size\":4096,\"temperature\":\"cold\","
          + "\"durability\":\"enhanced\",\"locations\":[],"
          + "\"updatedAt\":1764000000125,\"updatedBy\":\""
          + "b".repeat(64)
          + "\","
          + "\"versions\":{"
          + "\"temperature\":{\"at\":1764000000124,\"by\":\""
          + "b".repeat(64)
          + "\"},"
          + "\"info\":{\"at\":1764000000123,\"by\":\""
          + "a".repeat(64)
          + "\"},"
          + "\"locations\":{},"
          + "\"removed\":{\""
          + "a".repeat(64)
          + "\":{\"at\":1764000000125,\"by\":\""
          + "b".repeat(64)
          + "\"}}}}";

  @Example
  void plainMetadataIsWrittenWithoutVersions() throws WireFormatException {
    assertTrue(plain().isPlain());
    assertEquals(PLAIN_JSON, JsonCodec.toJson(plain()));
    assertEquals(plain(), JsonCodec.fromJson(PLAIN_JSON, BlockMetadata.class));
    var proto = (Pb.BlockMetadata) ProtoCodec.toProto(plain());
    assertFalse(proto.hasVersions());
  }

  @Example
  void versionedMetadataIsWrittenWithVersions() throws WireFormatException {
    assertFalse(versioned().isPlain());
    assertEquals(VERSIONED_JSON, JsonCodec.toJson(versioned()));
    assertEquals(versioned(), JsonCodec.fromJson(VERSIONED_JSON, BlockMetadata.class));
    var proto = (Pb.BlockMetadata) ProtoCodec.toProto(versioned());
    assertTrue(proto.hasVersions());
    assertEquals(0, proto.getVersions().getLocationsCount());
    assertEquals(1, proto.getVersions().getRemovedCount());
    assertEquals(versioned(), ProtoCodec.fromBytes(proto.toByteArray(), BlockMetadata.class));
  }

  /** A peer that writes the versions of plain metadata anyway is understood; we omit them. */
  @Example
  void versionsOfPlainMetadataAreAcceptedAndDropped() throws WireFormatException {
    String stamp = "{\"at\":1764000000123,\"by\":\"" + "a".repeat(64) + "\"}";
    String json =
        PLAIN_JSON.substring(0, PLAIN_JSON.length() - 1)
            + ",\"versions\":{\"temperature\":"
            + stamp
            + ",\"info\":"
            + stamp
            + ",\"locations\":{\""
            + "a".repeat(64)
            + "\":"
            + stamp
            + "},\"removed\":{}}}";
    BlockMetadata m = JsonCodec.fromJson(json, BlockMetadata.class);
    assertEquals(plain(), m);
    assertEquals(PLAIN_JSON, JsonCodec.toJson(m));
  }

  @Example
  void updatedAtMustBeTheLatestVersionInJson() {
    String earlier =
        VERSIONED_JSON.replace("\"updatedAt\":1764000000125", "\"updatedAt\":1764000000124");
    String otherNode =
        VERSIONED_JSON.replace(
            "\"updatedBy\":\"" + "b".repeat(64) + "\"", "\"updatedBy\":\"" + "c".repeat(64) + "\"");
    for (String json : List.of(earlier, otherNode)) {
      String message =
          assertThrows(
                  WireFormatException.class, () -> JsonCodec.fromJson(json, BlockMetadata.class))
              .getMessage();
      assertEquals(
          "updatedAt/updatedBy: must be the latest version (1764000000125 by "
              + "b".repeat(64)
              + ")",
          message);
      // Inside a message too.
      String sync = "{\"entries\":[" + json + "]}";
      assertEquals(
          message,
          assertThrows(
                  WireFormatException.class, () -> JsonCodec.fromJson(sync, MetadataSync.class))
              .getMessage());
    }
  }

  @Example
  void updatedAtMustBeTheLatestVersionInProtobuf() {
    var proto = (Pb.BlockMetadata) ProtoCodec.toProto(versioned());
    var earlier = proto.toBuilder().setUpdatedAt(1_764_000_000_124L).build();
    var otherNode = proto.toBuilder().setUpdatedBy(ByteString.copyFrom(C.toBytes())).build();
    for (var p : List.of(earlier, otherNode)) {
      String message =
          assertThrows(
                  WireFormatException.class,
                  () -> ProtoCodec.fromBytes(p.toByteArray(), BlockMetadata.class))
              .getMessage();
      assertEquals(
          "updatedAt/updatedBy: must be the latest version (1764000000125 by "
              + "b".repeat(64)
              + ")",
          message);
    }
  }

  private static Pb.NodeStamp nodeStamp(NodeId node, long at, NodeId by) {
    return Pb.NodeStamp.newBuilder()
        .setNodeId(ByteString.copyFrom(node.toBytes()))
        .setStamp(Pb.Stamp.newBuilder().setAt(at).setBy(ByteString.copyFrom(by.toBytes())))
        .build();
  }

  @Example
  void aNodeTwiceInProtobufVersionsIsRefused() {
    var proto = (Pb.BlockMetadata) ProtoCodec.toProto(versioned());
    var twiceRemoved = proto.toBuilder();
    twiceRemoved.getVersionsBuilder().addRemoved(nodeStamp(A, 1_764_000_000_001L, C));
    assertEquals(
        "versions.removed[1]: node " + A + " appears twice",
        refusal(twiceRemoved.build().toByteArray()));

    BlockMetadata twoCopies =
        plain().withLocation(BlockLocation.of(C, SEEN, false), UPDATED.plusMillis(1), C);
    var live = ((Pb.BlockMetadata) ProtoCodec.toProto(twoCopies)).toBuilder();
    assertEquals(2, live.getVersions().getLocationsCount());
    live.getVersionsBuilder().setLocations(1, nodeStamp(A, 1_764_000_000_001L, C));
    assertEquals(
        "versions.locations[1]: node " + A + " appears twice", refusal(live.build().toByteArray()));

    // Live and removed at once.
    var both = proto.toBuilder();
    both.getVersionsBuilder().addLocations(nodeStamp(A, 1_764_000_000_001L, C));
    both.addLocations((Pb.BlockLocation) ProtoCodec.toProto(BlockLocation.of(A, SEEN, true)));
    assertEquals(
        "removed: " + A + " also has a live location", refusal(both.build().toByteArray()));
  }

  @Example
  void aNodeTwiceInJsonVersionsIsRefused() {
    // JSON refuses duplicate keys; the same node in upper and lower case is a duplicate too.
    String removedA =
        "\"" + "a".repeat(64) + "\":{\"at\":1764000000125,\"by\":\"" + "b".repeat(64) + "\"}";
    String json =
        VERSIONED_JSON.replace(
            "\"removed\":{" + removedA + "}",
            "\"removed\":{"
                + removedA
                + ","
                + removedA.replace("a".repeat(64), "A".repeat(64))
                + "}");
    assertEquals(
        "versions.removed." + "A".repeat(64) + ": node " + A + " appears twice",
        assertThrows(WireFormatException.class, () -> JsonCodec.fromJson(json, BlockMetadata.class))
            .getMessage());
  }

  @Example
  void versionsMustNameExactlyTheLocations() {
    // A location without a version.
    String json =
        PLAIN_JSON.substring(0, PLAIN_JSON.length() - 1)
            + ",\"versions\":{\"temperature\":{\"at\":1764000000123,\"by\":\""
            + "a".repeat(64)
            + "\"},"
            + "\"info\":{\"at\":1764000000123,\"by\":\""
            + "a".repeat(64)
            + "\"}}}";
    assertEquals(
        "versions.locations: must name exactly the nodes in locations",
        assertThrows(WireFormatException.class, () -> JsonCodec.fromJson(json, BlockMetadata.class))
            .getMessage());
    var proto = (Pb.BlockMetadata) ProtoCodec.toProto(versioned());
    var noTemperature = proto.toBuilder();
    noTemperature.getVersionsBuilder().clearTemperature();
    assertTrue(refusal(noTemperature.build().toByteArray()).startsWith("versions.temperature: "));
  }

  private static String refusal(byte[] bytes) {
    return assertThrows(
            WireFormatException.class, () -> ProtoCodec.fromBytes(bytes, BlockMetadata.class))
        .getMessage();
  }
}
