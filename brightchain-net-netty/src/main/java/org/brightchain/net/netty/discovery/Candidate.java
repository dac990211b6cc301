package org.brightchain.net.netty.discovery;

import org.brightchain.net.NodeId;

/**
 * A node to report to the node's discovery context: where to dial it, and the id expected there.
 */
record Candidate(String host, int port, NodeId nodeId) {}
