package org.brightchain.net.core.internal.peer;

import org.brightchain.net.NodeId;
import org.brightchain.net.spi.Scheduler;

/** An address this node dials: a bootstrap node or a peer it learned of. Scheduler-confined. */
final class DialTarget {
  final String host;
  final int port;
  final boolean isStatic;

  /** The host's network group for eclipse caps ({@link Netgroups#of}), null for a local one. */
  final String group;

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
    this.group = Netgroups.of(host);
  }

  String key() {
    return key(host, port);
  }

  static String key(String host, int port) {
    return host + ":" + port;
  }
}
