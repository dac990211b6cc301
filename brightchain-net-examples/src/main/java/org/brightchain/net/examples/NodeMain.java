package org.brightchain.net.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.config.DiscoveryConfig;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.config.DnsSeedsConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.config.SecurityConfig;
import org.brightchain.net.config.SyncConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.DirectoryBlockStore;
import org.brightchain.net.spi.ConnectionLimits;

/**
 * The runnable BrightChain node: {@code java -jar brightchain-node.jar [options]}.
 *
 * <p>Serves REST and WebSocket, keeps its key in the data directory, serves blocks from {@code
 * <data-dir>/blocks/<block id>}, and on SIGTERM or Ctrl-C says goodbye to its peers and exits 0. A
 * bad option prints the usage and exits 2; a node that cannot start (a port in use, an unreadable
 * key file) exits 1.
 */
public final class NodeMain {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar brightchain-node.jar [options]",
          "",
          "Runs a BrightChain network node: REST API and WebSocket event channel.",
          "",
          "Options:",
          "  --http-port PORT         REST port (default 4242; 0 picks a free port)",
          "  --ws-port PORT           WebSocket port (default: the HTTP port, WebSocket at /ws)",
          "  --host ADDRESS           address to bind (default 0.0.0.0)",
          "  --advertise-address A    address peers should dial (default: the one they see)",
          "  --data-dir DIR           node key and blocks (default ./brightchain-data)",
          "  --bootstrap HOST:PORT    a node to join through; repeatable",
          "  --region NAME            region counted by network health",
          "  --nat MODE               port mapping on the NAT gateway: auto (PCP, then NAT-PMP,",
          "                           then UPnP), upnp, natpmp, pcp or none (default auto)",
          "  --rate-limit N/SECONDS   requests or messages allowed per address and per node",
          "                           in each window (default 100/10)",
          "  --blacklist N/SECONDS    windows over the limit before a source is refused, and for",
          "                           how long (default 3/300)",
          "  --replay-window SECONDS  how far a message's timestamp may be from this node's",
          "                           clock, either way (default 600)",
          "  --max-clock-skew SECONDS how far ahead of this node's clock a version may be stamped;",
          "                           later ones are refused (default 60)",
          "  --allow-private-announce let callers from public addresses ask this node to dial",
          "                           private addresses and host names (default: refused)",
          "  --max-per-address N      open connections allowed from one IP address (default 64)",
          "  --max-per-subnet N       open connections allowed from one /24 or /56 (default 256)",
          "  --request-timeout SECONDS",
          "                           time a client has to send a whole request, headers and",
          "                           body; a request not complete by then gets 408 (default 30)",
          "  --public-read PATH       a REST path anyone may GET without a session; repeatable;",
          "                           replaces the default (/node/info and /node/status)",
          "  --no-multicast           do not look for peers on the local network",
          "  --multicast-group ADDR   multicast group for LAN discovery (default 239.255.42.42;",
          "                           an IPv6 group such as ff02::4242 uses IPv6)",
          "  --multicast-port PORT    UDP port for LAN discovery (default 4244)",
          "  --dns-seed NAME          a DNS name that lists nodes; repeatable",
          "  --dns-server HOST:PORT   the DNS server to ask (default: the system's)",
          "  --peers-file FILE        also dial the peers listed in FILE (host:port per line;",
          "                           read again when it changes)",
          "  --batch-size N           most block updates per signed batch (default 100, at most",
          "                           10000)",
          "  --batch-interval MS      longest wait before a batch is sent (default 1000)",
          "  --sync-interval SECONDS  reconcile metadata with a random peer this often (default",
          "                           300; 0 turns it off; peers are always reconciled on connect)",
          "  --help                   show this help",
          "",
          "Local scripts act as the operator with the token the node writes at each start to",
          "DIR/operator.token: curl -H \"Authorization: Bearer $(cat DIR/operator.token)\" ...",
          "");

  private NodeMain() {}

  /** Parsed options. */
  record Options(
      int httpPort,
      Integer wsPort,
      String host,
      String advertise,
      Path dataDir,
      List<BootstrapConfig.Node> bootstrap,
      String region,
      NatMode nat,
      SecurityConfig security,
      ConnectionLimits limits,
      DiscoverySettings discovery,
      Path peersFile,
      BatchConfig batching,
      SyncConfig sync,
      boolean help) {}

  /** Thrown for a bad command line; its message says what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Options parse(String[] args) throws UsageException {
    int httpPort = 4242;
    Integer wsPort = null;
    String host = "0.0.0.0";
    String advertise = "";
    Path dataDir = Path.of("brightchain-data");
    List<BootstrapConfig.Node> bootstrap = new ArrayList<>();
    String region = null;
    NatMode nat = NatMode.AUTO;
    SecurityConfig security = SecurityConfig.defaults();
    ConnectionLimits limits = ConnectionLimits.defaults();
    java.util.Set<String> publicReads = new java.util.LinkedHashSet<>();
    boolean multicast = true;
    DiscoveryConfig mc = DiscoveryConfig.defaults();
    List<String> seeds = new ArrayList<>();
    String dnsServer = "";
    Path peersFile = null;
    BatchConfig batching = BatchConfig.defaults();
    SyncConfig sync = SyncConfig.defaults();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--http-port" -> httpPort = port(name, value != null ? value : next(args, ++i, name));
        case "--ws-port" -> wsPort = port(name, value != null ? value : next(args, ++i, name));
        case "--host" -> host = hostName(name, value != null ? value : next(args, ++i, name));
        case "--advertise-address" ->
            advertise = hostName(name, value != null ? value : next(args, ++i, name));
        case "--data-dir" ->
            dataDir = Path.of(nonBlank(name, value != null ? value : next(args, ++i, name)));
        case "--region" -> region = nonBlank(name, value != null ? value : next(args, ++i, name));
        case "--nat" -> {
          String v = value != null ? value : next(args, ++i, name);
          try {
            nat = NatMode.fromWire(v);
          } catch (IllegalArgumentException e) {
            throw new UsageException(
                "--nat: '" + v + "' (expected one of: auto, upnp, natpmp, pcp, none)");
          }
        }
        case "--bootstrap" -> {
          String v = value != null ? value : next(args, ++i, name);
          try {
            bootstrap.add(BootstrapConfig.Node.parse(v));
          } catch (IllegalArgumentException e) {
            throw new UsageException("--bootstrap: " + e.getMessage());
          }
        }
        case "--rate-limit" -> {
          long[] nw = ratio(name, value != null ? value : next(args, ++i, name));
          RateLimitConfig r = security.rateLimit();
          security =
              security.withRateLimit(
                  new RateLimitConfig(
                      Duration.ofSeconds(nw[1]),
                      (int) nw[0],
                      r.blacklistThreshold(),
                      r.blacklistDuration()));
        }
        case "--blacklist" -> {
          long[] nw = ratio(name, value != null ? value : next(args, ++i, name));
          RateLimitConfig r = security.rateLimit();
          security =
              security.withRateLimit(
                  new RateLimitConfig(
                      r.window(), r.maxRequests(), (int) nw[0], Duration.ofSeconds(nw[1])));
        }
        case "--replay-window" ->
            security =
                security.withReplayWindow(
                    Duration.ofSeconds(
                        positive(name, value != null ? value : next(args, ++i, name))));
        case "--max-clock-skew" -> {
          long s = positive(name, value != null ? value : next(args, ++i, name));
          if (s > security.replayWindow().toSeconds()) {
            throw new UsageException(
                "--max-clock-skew: "
                    + s
                    + " (expected: at most the replay window, "
                    + security.replayWindow().toSeconds()
                    + ")");
          }
          security = security.withMaxClockSkew(Duration.ofSeconds(s));
        }
        case "--allow-private-announce" -> security = security.withPrivateAnnounceTargets(true);
        case "--max-per-address" -> {
          int n = (int) positive(name, value != null ? value : next(args, ++i, name));
          limits = limits.withCaps(n, Math.max(n, limits.maxPerSubnet()));
        }
        case "--max-per-subnet" -> {
          int n = (int) positive(name, value != null ? value : next(args, ++i, name));
          if (n < limits.maxPerAddress()) {
            throw new UsageException(
                "--max-per-subnet: "
                    + n
                    + " (expected: at least --max-per-address, "
                    + limits.maxPerAddress()
                    + ")");
          }
          limits = limits.withCaps(limits.maxPerAddress(), n);
        }
        case "--request-timeout" ->
            limits =
                limits.withRequestTimeout(
                    Duration.ofSeconds(
                        positive(name, value != null ? value : next(args, ++i, name))));
        case "--public-read" -> {
          String v = nonBlank(name, value != null ? value : next(args, ++i, name));
          if (!v.startsWith("/")) {
            throw new UsageException(
                "--public-read: '" + v + "' (expected: a path starting with /)");
          }
          publicReads.add(v);
        }
        case "--no-multicast" -> multicast = false;
        case "--multicast-group" -> {
          String v = nonBlank(name, value != null ? value : next(args, ++i, name));
          if (!isMulticastGroup(v)) {
            throw new UsageException(
                "--multicast-group: '" + v + "' (expected: an IPv4 or IPv6 multicast address)");
          }
          mc = new DiscoveryConfig(mc.port(), v, mc.broadcastInterval(), mc.nodeTimeout());
        }
        case "--multicast-port" -> {
          int port = port(name, value != null ? value : next(args, ++i, name));
          if (port == 0) {
            throw new UsageException("--multicast-port: 0 (expected: 1-65535)");
          }
          mc =
              new DiscoveryConfig(
                  port, mc.multicastAddress(), mc.broadcastInterval(), mc.nodeTimeout());
        }
        case "--dns-seed" ->
            seeds.add(nonBlank(name, value != null ? value : next(args, ++i, name)));
        case "--dns-server" -> {
          String v = nonBlank(name, value != null ? value : next(args, ++i, name));
          int colon = v.lastIndexOf(':');
          boolean hasPort =
              colon > 0
                  && (v.startsWith("[") ? v.lastIndexOf(']') < colon : v.indexOf(':') == colon);
          if (hasPort) {
            int p = port(name, v.substring(colon + 1));
            if (p == 0) {
              throw new UsageException("--dns-server: port 0 (expected: 1-65535)");
            }
          }
          dnsServer = v;
        }
        case "--peers-file" ->
            peersFile = Path.of(nonBlank(name, value != null ? value : next(args, ++i, name)));
        case "--batch-size" -> {
          long n = positive(name, value != null ? value : next(args, ++i, name));
          if (n > 10_000) {
            throw new UsageException("--batch-size: " + n + " (expected: 1-10000)");
          }
          batching =
              new BatchConfig(
                  (int) n, batching.interval(), batching.retryAttempts(), batching.retryDelay());
        }
        case "--batch-interval" -> {
          long ms = positive(name, value != null ? value : next(args, ++i, name));
          batching =
              new BatchConfig(
                  batching.maxSize(),
                  Duration.ofMillis(ms),
                  batching.retryAttempts(),
                  batching.retryDelay());
        }
        case "--sync-interval" -> {
          String v = value != null ? value : next(args, ++i, name);
          long seconds = v.trim().equals("0") ? 0 : positive(name, v);
          sync = sync.withInterval(Duration.ofSeconds(seconds));
        }
        default -> throw new UsageException("unknown option: " + a);
      }
    }
    DiscoverySettings discovery =
        DiscoverySettings.defaults()
            .withDnsSeeds(DnsSeedsConfig.of(seeds))
            .withDnsServer(dnsServer);
    if (multicast) {
      discovery = discovery.withMulticast(mc);
    }
    if (!publicReads.isEmpty()) {
      security = security.withPublicReads(publicReads);
    }
    return new Options(
        httpPort, wsPort, host, advertise, dataDir, bootstrap, region, nat, security, limits,
        discovery, peersFile, batching, sync, help);
  }

  private static String next(String[] args, int i, String name) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(name + ": missing value");
    }
    return args[i];
  }

  /**
   * A host name or IP address; the error names the flag and the problem, never echoes the value.
   */
  private static String hostName(String name, String v) throws UsageException {
    try {
      return org.brightchain.net.internal.HostNames.check(v, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String nonBlank(String name, String v) throws UsageException {
    if (v.isBlank()) {
      throw new UsageException(name + ": empty value");
    }
    return v;
  }

  private static boolean isMulticastGroup(String v) {
    String h = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
    if (!h.matches("[0-9.]+") && h.indexOf(':') < 0) {
      return false; // names are not resolved here
    }
    try {
      return java.net.InetAddress.getByName(h).isMulticastAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static long positive(String name, String v) throws UsageException {
    try {
      long n = Long.parseLong(v.trim());
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": '" + v + "' (expected: a positive whole number)");
    }
  }

  /** {@code N/SECONDS}. */
  private static long[] ratio(String name, String v) throws UsageException {
    int slash = v.indexOf('/');
    if (slash <= 0) {
      throw new UsageException(name + ": '" + v + "' (expected: N/SECONDS, for example 100/10)");
    }
    return new long[] {
      positive(name, v.substring(0, slash)), positive(name, v.substring(slash + 1))
    };
  }

  private static int port(String name, String v) throws UsageException {
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": '" + v + "' (expected: a port, 0-65535)");
    }
  }

  static BrightChainNode build(Options o) {
    BrightChainNode.Builder b =
        BrightChainNode.builder()
            .dataDirectory(o.dataDir())
            .host(o.host())
            .httpPort(o.httpPort())
            .advertisedAddress(o.advertise())
            .blockStore(new DirectoryBlockStore(o.dataDir().resolve("blocks")))
            .bootstrap(BootstrapConfig.of(o.bootstrap()))
            .nat(o.nat())
            .security(o.security())
            .connectionLimits(o.limits())
            .discovery(o.discovery())
            .batching(o.batching())
            .sync(o.sync());
    if (o.peersFile() != null) {
      b.addDiscoveryProvider(new PeersFileDiscovery(o.peersFile()));
    }
    if (o.wsPort() != null) {
      b.wsPort(o.wsPort());
    }
    if (o.region() != null) {
      b.region(o.region());
    }
    return b.build();
  }

  /** Runs the node until SIGTERM or Ctrl-C. */
  public static void main(String[] args) {
    configureLogging();
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      usage(System.err, "error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o.help()) {
      usage(System.out, null);
      return;
    }
    BrightChainNode node;
    try {
      node = build(o);
      node.start().get();
    } catch (ExecutionException e) {
      System.err.println("error: the node could not start: " + e.getCause().getMessage());
      System.exit(1);
      return;
    } catch (RuntimeException | InterruptedException e) {
      System.err.println("error: the node could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    String shown = o.host().equals("0.0.0.0") || o.host().equals("::") ? "localhost" : o.host();
    System.out.printf(
        "brightchain node %s ready: REST http://%s:%d/node/info WebSocket ws://%s:%d/ws%n",
        node.nodeId(), shown, node.httpAddress().getPort(), shown, node.wsAddress().getPort());
    System.out.flush();
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(
                      "brightchain node " + node.nodeId().shortId() + " leaving the network");
                  node.close();
                  System.out.println("brightchain node " + node.nodeId().shortId() + " stopped");
                  System.out.flush();
                  // A node asked to stop has done its job: exit 0, not the JVM's 143 for SIGTERM.
                  Runtime.getRuntime().halt(0);
                },
                "brightchain-shutdown"));
    try {
      forever.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void usage(PrintStream out, String error) {
    if (error != null) {
      out.println(error);
      out.println();
    }
    out.print(USAGE);
    out.flush();
  }

  private static void configureLogging() {
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
