package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.SignedMessage;
import org.junit.jupiter.api.Test;

/** Host updates travel as signed, acknowledged, retried batches (virtual time, in memory). */
class BatchingTest {
  private final VirtualNet net = new VirtualNet();

  private static final SyncConfig NO_SYNC =
      SyncConfig.defaults().withOnConnect(false).withInterval(Duration.ZERO);

  private BrightChainNode node(String host, BatchConfig batching, String... bootstrap) {
    BrightChainNode.Builder b = net.builder(host).batching(batching).sync(NO_SYNC);
    for (String h : bootstrap) {
      b.addBootstrapNode(h, VirtualNet.PORT);
    }
    return net.start(b.build());
  }

  private static List<BatchUpdate> batches(VirtualNet.RecordingListener l) {
    List<BatchUpdate> out = new ArrayList<>();
    for (SignedMessage m : l.received) {
      if (m.payload().data() instanceof BatchUpdate b) {
        out.add(b);
      }
    }
    return out;
  }

  @Test
  void updatesWaitForTheIntervalAndLaterWritesToAFieldReplaceEarlierOnes() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(100, Duration.ofSeconds(1), 3, Duration.ofSeconds(2)));
    VirtualNet.RecordingListener heard = new VirtualNet.RecordingListener();
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .sync(NO_SYNC)
                .addBootstrapNode("10.0.0.1", VirtualNet.PORT)
                .addListener(heard)
                .build());
    net.vs.runUntilIdle();
    BlockId x = VirtualNet.blockId(1);
    BlockId y = VirtualNet.blockId(2);

    net.await(a.updateTemperature(x, DataTemperature.HOT));
    net.vs.advance(Duration.ofMillis(10));
    net.await(a.updateTemperature(x, DataTemperature.COLD));
    net.await(a.updateTemperature(y, DataTemperature.FROZEN));
    net.await(a.addLocation(y, BlockLocation.of(a.nodeId(), net.vs.now(), true)));
    assertTrue(b.metadata(x).isEmpty(), "nothing is sent before the interval ends");

    net.vs.advance(Duration.ofMillis(1_000));
    List<BatchUpdate> got = batches(heard);
    assertEquals(1, got.size(), "one batch");
    assertEquals(
        3,
        got.get(0).updates().size(),
        "x's temperature once (the later), y's temperature, y's location");
    assertEquals(DataTemperature.COLD, b.metadata(x).orElseThrow().temperature());
    assertEquals(DataTemperature.FROZEN, b.metadata(y).orElseThrow().temperature());
    assertEquals(1, b.metadata(y).orElseThrow().locations().size());
    assertEquals(a.metadata(x), b.metadata(x), "same versions on both nodes");
    assertEquals(a.metadata(y), b.metadata(y));
    DeliveryStats s = a.deliveryStats();
    assertEquals(4, s.updatesAccepted());
    assertEquals(1, s.updatesCoalesced());
    assertEquals(1, s.batchesSent());
    assertEquals(1, s.batchesAcked());
    assertEquals(1, b.deliveryStats().batchesReceived());
    assertEquals(3, b.deliveryStats().updatesApplied());
  }

  @Test
  void manyWritesInOneMillisecondDoNotRunTheClockAheadAndALaterWriteToTheSameBlockWins() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(10_000, Duration.ofSeconds(1), 3, Duration.ofSeconds(2)));
    BrightChainNode b = node("10.0.0.2", BatchConfig.defaults(), "10.0.0.1");
    net.vs.runUntilIdle();
    long now = net.vs.now().toEpochMilli();
    for (int i = 0; i < 5_000; i++) {
      net.await(a.updateTemperature(VirtualNet.blockId(50_000 + i), DataTemperature.HOT));
    }
    BlockId x = VirtualNet.blockId(50_000);
    net.await(a.updateTemperature(x, DataTemperature.FROZEN)); // same millisecond, same block
    net.await(a.flush());
    assertEquals(
        now,
        a.metadata(VirtualNet.blockId(54_999)).orElseThrow().updatedAt().toEpochMilli(),
        "writes to different blocks share the millisecond");
    assertEquals(
        DataTemperature.FROZEN,
        a.metadata(x).orElseThrow().temperature(),
        "the later write wins here");
    assertEquals(DataTemperature.FROZEN, b.metadata(x).orElseThrow().temperature(), "and there");
    DeliveryStats sa = a.deliveryStats();
    assertEquals(
        sa.updatesAccepted() - sa.updatesCoalesced(),
        b.deliveryStats().updatesApplied(),
        sa.toString());
    assertTrue(sa.batchesSent() >= 2, "5,000 updates outgrow half a frame: more than one batch");
  }

  @Test
  void aFullBatchIsSentAtOnce() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(10, Duration.ofSeconds(30), 3, Duration.ofSeconds(2)));
    BrightChainNode b = node("10.0.0.2", BatchConfig.defaults(), "10.0.0.1");
    net.vs.runUntilIdle();
    for (int i = 0; i < 25; i++) {
      net.await(a.updateTemperature(VirtualNet.blockId(100 + i), DataTemperature.HOT));
    }
    assertEquals(2, a.deliveryStats().batchesSent(), "two full batches, no waiting");
    assertEquals(20, b.deliveryStats().updatesApplied());
    net.vs.advance(Duration.ofSeconds(30));
    assertEquals(3, a.deliveryStats().batchesSent(), "the rest at the end of the interval");
    assertEquals(25, b.deliveryStats().updatesApplied());
    assertEquals(3, a.deliveryStats().batchesAcked());
  }

  @Test
  void anUnacknowledgedBatchIsSentAgainAndAppliedOnce() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(100, Duration.ofMillis(100), 3, Duration.ofSeconds(2)));
    BrightChainNode b = node("10.0.0.2", BatchConfig.defaults(), "10.0.0.1");
    net.vs.runUntilIdle();
    BlockId x = VirtualNet.blockId(3);
    // The link goes silent: the batch and its retries are lost, no connection closes.
    net.network.silence("10.0.0.2", true);
    net.await(a.updateTemperature(x, DataTemperature.HOT));
    net.vs.advance(
        Duration.ofMillis(100 + 2_000 + 100)); // sealed, sent, lost; first retry lost too
    assertEquals(1, a.deliveryStats().batchRetries());
    net.network.silence("10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(2)); // second retry arrives
    assertEquals(DataTemperature.HOT, b.metadata(x).orElseThrow().temperature());
    assertEquals(1, a.deliveryStats().batchesAcked());
    assertEquals(0, a.deliveryStats().batchesAbandoned());
    assertEquals(1, b.deliveryStats().batchesReceived());
    net.vs.advance(Duration.ofSeconds(10));
    assertEquals(1, b.deliveryStats().batchesReceived(), "applied once");
  }

  @Test
  void aPeerThatDoesNotAcknowledgeHasAtMostAWindowOfBatchesInFlight() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(1, Duration.ofSeconds(1), 3, Duration.ofSeconds(2)));
    BrightChainNode b = node("10.0.0.2", BatchConfig.defaults(), "10.0.0.1");
    net.vs.runUntilIdle();
    net.network.silence("10.0.0.2", true);
    for (int i = 0; i < 20; i++) {
      net.await(
          a.updateTemperature(VirtualNet.blockId(200 + i), DataTemperature.WARM)); // one batch each
    }
    assertEquals(20, a.deliveryStats().batchesSent());
    net.vs.advance(Duration.ofMillis(2_100));
    assertEquals(
        org.brightchain.net.core.internal.batch.BatchDelivery.BATCH_WINDOW,
        a.deliveryStats().batchRetries(),
        "only the window is in flight, and retried");
    net.network.silence("10.0.0.2", false);
    net.vs.advance(
        Duration.ofSeconds(2)); // the second retries arrive; the queued four follow the acks
    assertEquals(20, a.deliveryStats().batchesAcked());
    assertEquals(0, a.deliveryStats().batchesAbandoned());
    assertEquals(20, b.deliveryStats().updatesApplied());
  }

  @Test
  void aHostThatOutrunsAStalledPeerLosesNothingOnceThePeerRecovers() {
    BrightChainNode a =
        net.start(
            net.builder("10.0.0.1")
                .batching(new BatchConfig(1, Duration.ofMillis(100), 3, Duration.ofSeconds(2)))
                .sync(SyncConfig.defaults().withInterval(Duration.ZERO))
                .build());
    BrightChainNode b =
        net.start(net.builder("10.0.0.2").addBootstrapNode("10.0.0.1", VirtualNet.PORT).build());
    net.vs.runUntilIdle();
    net.network.silence("10.0.0.2", true);
    int n =
        org.brightchain.net.core.internal.batch.BatchDelivery.BATCH_WINDOW
            + org.brightchain.net.core.internal.batch.BatchDelivery.MAX_QUEUED_BATCHES
            + 128;
    for (int i = 0; i < n; i++) {
      net.await(
          a.updateTemperature(
              VirtualNet.blockId(70_000 + i), DataTemperature.values()[i % 4])); // one batch each
    }
    assertEquals(128, a.deliveryStats().batchesAbandoned(), "past the window and the queue");
    net.vs.advance(Duration.ofSeconds(3));
    net.network.silence("10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(90));
    for (int i = 0; i < n; i++) {
      BlockId id = VirtualNet.blockId(70_000 + i);
      assertEquals(a.metadata(id), b.metadata(id), "block " + i);
    }
  }

  @Test
  void aBatchNobodyAcknowledgesIsLeftToReconciliationWhichDeliversIt() {
    BrightChainNode a =
        net.start(
            net.builder("10.0.0.1")
                .batching(new BatchConfig(100, Duration.ofMillis(100), 2, Duration.ofMillis(500)))
                .sync(SyncConfig.defaults().withInterval(Duration.ZERO))
                .build());
    BrightChainNode b =
        net.start(net.builder("10.0.0.2").addBootstrapNode("10.0.0.1", VirtualNet.PORT).build());
    net.vs.runUntilIdle();
    BlockId x = VirtualNet.blockId(4);
    net.network.silence("10.0.0.2", true);
    net.await(a.updateTemperature(x, DataTemperature.FROZEN));
    net.vs.advance(Duration.ofMillis(100 + 3 * 500 + 50)); // sent, retried twice, given up
    assertEquals(1, a.deliveryStats().batchesAbandoned());
    assertTrue(b.metadata(x).isEmpty());
    net.network.silence("10.0.0.2", false);
    net.vs.advance(Duration.ofSeconds(70)); // reconciliation (or the reconnection's) catches up
    assertEquals(DataTemperature.FROZEN, b.metadata(x).orElseThrow().temperature());
    assertEquals(a.metadata(x), b.metadata(x));
    assertTrue(a.deliveryStats().syncsCompleted() >= 1);
  }

  @Test
  void theSameBatchTwiceIsAcknowledgedTwiceAndAppliedOnce() {
    BrightChainNode a = node("10.0.0.1", BatchConfig.defaults());
    VirtualNet.RawPeer peer = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    BlockId x = VirtualNet.blockId(5);
    long now = net.vs.now().toEpochMilli();
    SignedMessage batch =
        peer.sign(
            new BatchUpdate(
                "b-1",
                now,
                List.of(
                    BatchUpdate.Update.of(
                        new BlockTemperatureUpdate(x, DataTemperature.COLD), now - 5))),
            null);
    peer.send(
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                new Envelope(batch, 0, "q1", ""))));
    net.vs.runUntilIdle();
    peer.send(
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                new Envelope(batch, 0, "q2", ""))));
    net.vs.runUntilIdle();
    List<String> acked = new ArrayList<>();
    for (Envelope e : peer.envelopes()) {
      if (e.message().payload().data() instanceof org.brightchain.net.message.Ack ack && ack.ok()) {
        acked.add(e.replyTo());
      }
    }
    assertTrue(acked.containsAll(List.of("q1", "q2")), acked.toString());
    assertEquals(1, a.deliveryStats().batchesReceived());
    assertEquals(1, a.deliveryStats().batchDuplicates());
    assertEquals(DataTemperature.COLD, a.metadata(x).orElseThrow().temperature());
    assertEquals(
        now - 5,
        a.metadata(x).orElseThrow().versions().temperature().at().toEpochMilli(),
        "stamped with the update's own time");
  }

  @Test
  void aLongBatchIsAppliedInSlicesSoAHeartbeatBehindItIsAnsweredFirst() {
    BrightChainNode a = node("10.0.0.1", BatchConfig.defaults());
    VirtualNet.RawPeer peer = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    long now = net.vs.now().toEpochMilli();
    List<BatchUpdate.Update> updates = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      updates.add(
          BatchUpdate.Update.of(
              new BlockTemperatureUpdate(VirtualNet.blockId(10_000 + i), DataTemperature.HOT),
              now - 1));
    }
    SignedMessage batch = peer.sign(new BatchUpdate("long-1", now, updates), null);
    SignedMessage ping = peer.sign(new org.brightchain.net.message.Ping(77), a.nodeId());
    peer.sendAll(
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                new Envelope(batch, 0, "batch", ""))),
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                new Envelope(ping, 0, "ping", ""))));
    List<String> answers = new ArrayList<>();
    for (Envelope e : peer.envelopes()) {
      if (e.replyTo().equals("batch") || e.replyTo().equals("ping")) {
        answers.add(e.replyTo());
      }
    }
    assertEquals(List.of("ping", "batch"), answers, "the pong did not wait for the whole batch");
    assertEquals(3000, a.deliveryStats().updatesApplied());
  }

  @Test
  void versionsFromTheFutureAreRefusedSoTheyCannotPinARegisterOrPullTheClock() {
    BrightChainNode a = node("10.0.0.1", BatchConfig.defaults());
    VirtualNet.RawPeer peer = new VirtualNet.RawPeer(net, "10.0.0.8").connect("10.0.0.1");
    long now = net.vs.now().toEpochMilli();
    long yearAhead = now + Duration.ofDays(365).toMillis();
    BlockId x = VirtualNet.blockId(900);
    // A batch whose own timestamp (and so its updates') is far ahead of its message's.
    SignedMessage batch =
        peer.sign(
            new BatchUpdate(
                "future-1",
                yearAhead,
                List.of(
                    BatchUpdate.Update.of(
                        new BlockTemperatureUpdate(x, DataTemperature.FROZEN), yearAhead))),
            null);
    peer.send(
        org.brightchain.net.spi.Frame.binary(
            org.brightchain.net.core.internal.wire.ProtoCodec.encodeEnvelope(
                new Envelope(batch, 0, "f1", ""))));
    boolean refused = false;
    for (Envelope e : peer.envelopes()) {
      if (e.replyTo().equals("f1")
          && e.message().payload().data() instanceof org.brightchain.net.message.Ack ack) {
        refused = !ack.ok();
      }
    }
    assertTrue(refused, "the batch is refused");
    assertTrue(a.metadata(x).isEmpty(), "and not applied");
    // Metadata entries stamped beyond the replay window are ignored too.
    org.brightchain.net.BlockMetadata ahead =
        org.brightchain.net.BlockMetadata.initial(
            x, java.time.Instant.ofEpochMilli(yearAhead), peer.identity.nodeId());
    peer.send(peer.sign(new org.brightchain.net.message.MetadataSync(List.of(ahead)), a.nodeId()));
    assertTrue(a.metadata(x).isEmpty(), "future metadata ignored");
    // The host's own write still lands, stamped now.
    net.await(a.updateTemperature(x, DataTemperature.COLD));
    assertEquals(now, a.metadata(x).orElseThrow().updatedAt().toEpochMilli());
  }

  @Test
  void aSubscriberToTemperaturesOfOneBlockGetsTheBatchesThatNameIt() {
    BrightChainNode a =
        node("10.0.0.1", new BatchConfig(100, Duration.ofMillis(100), 3, Duration.ofSeconds(2)));
    BlockId wanted = VirtualNet.blockId(6);
    VirtualNet.RawPeer sub =
        new VirtualNet.RawPeer(net, "10.0.0.8")
            .connect("10.0.0.1", Map.of("types", "block:temperature", "blocks", wanted.hex()));
    net.await(a.updateTemperature(VirtualNet.blockId(7), DataTemperature.HOT));
    net.vs.advance(Duration.ofMillis(200));
    net.await(a.updateTemperature(wanted, DataTemperature.HOT));
    net.vs.advance(Duration.ofMillis(200));
    net.await(a.addLocation(wanted, BlockLocation.of(a.nodeId(), net.vs.now(), false)));
    net.vs.advance(Duration.ofMillis(200));
    List<BatchUpdate> got = new ArrayList<>();
    for (SignedMessage m : sub.messages()) {
      if (m.payload().data() instanceof BatchUpdate b) {
        got.add(b);
      }
    }
    assertEquals(1, got.size(), "only the batch with a temperature of the wanted block");
    assertEquals(wanted, got.get(0).updates().get(0).blockId());
    assertFalse(a.deliveryStats().batchesSent() < 3);
  }
}
