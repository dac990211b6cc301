/**
 * The wire forms of the contract types: {@link org.brightchain.net.core.internal.wire.JsonCodec} for
 * WebSocket text frames and REST bodies, {@code ProtoCodec} for WebSocket binary frames (schema:
 * {@code brightchain.proto}), and {@link org.brightchain.net.core.internal.wire.Json}, the strict bounded
 * JSON parser and canonical writer beneath them. Bad input fails with {@link
 * org.brightchain.net.core.internal.wire.WireFormatException}, whose message names the field.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour
 * may change in any release.
 */
package org.brightchain.net.core.internal.wire;
