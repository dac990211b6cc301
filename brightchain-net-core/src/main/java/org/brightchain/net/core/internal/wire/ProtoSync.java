package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.ProtoFields.badEnum;
import static org.brightchain.net.core.internal.wire.ProtoFields.base64;
import static org.brightchain.net.core.internal.wire.ProtoFields.blockId;
import static org.brightchain.net.core.internal.wire.ProtoFields.bytes;
import static org.brightchain.net.core.internal.wire.ProtoFields.fromBase64;
import static org.brightchain.net.core.internal.wire.ProtoFields.missing;
import static org.brightchain.net.core.internal.wire.ProtoFields.text;
import static org.brightchain.net.core.internal.wire.WireFields.at;
import static org.brightchain.net.core.internal.wire.WireFields.atMost;

import java.util.ArrayList;
import java.util.List;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;

/**
 * Protobuf form of synchronisation and batching: {@code block:sync} and {@code metadata:sync} (with
 * their reconciliation fields, base64 in the contract and raw bytes on the wire) and {@code
 * block:batch}. See {@link ProtoCodec}.
 */
final class ProtoSync {
  private ProtoSync() {}

  // ------------------------------------------------------------------ encode

  static Pb.BlockSyncRequest proto(BlockSyncRequest r) {
    var b = Pb.BlockSyncRequest.newBuilder();
    for (BlockId id : r.blockIds()) {
      b.addBlockIds(bytes(id));
    }
    b.setSession(r.session());
    if (!r.reconcile().isEmpty()) {
      b.setReconcile(fromBase64(r.reconcile()));
    }
    return b.build();
  }

  static Pb.MetadataSync proto(MetadataSync s) {
    var b = Pb.MetadataSync.newBuilder();
    for (BlockMetadata m : s.entries()) {
      b.addEntries(ProtoBlocks.proto(m));
    }
    b.setSession(s.session());
    if (!s.reconcile().isEmpty()) {
      b.setReconcile(fromBase64(s.reconcile()));
    }
    return b.build();
  }

  static Pb.BatchUpdate proto(BatchUpdate batch) {
    var b =
        Pb.BatchUpdate.newBuilder()
            .setBatchId(text(batch.batchId(), "batchId"))
            .setTimestamp(batch.timestamp());
    for (BatchUpdate.Update u : batch.updates()) {
      b.addUpdates(proto(u));
    }
    return b.build();
  }

  /** One update; its type names the record its data holds (the record checks that). */
  private static Pb.BatchUpdate.Update proto(BatchUpdate.Update u) {
    var ub = Pb.BatchUpdate.Update.newBuilder().setBlockId(bytes(u.blockId()));
    EventPayload data = u.data();
    ub =
        switch (u.type()) {
          case TEMPERATURE ->
              ub.setType(Pb.UpdateType.TEMPERATURE)
                  .setTemperature(ProtoBlocks.proto((BlockTemperatureUpdate) data));
          case LOCATION ->
              ub.setType(Pb.UpdateType.LOCATION)
                  .setLocation(ProtoBlocks.proto((BlockLocationUpdate) data));
          case METADATA ->
              ub.setType(Pb.UpdateType.METADATA)
                  .setMetadata(ProtoBlocks.proto((MetadataUpdate) data));
        };
    return ub.setTimestamp(u.timestamp()).build();
  }

  // ------------------------------------------------------------------ decode

  static BlockSyncRequest blockSync(Pb.BlockSyncRequest p, String path) throws WireFormatException {
    int n = p.getBlockIdsCount();
    atMost(n, BlockSyncRequest.MAX_BLOCKS, at(path, "blockIds"));
    List<BlockId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(blockId(p.getBlockIds(i), path, "blockIds[" + i + "]"));
    }
    return new BlockSyncRequest(ids, p.getSession(), base64(p.getReconcile()));
  }

  static MetadataSync metadataSync(Pb.MetadataSync p, String path) throws WireFormatException {
    int n = p.getEntriesCount();
    atMost(n, MetadataSync.MAX_ENTRIES, at(path, "entries"));
    List<BlockMetadata> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(ProtoBlocks.metadata(p.getEntries(i), at(path, "entries[" + i + "]")));
    }
    return new MetadataSync(entries, p.getSession(), base64(p.getReconcile()));
  }

  static BatchUpdate batch(Pb.BatchUpdate p, String path) throws WireFormatException {
    int n = p.getUpdatesCount();
    atMost(n, BatchUpdate.MAX_UPDATES, at(path, "updates"));
    List<BatchUpdate.Update> updates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      updates.add(update(p.getUpdates(i), at(path, "updates[" + i + "]")));
    }
    return new BatchUpdate(p.getBatchId(), p.getTimestamp(), updates);
  }

  /**
   * One update: its type and its data are read separately, so that an update whose type does not
   * match its data is refused by the record, naming both.
   */
  private static BatchUpdate.Update update(Pb.BatchUpdate.Update u, String path)
      throws WireFormatException {
    BatchUpdate.UpdateType type =
        switch (u.getTypeValue()) {
          case Pb.UpdateType.TEMPERATURE_VALUE -> BatchUpdate.UpdateType.TEMPERATURE;
          case Pb.UpdateType.LOCATION_VALUE -> BatchUpdate.UpdateType.LOCATION;
          case Pb.UpdateType.METADATA_VALUE -> BatchUpdate.UpdateType.METADATA;
          default -> throw badEnum(u.getTypeValue(), path, "type");
        };
    BlockId blockId = blockId(u.getBlockId(), path, "blockId");
    String data = at(path, "data");
    EventPayload payload =
        switch (u.getDataCase()) {
          case TEMPERATURE -> ProtoBlocks.blockTemperature(u.getTemperature(), data);
          case LOCATION -> ProtoBlocks.blockLocation(u.getLocation(), data);
          case METADATA -> ProtoBlocks.metadataUpdate(u.getMetadata(), data);
          case DATA_NOT_SET -> throw missing(path, "data");
        };
    return new BatchUpdate.Update(type, blockId, payload, u.getTimestamp());
  }
}
