package org.brightchain.net.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SyncStorageTest {

  @Example
  void itemsAreSortedByTimestampThenIdAndDuplicatesDropped() {
    Random r = new Random(1);
    List<SyncItem> items = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      items.add(SyncItem.of(r.nextInt(50), SyncFixtures.id(r)));
    }
    items.addAll(items.subList(0, 100)); // duplicates
    Collections.shuffle(items, r);
    SyncStorage s = SyncStorage.of(items);

    List<SyncItem> expected = new ArrayList<>(new java.util.TreeSet<>(items));
    assertEquals(expected.size(), s.size());
    for (int i = 0; i < s.size(); i++) {
      assertEquals(expected.get(i), s.item(i));
      assertEquals(i, s.indexOf(expected.get(i)));
    }
    assertFalse(s.contains(SyncItem.of(7, new byte[32])));
    assertEquals(0, SyncStorage.empty().size());
  }

  /** Negentropy v1: SHA-256 of the id sum (little-endian, mod 2^256) and the count as a varint. */
  static byte[] reference(List<SyncItem> items) throws Exception {
    BigInteger sum = BigInteger.ZERO;
    for (SyncItem item : items) {
      byte[] le = item.id().bytes();
      byte[] be = new byte[33];
      for (int i = 0; i < 32; i++) {
        be[32 - i] = le[i];
      }
      sum = sum.add(new BigInteger(be));
    }
    sum = sum.mod(BigInteger.ONE.shiftLeft(256));
    byte[] be = sum.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      le[i] = be[be.length - 1 - i];
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.write(le);
    // varint, most significant digit first
    long n = items.size();
    List<Integer> digits = new ArrayList<>();
    do {
      digits.add((int) (n & 0x7f));
      n >>>= 7;
    } while (n != 0);
    for (int i = digits.size() - 1; i >= 0; i--) {
      buf.write(i == 0 ? digits.get(i) : digits.get(i) | 0x80);
    }
    return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(buf.toByteArray()), 16);
  }

  @Property(tries = 50)
  void rangeFingerprintsAreNegentropys(@ForAll @IntRange(max = 2000) int size, @ForAll long seed)
      throws Exception {
    Random r = new Random(seed);
    SyncStorage.Builder b = SyncStorage.builder();
    for (int i = 0; i < size; i++) {
      byte[] id = SyncFixtures.id(r);
      if (i % 7 == 0) {
        Arrays.fill(id, (byte) 0xff); // sums that carry
        id[31] = (byte) i;
      }
      b.add(r.nextInt(1000), id);
    }
    SyncStorage s = b.build();
    List<SyncItem> all = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      all.add(s.item(i));
    }
    assertArrayEquals(reference(all), s.fingerprint());
    for (int k = 0; k < 20; k++) {
      int from = s.size() == 0 ? 0 : r.nextInt(s.size() + 1);
      int to = from + (s.size() == from ? 0 : r.nextInt(s.size() - from + 1));
      assertArrayEquals(reference(all.subList(from, to)), s.fingerprint(from, to));
    }
  }

  @Example
  void theEmptyFingerprintIsTheDigestOfZeroSumAndCount() throws Exception {
    byte[] input = new byte[33];
    byte[] expected = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(input), 16);
    assertArrayEquals(expected, SyncStorage.empty().fingerprint());
    assertTrue(SyncStorage.empty().toString().contains("0 items"));
  }
}
