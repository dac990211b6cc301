/**
 * The messages of the node-to-node channel.
 *
 * <h2>Starting points</h2>
 *
 * <ul>
 *   <li>{@link org.brightchain.net.message.WSMessage}: one event, {@code {type, data, timestamp,
 *       sender}}, whose {@code data} is one {@link org.brightchain.net.message.EventPayload} record
 *       per {@link org.brightchain.net.message.WSEventType}.
 *   <li>{@link org.brightchain.net.message.SignedMessage}: how every event travels between nodes.
 *   <li>{@link org.brightchain.net.message.BatchUpdate} and {@link
 *       org.brightchain.net.message.NodeAuthentication}: the design's batch and authentication
 *       records.
 * </ul>
 *
 * <p>Integers that JSON peers must read exactly (timestamps, nonces) are limited to 0 to
 * 2<sup>53</sup>-1.
 */
package org.brightchain.net.message;
