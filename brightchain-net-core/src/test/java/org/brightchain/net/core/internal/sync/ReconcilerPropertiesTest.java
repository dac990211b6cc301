package org.brightchain.net.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.brightchain.net.core.internal.sync.SyncFixtures.Pair;
import org.brightchain.net.core.internal.sync.SyncFixtures.Run;
import org.brightchain.net.core.internal.sync.SyncFixtures.Times;

/**
 * Two random sets of 0 to 5,000 items, overlapping anywhere from not at all to completely: after
 * the conversation both sides know exactly what each lacks, within {@code 64 * d + 2048} bytes
 * ({@code d} differences) and {@code max(2, ceil(log16 N) + 1)} messages ({@code N} the larger
 * set), plus two messages for each message the 64 KiB frame limit cut short.
 */
class ReconcilerPropertiesTest {

  /** Sizes, the share of the smaller set the other also holds, timestamps, and a seed. */
  record Shape(int sizeA, int sizeB, int common, Times times, long seed) {
    Pair sets() {
      return SyncFixtures.sets(common, sizeA - common, sizeB - common, times, seed);
    }
  }

  @Provide
  Arbitrary<Shape> shapes() {
    Arbitrary<Integer> size = Arbitraries.integers().between(0, 5000);
    // Mostly large overlaps, where reconciliation must be cheap; some anywhere, some identical.
    Arbitrary<Double> overlap =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.doubles().between(0, 1)),
            Tuple.of(3, Arbitraries.doubles().between(0.9, 1)),
            Tuple.of(3, Arbitraries.doubles().between(0.98, 1)),
            Tuple.of(1, Arbitraries.just(1.0)));
    return Combinators.combine(
            size,
            size,
            overlap,
            Arbitraries.of(Times.class),
            Arbitraries.longs(),
            Arbitraries.integers().between(0, 9))
        .as(
            (a, b, f, times, seed, same) -> {
              if (same == 0) {
                b = a; // same size, a handful of differences: the sparsest case
                int common = Math.max(0, a - (int) Math.floorMod(seed, 20));
                return new Shape(a, b, common, times, seed);
              }
              return new Shape(a, b, (int) (Math.min(a, b) * f), times, seed);
            });
  }

  @Property(tries = 1000)
  void bothSidesEndKnowingTheDifference(@ForAll("shapes") Shape shape) throws SyncException {
    Pair p = shape.sets();
    Run run = SyncFixtures.run(p.a(), p.b(), SyncSettings.defaults().withSalt(shape.seed()));

    assertTrue(run.a().isComplete() && run.b().isComplete());
    assertEquals(p.onlyA(), run.a().have());
    assertEquals(p.onlyB(), run.a().need());
    assertEquals(p.onlyB(), run.b().have());
    assertEquals(p.onlyA(), run.b().need());

    long byteBound = 64L * p.differences() + 2048;
    assertTrue(
        run.bytes() <= byteBound,
        () ->
            run.bytes()
                + " bytes for "
                + p.differences()
                + " differences (bound "
                + byteBound
                + "), "
                + shape);
    int messageBound = SyncFixtures.plannedMessages(p.larger()) + 2 * run.capped();
    assertTrue(
        run.messages() <= messageBound,
        () -> run.messages() + " messages (bound " + messageBound + "), " + shape);
    assertTrue(run.largest() <= SyncSettings.DEFAULT_FRAME_SIZE_LIMIT);
  }

  /**
   * With the smallest frame, most conversations outgrow it: ids wait for later messages and ranges
   * fall back to one fingerprint for the rest. The result is still exact.
   */
  @Property(tries = 150)
  void smallFramesCostRoundsNotCorrectness(@ForAll("shapes") Shape shape) throws SyncException {
    Pair p = shape.sets();
    SyncSettings settings =
        SyncSettings.defaults()
            .withSalt(shape.seed())
            .withFrameSizeLimit(SyncSettings.MIN_FRAME_SIZE_LIMIT)
            .withMaxMessages(1000);
    Run run = SyncFixtures.run(p.a(), p.b(), settings);
    assertEquals(p.onlyA(), run.a().have());
    assertEquals(p.onlyB(), run.a().need());
    assertEquals(p.onlyB(), run.b().have());
    assertEquals(p.onlyA(), run.b().need());
    assertTrue(run.largest() <= SyncSettings.MIN_FRAME_SIZE_LIMIT, () -> "" + run.largest());
  }
}
