package org.brightchain.net.core.internal.discovery;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq serving test records on a loopback port, for tests. Skips the test when dnsmasq is
 * missing, unless {@code BRIGHTCHAIN_REQUIRE_DNSMASQ=1} (CI) makes that a failure.
 */
public final class Dnsmasq implements AutoCloseable {
  private final Process process;
  private final int port;

  private Dnsmasq(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The UDP and TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as {@code DiscoverySettings.dnsServer}. */
  public String server() {
    return "127.0.0.1:" + port;
  }

  static Optional<Path> binary() {
    List<Path> candidates = new ArrayList<>();
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) {
        candidates.add(Path.of(d, "dnsmasq"));
      }
    }
    candidates.add(Path.of("/usr/sbin/dnsmasq"));
    candidates.add(Path.of("/usr/local/sbin/dnsmasq"));
    candidates.add(Path.of("/opt/homebrew/sbin/dnsmasq"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** Skips the calling test (or fails it in CI) when dnsmasq is not installed. */
  public static void require() {
    if (binary().isEmpty()) {
      if ("1".equals(System.getenv("BRIGHTCHAIN_REQUIRE_DNSMASQ"))) {
        fail("dnsmasq is not installed, and BRIGHTCHAIN_REQUIRE_DNSMASQ=1 requires it");
      }
      Assumptions.abort("dnsmasq is not installed (apt-get install dnsmasq-base); skipped");
    }
  }

  /** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq answers on both). */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int p = tcp.getLocalPort();
        try (DatagramSocket udp =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
          return p;
        } catch (IOException busy) {
          // taken for UDP: try another
        }
      }
    }
    throw new IOException("no free port");
  }

  /**
   * Starts dnsmasq with {@code records} (its options), authoritative for names under {@code test.},
   * and waits until it answers an A query for {@code probe}.
   */
  public static Dnsmasq start(Path dir, String probe, List<String> records) throws Exception {
    require();
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      List<String> cmd = new ArrayList<>();
      cmd.add(binary().orElseThrow().toString());
      cmd.addAll(
          List.of(
              "--port=" + port,
              "--listen-address=127.0.0.1",
              "--bind-interfaces",
              "--no-daemon",
              "--no-resolv",
              "--no-hosts",
              "--conf-file=/dev/null",
              "--pid-file=" + dir.resolve("dnsmasq-" + attempt + ".pid"),
              "--local=/test/", // names under test. that it does not know are NXDOMAIN, not REFUSED
              "--log-queries"));
      cmd.addAll(records);
      Path log = dir.resolve("dnsmasq-" + attempt + ".log");
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Dnsmasq d = new Dnsmasq(p, port);
      if (d.answers(probe, Duration.ofSeconds(10))) {
        return d;
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      d.close();
      if (attempt == 3 || !output.contains("in use")) {
        fail("dnsmasq did not start: " + String.join(" ", cmd) + "\n" + output);
      }
    }
  }

  private boolean answers(String probe, Duration within) throws Exception {
    SimpleResolver resolver =
        new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    resolver.setTimeout(Duration.ofMillis(200));
    long end = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < end && process.isAlive()) {
      try {
        Message m =
            resolver.send(
                Message.newQuery(
                    Record.newRecord(Name.fromString(probe + "."), Type.A, DClass.IN)));
        if (!m.getSection(org.xbill.DNS.Section.ANSWER).isEmpty()) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, SECONDS)) {
      process.destroyForcibly().waitFor(5, SECONDS);
    }
  }
}
