package org.brightchain.net.core.internal.channel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.brightchain.net.spi.NodeEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's listeners. Events are raised on the scheduler, in order; a listener that throws is
 * logged and the others still hear the event.
 */
public final class NodeEvents {
  private static final Logger log = LoggerFactory.getLogger(NodeEvents.class);
  private final List<NodeEventListener> listeners;

  /** Listeners given to the builder; more may be added later. */
  public NodeEvents(List<NodeEventListener> initial) {
    this.listeners = new CopyOnWriteArrayList<>(initial);
  }

  /** Adds a listener. Any thread. */
  public void add(NodeEventListener l) {
    listeners.add(l);
  }

  /** Removes a listener. Any thread. */
  public void remove(NodeEventListener l) {
    listeners.remove(l);
  }

  /** Tells every listener. */
  public void emit(Consumer<NodeEventListener> event) {
    for (NodeEventListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        log.warn("listener {} failed", l.getClass().getName(), e);
      }
    }
  }
}
