package org.brightchain.net.core.internal.rest;

import java.util.Map;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.BlockVersions;
import org.brightchain.net.NodeId;
import org.brightchain.net.Stamp;

/**
 * Whether metadata a REST session sends is all its own writing: every version stamped by the
 * session's node (or never written), and every location (live or removed) its node's own. A session
 * writes in no other node's name.
 */
final class Attribution {
  private Attribution() {}

  /** The first field of {@code m} written by another node than {@code author}, or null. */
  static String foreignField(BlockMetadata m, NodeId author) {
    if (!m.updatedBy().equals(author)) {
      return "updatedBy: "
          + m.updatedBy().shortId()
          + " is not this session's node "
          + author.shortId();
    }
    BlockVersions v = m.versions();
    if (foreign(v.temperature(), author)) {
      return "versions.temperature: stamped by another node";
    }
    if (foreign(v.info(), author)) {
      return "versions.info: stamped by another node";
    }
    for (BlockLocation l : m.locations()) {
      if (!l.nodeId().equals(author)) {
        return "locations: a location of another node (" + l.nodeId().shortId() + ")";
      }
    }
    for (Map.Entry<NodeId, Stamp> r : v.removed().entrySet()) {
      if (!r.getKey().equals(author) || foreign(r.getValue(), author)) {
        return "versions.removed: a removal by or of another node";
      }
    }
    for (Stamp s : v.locations().values()) {
      if (foreign(s, author)) {
        return "versions.locations: stamped by another node";
      }
    }
    return null;
  }

  private static boolean foreign(Stamp s, NodeId author) {
    return !s.equals(Stamp.NEVER) && !s.by().equals(author);
  }
}
