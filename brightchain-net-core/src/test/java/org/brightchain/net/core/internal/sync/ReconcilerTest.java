package org.brightchain.net.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.sync.SyncFixtures.Pair;
import org.brightchain.net.core.internal.sync.SyncFixtures.Run;
import org.brightchain.net.core.internal.sync.SyncFixtures.Times;

class ReconcilerTest {
  static final SyncSettings FIXED = SyncSettings.defaults().withSalt(42);

  @Example
  void identicalSetsSettleInTwoMessages() throws SyncException {
    for (int n : new int[] {0, 1, 16, 17, 256, 257, 4096, 5000}) {
      Pair p = SyncFixtures.sets(n, 0, 0, Times.SPREAD, n);
      Run run = SyncFixtures.run(p.a(), p.b(), FIXED);
      assertEquals(2, run.messages(), "n=" + n);
      assertTrue(run.bytes() <= 2048, "n=" + n + ": " + run.bytes() + " bytes");
      assertTrue(run.a().have().isEmpty() && run.a().need().isEmpty());
      assertTrue(run.b().isComplete() && run.a().isComplete());
    }
  }

  @Example
  void smallSetsAreSentWholeAndSettleInTwoMessages() throws SyncException {
    Pair p = SyncFixtures.sets(10, 3, 3, Times.SPREAD, 1);
    Run run = SyncFixtures.run(p.a(), p.b(), FIXED);
    assertEquals(2, run.messages());
    assertEquals(p.onlyA(), run.a().have());
    assertEquals(p.onlyB(), run.a().need());
    assertEquals(p.onlyA(), run.b().need());
  }

