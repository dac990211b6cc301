package org.brightchain.net.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from Linux's /proc; NaN or -1 elsewhere. */
final class Proc {
  private static final long TICKS_PER_SECOND = ticks();

  private Proc() {}

  /** User plus system CPU seconds used so far by process {@code pid}, all threads. */
  static double cpuSeconds(long pid) {
    double[] c = cpu(pid);
    return c[0] + c[1];
  }

  /**
   * User and system CPU seconds used so far by process {@code pid}, all threads; NaN if unknown.
   */
  static double[] cpu(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces; fields after it are plain.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return new double[] {utime / (double) TICKS_PER_SECOND, stime / (double) TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  /** Resident set size of process {@code pid} in bytes, or -1. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  static long self() {
    return ProcessHandle.current().pid();
  }

  /**
   * Clock ticks per second (USER_HZ): 100 on Linux unless {@code getconf CLK_TCK} says otherwise.
   */
  private static long ticks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      long t = Long.parseLong(out);
      return t > 0 ? t : 100;
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
