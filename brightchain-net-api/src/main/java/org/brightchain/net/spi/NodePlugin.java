package org.brightchain.net.spi;

/**
 * Extends a node with host code. A plugin is set up when its node starts and closed when it stops;
 * it sees the node only through the narrow {@link PluginContext}.
 *
 * <p>Plugins are registered on the builder; {@link java.util.ServiceLoader} discovery is opt-in. A
 * plugin whose setup throws is logged and skipped, never fatal.
 */
public interface NodePlugin {

  /** A short unique name, for logs. */
  String name();

  /** Called once, on the node's scheduler, when the node starts. */
  void setup(PluginContext context) throws Exception;

  /** Called once when the node stops. */
  default void close() {}
}
