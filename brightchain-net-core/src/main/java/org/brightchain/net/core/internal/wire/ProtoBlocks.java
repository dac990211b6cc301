package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.ProtoFields.badEnum;
import static org.brightchain.net.core.internal.wire.ProtoFields.blockId;
import static org.brightchain.net.core.internal.wire.ProtoFields.bytes;
import static org.brightchain.net.core.internal.wire.ProtoFields.missing;
import static org.brightchain.net.core.internal.wire.ProtoFields.nodeId;
import static org.brightchain.net.core.internal.wire.ProtoFields.text;
import static org.brightchain.net.core.internal.wire.WireFields.at;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.BlockVersions;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NodeId;
import org.brightchain.net.Stamp;
import org.brightchain.net.core.internal.wire.proto.Pb;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.MetadataUpdate;

/**
 * Protobuf form of blocks and their metadata: the {@code block:temperature}, {@code block:location}
 * and {@code metadata:update} events, block locations, and block metadata with its per-field
 * versions. See {@link ProtoCodec}.
 */
final class ProtoBlocks {
  private ProtoBlocks() {}

  // ------------------------------------------------------------------ encode

  static Pb.BlockTemperatureUpdate proto(BlockTemperatureUpdate t) {
    return Pb.BlockTemperatureUpdate.newBuilder()
        .setBlockId(bytes(t.blockId()))
        .setTemperature(proto(t.temperature()))
        .build();
  }

  static Pb.BlockLocationUpdate proto(BlockLocationUpdate l) {
    return Pb.BlockLocationUpdate.newBuilder()
        .setBlockId(bytes(l.blockId()))
        .setLocation(proto(l.location()))
        .setAction(
            switch (l.action()) {
              case ADD -> Pb.LocationAction.ADD;
              case REMOVE -> Pb.LocationAction.REMOVE;
            })
        .build();
  }

  static Pb.MetadataUpdate proto(MetadataUpdate u) {
    return Pb.MetadataUpdate.newBuilder().setMetadata(proto(u.metadata())).build();
  }

  static Pb.BlockLocation proto(BlockLocation l) {
    var b =
        Pb.BlockLocation.newBuilder()
            .setNodeId(bytes(l.nodeId()))
            .setLastSeen(l.lastSeen().toEpochMilli())
            .setIsAuthoritative(l.authoritative());
    if (l.latencyMs() != null) {
      b.setLatencyMs(l.latencyMs());
    }
    if (l.poolId() != null) {
      b.setPoolId(text(l.poolId(), "poolId"));
    }
    return b.build();
  }

  static Pb.BlockMetadata proto(BlockMetadata m) {
    var b =
        Pb.BlockMetadata.newBuilder()
            .setBlockId(bytes(m.blockId()))
            .setSize(m.size())
            .setTemperature(proto(m.temperature()))
            .setDurability(
                switch (m.durability()) {
                  case EPHEMERAL -> Pb.DurabilityLevel.EPHEMERAL;
                  case STANDARD -> Pb.DurabilityLevel.STANDARD;
                  case ENHANCED -> Pb.DurabilityLevel.ENHANCED;
                  case MAXIMUM -> Pb.DurabilityLevel.MAXIMUM;
                })
            .setUpdatedAt(m.updatedAt().toEpochMilli())
            .setUpdatedBy(bytes(m.updatedBy()));
    for (BlockLocation l : m.locations()) {
      b.addLocations(proto(l));
    }
    if (!m.isPlain()) {
      b.setVersions(proto(m.versions()));
    }
    return b.build();
  }

  private static Pb.BlockVersions proto(BlockVersions versions) {
    var v =
        Pb.BlockVersions.newBuilder()
            .setTemperature(proto(versions.temperature()))
            .setInfo(proto(versions.info()));
    versions.locations().forEach((n, st) -> v.addLocations(nodeStamp(n, st)));
    versions.removed().forEach((n, st) -> v.addRemoved(nodeStamp(n, st)));
    return v.build();
  }

  private static Pb.NodeStamp nodeStamp(NodeId node, Stamp stamp) {
    return Pb.NodeStamp.newBuilder().setNodeId(bytes(node)).setStamp(proto(stamp)).build();
  }

  private static Pb.Stamp proto(Stamp s) {
    return Pb.Stamp.newBuilder().setAt(s.at().toEpochMilli()).setBy(bytes(s.by())).build();
  }

  static Pb.DataTemperature proto(DataTemperature t) {
    return switch (t) {
      case HOT -> Pb.DataTemperature.HOT;
      case WARM -> Pb.DataTemperature.WARM;
      case COLD -> Pb.DataTemperature.COLD;
      case FROZEN -> Pb.DataTemperature.FROZEN;
    };
  }

  // ------------------------------------------------------------------ decode

  static BlockTemperatureUpdate blockTemperature(Pb.BlockTemperatureUpdate p, String path)
      throws WireFormatException {
    return new BlockTemperatureUpdate(
        blockId(p.getBlockId(), path, "blockId"),
        temperature(p.getTemperatureValue(), path, "temperature"));
  }

