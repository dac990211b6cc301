package org.brightchain.net.core;

import org.brightchain.net.NodeId;
import org.brightchain.net.spi.Scheduler;

/** An address this node dials: a bootstrap node or a peer it learned of. Scheduler-confined. */
final class DialTarget {
  final String host;
  final int port;
  final boolean isStatic;
  NodeId nodeId;
  int failures;
  boolean inFlight;
  boolean isSelf;
  Scheduler.Cancellable retry;
  /** Where the node learned of it: "bootstrap", "persisted", a provider's name, or a peer. */
  String source = "";

  DialTarget(String host, int port, boolean isStatic) {
    this.host = host;
    this.port = port;
    this.isStatic = isStatic;
  }

  String key() {
    return key(host, port);
  }

  static String key(String host, int port) {
    return host + ":" + port;
  }
}
