package org.brightchain.net.message;

import org.brightchain.net.internal.WireNames;

/**
 * The event types of the node-to-node WebSocket channel, with the design's wire names.
 *
 * <p>Each type has exactly one payload record, named by {@link #payloadType()}. The first ten are
 * the design's; the {@code system:ack}, {@code system:resume}, {@code system:gap} and {@code
 * system:subscribe} control messages make the channel reliable and selective; {@code
 * system:challenge}, {@code system:auth} and {@code system:error} authenticate it and report
 * refusals.
 */
public enum WSEventType {
  /** A node makes itself known ({@link NodeAnnounce}). */
  NODE_ANNOUNCE("node:announce", NodeAnnounce.class),
  /** A node leaves the network ({@link NodeLeave}). */
  NODE_LEAVE("node:leave", NodeLeave.class),
  /** A node's status changed ({@link NodeStatusUpdate}). */
  NODE_STATUS("node:status", NodeStatusUpdate.class),
  /** A block's temperature changed ({@link BlockTemperatureUpdate}). */
  BLOCK_TEMPERATURE("block:temperature", BlockTemperatureUpdate.class),
  /** A block gained or lost a copy ({@link BlockLocationUpdate}). */
  BLOCK_LOCATION("block:location", BlockLocationUpdate.class),
  /** A request for the metadata of some blocks ({@link BlockSyncRequest}). */
  BLOCK_SYNC("block:sync", BlockSyncRequest.class),
  /** A block's whole metadata ({@link MetadataUpdate}). */
  METADATA_UPDATE("metadata:update", MetadataUpdate.class),
  /** Metadata of many blocks at once ({@link MetadataSync}). */
  METADATA_SYNC("metadata:sync", MetadataSync.class),
  /** Many block updates, signed, sent and acknowledged as one ({@link BatchUpdate}). */
  BLOCK_BATCH("block:batch", BatchUpdate.class),
  /** A liveness probe ({@link Ping}). */
  PING("system:ping", Ping.class),
  /** The answer to a ping ({@link Pong}). */
  PONG("system:pong", Pong.class),
  /** Acknowledges a request ({@link Ack}). */
  ACK("system:ack", Ack.class),
  /** Asks for the events missed since a sequence number ({@link Resume}). */
  RESUME("system:resume", Resume.class),
  /** Says the events asked for are no longer in the log ({@link Gap}). */
  GAP("system:gap", Gap.class),
  /** Chooses which events a connection receives ({@link Subscribe}). */
  SUBSCRIBE("system:subscribe", Subscribe.class),
  /** Opens the mutual authentication of a connection ({@link Challenge}). */
  CHALLENGE("system:challenge", Challenge.class),
  /** Answers the other side's challenge ({@link AuthProof}). */
  AUTH("system:auth", AuthProof.class),
  /** Says why something sent was refused ({@link ErrorEvent}). */
  ERROR("system:error", ErrorEvent.class);

  private static final WireNames<WSEventType> NAMES =
      new WireNames<>(WSEventType.class, WSEventType::wireName);

  private final String wireName;
  private final Class<? extends EventPayload> payloadType;

  WSEventType(String wireName, Class<? extends EventPayload> payloadType) {
    this.wireName = wireName;
    this.payloadType = payloadType;
  }

  /** The type as written on the wire, for example {@code "block:temperature"}. */
  public String wireName() {
    return wireName;
  }

  /** The payload record carried by events of this type. */
  public Class<? extends EventPayload> payloadType() {
    return payloadType;
  }

  /**
   * The type with this wire name.
   *
   * @throws IllegalArgumentException naming the accepted values if there is none
   */
  public static WSEventType fromWire(String wireName) {
    return NAMES.get(wireName);
  }
}
