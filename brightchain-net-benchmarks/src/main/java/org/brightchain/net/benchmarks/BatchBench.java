package org.brightchain.net.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.brightchain.net.config.BatchConfig;
import org.brightchain.net.core.crypto.NodeIdentity;

/**
 * The batching benchmark: signed temperature updates per second, end to end, between two nodes on
 * this machine, each in a JVM of its own ({@link BatchNode}), over loopback TCP with the default
 * transport.
 *
 * <p>The sender's host updates the temperature of N distinct blocks as fast as it can (each block
 * once, so nothing is coalesced and every update travels); the node batches them, signs each batch,
 * sends it; the receiver verifies it, applies every update to its metadata store and acknowledges
 * the batch. A run's time goes from the sender's first update to the receiver's last applied one
 * (both read {@link System#nanoTime()}, one clock for every process on Linux); the run ends once
 * the sender also has every batch acknowledged.
 *
 * <p>Contenders (batch sizes) take turns within each round (A B C, A B C, ...), each run in a fresh
 * pair of JVMs that first sends an unmeasured warm-up. The report gives every run, then per
 * contender the medians, the ratio to the unbatched contender (one signed message per update) and
 * to the goal of 500,000 updates/s, with the CPU seconds of both JVMs. Run it with {@code
 * scripts/bench-batch.sh}; {@code --help} lists the options.
 */
