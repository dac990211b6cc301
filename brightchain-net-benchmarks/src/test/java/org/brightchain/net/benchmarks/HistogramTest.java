package org.brightchain.net.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistogramTest {

  @Test
  void exactBelow128AndWithinTwoPercentAbove() {
    Histogram h = new Histogram();
    for (long v = 1; v <= 100; v++) {
      h.record(v);
    }
    assertEquals(50, h.quantile(0.5));
    assertEquals(99, h.quantile(0.99));
    assertEquals(100, h.count());

    for (long v : new long[] {130, 1_000, 77_777, 5_000_000, 3_000_000_000L}) {
      Histogram one = new Histogram();
      one.record(v);
      long q = one.quantile(0.5);
      assertTrue(Math.abs(q - v) <= v * 0.02, v + " read back as " + q);
    }
  }

  @Test
  void bucketsAreContiguous() {
    // Every bucket below the last power of two (2^50 µs, the cap) starts where the previous ends.
    for (int i = 1; i < 128 + (50 - 7) * 64; i++) {
      long lo = Histogram.lowerBound(i);
      assertEquals(i, Histogram.index(lo), "bucket " + i);
      assertEquals(i - 1, Histogram.index(lo - 1), "below bucket " + i);
    }
  }

  @Test
  void mergesCounts() {
    Histogram a = new Histogram();
    Histogram b = new Histogram();
    a.record(10);
    b.record(20);
    b.record(-5);
    a.add(b);
    assertEquals(3, a.count());
    assertEquals(20, a.max());
    assertEquals(0, a.quantile(0.1));
  }
}
