package org.brightchain.net.core;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.spi.TemperaturePolicy;

/**
 * The default {@link TemperaturePolicy}: a block's heat is its number of accesses, each one
 * decaying by half every {@code halfLife} (one hour by default). Temperatures follow the heat with
 * hysteresis, so that a block whose heat hovers around a threshold does not flap:
 *
 * <table>
 *   <caption>Default thresholds (heat = decayed accesses)</caption>
 *   <tr><th>To</th><th>when the heat rises to at least</th><th>and back down when it falls below</th></tr>
 *   <tr><td>HOT</td><td>16</td><td>8 (to WARM)</td></tr>
 *   <tr><td>WARM</td><td>4</td><td>2 (to COLD)</td></tr>
 *   <tr><td>COLD</td><td>1 (any access of a FROZEN block)</td><td>0.05 (to FROZEN)</td></tr>
 * </table>
 *
 * <p>With the default half-life, a block read once stays COLD for about 4.3 hours of silence, then
 * freezes; 17 reads within a few minutes make it HOT (the heat must reach 16), and it then needs
 * about an hour without reads to fall back to WARM. Memory is bounded: at most {@code maxBlocks}
 * blocks are tracked, the least recently used forgotten first (a forgotten block's heat is 0);
 * frozen blocks are forgotten. Not thread-safe: the node calls it on its scheduler only.
 */
public final class DecayingTemperaturePolicy implements TemperaturePolicy {
  private final double halfLifeMs;
  private final double hot;
  private final double warm;
  private final double cold;
  private final double hysteresis;
  private final int maxBlocks;

  /** In access order: the least recently used block is forgotten first. */
  private final Map<BlockId, Heat> heat = new LinkedHashMap<>(16, 0.75f, true);

  /** Heat of one block at one time, and the temperature this policy last gave it. */
  private static final class Heat {
    double value;
    long atMs;
    DataTemperature given;
  }

  /**
   * @param halfLife time in which an access's weight halves
   * @param hot heat at which a block becomes HOT
   * @param warm heat at which a block becomes WARM
   * @param frozenBelow heat under which a COLD block freezes
   * @param hysteresis how far under a threshold the heat must fall to step down (0.5: half)
   * @param maxBlocks most blocks tracked at once
   */
  public DecayingTemperaturePolicy(
      Duration halfLife,
      double hot,
      double warm,
      double frozenBelow,
      double hysteresis,
      int maxBlocks) {
    notNull(halfLife, "halfLife");
    checkArgument(
        !halfLife.isNegative() && !halfLife.isZero(), "halfLife: %s (expected: > 0)", halfLife);
    checkArgument(
        hot > warm && warm > 1 && frozenBelow > 0 && frozenBelow < 1,
        "thresholds: expected hot > warm > 1 > frozenBelow > 0");
    checkArgument(
        hysteresis > 0 && hysteresis < 1, "hysteresis: %s (expected: between 0 and 1)", hysteresis);
    checkArgument(warm * hysteresis > 1, "warm * hysteresis must stay above 1 (a single access)");
    checkArgument(maxBlocks > 0, "maxBlocks: %s (expected: > 0)", maxBlocks);
    this.halfLifeMs = halfLife.toMillis();
    this.hot = hot;
    this.warm = warm;
    this.cold = frozenBelow;
    this.hysteresis = hysteresis;
    this.maxBlocks = maxBlocks;
  }

  /** The defaults in the class description: half-life 1 h, 16 / 4 / 0.05, half, 100,000 blocks. */
  public static DecayingTemperaturePolicy defaults() {
    return new DecayingTemperaturePolicy(Duration.ofHours(1), 16, 4, 0.05, 0.5, 100_000);
  }

  private double decayed(Heat h, long nowMs) {
    long dt = Math.max(0, nowMs - h.atMs);
    return h.value * Math.pow(0.5, dt / halfLifeMs);
  }

  /** The temperature for {@code value}, stepping from {@code from} with hysteresis. */
  DataTemperature classify(double value, DataTemperature from) {
    DataTemperature up =
        value >= hot
            ? DataTemperature.HOT
            : value >= warm
                ? DataTemperature.WARM
                : value >= 1 || value >= cold ? DataTemperature.COLD : DataTemperature.FROZEN;
    if (from == null) {
      return up;
    }
    if (rank(up) >= rank(from)) {
      return up; // rising (or staying): thresholds as they are
    }
    // Falling: only below the lower edge of the band.
    DataTemperature t = from;
    while (rank(t) > rank(up)) {
      double floor =
          switch (t) {
            case HOT -> hot * hysteresis;
            case WARM -> warm * hysteresis;
            case COLD -> cold;
            case FROZEN -> 0;
          };
      if (value >= floor) {
        break;
      }
      t = down(t);
    }
    return t;
  }

  private static int rank(DataTemperature t) {
    return switch (t) {
      case FROZEN -> 0;
      case COLD -> 1;
      case WARM -> 2;
      case HOT -> 3;
    };
  }

  private static DataTemperature down(DataTemperature t) {
    return switch (t) {
      case HOT -> DataTemperature.WARM;
      case WARM -> DataTemperature.COLD;
      default -> DataTemperature.FROZEN;
    };
  }

  @Override
  public Optional<DataTemperature> onAccess(
      BlockId id, Instant at, Optional<DataTemperature> current) {
    long now = at.toEpochMilli();
    Heat h = heat.get(id);
    if (h == null) {
      makeRoom();
      h = new Heat();
      h.atMs = now;
      h.given = current.orElse(null);
      heat.put(id, h);
    }
    h.value = decayed(h, now) + 1;
    h.atMs = now;
    DataTemperature t = classify(h.value, current.orElse(h.given));
    h.given = t;
    return current.isPresent() && current.get() == t ? Optional.empty() : Optional.of(t);
  }

  @Override
  public Map<BlockId, DataTemperature> cool(
      Instant now, Function<BlockId, DataTemperature> current) {
    long n = now.toEpochMilli();
    Map<BlockId, DataTemperature> out = new LinkedHashMap<>();
    Iterator<Map.Entry<BlockId, Heat>> it = heat.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<BlockId, Heat> e = it.next();
      Heat h = e.getValue();
      double v = decayed(h, n);
      DataTemperature cur = current.apply(e.getKey());
      DataTemperature from = cur != null ? cur : h.given;
      DataTemperature t = classify(v, from);
      if (rank(t) > rank(from)) {
        t = from; // cooling never heats: an explicit colder setting stands until the next access
      }
      h.given = t;
      if (t != from) {
        out.put(e.getKey(), t);
      }
      if (t == DataTemperature.FROZEN) {
        it.remove(); // frozen and forgotten: heat 0, as for a block never seen
      }
    }
    return out;
  }

  /** Heat of {@code id} at {@code now}: decayed accesses (0 if not tracked). */
  public double heat(BlockId id, Instant now) {
    Heat h = heat.get(id);
    return h == null ? 0 : decayed(h, now.toEpochMilli());
  }

  /** Blocks tracked now. */
  public int tracked() {
    return heat.size();
  }

  private void makeRoom() {
    if (heat.size() >= maxBlocks) {
      Iterator<BlockId> eldest = heat.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }
}
