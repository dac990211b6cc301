package org.brightchain.net.message;

/**
 * The {@code data} of a {@link WSMessage}: one record per {@link WSEventType}.
 *
 * <p>Sealed so that codecs and handlers can be checked for completeness by the compiler.
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
