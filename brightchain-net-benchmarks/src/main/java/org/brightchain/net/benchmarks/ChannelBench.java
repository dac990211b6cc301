package org.brightchain.net.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brightchain.net.core.crypto.NodeIdentity;

/**
 * The channel benchmark: the node's WebSocket channel against a {@code ws} server and a {@code
 * socket.io} server with the same semantics, all driven by one Netty client in this JVM.
 *
 * <ol>
 *   <li><b>Broadcast fan-out.</b> One publisher, N subscribers; deliveries per second and the
 *       latency from publishing to each delivery.
 *   <li><b>Echo.</b> C clients, one request outstanding each; round trips per second and latency.
 *   <li><b>Idle connections.</b> Server memory per idle WebSocket connection.
 * </ol>
 *
 * Contenders take turns within each round (A B C, A B C, ...) after one warm-up round each; the
 * report gives every round, the medians and the ratios, with the CPU seconds used by each server
 * and by this driver. Run it with {@code scripts/bench-channel.sh}; {@code --help} lists the
 * options.
 */
public final class ChannelBench {
  private static final String USAGE =
      String.join(
          "\n",
          "Usage: scripts/bench-channel.sh [options]",
          "",
          "  --quick                 a short run (< 1 minute): fewer rounds, subscribers and connections",
          "  --rounds R              measured rounds per load (default 3; one warm-up round comes first)",
          "  --subscribers N         fan-out subscribers (default 200)",
          "  --messages M            fan-out messages per round (default 3000)",
          "  --window W              fan-out messages in flight, not yet delivered to all (default 64)",
          "  --round-cap-s S         longest fan-out round, seconds (default 5)",
          "  --formats F             fan-out frame formats: binary,json (default both)",
          "  --echo-clients C        echo clients (default 50)",
          "  --echo-seconds S        length of an echo round (default 3)",
          "  --echo-pool P           signed echo requests per round for the node (default 20000); a round\n"
              + "                          that uses them all up ends early",
          "  --idle-connections K    idle connections for the memory test (default 10000)",
          "  --contenders LIST       brightchain,ws,socket.io (default all)",
          "  --idle-contenders LIST  who gets the memory test (default brightchain,ws,socket.io)",
          "  --skip LIST             phases to skip: fanout,echo,idle",
          "  --jar PATH              the benchmark jar (default: the one running)",
          "  --js-dir DIR            the JavaScript contenders (default benchmarks/js)",
          "  --results-dir DIR       where the raw results go (default benchmarks/results)",
          "  --log-dir DIR           server logs (default: a temporary directory)",
          "  --node-heap SIZE        -Xmx of the node's JVM (default 1g)",
          "  --node-jvm-opt OPT      an extra option for the node's JVM (repeatable), e.g. a profiler's",
          "  --histogram             idle test: also print the node's heap growth per connection by class",
          "                          (jcmd GC.class_histogram before and after)",
          "");

  private final Options o;
  private final StringBuilder report = new StringBuilder();
  private final byte[] marker = new byte[Pool.MARKER_BYTES];
  private final byte[] markerHex;
  private final NodeIdentity publisherIdentity = NodeIdentity.generate();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long nextNumber = 1;
  private final List<String> goals = new ArrayList<>();
  private WsClient client;

