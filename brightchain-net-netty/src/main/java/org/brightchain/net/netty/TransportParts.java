package org.brightchain.net.netty;

import io.netty.channel.group.ChannelGroup;
import org.brightchain.net.spi.TransportSettings;

/**
 * The transport-wide objects the channel initializers build pipelines from; each handler gets only
 * the few of them it needs.
 *
 * @param settings the limits pipelines are built with
 * @param bytes counts every channel's bytes
 * @param channels every open channel, closed on stop
 * @param admission the per-address and per-subnet caps at accept
 * @param diagnostics counts and logs what is turned away
 * @param slots the cap on long-lived connections
 * @param connections makes the connections the node sees
 */
record TransportParts(
    TransportSettings settings,
    ByteCounter bytes,
    ChannelGroup channels,
    AddressAdmission admission,
    TransportDiagnostics diagnostics,
    ConnectionSlots slots,
    ConnectionFactory connections) {}