  static BlockLocationUpdate blockLocation(Pb.BlockLocationUpdate p, String path)
      throws WireFormatException {
    BlockId blockId = blockId(p.getBlockId(), path, "blockId");
    if (!p.hasLocation()) {
      throw missing(path, "location");
    }
    BlockLocation location = location(p.getLocation(), at(path, "location"));
    BlockLocationUpdate.Action action =
        switch (p.getActionValue()) {
          case Pb.LocationAction.ADD_VALUE -> BlockLocationUpdate.Action.ADD;
          case Pb.LocationAction.REMOVE_VALUE -> BlockLocationUpdate.Action.REMOVE;
          default -> throw badEnum(p.getActionValue(), path, "action");
        };
    return new BlockLocationUpdate(blockId, location, action);
  }

  static MetadataUpdate metadataUpdate(Pb.MetadataUpdate p, String path)
      throws WireFormatException {
    if (!p.hasMetadata()) {
      throw missing(path, "metadata");
    }
    return new MetadataUpdate(metadata(p.getMetadata(), at(path, "metadata")));
  }

  static BlockLocation location(Pb.BlockLocation p, String path) throws WireFormatException {
    return new BlockLocation(
        nodeId(p.getNodeId(), path, "nodeId"),
        Instant.ofEpochMilli(p.getLastSeen()),
        p.getIsAuthoritative(),
        p.hasLatencyMs() ? p.getLatencyMs() : null,
        p.hasPoolId() ? p.getPoolId() : null);
  }

  static BlockMetadata metadata(Pb.BlockMetadata p, String path) throws WireFormatException {
    BlockId blockId = blockId(p.getBlockId(), path, "blockId");
    DataTemperature temperature = temperature(p.getTemperatureValue(), path, "temperature");
    DurabilityLevel durability =
        switch (p.getDurabilityValue()) {
          case Pb.DurabilityLevel.EPHEMERAL_VALUE -> DurabilityLevel.EPHEMERAL;
          case Pb.DurabilityLevel.STANDARD_VALUE -> DurabilityLevel.STANDARD;
          case Pb.DurabilityLevel.ENHANCED_VALUE -> DurabilityLevel.ENHANCED;
          case Pb.DurabilityLevel.MAXIMUM_VALUE -> DurabilityLevel.MAXIMUM;
          default -> throw badEnum(p.getDurabilityValue(), path, "durability");
        };
    int n = p.getLocationsCount();
    List<BlockLocation> locations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      locations.add(location(p.getLocations(i), at(path, "locations[" + i + "]")));
    }
    BlockVersions versions =
        p.hasVersions() ? versions(p.getVersions(), at(path, "versions")) : null;
    return new BlockMetadata(
        blockId,
        p.getSize(),
        temperature,
        durability,
        locations,
        Instant.ofEpochMilli(p.getUpdatedAt()),
        nodeId(p.getUpdatedBy(), path, "updatedBy"),
        versions);
  }

  private static BlockVersions versions(Pb.BlockVersions v, String path)
      throws WireFormatException {
    if (!v.hasTemperature()) {
      throw missing(path, "temperature");
    }
    if (!v.hasInfo()) {
      throw missing(path, "info");
    }
    return new BlockVersions(
        stamp(v.getTemperature(), path, "temperature"),
        stamp(v.getInfo(), path, "info"),
        stamps(v.getLocationsList(), path, "locations"),
        stamps(v.getRemovedList(), path, "removed"));
  }

  private static Stamp stamp(Pb.Stamp p, String path, String key) throws WireFormatException {
    return new Stamp(Instant.ofEpochMilli(p.getAt()), nodeId(p.getBy(), at(path, key), "by"));
  }

  private static SortedMap<NodeId, Stamp> stamps(List<Pb.NodeStamp> list, String path, String key)
      throws WireFormatException {
    TreeMap<NodeId, Stamp> out = new TreeMap<>();
    for (int i = 0; i < list.size(); i++) {
      String k = key + "[" + i + "]";
      NodeId n = nodeId(list.get(i).getNodeId(), at(path, k), "nodeId");
      if (!list.get(i).hasStamp()) {
        throw missing(at(path, k), "stamp");
      }
      if (out.put(n, stamp(list.get(i).getStamp(), at(path, k), "stamp")) != null) {
        throw new WireFormatException(at(path, k) + ": node " + n + " appears twice");
      }
    }
    return out;
  }

  static DataTemperature temperature(int value, String path, String key)
      throws WireFormatException {
    return switch (value) {
      case Pb.DataTemperature.HOT_VALUE -> DataTemperature.HOT;
      case Pb.DataTemperature.WARM_VALUE -> DataTemperature.WARM;
      case Pb.DataTemperature.COLD_VALUE -> DataTemperature.COLD;
      case Pb.DataTemperature.FROZEN_VALUE -> DataTemperature.FROZEN;
      default -> throw badEnum(value, path, key);
    };
  }
}
