package org.brightchain.net.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.brightchain.net.core.internal.sync.SyncMessage.ChildBound;
import org.brightchain.net.core.internal.sync.SyncMessage.Claim;
import org.brightchain.net.core.internal.sync.SyncMessage.Entry;
import org.brightchain.net.core.internal.sync.SyncMessage.Fingerprint;
import org.brightchain.net.core.internal.sync.SyncMessage.Header;
import org.brightchain.net.core.internal.sync.SyncMessage.IdList;
import org.brightchain.net.core.internal.sync.SyncMessage.Indexes;
import org.brightchain.net.core.internal.sync.SyncMessage.ShortList;
import org.brightchain.net.core.internal.sync.SyncMessage.Skip;
import org.brightchain.net.core.internal.sync.SyncMessage.Split;

/**
 * The binary form: every message survives encode and decode unchanged, decoding is canonical (what
 * decodes re-encodes to the same bytes), and anything else, random or mangled, is refused with a
 * {@link SyncException} without allocating more than the input's size.
 */
class SyncMessagePropertiesTest {

  // ------------------------------------------------------------------ arbitraries

  @Provide
  Arbitrary<SyncMessage> messages() {
    Arbitrary<Header> header =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.longs(),
                Arbitraries.longs().between(0, Integer.MAX_VALUE),
                bytes(16))
            .as(Header::new)
            .injectNull(0.4);
    return Combinators.combine(
            Arbitraries.of(true, false),
            header,
            entries(),
            Arbitraries.integers().between(0, 4).flatMap(k -> bytes(32 * k)))
        .as(SyncMessage::new);
  }

  private static Arbitrary<byte[]> bytes(int n) {
    return Arbitraries.bytes().array(byte[].class).ofSize(n);
  }

  private Arbitrary<List<Entry>> entries() {
    Arbitrary<Entry> entry =
        Arbitraries.oneOf(
            skip(), fingerprint(), split(), idList(), shortList(), indexes(), claim());
    return entry
        .list()
        .ofMaxSize(12)
        .flatMap(
            list ->
                Arbitraries.of(true, false)
                    .map(
                        infinity -> {
                          if (!infinity || list.isEmpty()) {
                            return list;
                          }
                          List<Entry> copy = new ArrayList<>(list);
                          copy.set(copy.size() - 1, withRef(copy.get(copy.size() - 1), 0));
                          return copy;
                        }));
  }

  private static Arbitrary<Integer> ref() {
    return Arbitraries.integers().between(1, Integer.MAX_VALUE).edgeCases(c -> c.add(1));
  }

  private static Arbitrary<Entry> skip() {
    return ref().map(Skip::new);
  }

  private static Arbitrary<Entry> fingerprint() {
    return Combinators.combine(
            ref(), Arbitraries.longs().between(0, Integer.MAX_VALUE), Arbitraries.integers())
        .as(Fingerprint::new);
  }

  private static Arbitrary<ChildBound> childBound() {
    Arbitrary<ChildBound> rounded =
        Combinators.combine(
                Arbitraries.longs().between(0, ChildBound.MAX_Q),
                Arbitraries.integers().between(0, ChildBound.MAX_SHIFT))
            .as((q, s) -> new ChildBound(q, s, Bound.NO_PREFIX));
    Arbitrary<ChildBound> explicit =
        Combinators.combine(
                Arbitraries.longs().between(0, ChildBound.MAX_Q),
                Arbitraries.integers().between(0, 32).flatMap(SyncMessagePropertiesTest::bytes))
            .as((q, p) -> new ChildBound(q, ChildBound.EXPLICIT, p));
    return Arbitraries.oneOf(rounded, explicit);
  }

  private static Arbitrary<Entry> split() {
    return Arbitraries.integers()
        .between(2, 20)
        .flatMap(
            parts ->
                Combinators.combine(
                        ref(),
                        Arbitraries.longs().between(parts, Integer.MAX_VALUE),
                        childBound().list().ofSize(parts - 1),
                        Arbitraries.integers().array(int[].class).ofSize(parts))
                    .as(Split::new));
  }

  private static Arbitrary<Entry> idList() {
    return Combinators.combine(
            ref(), Arbitraries.integers().between(0, 5).flatMap(k -> bytes(32 * k)))
        .as(IdList::new);
  }

  private static Arbitrary<Entry> shortList() {
    return Combinators.combine(ref(), Arbitraries.integers().array(int[].class).ofMaxSize(20))
        .as(ShortList::new);
  }

  private static Arbitrary<Entry> indexes() {
    return Combinators.combine(
            ref(), Arbitraries.integers().between(0, Integer.MAX_VALUE).set().ofMaxSize(20))
        .as((r, set) -> new Indexes(r, new TreeSet<>(set).stream().mapToInt(i -> i).toArray()));
  }

  private static Arbitrary<Entry> claim() {
    return Combinators.combine(
            ref(),
            Arbitraries.integers().between(0, Claim.CHECK_MASK),
            Arbitraries.integers().between(1, Claim.MAX_IDS).flatMap(k -> bytes(32 * k)))
        .as(Claim::new);
  }

  private static Entry withRef(Entry e, int ref) {
    if (e instanceof Skip) {
      return new Skip(ref);
    } else if (e instanceof Fingerprint f) {
      return new Fingerprint(ref, f.count(), f.checksum());
    } else if (e instanceof Split s) {
      return new Split(ref, s.count(), s.bounds(), s.checksums());
    } else if (e instanceof IdList l) {
      return new IdList(ref, l.ids());
    } else if (e instanceof ShortList l) {
      return new ShortList(ref, l.shortIds());
    } else if (e instanceof Claim c) {
      return new Claim(ref, c.check(), c.ids());
    }
    return new Indexes(ref, ((Indexes) e).positions());
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 500)
  void everyMessageSurvivesARoundTrip(@ForAll("messages") SyncMessage m) throws SyncException {
    byte[] bytes = m.encode();
    assertEquals(m.size(), bytes.length);
    SyncMessage back = SyncMessage.decode(bytes);
    assertEquals(m, back);
    assertArrayEquals(bytes, back.encode());
  }

  @Property(tries = 1000)
  void randomBytesAreRefusedCleanlyOrDecodeCanonically(@ForAll @Size(max = 300) byte[] bytes) {
    decodeOrRefuse(bytes);
  }

  @Property(tries = 1000)
  void randomBytesAfterAValidStartToo(@ForAll @Size(max = 300) byte[] tail, @ForAll int flags) {
    byte[] bytes = new byte[tail.length + 2];
    bytes[0] = SyncMessage.VERSION;
    bytes[1] = (byte) (flags & 7);
    System.arraycopy(tail, 0, bytes, 2, tail.length);
    decodeOrRefuse(bytes);
  }

  @Property(tries = 500)
  void mangledMessagesAreRefusedCleanlyOrDecodeCanonically(
      @ForAll("messages") SyncMessage m, @ForAll long seed) {
    byte[] bytes = m.encode();
    Random r = new Random(seed);
    for (int i = 0; i < 20; i++) {
      byte[] b = bytes.clone();
      switch (r.nextInt(4)) {
        case 0:
          if (b.length > 0) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
          break;
        case 1:
          b = Arrays.copyOf(b, r.nextInt(b.length + 1));
          break;
        case 2:
          b = Arrays.copyOf(b, b.length + 1 + r.nextInt(8));
          break;
        default:
          if (b.length > 0) {
            b[r.nextInt(b.length)] = (byte) 0xff;
          }
      }
      decodeOrRefuse(b);
    }
  }

  private static void decodeOrRefuse(byte[] bytes) {
    try {
      SyncMessage m = SyncMessage.decode(bytes);
      assertArrayEquals(bytes, m.encode(), "decoding is canonical");
    } catch (SyncException e) {
      assertTrue(
          e.getMessage().startsWith("malformed sync message")
              || e.getMessage().startsWith("unsupported sync protocol version"),
          e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      fail("decode threw " + e + " for " + Arrays.toString(bytes));
    }
  }

  // ------------------------------------------------------------------ examples

  @Example
  void lengthsBeyondTheInputAreRefusedBeforeAllocating() {
    // version, flags 0, 1 range: ID_LIST claiming 2^62 ids
    byte[] b = {
      1,
      0,
      1,
      (byte) ((1 << 3) | SyncMessage.ID_LIST),
      (byte) 0xc0,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      0
    };
    SyncException e = assertThrows(SyncException.class, () -> SyncMessage.decode(b));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    // a range count far beyond the bytes left
    byte[] c = {1, 0, (byte) 0xff, (byte) 0xff, 0x7f};
    assertThrows(SyncException.class, () -> SyncMessage.decode(c));
  }

  @Example
  void messagesOverOneMebibyteAreRefusedUnread() {
    SyncException e =
        assertThrows(
            SyncException.class, () -> SyncMessage.decode(new byte[SyncMessage.MAX_SIZE + 1]));
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  @Example
  void varintsAreMostSignificantDigitFirstAndMinimal() throws SyncException {
    assertArrayEquals(new byte[] {0}, Varint.encode(0));
    assertArrayEquals(new byte[] {0x7f}, Varint.encode(127));
    assertArrayEquals(new byte[] {(byte) 0x81, 0}, Varint.encode(128));
    assertArrayEquals(new byte[] {(byte) 0x82, (byte) 0xac, 0x00}, Varint.encode(38400));
    // flags written with a leading zero digit
    assertThrows(
        SyncException.class, () -> SyncMessage.decode(new byte[] {1, (byte) 0x80, 0, 0, 0}));
    // the smallest message: no header, no ranges, no ids
    SyncMessage empty = SyncMessage.decode(new byte[] {1, 0, 0, 0});
    assertEquals(0, empty.entries.size());
    assertEquals(0, empty.idCount());
  }

  @Example
  void onlyTheLastRangeMayReachInfinity() {
    byte[] b = {1, 0, 2, SyncMessage.SKIP, (byte) ((1 << 3) | SyncMessage.SKIP), 0};
    SyncException e = assertThrows(SyncException.class, () -> SyncMessage.decode(b));
    assertTrue(e.getMessage().contains("infinity"), e.getMessage());
  }
}
