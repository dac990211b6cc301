package org.brightchain.net.spi;

/**
 * A source of peers: LAN multicast, bootstrap nodes, DNS seeds, or anything a host writes.
 * Providers are registered on the builder or found through {@link java.util.ServiceLoader}; a
 * provider that fails to start is logged and skipped.
 */
public interface DiscoveryProvider {

  /** A short unique name, for logs and for choosing providers. */
  String name();

  /** Higher starts first. */
  default int priority() {
    return 0;
  }

  /** Starts finding peers, reporting them to {@code context}. Must not block. */
  void start(DiscoveryContext context) throws Exception;

  /** Stops; idempotent. */
  default void stop() {}
}
