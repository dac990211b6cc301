package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EpochTrackerTest {
  private final AtomicLong nanos = new AtomicLong();
  private final EpochTracker t = new EpochTracker(nanos::get);

  private void pass(long seconds) {
    nanos.addAndGet(seconds * 1_000_000_000L);
  }

  @Test
  void anEpochThatKeepsTimeIsFine() {
    assertNull(t.observe(100));
    pass(60);
    assertNull(t.observe(160));
    pass(3600);
    assertNull(t.observe(3700), "within 1/16 and 2 s of the client's own clock");
  }

  @Test
  void anEpochThatWentBackMeansARestart() {
    t.observe(3600);
    pass(10);
    assertEquals("its epoch went back from 3600 s to 3 s", t.observe(3));
    pass(10);
    assertNull(t.observe(13), "the new epoch is the reference from then on");
  }

  @Test
  void anEpochThatFellBehindMeansTheTableWasReset() {
    t.observe(100);
    pass(600);
    assertEquals("its epoch moved 10 s in 600 s", t.observe(110));
  }
}
