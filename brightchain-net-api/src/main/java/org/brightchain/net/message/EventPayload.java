package org.brightchain.net.message;

/**
 * The {@code data} of a {@link WSMessage}: one record per {@link WSEventType}.
 *
 * <p>Sealed: the records listed here are all the payloads there are. Sealing alone does not let the
 * compiler check code over payloads for completeness (Java 17 has pattern matching in {@code
 * switch} only as a preview); {@link #type()} does. The JSON and protobuf codecs of {@code
 * brightchain-net-core} dispatch every payload with {@code switch} expressions over its {@link
 * WSEventType} that have no {@code default} branch, so a new event type does not compile until each
 * codec handles it. Code that tests payloads with {@code instanceof}, or switches over the type
 * with a {@code default} branch, is not checked.
 */
public sealed interface EventPayload
    permits NodeAnnounce,
        NodeLeave,
        NodeStatusUpdate,
        BlockTemperatureUpdate,
        BlockLocationUpdate,
        BlockSyncRequest,
        MetadataUpdate,
        MetadataSync,
        BatchUpdate,
        Ping,
        Pong,
        Ack,
        Resume,
        Gap,
        Subscribe,
        Challenge,
        AuthProof,
        ErrorEvent {

  /** The event type this payload belongs to. */
  WSEventType type();
}
