/**
 * The wire forms of the contract types: {@link org.brightchain.net.core.internal.wire.JsonCodec}
 * for WebSocket text frames and REST bodies, {@link
 * org.brightchain.net.core.internal.wire.ProtoCodec} for WebSocket binary frames (schema: {@code
 * brightchain.proto}, generated into {@code proto.Pb}), and {@link
 * org.brightchain.net.core.internal.wire.Json}, the strict bounded JSON parser and canonical writer
 * beneath them. Bad input fails with {@link
 * org.brightchain.net.core.internal.wire.WireFormatException}, whose message names the field.
 *
 * <p>Each codec is a public facade (frames, and the dispatch over event payloads by their {@code
 * WSEventType}) over package-private classes, one per domain: {@code JsonNodes}/{@code ProtoNodes}
 * (nodes and peers), {@code JsonBlocks}/{@code ProtoBlocks} (blocks and metadata), {@code
 * JsonSync}/{@code ProtoSync} (sync and batches), {@code JsonSystem}/{@code ProtoSystem} (control
 * and authentication); {@code JsonFields}, {@code ProtoFields} and {@code WireFields} hold the
 * field conversions they share.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.wire;
