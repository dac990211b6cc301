package org.brightchain.net.benchmarks;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.spi.ConnectionLimits;

/**
 * A BrightChain node for benchmarks, started by {@link ChannelBench} in a JVM of its own: the stock
 * node built with {@link BrightChainNode#builder()}, with the settings a load test needs:
 *
 * <ul>
 *   <li>loopback only, a free port;
 *   <li>a long idle timeout, and heartbeats as rare as the idle timeout, so that nothing closes or
 *       pings the driver's connections during a run (they do not answer pings);
 *   <li>a high connection cap ({@code maxConnections}), and per-address and per-subnet caps ({@link
 *       ConnectionLimits}) as high, since every connection comes from 127.0.0.1;
 *   <li>a rate limit no load of the benchmark reaches: the publisher sends thousands of messages a
 *       second from one node id, echo clients hundreds each, and the handshakes of thousands of
 *       connections count against 127.0.0.1 until each connection has authenticated.
 * </ul>
 *
 * Everything else (the handshake, signature checks, the rate limiter's bookkeeping on every frame)
 * is as in any node.
 *
 * <p>Prints {@code READY <port>} once listening. Reads commands on standard input, one per line:
 * {@code mem} collects garbage twice and prints {@code MEM heapUsed=<bytes> nettyDirect=<bytes>};
 * {@code quit} (or the end of input) stops the node and exits.
 *
 * <pre>java -cp brightchain-bench.jar org.brightchain.net.benchmarks.BenchNode
 *     [--port P] [--idle-timeout-s S] [--max-connections N]</pre>
 */
public final class BenchNode {
  /**
   * Messages allowed per 10 s per node id and per address: far above any load of the benchmark (the
   * default, 100, would stop the publisher after its first hundred messages).
   */
  static final int RATE_LIMIT = 1_000_000_000;

  private BenchNode() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    long idleSeconds = 900;
    int maxConnections = 30_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--idle-timeout-s" -> idleSeconds = Long.parseLong(args[++i]);
        case "--max-connections" -> maxConnections = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown option: " + args[i]);
          System.exit(2);
        }
      }
    }
    Duration idle = Duration.ofSeconds(idleSeconds);
    BrightChainNode node =
        BrightChainNode.builder()
            .host("127.0.0.1")
            .httpPort(port)
            .idleTimeout(idle)
            .heartbeat(idle, Duration.ofSeconds(Math.min(60, idleSeconds)), 3)
            .maxConnections(maxConnections)
            .connectionLimits(ConnectionLimits.defaults().withCaps(maxConnections, maxConnections))
            .rateLimit(
                new RateLimitConfig(Duration.ofSeconds(10), RATE_LIMIT, 3, Duration.ofMinutes(5)))
            .build();
    node.start().get();
    System.out.println("READY " + node.wsAddress().getPort());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      switch (line.trim()) {
        case "mem" -> {
          System.gc();
          Thread.sleep(200);
          System.gc();
          long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
          System.out.println("MEM heapUsed=" + heap + " nettyDirect=" + nettyDirect());
          System.out.flush();
        }
        case "quit" -> {
          node.close();
          System.exit(0);
        }
        default -> {
          System.out.println("ERR unknown command");
          System.out.flush();
        }
      }
    }
    node.close();
    System.exit(0);
  }

  /** Direct memory Netty holds (its allocator's arenas, or its own counter), 0 if unknown. */
  private static long nettyDirect() {
    long used = 0;
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
      used = p.metric().usedDirectMemory();
    }
    long counted = PlatformDependent.usedDirectMemory();
    return Math.max(used, Math.max(0, counted));
  }
}