  @Example
  void oneItemAgainstNothingStillTakesTwoMessages() throws SyncException {
    // The planned bound, ceil(log16 N) + 1, is 1 for N = 1; one message cannot tell the initiator
    // anything, so the floor is two.
    for (int[] c : new int[][] {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 0, 0}}) {
      Pair p = SyncFixtures.sets(c[0], c[1], c[2], Times.SPREAD, 3);
      Run run = SyncFixtures.run(p.a(), p.b(), FIXED);
      assertEquals(2, run.messages());
      assertEquals(p.onlyA(), run.a().have());
      assertEquals(p.onlyB(), run.a().need());
    }
  }

  @Example
  void aMillionItemsWouldPlanSixMessages() {
    assertEquals(6, SyncFixtures.plannedMessages(1_000_000));
    assertEquals(5, SyncFixtures.plannedMessages(5000));
    assertEquals(4, SyncFixtures.plannedMessages(4096));
    assertEquals(2, SyncFixtures.plannedMessages(16));
    assertEquals(2, SyncFixtures.plannedMessages(1));
  }

  @Example
  void blockMetadataReconcilesAndThenAgrees() throws SyncException {
    NodeId nodeA = NodeId.of("0a".repeat(32));
    NodeId nodeB = NodeId.of("0b".repeat(32));
    Random r = new Random(5);
    Map<BlockId, BlockMetadata> a = new HashMap<>();
    Map<BlockId, BlockMetadata> b = new HashMap<>();
    Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
    for (int i = 0; i < 3000; i++) {
      byte[] raw = SyncFixtures.id(r);
      BlockId id = BlockId.of(HexFormat.of().formatHex(raw));
      BlockMetadata m = BlockMetadata.initial(id, t0.plusMillis(r.nextInt(1_000_000)), nodeA);
      a.put(id, m);
      if (i % 50 == 0) {
        // B changed it later: a newer version on B only, the older one on A only.
        b.put(id, m.withTemperature(DataTemperature.HOT, m.updatedAt().plusSeconds(5), nodeB));
      } else if (i % 77 != 0) {
        b.put(id, m); // else: B never heard of it
      }
    }
    for (int i = 0; i < 20; i++) {
      BlockId id = BlockId.of(HexFormat.of().formatHex(SyncFixtures.id(r)));
      b.put(id, BlockMetadata.initial(id, t0.plusMillis(r.nextInt(1_000_000)), nodeB));
    }

    Run run = reconcile(a, b);
    // What each side pulls: the versions it lacks, by id, from a map each side keeps.
    Map<ItemId, BlockMetadata> byIdA = index(a);
    Map<ItemId, BlockMetadata> byIdB = index(b);
    assertEquals(run.a().need(), run.b().have());
    for (ItemId id : run.a().need()) {
      merge(a, byIdB.get(id));
    }
    for (ItemId id : run.b().need()) {
      merge(b, byIdA.get(id));
    }
    assertEquals(a, b);
    Run again = reconcile(a, b);
    assertTrue(again.a().need().isEmpty() && again.a().have().isEmpty());
    assertEquals(2, again.messages());
  }

  private static Run reconcile(Map<BlockId, BlockMetadata> a, Map<BlockId, BlockMetadata> b)
      throws SyncException {
    return SyncFixtures.run(storage(a), storage(b), FIXED);
  }

  private static SyncStorage storage(Map<BlockId, BlockMetadata> m) {
    SyncStorage.Builder s = SyncStorage.builder(m.size());
    m.values().forEach(x -> s.add(SyncItem.of(x)));
    return s.build();
  }

  private static Map<ItemId, BlockMetadata> index(Map<BlockId, BlockMetadata> m) {
    Map<ItemId, BlockMetadata> out = new HashMap<>();
    m.values().forEach(x -> out.put(SyncItem.idOf(x), x));
    return out;
  }

  private static void merge(Map<BlockId, BlockMetadata> into, BlockMetadata m) {
    into.merge(m.blockId(), m, (old, neu) -> neu.isNewerThan(old) ? neu : old);
  }

  @Example
  void aSmallFrameLimitCostsRoundsNotCorrectness() throws SyncException {
    Pair p = SyncFixtures.sets(3000, 1500, 1200, Times.SPREAD, 9);
    SyncSettings small = FIXED.withFrameSizeLimit(SyncSettings.MIN_FRAME_SIZE_LIMIT);
    Run run = SyncFixtures.run(p.a(), p.b(), small);
    assertTrue(run.largest() <= SyncSettings.MIN_FRAME_SIZE_LIMIT, "largest " + run.largest());
    assertEquals(p.onlyA(), run.a().have());
    assertEquals(p.onlyB(), run.a().need());
    assertEquals(p.onlyA(), run.b().need());
    assertEquals(p.onlyB(), run.b().have());
    assertTrue(run.capped() > 0);
  }

  @Example
  void aDroppedIdIsCaughtByTheFingerprintCheck() throws SyncException {
    Pair p = SyncFixtures.sets(2000, 30, 30, Times.SPREAD, 11);
    Reconciler a = Reconciler.initiator(p.a(), FIXED);
    Reconciler b = Reconciler.responder(p.b(), FIXED);
    Optional<byte[]> msg = Optional.of(a.initiate());
    Reconciler next = b;
    boolean tampered = false;
    try {
      while (msg.isPresent()) {
        byte[] m = msg.get();
        SyncMessage decoded = SyncMessage.decode(m);
        if (!tampered && decoded.idCount() > 0) {
          byte[] fewer = Arrays.copyOf(decoded.ids, decoded.ids.length - ItemId.LENGTH);
          m = new SyncMessage(decoded.more, decoded.header, decoded.entries, fewer).encode();
          tampered = true;
        }
        msg = next.reconcile(m);
        next = next == a ? b : a;
      }
      fail("a lost id went unnoticed");
    } catch (SyncException e) {
      assertTrue(tampered);
      assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }
  }

  @Example
  void misuseIsRefused() throws SyncException {
    Reconciler a = Reconciler.initiator(SyncStorage.empty(), FIXED);
    Reconciler b = Reconciler.responder(SyncStorage.empty(), FIXED);
    assertThrows(IllegalStateException.class, b::initiate);
    assertThrows(IllegalStateException.class, () -> a.reconcile(new byte[] {1, 0, 0, 0}));
    byte[] first = a.initiate();
    assertThrows(IllegalStateException.class, a::initiate);
    byte[] answer = b.reconcile(first).orElseThrow();
    assertTrue(b.isComplete());
    assertThrows(SyncException.class, () -> b.reconcile(first));
    assertFalse(a.reconcile(answer).isPresent());
    assertTrue(a.isComplete());
  }

  @Example
  void messagesThatDoNotFitTheConversationAreRefused() throws SyncException {
    Pair p = SyncFixtures.sets(1000, 5, 5, Times.SPREAD, 2);
    // The opening message must come with a salt, and only once.
    Reconciler b = Reconciler.responder(p.b(), FIXED);
    assertRefused(b, new SyncMessage(false, null, List.of(), new byte[0]), "header");

    Reconciler a = Reconciler.initiator(p.a(), FIXED);
    byte[] first = a.initiate();
    Reconciler b2 = Reconciler.responder(p.b(), FIXED);
    SyncMessage answer = SyncMessage.decode(b2.reconcile(first).orElseThrow());
    // References past the units the initiator sent.
    assertRefused(
        a,
        new SyncMessage(false, answer.header, List.of(new SyncMessage.Skip(100_000)), new byte[0]),
        "refers");
    // Positions for a range that was a split part, not a list.
    Reconciler a3 = Reconciler.initiator(p.a(), FIXED);
    a3.initiate();
    assertRefused(
        a3,
        new SyncMessage(
            false, answer.header, List.of(new SyncMessage.Indexes(1, new int[] {0})), new byte[0]),
        "not a list");
    // A second header.
    Reconciler a4 = Reconciler.initiator(p.a(), FIXED);
    Reconciler b4 = Reconciler.responder(p.b(), FIXED);
    byte[] third = a4.reconcile(b4.reconcile(a4.initiate()).orElseThrow()).orElseThrow();
    assertRefused(b4, new SyncMessage(false, answer.header, List.of(), new byte[0]), "repeats");
    assertTrue(third.length > 0);
  }

  private static void assertRefused(Reconciler r, SyncMessage m, String why) {
    SyncException e = assertThrows(SyncException.class, () -> r.reconcile(m.encode()));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Example
  void aPeerCannotDragTheConversationOn() throws SyncException {
    Pair p = SyncFixtures.sets(20, 0, 0, Times.SPREAD, 2);
    Reconciler a = Reconciler.initiator(p.a(), FIXED.withMaxMessages(2));
    byte[] first = a.initiate();
    Reconciler b = Reconciler.responder(p.b(), FIXED.withMaxMessages(2));
    byte[] answer = b.reconcile(first).orElseThrow();
    // The initiator's limit: the answer is message 2, allowed; a third would not be.
    assertFalse(a.reconcile(answer).isPresent());
  }

  /**
   * Any message of a conversation, mangled, is refused with a {@link SyncException} or taken as a
   * (different) valid message; nothing else is thrown and the conversation still ends.
   */
  @Property(tries = 150)
  void mangledMessagesMidConversationFailCleanly(
      @ForAll @IntRange(max = 3000) int size,
      @ForAll @IntRange(max = 40) int differences,
      @ForAll long seed) {
    int half = differences / 2;
    Pair p = SyncFixtures.sets(size, half, differences - half, Times.SPREAD, seed);
    Random r = new Random(seed);
    SyncSettings settings = FIXED.withMaxMessages(40);
    Reconciler a = Reconciler.initiator(p.a(), settings);
    Reconciler b = Reconciler.responder(p.b(), settings);
    int mangleAt = r.nextInt(5);
    try {
      Optional<byte[]> msg = Optional.of(a.initiate());
      Reconciler next = b;
      for (int k = 0; msg.isPresent(); k++) {
        byte[] m = msg.get();
        if (k == mangleAt) {
          m = mangle(m, r);
        }
        msg = next.reconcile(m);
        next = next == a ? b : a;
      }
    } catch (SyncException expected) {
      // refused
    } catch (RuntimeException e) {
      throw new AssertionError("mangled message threw " + e, e);
    }
  }

  private static byte[] mangle(byte[] m, Random r) {
    byte[] b = m.clone();
    switch (r.nextInt(5)) {
      case 0:
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
      case 1:
        return Arrays.copyOf(b, r.nextInt(b.length));
      case 2:
        byte[] noise = new byte[r.nextInt(64)];
        r.nextBytes(noise);
        return noise;
      case 3:
        for (int i = 0; i < 4; i++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
      default:
        // A well-formed message with other contents: shuffled ranges.
        try {
          SyncMessage d = SyncMessage.decode(m);
          List<SyncMessage.Entry> entries = new ArrayList<>(d.entries);
          if (entries.size() > 1) {
            SyncMessage.Entry last = entries.remove(entries.size() - 1);
            java.util.Collections.shuffle(entries, r);
            entries.add(last);
          }
          return new SyncMessage(d.more, d.header, entries, d.ids).encode();
        } catch (SyncException e) {
          throw new AssertionError(e);
        }
    }
  }

  @Example
  void haveAndNeedAreReadOnlyViews() throws SyncException {
    Pair p = SyncFixtures.sets(100, 2, 2, Times.SPREAD, 4);
    Run run = SyncFixtures.run(p.a(), p.b(), FIXED);
    Set<ItemId> have = run.a().have();
    assertThrows(UnsupportedOperationException.class, have::clear);
    assertEquals(run.a().bytesSent(), run.b().bytesReceived());
    assertEquals(run.a().messagesSent() + run.b().messagesSent(), run.messages());
  }
}
