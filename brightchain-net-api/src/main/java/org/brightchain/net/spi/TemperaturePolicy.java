package org.brightchain.net.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;

/**
 * Decides block temperatures from how blocks are used. The node calls it on its scheduler thread
 * only, so an implementation needs no locking; it must keep its memory bounded.
 *
 * <p>The node tells it of every access ({@code BrightChainNode.recordAccess}) and asks it
 * periodically which blocks have cooled; a temperature it returns that differs from the block's
 * current one is set and announced like {@code updateTemperature}. Explicit {@code
 * updateTemperature} calls still work and are not overridden until the policy's own view of the
 * block changes.
 */
public interface TemperaturePolicy {

  /**
   * A block was used at {@code at}.
   *
   * @param current the block's temperature now, or empty if the node knows nothing of it
   * @return the temperature the block should have now, or empty for no opinion
   */
  Optional<DataTemperature> onAccess(BlockId id, Instant at, Optional<DataTemperature> current);

  /**
   * Periodic re-evaluation: the blocks whose temperature should change at {@code now}.
   *
   * @param current the node's current temperature of a block, or null if unknown
   */
  Map<BlockId, DataTemperature> cool(Instant now, Function<BlockId, DataTemperature> current);
}
