package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.JsonFields.blockId;
import static org.brightchain.net.core.internal.wire.JsonFields.blockIdOf;
import static org.brightchain.net.core.internal.wire.JsonFields.optText;
import static org.brightchain.net.core.internal.wire.JsonFields.putNonEmpty;
import static org.brightchain.net.core.internal.wire.JsonFields.wire;
import static org.brightchain.net.core.internal.wire.WireFields.atMost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;

/**
 * JSON form of synchronisation and batching: {@code block:sync} and {@code metadata:sync} (with
 * their reconciliation fields, omitted when empty) and {@code block:batch}. See {@link JsonCodec}.
 */
final class JsonSync {
  private JsonSync() {}

  // ------------------------------------------------------------------ encode

  static Map<String, Object> json(BlockSyncRequest r) {
    Map<String, Object> o = new LinkedHashMap<>();
    List<Object> ids = new ArrayList<>();
    r.blockIds().forEach(id -> ids.add(id.hex()));
    o.put("blockIds", ids);
    putNonEmpty(o, "session", r.session());
    putNonEmpty(o, "reconcile", r.reconcile());
    return o;
  }

  static Map<String, Object> json(MetadataSync s) {
    Map<String, Object> o = new LinkedHashMap<>();
    List<Object> entries = new ArrayList<>();
    s.entries().forEach(e -> entries.add(JsonBlocks.json(e)));
    o.put("entries", entries);
    putNonEmpty(o, "session", s.session());
    putNonEmpty(o, "reconcile", s.reconcile());
    return o;
  }

  static Map<String, Object> json(BatchUpdate b) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("batchId", b.batchId());
    o.put("timestamp", b.timestamp());
    List<Object> updates = new ArrayList<>();
    for (BatchUpdate.Update u : b.updates()) {
      updates.add(json(u));
    }
    o.put("updates", updates);
    return o;
  }

  /** One update; its type names the record its data holds (the record checks that). */
  private static Map<String, Object> json(BatchUpdate.Update u) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", u.type().name());
    o.put("blockId", u.blockId().hex());
    EventPayload data = u.data();
    o.put(
        "data",
        switch (u.type()) {
          case TEMPERATURE -> JsonBlocks.json((BlockTemperatureUpdate) data);
          case LOCATION -> JsonBlocks.json((BlockLocationUpdate) data);
          case METADATA -> JsonBlocks.json((MetadataUpdate) data);
        });
    if (u.timestamp() != 0) {
      o.put("timestamp", u.timestamp());
    }
    return o;
  }

  // ------------------------------------------------------------------ decode

  static BlockSyncRequest blockSync(JsonObject o) throws WireFormatException {
    List<BlockId> ids = new ArrayList<>();
    List<Object> raw = o.array("blockIds");
    atMost(raw.size(), BlockSyncRequest.MAX_BLOCKS, o.at("blockIds"));
    for (int i = 0; i < raw.size(); i++) {
      ids.add(blockIdOf(raw.get(i), o.at("blockIds") + "[" + i + "]"));
    }
    return new BlockSyncRequest(ids, optText(o, "session"), optText(o, "reconcile"));
  }

  static MetadataSync metadataSync(JsonObject o) throws WireFormatException {
    List<BlockMetadata> entries = new ArrayList<>();
    List<Object> raw = o.array("entries");
    atMost(raw.size(), MetadataSync.MAX_ENTRIES, o.at("entries"));
    for (int i = 0; i < raw.size(); i++) {
      entries.add(JsonBlocks.metadata(JsonObject.of(raw.get(i), o.at("entries") + "[" + i + "]")));
    }
    return new MetadataSync(entries, optText(o, "session"), optText(o, "reconcile"));
  }

  static BatchUpdate batch(JsonObject o) throws WireFormatException {
    List<BatchUpdate.Update> updates = new ArrayList<>();
    List<Object> raw = o.array("updates");
    atMost(raw.size(), BatchUpdate.MAX_UPDATES, o.at("updates"));
    for (int i = 0; i < raw.size(); i++) {
      updates.add(update(JsonObject.of(raw.get(i), o.at("updates") + "[" + i + "]")));
    }
    return new BatchUpdate(o.string("batchId"), o.longValue("timestamp"), updates);
  }

  /** One update: its data is read as the event its type names. */
  private static BatchUpdate.Update update(JsonObject u) throws WireFormatException {
    BatchUpdate.UpdateType t = wire(u, "type", BatchUpdate.UpdateType::valueOf);
    BlockId blockId = blockId(u, "blockId");
    EventPayload data =
        switch (t) {
          case TEMPERATURE -> JsonBlocks.temperatureUpdate(u.object("data"));
          case LOCATION -> JsonBlocks.locationUpdate(u.object("data"));
          case METADATA -> JsonBlocks.metadataUpdate(u.object("data"));
        };
    return new BatchUpdate.Update(
        t, blockId, data, u.has("timestamp") ? u.longValue("timestamp") : 0);
  }
}
