package org.brightchain.net.netty.nat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NAT-PMP or PCP request and its answer: sent from this host's address facing the gateway,
 * retransmitted after 250 ms, 500 ms, 1 s, ... (RFC 6886 section 3.1) until the time allowed is
 * spent.
 *
 * <p>The socket is connected to the gateway's port 5351, so the kernel drops datagrams from any
 * other address or port, and reports "port unreachable" when nothing listens there (no gateway,
 * answered at once). Datagrams that still do not fit (wrong size, wrong opcode, wrong nonce) are
 * ignored with a log line, and the wait goes on. Blocking: runs on a mapper's thread.
 */
final class UdpExchange {
  private static final Logger log = LoggerFactory.getLogger(UdpExchange.class);
  private static final Duration FIRST_RETRANSMISSION = Duration.ofMillis(250);

  /** Largest PCP message (RFC 6887 section 7); NAT-PMP's are smaller. */
  static final int MAX_MESSAGE = 1100;

  /** Decides what an incoming datagram is. */
  @FunctionalInterface
  interface Reader<T> {
    /**
     * The answer in {@code datagram}.
     *
     * @throws Ignored if the datagram is not the answer to this request (logged, and the wait goes
     *     on)
     * @throws PortMappingException if it is the answer, and says the request failed
     */
    T read(byte[] datagram) throws Ignored, PortMappingException;
  }

  /** A datagram that is not the answer to the request; its message says why. */
  static final class Ignored extends Exception {
    private static final long serialVersionUID = 1L;

    Ignored(String why) {
      super(why, null, false, false);
    }
  }

  private UdpExchange() {}

  /**
   * Sends {@code request} to {@code gateway} and returns the first datagram {@code reader} accepts.
   *
   * @param heardBefore whether this gateway answered this protocol before: a silent gateway is then
   *     a {@link Reason#TIMEOUT}, otherwise there is {@link Reason#NO_GATEWAY}
   */
  static <T> T exchange(
      String method,
      InetSocketAddress local,
      InetSocketAddress gateway,
      byte[] request,
      Duration timeout,
      boolean heardBefore,
      Reader<T> reader)
      throws PortMappingException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (DatagramSocket socket = new DatagramSocket(local)) {
      socket.connect(gateway);
      long interval = FIRST_RETRANSMISSION.toNanos();
      byte[] buf = new byte[MAX_MESSAGE + 1];
      int sent = 0;
      while (true) {
        long now = System.nanoTime();
        if (now >= deadline) {
          break;
        }
        socket.send(new DatagramPacket(request, request.length));
        sent++;
        long resendAt = Math.min(deadline, now + interval);
        interval *= 2;
        T answer = receiveUntil(socket, buf, resendAt, method, gateway, reader);
        if (answer != null) {
          return answer;
        }
      }
      throw silence(method, gateway, heardBefore, sent, timeout);
    } catch (PortUnreachableException e) {
      throw new PortMappingException(
          Reason.NO_GATEWAY,
          method,
          -1,
          "nothing listens on "
              + gateway.getAddress().getHostAddress()
              + ":"
              + gateway.getPort()
              + " (port unreachable)",
          e);
    } catch (IOException e) {
      throw new PortMappingException(
          heardBefore ? Reason.TIMEOUT : Reason.NO_GATEWAY,
          method,
          -1,
          "cannot reach " + gateway.getAddress().getHostAddress() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The first datagram from the gateway that {@code reader} accepts before {@code resendAt}, or
   * null.
   */
  private static <T> T receiveUntil(
      DatagramSocket socket,
      byte[] buf,
      long resendAt,
      String method,
      InetSocketAddress gateway,
      Reader<T> reader)
      throws IOException, PortMappingException {
    while (true) {
      long wait = resendAt - System.nanoTime();
      if (wait <= 0) {
        return null;
      }
      socket.setSoTimeout((int) Math.max(1, wait / 1_000_000));
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (!gateway.equals(p.getSocketAddress())) {
        log.warn(
            "{}: ignored a datagram from {}: not the gateway {}",
            method,
            p.getSocketAddress(),
            gateway);
        continue;
      }
      if (p.getLength() > MAX_MESSAGE) {
        log.warn(
            "{}: ignored a datagram of more than {} bytes from {}", method, MAX_MESSAGE, gateway);
        continue;
      }
      try {
        return reader.read(Arrays.copyOf(buf, p.getLength()));
      } catch (Ignored e) {
        log.warn(
            "{}: ignored a datagram from {}: {}", method, gateway, LogText.safe(e.getMessage()));
      }
    }
  }

  /** The gateway said nothing: a timeout if it answered before, else no gateway at all. */
  private static PortMappingException silence(
      String method, InetSocketAddress gateway, boolean heardBefore, int sent, Duration timeout) {
    String waited =
        "sent " + sent + " time" + (sent == 1 ? "" : "s") + " in " + timeout.toMillis() + " ms";
    String host = gateway.getAddress().getHostAddress();
    return heardBefore
        ? new PortMappingException(
            Reason.TIMEOUT,
            method,
            -1,
            "gateway " + host + " did not answer (" + waited + ")",
            null)
        : new PortMappingException(
            Reason.NO_GATEWAY,
            method,
            -1,
            "no answer from " + host + ":" + gateway.getPort() + " (" + waited + ")",
            null);
  }
}