public final class BatchBench {
  static final double GOAL = 500_000;

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: scripts/bench-batch.sh [options]",
          "",
          "  --quick                 a short run: 100,000 updates (unbatched 2,000), 1 round",
          "  --updates N             temperature updates per run, batched contenders (default 300000; see",
          "                          docs/benchmarks.md)",
          "  --unbatched-updates N   updates per run for the unbatched contender (default 5000)",
          "  --rounds R              measured rounds (default 3); each run first sends a warm-up",
          "  --warmup-percent P      warm-up updates, as a share of the run's (default 20)",
          "  --contenders LIST       comma-separated, taking turns in this order (default",
          "                          batch-10000,batch-1000,default,unbatched):",
          "                            batch-S       batches of at most S updates, every --interval-ms",
          "                            batch-S/Ims   batches of at most S updates, every I ms",
          "                            default       BatchConfig.defaults() (100 updates, every 1 s)",
          "                            unbatched     batches of 1: one signed message per update",
          "  --interval-ms I         batch interval of batch-S contenders (default 10)",
          "  --retry-attempts R      BatchConfig retryAttempts (default 3)",
          "  --retry-delay-ms D      BatchConfig retryDelay (default 2000)",
          "  --window W              updates the host has handed to the node and not yet seen applied",
          "                          locally, at most (default 16384)",
          "  --max-unacked K         the host pauses while its node has K batches or more sent and not yet",
          "                          acknowledged (DeliveryStats), and hands it at most K/2 full batches",
          "                          ahead; 0: never (default 4; the node itself gives up sending to a",
          "                          peer with 256 unacknowledged, and a deep queue delays heartbeats)",
          "  --heartbeat-timeout-s T heartbeats every max(T, 5) s, answered within T s (default 30); 0: the",
          "                          node's defaults (every 5 s, within 2 s), which on a busy 2-core machine",
          "                          dropped the link mid-run, and with reconciliation off a dropped link",
          "                          loses the batches sealed meanwhile",
          "  --timeout-s S           longest wait for one run to be applied and acknowledged (default 300)",
          "  --heap SIZE             -Xmx of each node's JVM (default 3g)",
          "  --jvm-opt OPT           an extra option for both nodes' JVMs (repeatable)",
          "  --profile DIR           record each node JVM with JFR (settings=profile) into DIR",
          "  --jar PATH              the benchmark jar (default: the one running)",
          "  --results-dir DIR       where the raw results go (default benchmarks/results)",
          "  --log-dir DIR           the nodes' standard error (default: a temporary directory)",
          "");

  private final Options o;
  private final StringBuilder report = new StringBuilder();
  private final int cores = Runtime.getRuntime().availableProcessors();

  private BatchBench(Options o) {
    this.o = o;
  }

  // ------------------------------------------------------------------ options

  /** One contender: a batching configuration, and how many updates a run of it sends. */
  record Contender(String label, int maxSize, long intervalMs, boolean unbatched) {

    static Contender parse(String spec, long defaultIntervalMs) {
      String s = spec.trim();
      if (s.equals("default")) {
        BatchConfig d = BatchConfig.defaults();
        return new Contender("default", d.maxSize(), d.interval().toMillis(), false);
      }
      if (s.equals("unbatched")) {
        return new Contender("unbatched", 1, defaultIntervalMs, true);
      }
      if (s.startsWith("batch-")) {
        String rest = s.substring("batch-".length());
        long interval = defaultIntervalMs;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
          String i = rest.substring(slash + 1);
          if (!i.endsWith("ms")) {
            throw new IllegalArgumentException("contender '" + s + "': expected batch-S/Ims");
          }
          interval = Long.parseLong(i.substring(0, i.length() - 2));
          rest = rest.substring(0, slash);
        }
        int size = Integer.parseInt(rest);
        if (size < 1 || size > 10_000 || interval < 1) {
          throw new IllegalArgumentException(
              "contender '" + s + "': size 1-10000, interval >= 1 ms");
        }
        return new Contender(s, size, interval, false);
      }
      throw new IllegalArgumentException(
          "contender '" + s + "': expected batch-S, batch-S/Ims, default or unbatched");
    }

    String describe() {
      return unbatched
          ? "unbatched: batches of 1, one signed message per update"
          : String.format(
              Locale.ROOT,
              "%s: up to %,d updates per batch, every %d ms",
              label,
              maxSize,
              intervalMs);
    }
  }

  static final class Options {
    boolean quick;
    int updates = 300_000;
    int unbatchedUpdates = 5_000;
    int rounds = 3;
    int warmupPercent = 20;
    List<Contender> contenders;
    String contenderSpec = "batch-10000,batch-1000,default,unbatched";
    long intervalMs = 10;
    int retryAttempts = 3;
    long retryDelayMs = 2000;
    int window = 16_384;
    int maxUnacked = 4;
    int timeoutSeconds = 300;
    int heartbeatTimeoutSeconds = 30;
    String heap = "3g";
    List<String> jvmOptions = new ArrayList<>();
    Path profileDir;
    Path jar;
    Path resultsDir = Path.of("benchmarks/results");
    Path logDir;
    String commandLine = "";

    static Options parse(String[] args) {
      Options o = new Options();
      for (String a : args) {
        if (a.equals("--quick")) {
          o.quick = true;
          o.updates = 100_000;
          o.unbatchedUpdates = 2_000;
          o.rounds = 1;
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
          case "--updates" -> o.updates = positive(a, args, ++i);
          case "--unbatched-updates" -> o.unbatchedUpdates = positive(a, args, ++i);
          case "--rounds" -> o.rounds = positive(a, args, ++i);
          case "--warmup-percent" -> o.warmupPercent = nonNegative(a, args, ++i);
          case "--contenders" -> o.contenderSpec = value(a, args, ++i);
          case "--interval-ms" -> o.intervalMs = positive(a, args, ++i);
          case "--retry-attempts" -> o.retryAttempts = nonNegative(a, args, ++i);
          case "--retry-delay-ms" -> o.retryDelayMs = nonNegative(a, args, ++i);
          case "--window" -> o.window = positive(a, args, ++i);
          case "--max-unacked" -> o.maxUnacked = nonNegative(a, args, ++i);
          case "--timeout-s" -> o.timeoutSeconds = positive(a, args, ++i);
          case "--heartbeat-timeout-s" -> o.heartbeatTimeoutSeconds = nonNegative(a, args, ++i);
          case "--heap" -> o.heap = value(a, args, ++i);
          case "--jvm-opt" -> o.jvmOptions.add(value(a, args, ++i));
          case "--profile" -> o.profileDir = Path.of(value(a, args, ++i));
          case "--jar" -> o.jar = Path.of(value(a, args, ++i));
          case "--results-dir" -> o.resultsDir = Path.of(value(a, args, ++i));
          case "--log-dir" -> o.logDir = Path.of(value(a, args, ++i));
          default -> usage("unknown option: " + a);
        }
      }
      o.contenders = new ArrayList<>();
      for (String s : o.contenderSpec.split(",")) {
        try {
          o.contenders.add(Contender.parse(s, o.intervalMs));
        } catch (IllegalArgumentException e) {
          usage("--contenders: " + e.getMessage());
        }
      }
      o.commandLine =
          System.getProperty(
                  "bench.command",
                  "java -cp brightchain-bench.jar "
                      + BatchBench.class.getName()
                      + " "
                      + String.join(" ", args))
              .trim();
      return o;
    }

    int updatesOf(Contender c) {
      return c.unbatched() ? unbatchedUpdates : updates;
    }

    int warmupOf(Contender c) {
      return (int) ((long) updatesOf(c) * warmupPercent / 100);
    }

    private static String value(String name, String[] args, int i) {
      if (i >= args.length) {
        usage(name + ": missing value");
      }
      return args[i];
    }

    private static int positive(String name, String[] args, int i) {
      int v = nonNegative(name, args, i);
      if (v == 0) {
        usage(name + ": '" + args[i] + "' (expected a positive integer)");
      }
      return v;
    }

    private static int nonNegative(String name, String[] args, int i) {
      try {
        int v = Integer.parseInt(value(name, args, i).replace("_", "").replace(",", ""));
        if (v < 0) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        usage(name + ": '" + args[i] + "' (expected a non-negative integer)");
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
      o.jar = Path.of(BatchBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
    if (o.logDir == null) {
      o.logDir = Files.createTempDirectory("bench-batch-logs");
    }
    o.logDir =
        o.logDir.resolve(
            "batch-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now()));
    Files.createDirectories(o.logDir);
    if (o.profileDir != null) {
      Files.createDirectories(o.profileDir);
    }
    // Every wait is bounded; this bounds the whole run in case something hangs anyway. The
    // nodes stop by themselves when this process ends (their standard input closes).
    long runs = (long) o.rounds * o.contenders.size();
    long limitMinutes = Math.max(10, runs * (o.timeoutSeconds * 2L + 60) / 60);
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(limitMinutes));
                System.err.println("error: the benchmark ran over its time limit; stopping");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                // finished in time
              }
            },
            "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.exit(new BatchBench(o).run());
  }

  private int run() throws IOException {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    boolean finished = false;
    Map<Contender, List<Result>> results = new LinkedHashMap<>();
    o.contenders.forEach(c -> results.put(c, new ArrayList<>()));
    try {
      header(started);
      out(
          "== runs (the time goes from the sender's first update to the receiver's last applied one; load: the machine's");
      out("   1-minute load average as the run's JVMs start)");
      out(
          "%-5s %-14s %5s %10s %12s %9s %9s %8s %8s %7s %5s %8s %8s %14s %14s %9s",
          "round",
          "contender",
          "load",
          "updates",
          "rate/s",
          "applied s",
          "acked s",
          "batches",
          "acks",
          "retries",
          "aband",
          "B/upd ->",
          "B/upd <-",
          "sender cpu s",
          "receiver cpu s",
          "gc ms s/r");
      for (int round = 1; round <= o.rounds; round++) {
        for (Contender c : o.contenders) {
          Result r = runOnce(c, round);
          results.get(c).add(r);
          print(r);
        }
      }
      out("");
      summary(results);
      finished = true;
    } finally {
      if (!finished) {
        out("! the run stopped early; the figures above are all there is");
      }
      out(
          "total time %.0f s; load average at the end: %s",
          (System.nanoTime() - t0) / 1e9, ChannelBench.loadAverage());
      Path file = writeResults(started);
      System.out.println("raw results: " + file);
    }
    return 0;
  }

  private void header(Instant started) {
    out(
        "# brightchain-net batching benchmark, %s",
        DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS)));
    out("command: %s", o.commandLine);
    out(
        "machine: %d cores (%s), %s %s; load average at the start: %s",
        cores,
        ChannelBench.cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        ChannelBench.loadAverage());
    out(
        "java %s (%s); each node in its own JVM: -Xmx%s, default GC%s",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        o.heap,
        o.jvmOptions.isEmpty() ? "" : ", " + String.join(" ", o.jvmOptions));
    out(
        "signatures here and now (the node's default scheme, one thread, warmed): %s",
        cryptoSpeed());
    out(
        "load: %,d updates per run (unbatched: %,d), each to a distinct block (64-hex ids), warm-up %d%% first; %d rounds; host window %,d updates, %s; retries %d, %d ms apart",
        o.updates,
        o.unbatchedUpdates,
        o.warmupPercent,
        o.rounds,
        o.window,
        o.maxUnacked == 0
            ? "never paused"
            : String.format(Locale.ROOT, "paused at %d unacknowledged batches", o.maxUnacked),
        o.retryAttempts,
        o.retryDelayMs);
    out(
        "nodes: loopback, default transport (Netty), reconciliation off, rate limit raised, %s; all else default; logs in %s",
        o.heartbeatTimeoutSeconds == 0
            ? "default heartbeats"
            : String.format(
                Locale.ROOT,
                "heartbeats every %d s answered within %d s",
                Math.max(5, o.heartbeatTimeoutSeconds),
                o.heartbeatTimeoutSeconds),
        o.logDir);
    for (Contender c : o.contenders) {
      out("contender %s", c.describe());
    }
    out("");
  }

  // ------------------------------------------------------------------ one run

  /** The figures of one run. */
  record Result(
      Contender contender,
      int round,
      String load,
      long updates,
      boolean ok,
      String failure,
      double appliedSeconds,
      double ackedSeconds,
      double issuedSeconds,
      double wall,
      double senderCpu,
      double senderSys,
      double receiverCpu,
      double receiverSys,
      Map<String, String> sender,
      Map<String, String> receiver) {

    double rate() {
      return ok && appliedSeconds > 0 ? updates / appliedSeconds : 0;
    }

    long s(String key) {
      return parseLong(sender.get(key));
    }

    long r(String key) {
      return parseLong(receiver.get(key));
    }

    private static long parseLong(String v) {
      try {
        return v == null ? -1 : Long.parseLong(v);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private Result runOnce(Contender c, int round) throws IOException {
    String tag = c.label.replace('/', '_') + "-r" + round;
    String load = ChannelBench.loadAverage().split(" ")[0];
    int n = o.updatesOf(c);
    try (Child receiver =
            Child.start(command(c, tag + "-receiver"), o.logDir.resolve(tag + "-receiver.log"));
        Child sender =
            Child.start(command(c, tag + "-sender"), o.logDir.resolve(tag + "-sender.log"))) {
      sender.send("connect " + receiver.port);
      sender.await("CONNECTED", Duration.ofSeconds(60));
      receiver.send("await-peer");
      receiver.await("PEER", Duration.ofSeconds(60));
      int warm = o.warmupOf(c);
      if (warm > 0) {
        Phase w = phase(sender, receiver, warm);
        if (!w.ok) {
          return failed(c, round, load, n, "warm-up: " + w.failure, w);
        }
        sleep(500); // let the warm-up's garbage collection and compilation settle
      }
      Phase p = phase(sender, receiver, n);
      if (!p.ok) {
        return failed(c, round, load, n, p.failure, p);
      }
      long t0 = Long.parseLong(p.sent.get("t0"));
      long applied = Long.parseLong(p.applied.get("t"));
      long acked = Long.parseLong(p.acked.get("t"));
      long issued = Long.parseLong(p.sent.get("issued"));
      Map<String, String> s = new HashMap<>(p.acked);
      s.putAll(
          Map.of(
              "t0",
              p.sent.get("t0"),
              "issued",
              p.sent.get("issued"),
              "flushed",
              p.sent.get("flushed"),
              "paused",
              p.sent.getOrDefault("paused", "0")));
      return new Result(
          c,
          round,
          load,
          n,
          true,
          "",
          (applied - t0) / 1e9,
          acked > 0 ? (acked - t0) / 1e9 : Double.NaN,
          (issued - t0) / 1e9,
          p.wall,
          p.senderCpu[0] + p.senderCpu[1],
          p.senderCpu[1],
          p.receiverCpu[0] + p.receiverCpu[1],
          p.receiverCpu[1],
          s,
          p.applied);
    }
  }

  private static Result failed(Contender c, int round, String load, int n, String why, Phase p) {
    return new Result(
        c,
        round,
        load,
        n,
        false,
        why,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        p.wall,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Map.of(),
        Map.of());
  }

  /** What one phase (warm-up or measured) of a run gave. */
  private static final class Phase {
    boolean ok;
    String failure = "";
    Map<String, String> sent = Map.of();
    Map<String, String> applied = Map.of();
    Map<String, String> acked = Map.of();
    double wall;
    double[] senderCpu = {Double.NaN, Double.NaN};
    double[] receiverCpu = {Double.NaN, Double.NaN};
  }

  /**
   * The sender sends {@code n} updates; waits until the receiver has applied them all, then until
   * the sender has every batch acknowledged. CPU of both JVMs is read just before and just after.
   */
  private Phase phase(Child sender, Child receiver, int n) throws IOException {
    Phase p = new Phase();
    Duration timeout = Duration.ofSeconds(o.timeoutSeconds);
    sender.send("prepare " + n);
    sender.await("PREPARED", Duration.ofSeconds(120));
    receiver.send("expect " + n);
    receiver.await("ARMED", Duration.ofSeconds(30));
    double[] s0 = sender.cpu();
    double[] r0 = receiver.cpu();
    long w0 = System.nanoTime();
    sender.send("send " + o.window + " " + o.maxUnacked);
    try {
      p.sent = fields(sender.await("SENT", timeout));
      p.applied = fields(receiver.await("APPLIED", timeout));
      sender.send("await-acks " + o.timeoutSeconds);
      p.acked = fields(sender.await("ACKED", timeout.plusSeconds(10)));
    } catch (IOException e) {
      p.failure = e.getMessage();
      try {
        receiver.send("progress");
        p.failure += "; receiver: " + receiver.await("PROGRESS", Duration.ofSeconds(10));
        sender.send("progress");
        p.failure += "; sender: " + sender.await("PROGRESS", Duration.ofSeconds(10));
      } catch (IOException ignored) {
        // gone
      }
      out("! %s", p.failure);
      return p;
    }
    p.wall = (System.nanoTime() - w0) / 1e9;
    double[] s1 = sender.cpu();
    double[] r1 = receiver.cpu();
    p.senderCpu = new double[] {s1[0] - s0[0], s1[1] - s0[1]};
    p.receiverCpu = new double[] {r1[0] - r0[0], r1[1] - r0[1]};
    if (p.acked.containsKey("timeout")) {
      p.failure = "batches not all acknowledged after " + o.timeoutSeconds + " s: " + p.acked;
      out("! %s", p.failure);
      return p;
    }
    p.ok = true;
    return p;
  }

  private List<String> command(Contender c, String tag) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + o.heap);
    cmd.add("-Dorg.slf4j.simpleLogger.log.io.netty=warn");
    cmd.addAll(o.jvmOptions);
    if (o.profileDir != null) {
      cmd.add(
          "-XX:StartFlightRecording=filename="
              + o.profileDir.toAbsolutePath().resolve(tag + ".jfr")
              + ",settings=profile");
    }
    cmd.addAll(
        List.of(
            "-cp",
            o.jar.toAbsolutePath().toString(),
            BatchNode.class.getName(),
            "--max-size",
            Integer.toString(c.maxSize),
            "--interval-ms",
            Long.toString(c.intervalMs),
            "--retry-attempts",
            Integer.toString(o.retryAttempts),
            "--retry-delay-ms",
            Long.toString(o.retryDelayMs),
            "--heartbeat-timeout-s",
            Integer.toString(o.heartbeatTimeoutSeconds)));
    return cmd;
  }

  /** {@code key=value} words of a line (the first word, the line's name, is skipped). */
  static Map<String, String> fields(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    String[] w = line.trim().split("\\s+");
    for (int i = 1; i < w.length; i++) {
      int eq = w[i].indexOf('=');
      if (eq > 0) {
        m.put(w[i].substring(0, eq), w[i].substring(eq + 1));
      } else {
        m.put(w[i], "");
      }
    }
    return m;
  }

  // ------------------------------------------------------------------ report

  private void print(Result r) {
    if (!r.ok) {
      out(
          "%-5d %-14s %5s %10d   FAILED: %s",
          r.round, r.contender.label, r.load, r.updates, r.failure);
      return;
    }
    out(
        "%-5d %-14s %5s %,10d %,12.0f %9.3f %9.3f %8d %8d %7d %5d %8.1f %8.1f %7.2f (%4.2f) %7.2f (%4.2f) %4d/%-4d",
        r.round,
        r.contender.label,
        r.load,
        r.updates,
        r.rate(),
        r.appliedSeconds,
        r.ackedSeconds,
        r.s("sent"),
        r.s("acked"),
        r.s("retries"),
        r.s("abandoned"),
        r.s("bytesOut") / (double) r.updates,
        r.r("bytesOut") / (double) r.updates,
        r.senderCpu,
        r.senderCpu / r.wall,
        r.receiverCpu,
        r.receiverCpu / r.wall,
        r.s("gcMs"),
        r.r("gcMs"));
    List<String> notes = new ArrayList<>();
    if (r.s("paused") > 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "host paused %.0f%% of the time for acknowledgements",
              100 * r.s("paused") / 1e9 / r.appliedSeconds));
    }
    if (BatchNodeStats.present(r.sender) && r.s("accepted") != r.updates) {
      notes.add("sender accepted " + r.s("accepted"));
    }
    if (r.s("coalesced") > 0) {
      notes.add("coalesced " + r.s("coalesced"));
    }
    if (BatchNodeStats.present(r.receiver) && r.r("applied") != r.updates) {
      notes.add("receiver counted " + r.r("applied") + " applied");
    }
    if (r.r("syncEntries") > 0) {
      notes.add("receiver got " + r.r("syncEntries") + " entries by reconciliation");
    }
    if (r.r("duplicates") > 0) {
      notes.add(r.r("duplicates") + " duplicate batches received");
    }
    if (!BatchNodeStats.present(r.sender)) {
      notes.add("no delivery counters in this build: batches, acks and retries unknown");
    }
    if (!notes.isEmpty()) {
      out("      (%s)", String.join("; ", notes));
    }
  }

  /** Whether a node reported delivery counters (a build before batching reports none). */
  private static final class BatchNodeStats {
    static boolean present(Map<String, String> m) {
      return !m.containsKey("nostats");
    }
  }

  private void summary(Map<Contender, List<Result>> results) {
    out(
        "== medians per contender (ratio: to the unbatched contender's median rate; goal: %,.0f updates/s)",
        GOAL);
    Map<Contender, Double> rates = new LinkedHashMap<>();
    for (Map.Entry<Contender, List<Result>> e : results.entrySet()) {
      List<Result> ok = e.getValue().stream().filter(Result::ok).toList();
      rates.put(e.getKey(), ok.isEmpty() ? 0 : median(ok, Result::rate));
    }
    Double base = null;
    for (Contender c : results.keySet()) {
      if (c.unbatched() && rates.get(c) > 0) {
        base = rates.get(c);
      }
    }
    for (Map.Entry<Contender, List<Result>> e : results.entrySet()) {
      Contender c = e.getKey();
      List<Result> ok = e.getValue().stream().filter(Result::ok).toList();
      int failed = e.getValue().size() - ok.size();
      if (ok.isEmpty()) {
        out(
            "BATCH contender=%s updates=%d rate=0/s runs=0 failed=%d",
            c.label, o.updatesOf(c), failed);
        continue;
      }
      double rate = rates.get(c);
      double applied = median(ok, Result::appliedSeconds);
      double acked = median(ok, Result::ackedSeconds);
      double issueRate = median(ok, r -> r.updates / r.issuedSeconds);
      double senderCores = median(ok, r -> r.senderCpu / r.wall);
      double receiverCores = median(ok, r -> r.receiverCpu / r.wall);
      double senderUs = median(ok, r -> r.senderCpu / r.updates * 1e6);
      double receiverUs = median(ok, r -> r.receiverCpu / r.updates * 1e6);
      double senderSys = median(ok, r -> r.senderCpu == 0 ? 0 : r.senderSys / r.senderCpu);
      double receiverSys = median(ok, r -> r.receiverCpu == 0 ? 0 : r.receiverSys / r.receiverCpu);
      double bytesOut = median(ok, r -> r.s("bytesOut") / (double) r.updates);
      double bytesBack = median(ok, r -> r.r("bytesOut") / (double) r.updates);
      double batches = median(ok, r -> r.s("sent"));
      double acks = median(ok, r -> r.s("acked"));
      double retries = median(ok, r -> r.s("retries"));
      double abandoned = median(ok, r -> r.s("abandoned"));
      double paused = median(ok, r -> r.s("paused") / 1e9 / r.appliedSeconds);
      String ratio = base == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", rate / base);
      out(
          "BATCH contender=%s updates=%d rate=%.0f/s ratio=%s goal=%s(%.2fx) applied_s=%.3f acked_s=%.3f issue_rate=%.0f/s batches=%.0f acks=%.0f retries=%.0f abandoned=%.0f host_paused=%.0f%% bytes_per_update=%.1f ack_bytes_per_update=%.1f sender_cores=%.2f receiver_cores=%.2f cpu_share=%.0f%% sender_us_per_update=%.2f receiver_us_per_update=%.2f kernel_share=%.0f%%/%.0f%% runs=%d failed=%d",
          c.label,
          o.updatesOf(c),
          rate,
          ratio,
          rate >= GOAL ? "MET" : "NOT-MET",
          rate / GOAL,
          applied,
          acked,
          issueRate,
          batches,
          acks,
          retries,
          abandoned,
          100 * paused,
          bytesOut,
          bytesBack,
          senderCores,
          receiverCores,
          100 * (senderCores + receiverCores) / cores,
          senderUs,
          receiverUs,
          100 * senderSys,
          100 * receiverSys,
          ok.size(),
          failed);
    }
    out("");
    out(
        "   rate: updates / (receiver's last applied - sender's first update); acked_s: until the sender saw every batch acknowledged;");
    out(
        "   issue_rate: updates / time the sender's host took to hand them all to its node (and see them applied locally);");
    out(
        "   host_paused: share of the time the host waited because its node had --max-unacked batches unacknowledged;");
    out(
        "   abandoned: batches the sender gave up on (after its retries, or at 256 unacknowledged); their updates reach the");
    out(
        "   receiver by reconciliation, which the node then starts with that peer even with background reconciliation off;");
    out(
        "   bytes_per_update: the sender's transport bytes out / updates; ack_bytes: the receiver's bytes out / updates;");
    out(
        "   cores: CPU seconds (user + system, /proc) / wall time of the phase; cpu_share: both JVMs' CPU / (wall x %d cores);",
        cores);
    out(
        "   us_per_update: CPU microseconds per update; kernel_share: system time / CPU time, sender/receiver");
    out("");
    Contender best = null;
    for (Contender c : rates.keySet()) {
      if (best == null || rates.get(c) > rates.get(best)) {
        best = c;
      }
    }
    if (best != null) {
      out(
          "== goal: >= %,.0f signed temperature updates/s end to end with batching: %s (best: %s, %,.0f/s, %.2fx the goal)",
          GOAL,
          rates.get(best) >= GOAL ? "MET" : "NOT MET",
          best.label,
          rates.get(best),
          rates.get(best) / GOAL);
      out("");
    }
  }

  static double median(List<Result> rs, ToDoubleFunction<Result> f) {
    return ChannelBench.median(rs.stream().mapToDouble(f).toArray());
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
        "batch-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(started)
            + (o.quick ? "-quick" : "")
            + ".txt";
    Path file = o.resultsDir.resolve(name);
    Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Times the node's signing and verifying on this machine now. */
  private static String cryptoSpeed() {
    NodeIdentity id = NodeIdentity.generate();
    var scheme = id.scheme();
    byte[] key = id.publicKey();
    byte[][] messages = new byte[64][];
    byte[][] signatures = new byte[64][];
    SecureRandom r = new SecureRandom();
    for (int i = 0; i < messages.length; i++) {
      messages[i] = new byte[300];
      r.nextBytes(messages[i]);
      signatures[i] = id.sign(messages[i]);
    }
    int ok = 0;
    for (int i = 0; i < 1500; i++) {
      id.sign(messages[i & 63]);
      ok += scheme.verify(key, messages[i & 63], signatures[i & 63]) ? 1 : 0;
    }
    int n = 1000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      id.sign(messages[i & 63]);
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
        "%s sign %.0f µs, verify %.0f µs",
        scheme.getClass().getSimpleName(),
        (t1 - t0) / 1e3 / n,
        (t2 - t1) / 1e3 / n);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ child JVMs

  /**
   * A {@link BatchNode} process: commands on its standard input, answers read from its standard
   * output; its standard error goes to a log file.
   */
  static final class Child implements AutoCloseable {
    final Process process;
    final int port;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private Child(Process process, Path log) throws IOException {
      this.process = process;
      this.log = log;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // process gone
                }
              },
              "child-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      String ready = await("READY", Duration.ofSeconds(60));
      this.port = Integer.parseInt(ready.split("\\s+")[1]);
    }

    static Child start(List<String> command, Path log) throws IOException {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      try {
        return new Child(p, log);
      } catch (IOException | RuntimeException e) {
        p.destroyForcibly();
        throw new IOException("node did not start (see " + log + "): " + e.getMessage(), e);
      }
    }

    void send(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    /** The next line named {@code name}; an {@code ERR} line, an exit or the timeout throws. */
    String await(String name, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && lines.isEmpty()) {
          throw new IOException(
              "no "
                  + name
                  + " line from pid "
                  + process.pid()
                  + (process.isAlive() ? " in " + timeout : " (exited)")
                  + "; log: "
                  + log);
        }
        String line;
        try {
          line =
              lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
        if (line == null) {
          continue;
        }
        if (line.startsWith("ERR ")) {
          throw new IOException("pid " + process.pid() + ": " + line + " (log: " + log + ")");
        }
        if (line.equals(name) || line.startsWith(name + " ")) {
          return line;
        }
      }
    }

    double[] cpu() {
      return Proc.cpu(process.pid());
    }

    @Override
    public void close() {
      try {
        send("quit");
        stdin.close();
      } catch (IOException e) {
        // already gone
      }
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroy();
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
