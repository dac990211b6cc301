package org.brightchain.net.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
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
import net.jqwik.api.domains.Domain;
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
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.core.internal.wire.proto.Pb.LocationAction;
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
class ProtoCodecPropertiesTest {

  private static <T> void roundTrips(T value, Class<T> type) throws WireFormatException {
    byte[] bytes = ProtoCodec.toBytes(value);
    assertEquals(value, ProtoCodec.fromBytes(bytes, type));
    assertArrayEquals(bytes, ProtoCodec.toProto(value).toByteArray());
  }

  // ------------------------------------------------------------- round trips

  @Property(tries = 200)
  void signedMessagesRoundTrip(@ForAll SignedMessage m) throws WireFormatException {
    roundTrips(m, SignedMessage.class);
    byte[] bytes = ProtoCodec.encode(m);
    assertArrayEquals(ProtoCodec.toBytes(m), bytes);
    assertEquals(m, ProtoCodec.decodeSignedMessage(bytes));
    // A plain signed message is a frame without hop fields, and encodes the same.
    assertEquals(Envelope.of(m), ProtoCodec.decodeEnvelope(bytes));
    assertArrayEquals(bytes, ProtoCodec.encodeEnvelope(Envelope.of(m)));
  }

  @Property(tries = 200)
  void envelopesRoundTrip(@ForAll Envelope e) throws WireFormatException {
    roundTrips(e, Envelope.class);
    byte[] bytes = ProtoCodec.encodeEnvelope(e);
    assertArrayEquals(ProtoCodec.toBytes(e), bytes);
    assertEquals(e, ProtoCodec.decodeEnvelope(bytes));
    // A reader that wants only the signed message ignores the hop fields.
    assertEquals(e.message(), ProtoCodec.decodeSignedMessage(bytes));
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
  }

  @Property
  void nodeAuthenticationsRoundTrip(@ForAll NodeAuthentication a) throws WireFormatException {
    roundTrips(a, NodeAuthentication.class);
  }

  // ------------------------------------------------------------- hostile input

  /**
   * Whatever the bytes, decoding returns a message or throws WireFormatException; and what it
   * returns encodes and decodes to itself.
   */
  private static void decodesOrRefuses(byte[] bytes) {
    SignedMessage m;
    try {
      m = ProtoCodec.fromBytes(bytes, SignedMessage.class);
    } catch (WireFormatException e) {
      assertThrows(WireFormatException.class, () -> ProtoCodec.decodeSignedMessage(bytes));
      return;
    }
    try {
      assertEquals(m, ProtoCodec.decodeSignedMessage(bytes));
      assertEquals(m, ProtoCodec.decodeSignedMessage(ProtoCodec.encode(m)));
    } catch (WireFormatException e) {
      throw new AssertionError("decoded once, refused the second time: " + e.getMessage(), e);
    }
    Envelope frame;
    try {
      frame = ProtoCodec.decodeEnvelope(bytes);
    } catch (WireFormatException e) {
      return; // bad hop fields: fine
    }
    try {
      assertEquals(m, frame.message());
      assertEquals(frame, ProtoCodec.decodeEnvelope(ProtoCodec.encodeEnvelope(frame)));
    } catch (WireFormatException e) {
      throw new AssertionError("decoded once, refused the second time: " + e.getMessage(), e);
    }
  }

  @Property(tries = 2000)
  void randomBytesDecodeOrThrowWireFormatException(@ForAll("garbage") byte[] bytes) {
    decodesOrRefuses(bytes);
  }

  @Property(tries = 2000)
  void mutatedMessagesDecodeOrThrowWireFormatException(
      @ForAll("mutatedSignedMessages") byte[] bytes) {
    decodesOrRefuses(bytes);
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    return ContractArbitraries.bytes(0, 600);
  }

