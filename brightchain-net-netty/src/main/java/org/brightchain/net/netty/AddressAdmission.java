package org.brightchain.net.netty;

import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides at accept whether a connection counts against the per-address and per-subnet caps until
 * it closes, or is refused. A refused connection is answered 429 by its own pipeline while fewer
 * than {@link #MAX_REFUSING} are; past that, it is closed without an answer. Thread-safe.
 */
final class AddressAdmission {
  /**
   * Most refused connections kept open at once to be answered 429; past it, more are closed at
   * accept without an answer.
   */
  static final int MAX_REFUSING = 1024;

  /**
   * What becomes of an accepted connection.
   *
   * @param admitted whether it gets the serving pipeline
   * @param refusal when refused, why, for its 429 answer; null when admitted or closed
   */
  record Verdict(boolean admitted, String refusal) {
    static final Verdict ADMITTED = new Verdict(true, null);

    /** Closed already, nothing to answer. */
    static final Verdict CLOSED = new Verdict(false, null);
  }

  private final AddressLimiter addresses;
  private final TransportDiagnostics diagnostics;
  private final AtomicInteger refusing = new AtomicInteger();

  AddressAdmission(AddressLimiter addresses, TransportDiagnostics diagnostics) {
    this.addresses = addresses;
    this.diagnostics = diagnostics;
  }

  /** Counts {@code ch} against the caps until it closes, or refuses it. */
  Verdict admit(SocketChannel ch) {
    InetSocketAddress peer = ch.remoteAddress();
    if (peer == null || peer.getAddress() == null) {
      ch.close(); // gone before it was accepted
      return Verdict.CLOSED;
    }
    InetAddress remote = peer.getAddress();
    AddressLimiter.Refusal refusal = addresses.tryAcquire(remote);
    if (refusal == null) {
      ch.closeFuture().addListener(f -> addresses.release(remote));
      return Verdict.ADMITTED;
    }
    String message =
        refusal == AddressLimiter.Refusal.ADDRESS
            ? "too many connections from "
                + remote.getHostAddress()
                + " (limit "
                + addresses.maxPerAddress()
                + ")"
            : "too many connections from the subnet "
                + AddressLimiter.subnetOf(remote)
                + " (limit "
                + addresses.maxPerSubnet()
                + ")";
    diagnostics.refused(ch.remoteAddress(), message);
    if (refusing.incrementAndGet() > MAX_REFUSING) {
      refusing.decrementAndGet();
      ch.close();
      return Verdict.CLOSED;
    }
    ch.closeFuture().addListener(f -> refusing.decrementAndGet());
    return new Verdict(false, message);
  }

  /** The per-address and per-subnet counts. */
  AddressLimiter addresses() {
    return addresses;
  }
}
