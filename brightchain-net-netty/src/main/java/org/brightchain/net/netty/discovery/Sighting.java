package org.brightchain.net.netty.discovery;

import org.brightchain.net.NodeId;

/**
 * An entry of the {@link AdvertIntake}'s table as read out: a node, where it is, and when its last
 * valid advert arrived (ms since the epoch).
 */
record Sighting(NodeId nodeId, String host, int port, long heardAtMillis) {}
