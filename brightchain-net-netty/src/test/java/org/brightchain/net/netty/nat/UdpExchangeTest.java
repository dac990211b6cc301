package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.brightchain.net.netty.nat.UdpExchange.Ignored;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One request and its answer over real UDP sockets on loopback, with a gateway that misbehaves. */
class UdpExchangeTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);
  private final List<FakeGateway> gateways = new CopyOnWriteArrayList<>();

  /** A gateway on loopback: for the n-th request (from 1), sends what {@code answers} says. */
  final class FakeGateway implements AutoCloseable {
    final DatagramSocket socket;
    final DatagramSocket spoofer;
    final List<byte[]> requests = new CopyOnWriteArrayList<>();
    final Thread thread;

    FakeGateway(BiFunction<Integer, SocketAddress, List<Reply>> answers) throws SocketException {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      spoofer = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
      thread =
          new Thread(
              () -> {
                byte[] buf = new byte[2000];
                try {
                  while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    requests.add(java.util.Arrays.copyOf(buf, p.getLength()));
                    for (Reply r : answers.apply(requests.size(), p.getSocketAddress())) {
                      (r.spoofed ? spoofer : socket)
                          .send(new DatagramPacket(r.bytes, r.bytes.length, p.getSocketAddress()));
                    }
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "fake-gateway");
      thread.setDaemon(true);
      thread.start();
      gateways.add(this);
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
      socket.close();
      spoofer.close();
    }
  }

  record Reply(byte[] bytes, boolean spoofed) {}

  static Reply answer(String s) {
    return new Reply(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), false);
  }

  /** Accepts "ok:..." datagrams; ignores anything else, saying why. */
  static String read(byte[] d) throws Ignored {
    String s = new String(d, java.nio.charset.StandardCharsets.US_ASCII);
    if (!s.startsWith("ok:")) {
      throw new Ignored("not ok: " + s);
    }
    return s;
  }

  @AfterEach
  void closeGateways() {
    gateways.forEach(FakeGateway::close);
  }

  @Test
  void garbageBeforeTheAnswerIsIgnored() throws Exception {
    FakeGateway g =
        new FakeGateway(
            (n, from) -> List.of(answer("xx"), new Reply(new byte[0], false), answer("ok:1")));
    String got =
        UdpExchange.exchange(
            "test",
            LOCAL,
            g.address(),
            new byte[] {1, 2},
            Duration.ofSeconds(2),
            false,
            UdpExchangeTest::read);
    assertEquals("ok:1", got);
    assertArrayEquals(new byte[] {1, 2}, g.requests.get(0));
  }

  @Test
  void lostRequestsAreSentAgain() throws Exception {
    FakeGateway g = new FakeGateway((n, from) -> n < 3 ? List.of() : List.of(answer("ok:" + n)));
    long t0 = System.nanoTime();
    String got =
        UdpExchange.exchange(
            "test",
            LOCAL,
            g.address(),
            new byte[] {1},
            Duration.ofSeconds(3),
            false,
            UdpExchangeTest::read);
    assertEquals("ok:3", got);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 700, "sent again after 250 ms, then 500 ms: " + ms + " ms");
  }

  @Test
  void answersFromAnotherAddressNeverCount() throws Exception {
    FakeGateway g =
        new FakeGateway(
            (n, from) ->
                List.of(
                    new Reply(
                        "ok:spoofed".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true)));
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () ->
                UdpExchange.exchange(
                    "test",
                    LOCAL,
                    g.address(),
                    new byte[] {1},
                    Duration.ofMillis(600),
                    false,
                    UdpExchangeTest::read));
    assertEquals(Reason.NO_GATEWAY, e.reason());
    assertTrue(e.getMessage().startsWith("no answer from 127.0.0.1:"), e.getMessage());
    assertTrue(
        g.requests.size() >= 2, "the request was sent again while only the spoofer answered");
  }

  @Test
  void aGatewayThatAnsweredBeforeAndFellSilentIsATimeout() throws Exception {
    FakeGateway g = new FakeGateway((n, from) -> List.of());
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () ->
                UdpExchange.exchange(
                    "test",
                    LOCAL,
                    g.address(),
                    new byte[] {1},
                    Duration.ofMillis(300),
                    true,
                    UdpExchangeTest::read));
    assertEquals(Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
  }

  @Test
  void nothingListeningIsNoGatewayAtOnce() throws Exception {
    InetSocketAddress closed;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      closed = (InetSocketAddress) s.getLocalSocketAddress();
    }
    long t0 = System.nanoTime();
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () ->
                UdpExchange.exchange(
                    "test",
                    LOCAL,
                    closed,
                    new byte[] {1},
                    Duration.ofSeconds(5),
                    false,
                    UdpExchangeTest::read));
    assertEquals(Reason.NO_GATEWAY, e.reason());
    assertTrue(e.getMessage().endsWith("(port unreachable)"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000, "did not wait for the timeout");
  }

  @Test
  void aRefusalEndsTheExchange() throws Exception {
    FakeGateway g = new FakeGateway((n, from) -> List.of(answer("no")));
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () ->
                UdpExchange.exchange(
                    "test",
                    LOCAL,
                    g.address(),
                    new byte[] {1},
                    Duration.ofSeconds(2),
                    false,
                    d -> {
                      throw new PortMappingException(Reason.DENIED, "test", 2, "refused", null);
                    }));
    assertEquals(Reason.DENIED, e.reason());
    assertEquals(1, g.requests.size());
  }
}
