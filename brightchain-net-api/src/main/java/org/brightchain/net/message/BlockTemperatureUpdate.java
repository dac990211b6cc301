package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;

/**
 * {@code block:temperature}: a block's temperature changed. The change is stamped with the
 * enclosing message's timestamp and sender.
 *
 * @param blockId the block
 * @param temperature its new temperature
 */
public record BlockTemperatureUpdate(BlockId blockId, DataTemperature temperature)
    implements EventPayload {

  /** Validates. */
  public BlockTemperatureUpdate {
    notNull(blockId, "blockId");
    notNull(temperature, "temperature");
  }

  @Override
  public WSEventType type() {
    return WSEventType.BLOCK_TEMPERATURE;
  }
}