  private ChannelBench(Options o) {
    this.o = o;
    new SecureRandom().nextBytes(marker);
    marker[0] = (byte) 0xb7;
    markerHex = HexFormat.of().formatHex(marker).getBytes(StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------ options

  static final class Options {
    boolean quick;
    int rounds = 3;
    int subscribers = 200;
    int messages = 3000;
    int window = 64;
    int roundCapSeconds = 5;
    List<String> formats = List.of("binary", "json");
    int echoClients = 50;
    int echoSeconds = 3;
    int echoPool = 20_000;
    int idleConnections = 10_000;
    List<Contender> contenders = List.of(Contender.values());
    List<Contender> idleContenders = List.of(Contender.values());
    List<String> skip = List.of();
    Path jar;
    Path jsDir = Path.of("benchmarks/js");
    Path resultsDir = Path.of("benchmarks/results");
    Path logDir;
    String nodeHeap = "1g";
    List<String> nodeJvmOptions = new ArrayList<>();
    boolean histogram;
    String commandLine = "";

    static Options parse(String[] args) {
      Options o = new Options();
      for (String a : args) {
        if (a.equals("--quick")) {
          o.quick = true;
          o.rounds = 1;
          o.subscribers = 50;
          o.messages = 1500;
          o.roundCapSeconds = 3;
          o.formats = List.of("binary");
          o.echoClients = 20;
          o.echoSeconds = 1;
          o.echoPool = 3000;
          o.idleConnections = 2000;
        }
      }
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> {}
          case "--help", "-h" -> {
            System.out.print(USAGE);
            System.exit(0);
          }
          case "--rounds" -> o.rounds = positive(a, args, ++i);
          case "--subscribers" -> o.subscribers = positive(a, args, ++i);
          case "--messages" -> o.messages = positive(a, args, ++i);
          case "--window" -> o.window = positive(a, args, ++i);
          case "--round-cap-s" -> o.roundCapSeconds = positive(a, args, ++i);
          case "--formats" -> {
            o.formats = List.of(value(a, args, ++i).split(","));
            for (String f : o.formats) {
              if (!f.equals("binary") && !f.equals("json")) {
                usage("--formats: '" + f + "' (expected binary or json)");
              }
            }
          }
          case "--echo-clients" -> o.echoClients = positive(a, args, ++i);
          case "--echo-seconds" -> o.echoSeconds = positive(a, args, ++i);
          case "--echo-pool" -> o.echoPool = positive(a, args, ++i);
          case "--idle-connections" -> o.idleConnections = positive(a, args, ++i);
          case "--contenders" -> o.contenders = contenders(a, value(a, args, ++i));
          case "--idle-contenders" -> o.idleContenders = contenders(a, value(a, args, ++i));
          case "--skip" -> o.skip = List.of(value(a, args, ++i).split(","));
          case "--jar" -> o.jar = Path.of(value(a, args, ++i));
          case "--js-dir" -> o.jsDir = Path.of(value(a, args, ++i));
          case "--results-dir" -> o.resultsDir = Path.of(value(a, args, ++i));
          case "--log-dir" -> o.logDir = Path.of(value(a, args, ++i));
          case "--node-heap" -> o.nodeHeap = value(a, args, ++i);
          case "--node-jvm-opt" -> o.nodeJvmOptions.add(value(a, args, ++i));
          case "--histogram" -> o.histogram = true;
          default -> usage("unknown option: " + a);
        }
      }
      o.commandLine =
          System.getProperty(
                  "bench.command", "java -jar brightchain-bench.jar " + String.join(" ", args))
              .trim();
      return o;
    }

    private static List<Contender> contenders(String name, String list) {
      List<Contender> out = new ArrayList<>();
      for (String s : list.split(",")) {
        Contender c =
            Arrays.stream(Contender.values())
                .filter(x -> x.label.equals(s.trim()))
                .findFirst()
                .orElse(null);
        if (c == null) {
          usage(name + ": '" + s + "' (expected brightchain, ws or socket.io)");
        }
        out.add(c);
      }
      return out;
    }

    private static String value(String name, String[] args, int i) {
      if (i >= args.length) {
        usage(name + ": missing value");
      }
      return args[i];
    }

    private static int positive(String name, String[] args, int i) {
      try {
        int v = Integer.parseInt(value(name, args, i));
        if (v <= 0) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        usage(name + ": '" + args[i] + "' (expected a positive integer)");
        return 0;
      }
    }

    private static void usage(String error) {
      System.err.println("error: " + error);
      System.err.println();
      System.err.print(USAGE);
      System.exit(2);
    }
  }

