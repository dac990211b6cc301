package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP to a gateway that stalls, talks too much or redirects: bounded, and never followed. */
class GatewayHttpTest {
  private final List<ServerSocket> servers = new ArrayList<>();
  private final GatewayHttp http = new GatewayHttp(Duration.ofSeconds(1), "upnp");
  private final CountDownLatch released = new CountDownLatch(1);

  /** A server on loopback; {@code talk} gets each accepted connection's output. */
  private URI serve(Consumer<Socket> talk) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(s);
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket c = s.accept();
                  Thread h = new Thread(() -> talk.accept(c), "fake-gateway-connection");
                  h.setDaemon(true);
                  h.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/rootDesc.xml");
  }

  @AfterEach
  void close() throws IOException {
    released.countDown();
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  private static void reply(Socket c, String head, byte[] body) {
    try (c) {
      InputStream in = c.getInputStream();
      byte[] buf = new byte[8192];
      in.read(buf);
      OutputStream out = c.getOutputStream();
      out.write(
          (head + "Content-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    } catch (IOException e) {
      // the client gave up
    }
  }

  @Test
  void aStalledGatewayTimesOut() throws Exception {
    URI u =
        serve(
            c -> {
              try {
                c.getInputStream().read(new byte[8192]);
                c.getOutputStream()
                    .write(
                        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<root>"
                            .getBytes(StandardCharsets.US_ASCII));
                c.getOutputStream().flush();
                released.await(); // a gateway that stops halfway through its answer
                c.close();
              } catch (IOException | InterruptedException e) {
                // done
              }
            });
    long t0 = System.nanoTime();
    PortMappingException e =
        assertThrows(PortMappingException.class, () -> http.get(u, Duration.ofMillis(500), true));
    assertEquals(Reason.TIMEOUT, e.reason());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 2500, "the deadline covers the body: " + ms + " ms");
    assertEquals(
        Reason.NO_GATEWAY,
        assertThrows(PortMappingException.class, () -> http.get(u, Duration.ofMillis(300), false))
            .reason(),
        "a gateway never heard from is not there");
  }

  @Test
  void anOversizedAnswerIsRefused() throws Exception {
    URI u = serve(c -> reply(c, "HTTP/1.1 200 OK\r\n", new byte[GatewayHttp.MAX_BODY + 1]));
    PortMappingException e =
        assertThrows(PortMappingException.class, () -> http.get(u, Duration.ofSeconds(2), true));
    assertEquals(Reason.PROTOCOL_ERROR, e.reason());
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    URI u =
        serve(
            c -> reply(c, "HTTP/1.1 302 Found\r\nLocation: http://203.0.113.9/\r\n", new byte[0]));
    assertEquals(302, http.get(u, Duration.ofSeconds(2), true).status());
  }

  @Test
  void aClosedPortIsNoGateway() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals(
        Reason.NO_GATEWAY,
        assertThrows(
                PortMappingException.class,
                () ->
                    http.get(
                        URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(2), true))
            .reason());
  }
}
