package org.brightchain.net.core.internal.channel;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;

/** Which events one connection wants; immutable. */
public record Subscription(Set<WSEventType> types, Set<BlockId> blocks) {

  public static final Subscription ALL = new Subscription(Set.of(), Set.of());

  /** Announcements and control messages reach every connection whatever it subscribed to. */
  private static final Set<WSEventType> ALWAYS =
      EnumSet.of(
          WSEventType.NODE_ANNOUNCE,
          WSEventType.PING,
          WSEventType.PONG,
          WSEventType.ACK,
          WSEventType.RESUME,
          WSEventType.GAP,
          WSEventType.SUBSCRIBE);

  public static Subscription of(Subscribe s) {
    return new Subscription(Set.copyOf(s.types()), Set.copyOf(s.blockIds()));
  }

  /**
   * Parses the query parameters {@code types=a,b} (wire names) and {@code blocks=id,id}.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Subscription parse(String types, String blocks) {
    Set<WSEventType> t = new LinkedHashSet<>();
    if (types != null && !types.isBlank()) {
      for (String name : types.split(",")) {
        t.add(WSEventType.fromWire(name.trim()));
      }
    }
    Set<BlockId> b = new LinkedHashSet<>();
    if (blocks != null && !blocks.isBlank()) {
      for (String id : blocks.split(",")) {
        if (!BlockId.isValid(id.trim())) {
          throw new IllegalArgumentException("blocks: '" + id + "' is not a block id");
        }
        b.add(BlockId.of(id.trim()));
      }
    }
    return new Subscription(Set.copyOf(t), Set.copyOf(b));
  }

  public boolean matches(EventPayload data) {
    WSEventType type = data.type();
    if (ALWAYS.contains(type)) {
      return true;
    }
    if (data instanceof BatchUpdate b) {
      return matchesBatch(b);
    }
    if (!types.isEmpty() && !types.contains(type)) {
      return false;
    }
    if (blocks.isEmpty()) {
      return true;
    }
    List<BlockId> named = blocksOf(data);
    if (named == null) {
      return true; // not about blocks
    }
    for (BlockId id : named) {
      if (blocks.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A batch goes to a connection that wants {@code block:batch} or the type of any update in it,
   * and, with a block filter, names any of its blocks. The batch travels whole: it is one signed
   * message.
   */
  private boolean matchesBatch(BatchUpdate b) {
    if (!types.isEmpty() && !types.contains(WSEventType.BLOCK_BATCH)) {
      boolean any = false;
      for (BatchUpdate.Update u : b.updates()) {
        if (types.contains(u.data().type())) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    if (blocks.isEmpty()) {
      return true;
    }
    for (BatchUpdate.Update u : b.updates()) {
      if (blocks.contains(u.blockId())) {
        return true;
      }
    }
    return false;
  }

  private static List<BlockId> blocksOf(EventPayload data) {
    if (data instanceof BlockTemperatureUpdate t) {
      return List.of(t.blockId());
    } else if (data instanceof BlockLocationUpdate l) {
      return List.of(l.blockId());
    } else if (data instanceof MetadataUpdate m) {
      return List.of(m.metadata().blockId());
    } else if (data instanceof MetadataSync s) {
      return s.entries().stream().map(BlockMetadata::blockId).toList();
    } else if (data instanceof BlockSyncRequest r) {
      return r.blockIds();
    }
    return null;
  }
}
