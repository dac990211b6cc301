package org.brightchain.net.core.internal.channel;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.brightchain.net.spi.PeerConnection;

/**
 * The open connections, by transport id. Changed on the scheduler only; readable from transport
 * threads (which look up the connection a frame arrived on).
 */
public final class Connections {
  private final Map<String, Connection> byId = new ConcurrentHashMap<>();

  /** The connection of {@code conn}, or null if it is not (or no longer) open here. */
  public Connection get(PeerConnection conn) {
    return byId.get(conn.id());
  }

  /** Whether {@code c} is still the open connection of its id. */
  public boolean isCurrent(Connection c) {
    return byId.get(c.id()) == c;
  }

  /** Registers an opened connection. */
  public void add(Connection c) {
    byId.put(c.id(), c);
  }

  /** Removes the connection of {@code conn}; returns it, or null if it was not registered. */
  public Connection remove(PeerConnection conn) {
    return byId.remove(conn.id());
  }

  /** Every open connection (a live view). */
  public Collection<Connection> all() {
    return byId.values();
  }

  /**
   * Whether any connection would receive a batch: an identified peer, or an authenticated event
   * stream.
   */
  public boolean anyBatchReceiver() {
    for (Connection c : byId.values()) {
      if ((c.peerId != null || (c.conn.receiveOnly() && c.authenticated != null)) && c.isOpen()) {
        return true;
      }
    }
    return false;
  }
}
