package org.brightchain.net.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.spi.DiscoveryContext;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A custom discovery provider: peers listed in a text file, one {@code host:port} per line ({@code
 * #} starts a comment). The file is read at start and again whenever it changes, so an operator (or
 * a configuration tool) can add peers without restarting the node.
 *
 * <p>Register it in code, as the runnable node does for {@code --peers-file}:
 *
 * <pre>{@code
 * BrightChainNode node = BrightChainNode.builder()
 *     .addDiscoveryProvider(new PeersFileDiscovery(Path.of("peers.txt")))
 *     .build();
 * }</pre>
 *
 * <p>or list it in {@code META-INF/services/org.brightchain.net.spi.DiscoveryProvider} (with a
 * no-argument constructor) to have every node built on that class path load it.
 */
public final class PeersFileDiscovery implements DiscoveryProvider {
  private static final Logger log = LoggerFactory.getLogger(PeersFileDiscovery.class);

  /** How often the file is checked for changes. */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

  private final Path file;
  private volatile Scheduler.Cancellable timer;
  private volatile boolean stopped;
  private FileTime lastRead;

  /** Reads peers from {@code file}. */
  public PeersFileDiscovery(Path file) {
    this.file = file;
  }

  @Override
  public String name() {
    return "peers-file";
  }

  @Override
  public void start(DiscoveryContext context) {
    check(context);
  }

  private void check(DiscoveryContext context) {
    if (stopped) {
      return;
    }
    try {
      FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
      if (modified != null && !modified.equals(lastRead)) {
        lastRead = modified;
        read(context);
      }
    } catch (IOException e) {
      log.warn("cannot read {}: {}", file, e.getMessage());
    }
    timer = context.scheduler().schedule(() -> check(context), CHECK_INTERVAL);
  }

  private void read(DiscoveryContext context) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int n = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (entry.isEmpty()) {
        continue;
      }
      try {
        BootstrapConfig.Node peer = BootstrapConfig.Node.parse(entry);
        context.candidate(peer.address(), peer.port(), null, name());
        n++;
      } catch (IllegalArgumentException e) {
        log.warn("{}:{}: {} (skipped)", file, i + 1, e.getMessage());
      }
    }
    log.info("{} peers from {}", n, file);
  }

  @Override
  public void stop() {
    stopped = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }
}
