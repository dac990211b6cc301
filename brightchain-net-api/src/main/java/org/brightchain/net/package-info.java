/**
 * The contracts of brightchain-net: identifiers, enums and value records shared by every module.
 *
 * <h2>Starting points</h2>
 *
 * <ul>
 *   <li>{@link org.brightchain.net.NodeId} and {@link org.brightchain.net.BlockId}: the two ids.
 *   <li>{@link org.brightchain.net.BlockMetadata}, {@link org.brightchain.net.BlockLocation} and
 *       {@link org.brightchain.net.DataTemperature}: what nodes tell each other about blocks.
 *   <li>{@link org.brightchain.net.PeerInfo}, {@link org.brightchain.net.NodeInfo}, {@link
 *       org.brightchain.net.NodeStatusReport}: what a node says about itself and its peers.
 * </ul>
 *
 * <p>Messages are in {@code org.brightchain.net.message}, settings in {@code
 * org.brightchain.net.config}, extension points in {@code org.brightchain.net.spi}. Every value
 * type is an immutable record that validates its arguments and copies its collections; enums carry
 * the {@code wireName()} used in JSON.
 */
package org.brightchain.net;