  // ------------------------------------------------------------------ main

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (o.jar == null) {
      o.jar =
          Path.of(ChannelBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
    if (o.logDir == null) {
      o.logDir = Files.createTempDirectory("bench-channel-logs");
    }
    Files.createDirectories(o.logDir);
    ChannelBench b = new ChannelBench(o);
    // Every wait below is bounded; this bounds the whole run in case something hangs anyway.
    // The servers stop by themselves when this process ends (their standard input closes).
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(o.quick ? 3 : 12));
                System.err.println("error: the benchmark ran over its time limit; stopping");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                // finished in time
              }
            },
            "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    int exit = b.run();
    System.exit(exit);
  }

  private int run() throws Exception {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    boolean finished = false;
    try {
      header(started);
      try (WsClient c = new WsClient(cores)) {
        client = c;
        out(
            "driver: Netty %s client, %d event loop threads, in this JVM (pid %d)",
            c.io, cores, Proc.self());
        out("");
        if (!o.skip.contains("fanout") || !o.skip.contains("echo")) {
          Map<Contender, Server> servers = startAll(o.contenders);
          try {
            if (!o.skip.contains("fanout")) {
              for (String f : o.formats) {
                fanOut(servers, f.equals("binary"));
              }
            }
            if (!o.skip.contains("echo")) {
              echo(servers);
            }
          } finally {
            servers.values().forEach(Server::close);
          }
        }
        if (!o.skip.contains("idle")) {
          idle();
        }
      }
      out(
          o.quick
              ? "== goals (a quick run warms up too briefly to judge them; run the full benchmark)"
              : "== goals");
      goals.forEach(this::out);
      out("");
      finished = true;
    } finally {
      if (!finished) {
        out("! the run stopped early; the figures above are all there is");
      }
      out(
          "total time %.0f s; load average at the end: %s",
          (System.nanoTime() - t0) / 1e9, loadAverage());
      Path file = writeResults(started);
      System.out.println("raw results: " + file);
    }
    return 0;
  }

  private void header(Instant started) {
    out(
        "# brightchain-net channel benchmark, %s",
        DateTimeFormatter.ISO_INSTANT.format(
            started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    out("command: %s", o.commandLine);
    out(
        "machine: %d cores (%s), %s %s; load average at the start: %s",
        cores,
        cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        loadAverage());
    out(
        "java %s (%s); node %s; ws %s; socket.io %s",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        command("node", "--version"),
        npmVersion("ws"),
        npmVersion("socket.io"));
    out("node JVM: -Xmx%s, default GC; JS servers: node --expose-gc", o.nodeHeap);
    out("secp256k1 here and now (BouncyCastle, one thread, warmed): %s", cryptoSpeed());
    out(
        "loads: fan-out %d subscribers, %d messages/round, window %d, cap %d s, formats %s; echo %d clients, %d s/round; idle %d connections; %d measured rounds + 1 warm-up",
        o.subscribers,
        o.messages,
        o.window,
        o.roundCapSeconds,
        String.join("+", o.formats),
        o.echoClients,
        o.echoSeconds,
        o.idleConnections,
        o.rounds);
  }

  // ------------------------------------------------------------------ servers

  private List<String> command(Contender c) {
    return switch (c) {
      case NODE -> {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + o.nodeHeap);
        cmd.add("-Dorg.slf4j.simpleLogger.log.io.netty=warn");
        cmd.addAll(o.nodeJvmOptions);
        cmd.addAll(
            List.of(
                "-cp",
                o.jar.toAbsolutePath().toString(),
                BenchNode.class.getName(),
                "--idle-timeout-s",
                "900",
                "--max-connections",
                Integer.toString(Math.max(30_000, o.idleConnections + 1000))));
        yield cmd;
      }
      case WS -> List.of("node", "--expose-gc", "ws-server.mjs", "0");
      case SOCKET_IO -> List.of("node", "--expose-gc", "socketio-server.mjs", "0");
    };
  }

  private Server start(Contender c) throws IOException {
    Path dir = c == Contender.NODE ? Path.of(".").toAbsolutePath() : o.jsDir.toAbsolutePath();
    return Server.start(c, command(c), dir, o.logDir);
  }

  private Map<Contender, Server> startAll(List<Contender> which) throws IOException {
    Map<Contender, Server> servers = new EnumMap<>(Contender.class);
    try {
      for (Contender c : which) {
        Server s = start(c);
        servers.put(c, s);
        out("started %s: pid %d, port %d", c.label, s.pid(), s.port);
      }
    } catch (IOException e) {
      servers.values().forEach(Server::close);
      throw e;
    }
    return servers;
  }

  private URI uri(Server s, Contender.Purpose p, boolean binary) {
    return URI.create("ws://127.0.0.1:" + s.port + s.contender.path(p, binary));
  }

  /**
   * What {@code count} connections to {@code s} need for its handshake: for the node, identities
   * and announcements signed ahead ({@link Handshake}); null for the others.
   */
  private static List<Handshake> handshakes(Server s, int count, boolean binary) {
    return s.contender == Contender.NODE ? Handshake.prepare(count, binary) : null;
  }

  /**
   * Opens {@code count} connections, at most {@code parallel} handshakes at a time; a connection to
   * the node counts once the node has identified it.
   */
  private List<WsClient.Conn> connect(
      Server s, Contender.Purpose p, boolean binary, int count, WsClient.Sink sink, int parallel)
      throws InterruptedException {
    return connect(s, p, binary, count, sink, parallel, handshakes(s, count, binary), 120);
  }

  /**
   * As above, with the node's handshakes prepared by the caller ({@code auth}, null for the
   * others), and no new connection started after {@code budgetSeconds}.
   */
  private List<WsClient.Conn> connect(
      Server s,
      Contender.Purpose p,
      boolean binary,
      int count,
      WsClient.Sink sink,
      int parallel,
      List<Handshake> auth,
      int budgetSeconds)
      throws InterruptedException {
    URI uri = uri(s, p, binary);
    Semaphore permits = new Semaphore(parallel);
    List<CompletableFuture<WsClient.Conn>> fs = new ArrayList<>(count);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(budgetSeconds);
    for (int i = 0; i < count; i++) {
      if (System.nanoTime() > deadline) {
        out(
            "  ! %s: stopped opening connections after %d s, %d of %d started",
            s.contender.label, budgetSeconds, i, count);
        break;
      }
      if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
        break;
      }
      CompletableFuture<WsClient.Conn> f =
          client.connect(uri, s.contender.socketIo, auth == null ? null : auth.get(i), sink);
      f.whenComplete((x, e) -> permits.release());
      fs.add(f);
    }
    List<WsClient.Conn> conns = new ArrayList<>(count);
    String firstError = null;
    for (CompletableFuture<WsClient.Conn> f : fs) {
      try {
        conns.add(f.join());
      } catch (RuntimeException e) {
        if (firstError == null) {
          firstError = String.valueOf(e.getCause() == null ? e : e.getCause());
        }
      }
    }
    if (conns.size() < count) {
      out(
          "  ! %s: %d of %d connections failed (first: %s)",
          s.contender.label, count - conns.size(), count, firstError);
    }
    return conns;
  }

  /**
   * Waits until none of {@code conns} has received a frame for {@code quietMillis}, at most {@code
   * maxSeconds}: the server has finished what opening them set off (for the node, the peer exchange
   * that follows identifying each one, section 9.4 of the protocol). Returns the seconds waited.
   */
  private static double settle(List<WsClient.Conn> conns, long quietMillis, int maxSeconds)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(maxSeconds);
    long last = -1;
    long quietSince = t0;
    while (System.nanoTime() < deadline) {
      long frames = 0;
      for (WsClient.Conn c : conns) {
        frames += c.framesIn; // written by the event loops; a stale read only prolongs the wait
      }
      long now = System.nanoTime();
      if (frames != last) {
        last = frames;
        quietSince = now;
      } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
        break;
      }
      Thread.sleep(20);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Closes connections and waits until they are closed, at most 30 s in all. */
  private static void closeAll(List<WsClient.Conn> conns) {
    conns.forEach(WsClient.Conn::close);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (WsClient.Conn c : conns) {
      try {
        c.closed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        return; // out of time, or gone in any case
      }
    }
  }

  // ------------------------------------------------------------------ fan-out

  /** One round's figures. */
  record Figures(
      Contender contender,
      String round,
      double rate,
      long p50,
      long p99,
      String extra,
      double wall,
      double serverCpu,
      double serverSys,
      double driverCpu,
      double driverSys,
      long count) {}

  private void fanOut(Map<Contender, Server> servers, boolean binary) throws Exception {
    String format = binary ? "binary" : "json";
    List<Pool> pools = new ArrayList<>();
    long signStart = System.nanoTime();
    for (int r = 0; r <= o.rounds; r++) {
      pools.add(Pool.sign(publisherIdentity, marker, nextNumber, o.messages, false));
      nextNumber += o.messages;
    }
    double signSeconds = (System.nanoTime() - signStart) / 1e9;
    out(
        "== fan-out, %s frames (%d B per message), %d subscribers, %d messages per round, window %d, cap %d s",
        format,
        pools.get(0).averageSize(binary),
        o.subscribers,
        o.messages,
        o.window,
        o.roundCapSeconds);
    out(
        "   (%d messages signed before the run in %.1f s; socket.io carries %s)",
        pools.size() * o.messages,
        signSeconds,
        binary
            ? "each as a binary attachment: 2 WebSocket frames per message"
            : "each as a JSON object in a 42[\"event\",...] frame");
    out(
        "%-6s %-12s %14s %9s %9s %11s %7s %17s %17s",
        "round",
        "contender",
        "deliveries/s",
        "p50 ms",
        "p99 ms",
        "delivered",
        "wall s",
        "server CPU s (c)",
        "driver CPU s (c)");
    Map<Contender, List<Figures>> results = new EnumMap<>(Contender.class);
    for (int r = 0; r <= o.rounds; r++) {
      for (Contender c : o.contenders) {
        Figures f =
            fanOutRound(
                servers.get(c), pools.get(r), binary, r == 0 ? "warm" : Integer.toString(r));
        print(f);
        if (r > 0) {
          results.computeIfAbsent(c, k -> new ArrayList<>()).add(f);
        }
      }
    }
    summary("fan-out " + format, "deliveries/s", results, true);
    out("");
  }

  private Figures fanOutRound(Server s, Pool pool, boolean binary, String round) throws Exception {
    Phases.FanOut load =
        new Phases.FanOut(o.subscribers, o.window, pool, binary, marker, markerHex);
    List<WsClient.Conn> subs =
        connect(s, Contender.Purpose.BROADCAST, binary, o.subscribers, load, 100);
    for (WsClient.Conn c : subs) {
      c.state = new Histogram();
    }
    List<WsClient.Conn> pubs = connect(s, Contender.Purpose.BROADCAST, binary, 1, load, 1);
    // Let the server finish its connection work (the node's peer exchange) before the round.
    List<WsClient.Conn> all = new ArrayList<>(subs);
    all.addAll(pubs);
    settle(all, 300, 60);
    if (subs.size() < o.subscribers || pubs.isEmpty()) {
      closeAll(subs);
      closeAll(pubs);
      return new Figures(s.contender, round, 0, 0, 0, "connections failed", 0, 0, 0, 0, 0, 0);
    }
    double[] sCpu0 = s.cpu();
    double[] dCpu0 = Proc.cpu(Proc.self());
    long t0 = System.nanoTime();
    load.start(pubs.get(0));
    load.allDelivered.await(o.roundCapSeconds, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    long delivered = load.deliveries.sum();
    load.stopped = true;
    double[] sCpu1 = s.cpu();
    double sCpu = sCpu1[0] + sCpu1[1] - sCpu0[0] - sCpu0[1];
    double sSys = sCpu1[1] - sCpu0[1];
    double[] dCpu1 = Proc.cpu(Proc.self());
    double dCpu = dCpu1[0] + dCpu1[1] - dCpu0[0] - dCpu0[1];
    double dSys = dCpu1[1] - dCpu0[1];
    closeAll(pubs);
    closeAll(subs);
    Histogram h = new Histogram();
    for (WsClient.Conn c : subs) {
      h.add((Histogram) c.state);
    }
    double wall = (t1 - t0) / 1e9;
    long expected = (long) load.published() * o.subscribers;
    String extra =
        String.format(Locale.ROOT, "%5.1f%%", expected == 0 ? 0 : 100.0 * delivered / expected);
    return new Figures(
        s.contender,
        round,
        delivered / wall,
        h.quantile(0.5),
        h.quantile(0.99),
        extra,
        wall,
        sCpu,
        sSys,
        dCpu,
        dSys,
        delivered);
  }

  // ------------------------------------------------------------------ echo

  private void echo(Map<Contender, Server> servers) throws Exception {
    boolean binary = true;
    List<Pool> pools = new ArrayList<>();
    long signStart = System.nanoTime();
    for (int r = 0; r <= o.rounds; r++) {
      pools.add(Pool.sign(publisherIdentity, marker, nextNumber, o.echoPool, true));
      nextNumber += o.echoPool;
    }
    double signSeconds = (System.nanoTime() - signStart) / 1e9;
    out(
        "== echo, binary frames (%d B per request), %d clients, one request outstanding each, %d s per round",
        pools.get(0).averageSize(binary), o.echoClients, o.echoSeconds);
    out(
        "   (the node verifies each request, applies it and answers with a signed system:ack; the JS servers send the frame back;");
    out(
        "    %d distinct requests signed before the run in %.1f s)",
        pools.size() * o.echoPool, signSeconds);
    out(
        "%-6s %-12s %14s %9s %9s %11s %7s %17s %17s",
        "round",
        "contender",
        "round trips/s",
        "p50 ms",
        "p99 ms",
        "",
        "wall s",
        "server CPU s (c)",
        "driver CPU s (c)");
    Map<Contender, List<Figures>> results = new EnumMap<>(Contender.class);
    for (int r = 0; r <= o.rounds; r++) {
      for (Contender c : o.contenders) {
        Figures f =
            echoRound(servers.get(c), pools.get(r), binary, r == 0 ? "warm" : Integer.toString(r));
        print(f);
        if (r > 0) {
          results.computeIfAbsent(c, k -> new ArrayList<>()).add(f);
        }
      }
    }
    summary("echo", "round trips/s", results, false);
    out("");
  }

  private Figures echoRound(Server s, Pool pool, boolean binary, String round) throws Exception {
    Phases.Echo load = new Phases.Echo(pool, binary, s.contender == Contender.NODE);
    List<WsClient.Conn> conns =
        connect(s, Contender.Purpose.ECHO, binary, o.echoClients, load, 100);
    settle(conns, 300, 60); // the server's connection work (the node's peer exchange) comes first
    double[] sCpu0 = s.cpu();
    double[] dCpu0 = Proc.cpu(Proc.self());
    long t0 = System.nanoTime();
    conns.forEach(load::start);
    boolean ranOut = load.exhausted.await(o.echoSeconds, TimeUnit.SECONDS);
    load.stopped = true;
    long t1 = ranOut ? load.exhaustedAt : System.nanoTime();
    double[] sCpu1 = s.cpu();
    double sCpu = sCpu1[0] + sCpu1[1] - sCpu0[0] - sCpu0[1];
    double sSys = sCpu1[1] - sCpu0[1];
    double[] dCpu1 = Proc.cpu(Proc.self());
    double dCpu = dCpu1[0] + dCpu1[1] - dCpu0[0] - dCpu0[1];
    double dSys = dCpu1[1] - dCpu0[1];
    closeAll(conns);
    Histogram h = new Histogram();
    long trips = 0;
    for (WsClient.Conn c : conns) {
      Phases.Echo.Client cl = (Phases.Echo.Client) c.state;
      h.add(cl.latency);
      trips += cl.roundTrips;
    }
    double wall = (t1 - t0) / 1e9;
    return new Figures(
        s.contender,
        round,
        trips / wall,
        h.quantile(0.5),
        h.quantile(0.99),
        ranOut ? "pool out" : "",
        wall,
        sCpu,
        sSys,
        dCpu,
        dSys,
        trips);
  }

  // ------------------------------------------------------------------ idle connections

  private static final Pattern NODE_MEM = Pattern.compile("heapUsed=(\\d+) nettyDirect=(\\d+)");
  private static final Pattern JS_HEAP = Pattern.compile("\"heapUsed\":(\\d+)");
  private static final Pattern JS_EXTERNAL = Pattern.compile("\"external\":(\\d+)");

  /**
   * Heap (for the JS servers: heap and external) and the wider figure (plus Netty's direct memory;
   * the same for JS).
   */
  private static long[] memory(Server s) throws IOException {
    String m = s.memory();
    if (s.contender == Contender.NODE) {
      Matcher x = NODE_MEM.matcher(m);
      if (!x.find()) {
        throw new IOException("unexpected memory line: " + m);
      }
      long heap = Long.parseLong(x.group(1));
      return new long[] {heap, heap + Long.parseLong(x.group(2)), s.rssBytes()};
    }
    Matcher h = JS_HEAP.matcher(m);
    Matcher e = JS_EXTERNAL.matcher(m);
    if (!h.find() || !e.find()) {
      throw new IOException("unexpected memory line: " + m);
    }
    long v = Long.parseLong(h.group(1)) + Long.parseLong(e.group(1));
    return new long[] {v, v, s.rssBytes()};
  }

  private void idle() throws Exception {
    int k = o.idleConnections;
    long fds = openFilesLimit();
    if (fds > 0 && fds < k + 1000) {
      int fewer = (int) Math.max(100, fds - 1000);
      out(
          "! open files limit %d is too low for %d connections (ulimit -n); measuring %d",
          fds, k, fewer);
      k = fewer;
    }
    out(
        "== idle connections: %d WebSocket connections open and silent, server memory after a full GC, minus before",
        k);
    out(
        "   (the node: heap used, and heap + Netty direct memory; ws and socket.io: V8 heapUsed + external; RSS for all)");
    out(
        "%-12s %12s %14s %12s %11s %12s %10s",
        "contender", "connected", "heap B/conn", "+direct B/c", "RSS B/conn", "heap MB", "open s");
    Map<Contender, long[]> perConn = new EnumMap<>(Contender.class);
    Map<Contender, Integer> connected = new EnumMap<>(Contender.class);
    List<String> absolute = new ArrayList<>();
    List<String> histogramLines = new ArrayList<>();
    for (Contender c : o.idleContenders) {
      try (Server s = start(c)) {
        // Warm the paths a connection takes, so that class loading and pools are in the baseline.
        List<WsClient.Conn> warm = connect(s, Contender.Purpose.IDLE, true, 200, null, 100);
        settle(warm, 500, 60);
        closeAll(warm);
        Thread.sleep(1000);
        long[] before = memory(s);
        Map<String, long[]> histogramBefore =
            o.histogram && c == Contender.NODE ? classHistogram(s.pid()) : null;
        List<Handshake> auth = handshakes(s, k, true); // signed ahead, outside the time to open
        long t0 = System.nanoTime();
        List<WsClient.Conn> conns =
            connect(s, Contender.Purpose.IDLE, true, k, null, 256, auth, o.quick ? 45 : 180);
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        // Connections to the node count once it has identified them; wait for the work that
        // follows (its peer exchange) to end as well.
        settle(conns, 1000, 120);
        long[] after = memory(s);
        int n = conns.size();
        if (histogramBefore != null && n > 0) {
          histogramLines.addAll(histogramGrowth(histogramBefore, classHistogram(s.pid()), n));
        }
        long[] per = new long[3];
        for (int i = 0; i < 3; i++) {
          per[i] = n == 0 ? 0 : (after[i] - before[i]) / n;
        }
        perConn.put(c, per);
        connected.put(c, n);
        out(
            "%-12s %12d %14d %12d %11d %12.1f %10.1f",
            c.label, n, per[0], per[1], per[2], after[0] / 1e6, openSeconds);
        absolute.add(
            String.format(
                Locale.ROOT,
                "   %s before/after: heap %.1f/%.1f MB, heap+direct %.1f/%.1f MB, RSS %.1f/%.1f MB",
                c.label,
                before[0] / 1e6,
                after[0] / 1e6,
                before[1] / 1e6,
                after[1] / 1e6,
                before[2] / 1e6,
                after[2] / 1e6));
        closeAll(conns);
      }
    }
    absolute.forEach(this::out);
    histogramLines.forEach(this::out);
    long[] ours = perConn.get(Contender.NODE);
    long[] ws = perConn.get(Contender.WS);
    if (ours != null && ws != null) {
      out(
          "ratio heap per connection ws/brightchain: %.2fx (heap + direct: %.2fx)",
          ws[0] / (double) ours[0], ws[1] / (double) ours[1]);
    }
    if (ours != null) {
      goals.add(
          String.format(
              Locale.ROOT,
              "heap per idle connection <= 2 KB: %s (%d B heap, %d B heap + Netty direct, at %d connections)",
              ours[0] <= 2048 ? "MET" : "NOT MET",
              ours[0],
              ours[1],
              connected.get(Contender.NODE)));
    }
    out("");
  }

  // ------------------------------------------------------------------ report

  private void print(Figures f) {
    out(
        "%-6s %-12s %,14.0f %9.2f %9.2f %11s %7.2f %10.2f (%4.2f) %10.2f (%4.2f)%s",
        f.round(),
        f.contender().label,
        f.rate(),
        f.p50() / 1000.0,
        f.p99() / 1000.0,
        f.extra().equals("pool out") ? "" : f.extra(),
        f.wall(),
        f.serverCpu(),
        f.wall() == 0 ? 0 : f.serverCpu() / f.wall(),
        f.driverCpu(),
        f.wall() == 0 ? 0 : f.driverCpu() / f.wall(),
        f.extra().equals("pool out") ? "  (signed pool used up: round ended early)" : "");
  }

  private void summary(
      String what, String unit, Map<Contender, List<Figures>> results, boolean fanOut) {
    Map<Contender, Double> rate = new LinkedHashMap<>();
    for (Map.Entry<Contender, List<Figures>> e : results.entrySet()) {
      List<Figures> fs = e.getValue();
      double r = median(fs.stream().mapToDouble(Figures::rate).toArray());
      double p50 = median(fs.stream().mapToDouble(f -> f.p50() / 1000.0).toArray());
      double p99 = median(fs.stream().mapToDouble(f -> f.p99() / 1000.0).toArray());
      double cpuPerMillion =
          median(
              fs.stream()
                  .mapToDouble(f -> f.count() == 0 ? 0 : f.serverCpu() / f.count() * 1e6)
                  .toArray());
      double serverCores =
          median(
              fs.stream().mapToDouble(f -> f.wall() == 0 ? 0 : f.serverCpu() / f.wall()).toArray());
      double sysShare =
          median(
              fs.stream()
                  .mapToDouble(f -> f.serverCpu() == 0 ? 0 : f.serverSys() / f.serverCpu())
                  .toArray());
      double driverCores =
          median(
              fs.stream().mapToDouble(f -> f.wall() == 0 ? 0 : f.driverCpu() / f.wall()).toArray());
      double driverSys =
          median(
              fs.stream()
                  .mapToDouble(f -> f.driverCpu() == 0 ? 0 : f.driverSys() / f.driverCpu())
                  .toArray());
      rate.put(e.getKey(), r);
      out(
          "median %-12s %,14.0f %9.2f %9.2f   server %.2f cores (%.0f%% in the kernel), %.1f CPU s per million; driver %.2f cores (%.0f%% in the kernel), %.0f%% of the CPU the two used",
          e.getKey().label,
          r,
          p50,
          p99,
          serverCores,
          100 * sysShare,
          cpuPerMillion,
          driverCores,
          100 * driverSys,
          100 * driverCores / Math.max(1e-9, serverCores + driverCores));
    }
    Double ours = rate.get(Contender.NODE);
    Double ws = rate.get(Contender.WS);
    Double sio = rate.get(Contender.SOCKET_IO);
    StringBuilder ratios = new StringBuilder("ratio " + unit + " (medians):");
    if (ours != null && ws != null) {
      ratios.append(String.format(Locale.ROOT, " brightchain/ws = %.2fx", ours / ws));
    }
    if (ours != null && sio != null) {
      ratios.append(String.format(Locale.ROOT, "  brightchain/socket.io = %.2fx", ours / sio));
    }
    out(ratios.toString());
    if (fanOut && ours != null) {
      if (ws != null) {
        goals.add(
            String.format(
                Locale.ROOT,
                "%s >= 3x ws: %s (%.2fx)",
                what,
                ours / ws >= 3 ? "MET" : "NOT MET",
                ours / ws));
      }
      if (sio != null) {
        goals.add(
            String.format(
                Locale.ROOT,
                "%s >= 10x socket.io: %s (%.2fx)",
                what,
                ours / sio >= 10 ? "MET" : "NOT MET",
                ours / sio));
      }
    }
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private void out(String format, Object... args) {
    String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
    System.out.println(line);
    System.out.flush();
    report.append(line).append('\n');
  }

  private Path writeResults(Instant started) throws IOException {
    Files.createDirectories(o.resultsDir);
    String name =
        "channel-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(started)
            + (o.quick ? "-quick" : "")
            + ".txt";
    Path file = o.resultsDir.resolve(name);
    Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
    return file;
  }

  // ------------------------------------------------------------------ machine

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown CPU";
  }

  private static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private String npmVersion(String pkg) {
    try {
      String json =
          Files.readString(o.jsDir.resolve("node_modules").resolve(pkg).resolve("package.json"));
      Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
      return m.find() ? m.group(1) : "?";
    } catch (IOException e) {
      return "not installed";
    }
  }

  /**
   * Times signing and verifying on this machine now: the node pays one verify per relayed message.
   */
  private String cryptoSpeed() {
    var scheme = publisherIdentity.scheme();
    byte[] key = publisherIdentity.publicKey();
    byte[][] messages = new byte[64][];
    byte[][] signatures = new byte[64][];
    SecureRandom r = new SecureRandom();
    for (int i = 0; i < messages.length; i++) {
      messages[i] = new byte[300];
      r.nextBytes(messages[i]);
      signatures[i] = publisherIdentity.sign(messages[i]);
    }
    int ok = 0;
    for (int i = 0; i < 1500; i++) { // warm-up
      publisherIdentity.sign(messages[i & 63]);
      ok += scheme.verify(key, messages[i & 63], signatures[i & 63]) ? 1 : 0;
    }
    int n = 1000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      publisherIdentity.sign(messages[i & 63]);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ok += scheme.verify(key, messages[i & 63], signatures[i & 63]) ? 1 : 0;
    }
    long t2 = System.nanoTime();
    if (ok != 1500 + n) {
      return "verification failed";
    }
    return String.format(
        Locale.ROOT,
        "sign %.0f µs, verify %.0f µs (wall time)",
        (t1 - t0) / 1e3 / n,
        (t2 - t1) / 1e3 / n);
  }

  private static final Pattern HISTO_LINE =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /**
   * Instances and bytes by class in a JVM's heap, after a full GC ({@code jcmd
   * GC.class_histogram}).
   */
  private static Map<String, long[]> classHistogram(long pid)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = HISTO_LINE.matcher(line);
      if (m.find()) {
        out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    return out;
  }

  /** The classes whose heap grew most, per connection. */
  private static List<String> histogramGrowth(
      Map<String, long[]> before, Map<String, long[]> after, int connections) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
      if (d[1] > 0) {
        total += d[1];
        grown.add(Map.entry(e.getKey(), d));
      }
    }
    grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "   the node's heap growth by class (jcmd GC.class_histogram), per connection: %d B in all",
            total / connections));
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(20, grown.size()))) {
      lines.add(
          String.format(
              Locale.ROOT,
              "   %7.1f B %6.2f objects  %s",
              e.getValue()[1] / (double) connections,
              e.getValue()[0] / (double) connections,
              e.getKey()));
    }
    return lines;
  }

  /** This process's limit of open files, or -1 if unknown. */
  private static long openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
