package org.brightchain.net.core.internal.channel;

import java.util.HashMap;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.Resume;

/**
 * The highest sequence number of each peer's log this node received: where to ask the peer to
 * resume after a reconnection. Scheduler-confined.
 */
public final class ResumePoints {
  private final Map<NodeId, Long> last = new HashMap<>();

  /** Notes a sequence number received from {@code peer} (zero or less: none). */
  public void note(NodeId peer, long seq) {
    if (seq > 0 && peer != null) {
      last.merge(peer, seq, Math::max);
    }
  }

  /** Where to resume {@code peer}'s log, or {@link Resume#LIVE}. */
  public long after(NodeId peer) {
    return peer == null ? Resume.LIVE : last.getOrDefault(peer, Resume.LIVE);
  }
}
