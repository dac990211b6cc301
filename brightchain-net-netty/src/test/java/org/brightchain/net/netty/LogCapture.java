package org.brightchain.net.netty;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures the log lines written while it is open: slf4j-simple, the tests' logging backend, writes
 * to whatever {@code System.err} is when it logs, so this tees {@code System.err} into a buffer and
 * restores it on close.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  LogCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (captured) {
              captured.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** The lines logged so far. */
  List<String> lines() {
    synchronized (captured) {
      return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\r?\n|\r", -1));
    }
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
