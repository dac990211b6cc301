package org.brightchain.net.core.internal.channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Socket addresses as the node names them. */
public final class Addresses {
  private Addresses() {}

  /** The IP address of {@code a} as text, or its host name if unresolved; never resolves. */
  public static String hostOf(InetSocketAddress a) {
    InetAddress addr = a.getAddress();
    return addr != null ? addr.getHostAddress() : a.getHostString();
  }
}
