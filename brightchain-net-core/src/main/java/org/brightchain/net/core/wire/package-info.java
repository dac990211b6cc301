/**
 * The wire forms of the contract types: {@link org.brightchain.net.core.wire.JsonCodec} for
 * WebSocket text frames and REST bodies, {@code ProtoCodec} for WebSocket binary frames (schema:
 * {@code brightchain.proto}), and {@link org.brightchain.net.core.wire.Json}, the strict bounded
 * JSON parser and canonical writer beneath them. Bad input fails with {@link
 * org.brightchain.net.core.wire.WireFormatException}, whose message names the field.
 */
package org.brightchain.net.core.wire;
