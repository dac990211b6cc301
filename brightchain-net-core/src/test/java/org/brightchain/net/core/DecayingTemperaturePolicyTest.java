package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.junit.jupiter.api.Test;

/**
 * The default temperature policy: decay, thresholds, hysteresis, bounded memory; and the node using
 * it.
 */
class DecayingTemperaturePolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");
  private static final BlockId B = blockId(1);

  /** Drives a policy like the node does, keeping the "current" temperature. */
  private static final class Driver {
    final DecayingTemperaturePolicy policy = DecayingTemperaturePolicy.defaults();
    final Map<BlockId, DataTemperature> current = new HashMap<>();
    final List<double[]> changes = new ArrayList<>(); // {heat, from rank, to rank}

    void access(BlockId id, Instant at) {
      Optional<DataTemperature> before = Optional.ofNullable(current.get(id));
      policy.onAccess(id, at, before).ifPresent(t -> change(id, at, t));
    }

    void cool(Instant at) {
      policy.cool(at, current::get).forEach((id, t) -> change(id, at, t));
    }

    private void change(BlockId id, Instant at, DataTemperature t) {
      DataTemperature from = current.get(id);
      changes.add(
          new double[] {policy.heat(id, at), from == null ? -1 : from.ordinal(), t.ordinal()});
      current.put(id, t);
    }
  }

  @Test
  void accessesHeatABlockAndSilenceCoolsItStepByStep() {
    Driver d = new Driver();
    d.access(B, T0);
    assertEquals(DataTemperature.COLD, d.current.get(B), "one access");
    for (int i = 1; i < 5; i++) {
      d.access(B, T0.plusSeconds(i));
    }
    assertEquals(
        DataTemperature.WARM, d.current.get(B), "5 accesses within seconds: heat just under 5");
    for (int i = 5; i < 17; i++) {
      d.access(B, T0.plusSeconds(i));
    }
    assertEquals(DataTemperature.HOT, d.current.get(B), "17 accesses: heat just under 17");
    d.cool(T0.plus(Duration.ofMinutes(55)));
    assertEquals(
        DataTemperature.HOT, d.current.get(B), "heat about 9.1: still above HOT's floor (8)");
    d.cool(T0.plus(Duration.ofMinutes(70)));
    assertEquals(DataTemperature.WARM, d.current.get(B), "about one half-life later: below 8");
    d.cool(T0.plus(Duration.ofHours(3).plusMinutes(15)));
    assertEquals(DataTemperature.COLD, d.current.get(B), "below 2");
    d.cool(T0.plus(Duration.ofHours(8).plusMinutes(30)));
    assertEquals(DataTemperature.FROZEN, d.current.get(B), "below 0.05");
    assertEquals(0, d.policy.tracked(), "frozen blocks are forgotten");
  }

  @Test
  void aHeatHoveringAroundAThresholdDoesNotFlap() {
    Driver d = new Driver();
    Instant t = T0;
    for (int i = 0; i < 4; i++) {
      d.access(B, t);
    }
    assertEquals(
        DataTemperature.WARM, d.current.get(B), "4 accesses at one instant: heat exactly 4");
    // Keep the heat between 2.5 and 4.5 for a day: one access whenever it falls under 3.5.
    int changesBefore = d.changes.size();
    for (int minute = 1; minute <= 24 * 60; minute++) {
      t = T0.plus(Duration.ofMinutes(minute));
      if (d.policy.heat(B, t) < 3.5) {
        d.access(B, t);
      }
      d.cool(t);
    }
    assertEquals(changesBefore, d.changes.size(), "stayed WARM all day");
  }

  @Test
  void memoryIsBounded() {
    DecayingTemperaturePolicy p =
        new DecayingTemperaturePolicy(Duration.ofHours(1), 16, 4, 0.05, 0.5, 1000);
    for (int i = 0; i < 10_000; i++) {
      p.onAccess(blockId(i), T0.plusMillis(i), Optional.empty());
    }
    assertEquals(1000, p.tracked());
    assertTrue(p.heat(blockId(9_999), T0.plusSeconds(10)) > 0.9, "the most recent is kept");
    assertEquals(0, p.heat(blockId(0), T0.plusSeconds(10)), "the least recent is forgotten");
  }

  @Provide
  Arbitrary<List<Long>> gaps() {
    // Gaps between events in seconds: bursts and long silences.
    return Arbitraries.oneOf(
            Arbitraries.longs().between(0, 30), Arbitraries.longs().between(60, 4 * 3600))
        .list()
        .ofMinSize(1)
        .ofMaxSize(300);
  }

  /**
   * Whatever the pattern of accesses and re-evaluations, a step up to a temperature happens only at
   * or above its threshold and a step down only below the lower edge of the band, so the heat must
   * cross the whole band between two opposite steps at the same boundary: no flapping.
   */
  @Property(tries = 300)
  void stepsHappenOnlyOutsideTheHysteresisBand(
      @ForAll("gaps") List<Long> gaps, @ForAll("gaps") List<Long> kinds) {
    Driver d = new Driver();
    Instant t = T0;
    for (int i = 0; i < gaps.size(); i++) {
      t = t.plusSeconds(gaps.get(i));
      if (kinds.get(i % kinds.size()) % 3 == 0) {
        d.cool(t);
      } else {
        d.access(B, t);
      }
    }
    double[] up = {0.05, 1, 4, 16}; // FROZEN is reached only by falling
    double[] floor = {0, 0.05, 2, 8};
    for (double[] c : d.changes) {
      double heat = c[0];
      int from = (int) c[1];
      int to = (int) c[2];
      // DataTemperature order: HOT, WARM, COLD, FROZEN (ordinal 0..3): rank = 3 - ordinal.
      int rTo = 3 - to;
      int rFrom = from < 0 ? -1 : 3 - from;
      if (rFrom >= 0 && rTo < rFrom) {
        assertTrue(
            heat < floor[rFrom] + 1e-9, "stepped down from rank " + rFrom + " at heat " + heat);
      } else if (rFrom >= 0 && rTo > rFrom) {
        assertTrue(heat >= up[rTo] - 1e-9, "stepped up to rank " + rTo + " at heat " + heat);
      }
    }
  }

  @Test
  void theNodeTurnsAccessesIntoAnnouncedTemperaturesAndCoolsThem() {
    VirtualNet net = new VirtualNet();
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");
    net.vs.runUntilIdle();
    for (int i = 0; i < 16; i++) {
      net.await(a.recordAccess(B)); // at one virtual instant: heat exactly 16
    }
    net.await(a.flush());
    assertEquals(DataTemperature.HOT, a.metadata(B).orElseThrow().temperature());
    assertEquals(DataTemperature.HOT, b.metadata(B).orElseThrow().temperature(), "announced");
    net.vs.advance(Duration.ofMinutes(62)); // cooling runs every minute
    assertEquals(DataTemperature.WARM, a.metadata(B).orElseThrow().temperature());
    assertEquals(DataTemperature.WARM, b.metadata(B).orElseThrow().temperature());
    // An explicit setting still works.
    net.await(a.updateTemperature(B, DataTemperature.FROZEN));
    net.await(a.flush());
    net.vs.advance(Duration.ofMinutes(5));
    assertEquals(
        DataTemperature.FROZEN, a.metadata(B).orElseThrow().temperature(), "cooling never heats");
    assertEquals(DataTemperature.FROZEN, b.metadata(B).orElseThrow().temperature());
  }
}