  /** Valid encodings of frames with bytes flipped, inserted, removed, or cut short. */
  @Provide
  Arbitrary<byte[]> mutatedSignedMessages() {
    Arbitrary<int[]> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255))
            .as((op, at, value) -> new int[] {op, at, value});
    return Combinators.combine(
            ContractArbitraries.envelopes().map(ProtoCodec::encodeEnvelope),
            edit.list().ofMinSize(1).ofMaxSize(4))
        .as(ProtoCodecPropertiesTest::mutate);
  }

  static byte[] mutate(byte[] original, List<int[]> edits) {
    byte[] b = original;
    for (int[] e : edits) {
      if (b.length == 0) {
        return b;
      }
      int at = e[1] % b.length;
      switch (e[0]) {
        case 0 -> {
          b = b.clone();
          b[at] = (byte) e[2];
        }
        case 1 -> {
          byte[] n = new byte[b.length + 1];
          System.arraycopy(b, 0, n, 0, at);
          n[at] = (byte) e[2];
          System.arraycopy(b, at, n, at + 1, b.length - at);
          b = n;
        }
        case 2 -> {
          byte[] n = new byte[b.length - 1];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(b, at + 1, n, at, b.length - at - 1);
          b = n;
        }
        default -> b = java.util.Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  // ------------------------------------------------------------- examples

  private static final NodeId A = NodeId.of("a".repeat(64));
  private static final BlockId BLOCK = BlockId.of("b".repeat(128));

  private static Pb.SignedMessage.Builder signed(Pb.WSMessage.Builder payload) {
    return Pb.SignedMessage.newBuilder()
        .setPayload(payload)
        .setTimestamp(1)
        .setNodeId(ByteString.copyFrom(A.toBytes()))
        .setPublicKey(ByteString.copyFrom(new byte[33]))
        .setSignature(ByteString.copyFrom(new byte[64]));
  }

  private static Pb.WSMessage.Builder ws() {
    return Pb.WSMessage.newBuilder().setTimestamp(1).setSender(ByteString.copyFrom(A.toBytes()));
  }

  private static String refusal(byte[] bytes, Class<?> type) {
    return assertThrows(WireFormatException.class, () -> ProtoCodec.fromBytes(bytes, type))
        .getMessage();
  }

  @Example
  void unspecifiedEnumNamesTheField() {
    var temp = Pb.BlockTemperatureUpdate.newBuilder().setBlockId(ByteString.copyFrom(new byte[64]));
    byte[] bytes = signed(ws().setBlockTemperature(temp)).build().toByteArray();
    assertEquals("payload.data.temperature: unspecified", refusal(bytes, SignedMessage.class));
    assertEquals(
        "payload.data.temperature: unspecified",
        assertThrows(WireFormatException.class, () -> ProtoCodec.decodeSignedMessage(bytes))
            .getMessage());

    byte[] unknown =
        signed(ws().setBlockTemperature(temp.setTemperatureValue(99))).build().toByteArray();
    assertEquals(
        "payload.data.temperature: unknown value 99", refusal(unknown, SignedMessage.class));
  }

  @Example
  void unspecifiedEnumsEverywhereAreRefused() {
    var status = Pb.NodeStatusUpdate.newBuilder().setNodeId(ByteString.copyFrom(A.toBytes()));
    assertEquals(
        "status: unspecified", refusal(status.build().toByteArray(), NodeStatusUpdate.class));
    var peer =
        ((Pb.PeerInfo) ProtoCodec.toProto(peer(PeerStatusType.ACTIVE)))
            .toBuilder().setStatusValue(0);
    assertEquals("status: unspecified", refusal(peer.build().toByteArray(), PeerInfo.class));
    var metadata =
        (Pb.BlockMetadata) ProtoCodec.toProto(BlockMetadata.initial(BLOCK, Instant.EPOCH, A));
    assertEquals(
        "durability: unspecified",
        refusal(
            metadata.toBuilder().setDurabilityValue(0).build().toByteArray(), BlockMetadata.class));
    assertEquals(
        "durability: unknown value 7",
        refusal(
            metadata.toBuilder().setDurabilityValue(7).build().toByteArray(), BlockMetadata.class));
    var location =
        ((Pb.BlockLocationUpdate)
                ProtoCodec.toProto(
                    new BlockLocationUpdate(
                        BLOCK,
                        BlockLocation.of(A, Instant.EPOCH, true),
                        BlockLocationUpdate.Action.REMOVE)))
            .toBuilder();
    assertEquals(LocationAction.REMOVE, location.getAction());
    assertEquals(
        "action: unspecified",
        refusal(location.setActionValue(0).build().toByteArray(), BlockLocationUpdate.class));
  }

  @Example
  void batchUpdateProblemsNameTheUpdate() {
    BatchUpdate batch =
        new BatchUpdate(
            "b1",
            5,
            List.of(
                BatchUpdate.Update.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.COLD)),
                BatchUpdate.Update.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.HOT))));
    var p = (Pb.BatchUpdate) ProtoCodec.toProto(batch);
    var noType = p.toBuilder();
    noType.getUpdatesBuilder(1).setTypeValue(0);
    assertEquals(
        "updates[1].type: unspecified", refusal(noType.build().toByteArray(), BatchUpdate.class));
    var noData = p.toBuilder();
    noData.getUpdatesBuilder(0).clearData();
    assertEquals(
        "updates[0].data: missing", refusal(noData.build().toByteArray(), BatchUpdate.class));
    var noTemp = p.toBuilder();
    noTemp.getUpdatesBuilder(1).getTemperatureBuilder().setTemperatureValue(0);
    assertEquals(
        "updates[1].data.temperature: unspecified",
        refusal(noTemp.build().toByteArray(), BatchUpdate.class));
    var wrongType = p.toBuilder();
    wrongType.getUpdatesBuilder(0).setType(Pb.UpdateType.LOCATION);
    assertTrue(
        refusal(wrongType.build().toByteArray(), BatchUpdate.class).startsWith("type: LOCATION"));
  }

  @Example
  void reconcileTravelsAsBytes() throws WireFormatException {
    var request =
        (Pb.BlockSyncRequest) ProtoCodec.toProto(BlockSyncRequest.reconcile("s-1", "AQID"));
    assertEquals("s-1", request.getSession());
    assertEquals(ByteString.copyFrom(new byte[] {1, 2, 3}), request.getReconcile());
    assertEquals(0, request.getBlockIdsCount());
    assertEquals(
        BlockSyncRequest.reconcile("s-1", "AQID"),
        ProtoCodec.fromBytes(request.toByteArray(), BlockSyncRequest.class));
    var sync = (Pb.MetadataSync) ProtoCodec.toProto(new MetadataSync(List.of(), "s-1", ""));
    assertEquals("s-1", sync.getSession());
    assertTrue(sync.getReconcile().isEmpty());
    // Outside a reconciliation neither field is on the wire.
    assertEquals(0, ProtoCodec.toBytes(new MetadataSync(List.of())).length);
    assertEquals(
        "session: empty while reconcile is set",
        refusal(request.toBuilder().clearSession().build().toByteArray(), BlockSyncRequest.class));
    assertEquals(
        "session: expected letters, digits, '-' or '_'",
        refusal(sync.toBuilder().setSession("s 1").build().toByteArray(), MetadataSync.class));
  }

  @Example
  void batchUpdatesCarryTheirTimesAndTheirEventType() throws WireFormatException {
    BatchUpdate batch =
        new BatchUpdate(
            "b-1",
            500,
            List.of(
                BatchUpdate.Update.of(new BlockTemperatureUpdate(BLOCK, DataTemperature.COLD)),
                BatchUpdate.Update.of(
                    new BlockTemperatureUpdate(BLOCK, DataTemperature.HOT), 400)));
    var p = (Pb.BatchUpdate) ProtoCodec.toProto(batch);
    assertEquals(0, p.getUpdates(0).getTimestamp());
    assertEquals(400, p.getUpdates(1).getTimestamp());
    var late = p.toBuilder();
    late.getUpdatesBuilder(1).setTimestamp(501);
    assertTrue(
        refusal(late.build().toByteArray(), BatchUpdate.class)
            .startsWith("updates[1].timestamp: 501 is after the batch's timestamp 500"));
    var ws = (Pb.WSMessage) ProtoCodec.toProto(WSMessage.of(batch, 600, A));
    assertEquals(Pb.WSMessage.DataCase.BLOCK_BATCH, ws.getDataCase());
    assertEquals(
        WSMessage.of(batch, 600, A), ProtoCodec.fromBytes(ws.toByteArray(), WSMessage.class));
  }

  @Example
  void messageWithoutDataIsRefused() {
    assertEquals("data: missing", refusal(ws().build().toByteArray(), WSMessage.class));
    assertEquals(
        "payload.data: missing", refusal(signed(ws()).build().toByteArray(), SignedMessage.class));
    byte[] noPayload = signed(ws()).clearPayload().build().toByteArray();
    assertEquals("payload: missing", refusal(noPayload, SignedMessage.class));
  }

  @Example
  void idsOfTheWrongLengthAreRefused() {
    byte[] shortSender =
        ws().setSender(ByteString.copyFrom(new byte[31]))
            .setPing(Pb.Ping.newBuilder().setNonce(1))
            .build()
            .toByteArray();
    assertEquals("sender: 31 bytes (expected: 32)", refusal(shortSender, WSMessage.class));

    byte[] badBlock =
        signed(
                ws().setBlockSync(
                        Pb.BlockSyncRequest.newBuilder()
                            .addBlockIds(ByteString.copyFrom(new byte[32]))
                            .addBlockIds(ByteString.copyFrom(new byte[48]))))
            .build()
            .toByteArray();
    assertEquals(
        "payload.data.blockIds[1]: 48 bytes (expected: 32 or 64)",
        refusal(badBlock, SignedMessage.class));

    byte[] badRecipient =
        signed(ws().setPing(Pb.Ping.newBuilder()))
            .setRecipient(ByteString.EMPTY)
            .build()
            .toByteArray();
    assertEquals("recipient: 0 bytes (expected: 32)", refusal(badRecipient, SignedMessage.class));
  }

  @Example
  void blockIdsAreRawChecksumBytes() {
    BlockId short64 = BlockId.of("0123456789abcdef".repeat(4));
    var p =
        (Pb.BlockTemperatureUpdate)
            ProtoCodec.toProto(new BlockTemperatureUpdate(short64, DataTemperature.FROZEN));
    assertEquals(32, p.getBlockId().size());
    assertEquals(0x01, p.getBlockId().byteAt(0));
    assertEquals(Pb.DataTemperature.FROZEN, p.getTemperature());
    var m =
        (Pb.MetadataUpdate)
            ProtoCodec.toProto(new MetadataUpdate(BlockMetadata.initial(BLOCK, Instant.EPOCH, A)));
    assertEquals(64, m.getMetadata().getBlockId().size());
    assertEquals(32, m.getMetadata().getUpdatedBy().size());
  }

  @Example
  void malformedBytesAreRefused() {
    String message = refusal(new byte[] {0x0a, 0x05, 0x01}, SignedMessage.class);
    assertTrue(message.startsWith("malformed protobuf: "), message);
    assertTrue(
        assertThrows(
                WireFormatException.class,
                () -> ProtoCodec.decodeSignedMessage(new byte[] {(byte) 0xff}))
            .getMessage()
            .startsWith("malformed protobuf: "));
  }

  @Example
  void contractRefusalsBecomeWireFormatExceptions() {
    byte[] negativeNonce = Pb.Ping.newBuilder().setNonce(-1).build().toByteArray();
    assertTrue(refusal(negativeNonce, Ping.class).startsWith("nonce: -1"));
    byte[] hugePort =
        Pb.NodeAdvertisement.newBuilder()
            .setNodeId(ByteString.copyFrom(A.toBytes()))
            .setPort(-1)
            .build()
            .toByteArray();
    assertEquals(
        "port: 4294967295 (expected: at most 2147483647)",
        refusal(hugePort, NodeAdvertisement.class));
    byte[] emptyKey =
        signed(ws().setPing(Pb.Ping.newBuilder()))
            .setPublicKey(ByteString.EMPTY)
            .build()
            .toByteArray();
    assertEquals("publicKey: 0 bytes (expected: 1-128)", refusal(emptyKey, SignedMessage.class));
    var report =
        Pb.NodeStatusReport.newBuilder()
            .setNodeId(ByteString.copyFrom(A.toBytes()))
            .setStatus(Pb.NodeStatus.SYNCING);
    assertEquals("metrics: missing", refusal(report.build().toByteArray(), NodeStatusReport.class));
  }

  @Example
  void nonContractTypesAreIllegalArguments() {
    assertThrows(IllegalArgumentException.class, () -> ProtoCodec.toBytes("text"));
    assertThrows(IllegalArgumentException.class, () -> ProtoCodec.toProto(null));
    assertThrows(
        IllegalArgumentException.class, () -> ProtoCodec.fromBytes(new byte[0], String.class));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProtoCodec.fromBytes(new byte[0], NodeMetrics.Bandwidth.class));
  }

  @Example
  void unpairedSurrogatesAreRefusedBeforeTheyReachTheWire() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new NodeLeave(A, "bye \ud800"));
    assertTrue(e.getMessage().startsWith("reason: unpaired surrogate"), e.getMessage());
    // A pair is fine.
    assertEquals(
        new NodeLeave(A, "\ud83d\ude00"),
        assertDecodes(ProtoCodec.toBytes(new NodeLeave(A, "\ud83d\ude00")), NodeLeave.class));
  }

  @Example
  void peerOfflineAndOptionalFields() throws WireFormatException {
    PeerInfo offline = peer(PeerStatusType.OFFLINE);
    var p = (Pb.PeerInfo) ProtoCodec.toProto(offline);
    assertEquals(Pb.PeerStatusType.PEER_OFFLINE, p.getStatus());
    assertFalse(p.hasRegion());
    assertEquals(offline, ProtoCodec.fromBytes(p.toByteArray(), PeerInfo.class));

    assertFalse(p.hasRttMs());

    PeerInfo emptyRegion =
        new PeerInfo(A, "", 0, 0, Instant.EPOCH, Set.of(), PeerStatusType.ACTIVE, "", 0L);
    var q = (Pb.PeerInfo) ProtoCodec.toProto(emptyRegion);
    assertTrue(q.hasRegion());
    assertTrue(q.hasRttMs());
    assertEquals(emptyRegion, ProtoCodec.fromBytes(q.toByteArray(), PeerInfo.class));

    SignedMessage noRecipient = signedPing(WSMessage.of(new Ping(3), 4, A));
    assertFalse(((Pb.SignedMessage) ProtoCodec.toProto(noRecipient)).hasRecipient());
  }

  @Example
  void unknownSubscribeTypesNameTheField() {
    var subscribe =
        Pb.Subscribe.newBuilder().addTypes("block:temperature").addTypes("block:teleport");
    String nested =
        refusal(signed(ws().setSubscribe(subscribe)).build().toByteArray(), Envelope.class);
    assertTrue(nested.startsWith("payload.data.types[1]: "), nested);
    assertTrue(nested.contains("'block:teleport'"), nested);
    String alone = refusal(subscribe.build().toByteArray(), Subscribe.class);
    assertTrue(alone.startsWith("types[1]: "), alone);
    var badBlock = Pb.Subscribe.newBuilder().addBlockIds(ByteString.copyFrom(new byte[31]));
    assertEquals(
        "blockIds[0]: 31 bytes (expected: 32 or 64)",
        refusal(badBlock.build().toByteArray(), Subscribe.class));
  }

  @Example
  void controlMessageRefusalsBecomeWireFormatExceptions() {
    byte[] badGap =
        Pb.Gap.newBuilder().setAfterSequence(5).setOldestAvailable(6).build().toByteArray();
    assertTrue(refusal(badGap, Gap.class).startsWith("oldestAvailable: 6"));
    byte[] negativeResume = Pb.Resume.newBuilder().setAfterSequence(-1).build().toByteArray();
    assertTrue(refusal(negativeResume, Resume.class).startsWith("afterSequence: -1"));
    byte[] both =
        signed(ws().setPing(Pb.Ping.newBuilder()))
            .setRequestId("r1")
            .setReplyTo("r0")
            .build()
            .toByteArray();
    refusal(both, Envelope.class);
    assertThrows(WireFormatException.class, () -> ProtoCodec.decodeEnvelope(both));
    byte[] negativeSequence =
        signed(ws().setPing(Pb.Ping.newBuilder())).setSequence(-1).build().toByteArray();
    assertTrue(refusal(negativeSequence, Envelope.class).startsWith("sequence: -1"));
  }

  @Example
  void hopFieldsAreOutsideTheSignature() throws WireFormatException {
    NodeIdentity signer = signer();
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
      Envelope sent =
          ProtoCodec.decodeEnvelope(ProtoCodec.encodeEnvelope(new Envelope(m, 42, "req-1", "")));
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(sent.message()));
      // A relay sets its own hop fields; the signature still verifies.
      Envelope relayed =
          ProtoCodec.decodeEnvelope(
              ProtoCodec.encodeEnvelope(new Envelope(sent.message(), 9_000, "", "req-1")));
      assertEquals(9_000, relayed.sequence());
      assertEquals("req-1", relayed.replyTo());
      assertEquals(m, relayed.message());
      assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(relayed.message()));
    }
  }

  /** A fixed secp256k1 signer. */
  static NodeIdentity signer() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i + 1);
    }
    return NodeIdentity.fromPrivateKey(SignatureSchemes.secp256k1(), key);
  }

  @Example
  void uptimeTravelsAsMilliseconds() {
    NodeMetrics m =
        new NodeMetrics(
            Duration.ofSeconds(90),
            3,
            4,
            new NodeMetrics.Bandwidth(5, 6),
            new NodeMetrics.Operations(7, 8));
    var p = (Pb.NodeMetrics) ProtoCodec.toProto(m);
    assertEquals(90_000, p.getUptimeMs());
    assertEquals(6, p.getBandwidthOut());
    assertEquals(8, p.getOperationsFailed());
  }

  @Example
  void negativeValuesForUnsignedFieldsAreRefusedByTheRecords() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new NodeInfo(
                A,
                new byte[33],
                "1",
                -1,
                "",
                1,
                2,
                Set.of(),
                null,
                NodeStatus.ONLINE,
                Instant.EPOCH));
    assertThrows(
        IllegalArgumentException.class, () -> new NetworkHealth(1, 2, 0.5, Map.of("eu", -1)));
  }

  private static <T> T assertDecodes(byte[] bytes, Class<T> type) {
    try {
      return ProtoCodec.fromBytes(bytes, type);
    } catch (WireFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static PeerInfo peer(PeerStatusType status) {
    return new PeerInfo(
        A, "host", 80, 81, Instant.ofEpochMilli(5), Set.of("storage"), status, null, null);
  }

  private static SignedMessage signedPing(WSMessage payload) {
    return new SignedMessage(payload, 1, A, new byte[33], new byte[64], null);
  }
}
