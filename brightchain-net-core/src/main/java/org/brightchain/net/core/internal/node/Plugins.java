package org.brightchain.net.core.internal.node;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.NodePlugin;
import org.brightchain.net.spi.PluginContext;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's plugins: set up when the node starts, each with a narrow {@link PluginContext}, and
 * closed when it stops. A plugin that fails to set up is logged and skipped; the listeners it added
 * are removed when it is closed.
 */
public final class Plugins {
  private static final Logger log = LoggerFactory.getLogger(Plugins.class);

  private final List<NodePlugin> plugins;
  private final NodeEngine engine;
  private final Consumer<EventPayload> publish;
  private final List<NodePlugin> started = new ArrayList<>();
  private final List<NodeEventListener> listeners = new ArrayList<>();

  /** Plugins of {@code engine}; {@code publish} signs and sends what a plugin broadcasts. */
  public Plugins(List<NodePlugin> plugins, NodeEngine engine, Consumer<EventPayload> publish) {
    this.plugins = plugins;
    this.engine = engine;
    this.publish = publish;
  }

  /** Sets up every plugin, in order. */
  public void setup() {
    for (NodePlugin plugin : plugins) {
      try {
        plugin.setup(new Context(plugin));
        started.add(plugin);
      } catch (Exception | LinkageError e) {
        log.error("plugin {} failed to start and is skipped", plugin.name(), e);
      }
    }
  }

  /** Closes every plugin that was set up, and removes the listeners they added. */
  public void close() {
    for (NodePlugin plugin : started) {
      try {
        plugin.close();
      } catch (RuntimeException e) {
        log.warn("plugin {} failed to close", plugin.name(), e);
      }
    }
    listeners.forEach(engine::removeListener);
  }

  /** What a plugin sees of its node. */
  private final class Context implements PluginContext {
    private final NodePlugin plugin;

    Context(NodePlugin plugin) {
      this.plugin = plugin;
    }

    @Override
    public NodeId nodeId() {
      return engine.self();
    }

    @Override
    public Clock clock() {
      return engine.clock();
    }

    @Override
    public Scheduler scheduler() {
      return engine.scheduler();
    }

    @Override
    public void addListener(NodeEventListener listener) {
      listeners.add(listener);
      engine.addListener(listener);
    }

    @Override
    public void broadcast(EventPayload payload) {
      publish.accept(payload);
    }

    @Override
    public String toString() {
      return "PluginContext[" + plugin.name() + "]";
    }
  }
}
