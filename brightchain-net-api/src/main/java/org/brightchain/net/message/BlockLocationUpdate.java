package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.notNull;

import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.internal.WireNames;

/**
 * {@code block:location}: a copy of a block was added or removed.
 *
 * @param blockId the block
 * @param location the copy concerned
 * @param action whether it was added or removed
 */
public record BlockLocationUpdate(BlockId blockId, BlockLocation location, Action action)
    implements EventPayload {

  /** Validates. */
  public BlockLocationUpdate {
    notNull(blockId, "blockId");
    notNull(location, "location");
    notNull(action, "action");
  }

  @Override
  public WSEventType type() {
    return WSEventType.BLOCK_LOCATION;
  }

  /** What happened to the copy. */
  public enum Action {
    /** The copy exists (added or confirmed). */
    ADD("add"),
    /** The copy is gone. */
    REMOVE("remove");

    private static final WireNames<Action> NAMES = new WireNames<>(Action.class, Action::wireName);
    private final String wireName;

    Action(String wireName) {
      this.wireName = wireName;
    }

    /** The value as written on the wire. */
    public String wireName() {
      return wireName;
    }

    /** The action with this wire name. */
    public static Action fromWire(String wireName) {
      return NAMES.get(wireName);
    }
  }
}
