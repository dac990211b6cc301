package org.brightchain.net.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One contender's server process. It prints {@code READY <port>} when listening and answers {@code
 * mem} on its standard input with one {@code MEM ...} line; its standard error goes to a log file.
 */
final class Server implements AutoCloseable {
  final Contender contender;
  final int port;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path log;

  private Server(Contender contender, Process process, Path log) throws IOException {
    this.contender = contender;
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
            contender.label + "-stdout");
    reader.setDaemon(true);
    reader.start();
    String ready = awaitLine("READY ", Duration.ofSeconds(60));
    this.port = Integer.parseInt(ready.substring("READY ".length()).trim());
  }

  /** Starts {@code command} in {@code dir} and waits (at most a minute) until it listens. */
  static Server start(Contender contender, List<String> command, Path dir, Path logDir)
      throws IOException {
    Path log = logDir.resolve(contender.label.replace('.', '_') + "-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      return new Server(contender, p, log);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw new IOException(
          contender.label + " did not start (see " + log + "): " + e.getMessage(), e);
    }
  }

  long pid() {
    return process.pid();
  }

  double cpuSeconds() {
    return Proc.cpuSeconds(process.pid());
  }

  /** User and system CPU seconds so far. */
  double[] cpu() {
    return Proc.cpu(process.pid());
  }

  long rssBytes() {
    return Proc.rssBytes(process.pid());
  }

  /** Sends {@code mem} and returns the rest of the {@code MEM} line. */
  String memory() throws IOException {
    stdin.write("mem\n");
    stdin.flush();
    String line = awaitLine("MEM ", Duration.ofSeconds(60));
    return line.substring("MEM ".length()).trim();
  }

  private String awaitLine(String prefix, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive() && lines.isEmpty()) {
        throw new IOException(
            "no '"
                + prefix.trim()
                + "' line from "
                + contender.label
                + (process.isAlive() ? " in " + timeout : " (exited " + exitCode() + ")")
                + "; log: "
                + log);
      }
      String line;
      try {
        line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
    }
  }

  private String exitCode() {
    try {
      return Integer.toString(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    try {
      stdin.write("quit\n");
      stdin.flush();
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
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
