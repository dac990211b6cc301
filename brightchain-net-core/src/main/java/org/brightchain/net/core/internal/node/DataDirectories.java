package org.brightchain.net.core.internal.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks on the node's data directory, which holds its key, its operator token and its peers. */
public final class DataDirectories {
  private static final Logger log = LoggerFactory.getLogger(DataDirectories.class);

  private DataDirectories() {}

  /** Writes the operator token readable by the owner only, replacing the last run's atomically. */
  static void writeOperatorToken(Path file, String token) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, token + "\n", java.nio.charset.StandardCharsets.US_ASCII);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The node's identity: {@code given} if not null; else the one kept in {@code dir} (created there
   * on first use); else a fresh one. Warns if others may write into {@code dir}.
   *
   * @throws java.io.UncheckedIOException if the key file cannot be read or created
   */
  public static NodeIdentity identity(NodeIdentity given, Path dir) {
    if (dir != null) {
      warnIfShared(dir);
    }
    if (given != null) {
      return given;
    }
    if (dir == null) {
      return NodeIdentity.generate();
    }
    try {
      return NodeIdentity.loadOrCreate(dir.resolve(NodeIdentity.KEY_FILE));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * Warns (once, at build time) when others may write into {@code dir}: they could replace the
   * node's key or its peers file between two starts. Returns whether it warned.
   */
  public static boolean warnIfShared(Path dir) {
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    if (view == null || !Files.isDirectory(dir)) {
      return false;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (perms.contains(PosixFilePermission.OTHERS_WRITE)
          || perms.contains(PosixFilePermission.GROUP_WRITE)) {
        log.warn(
            "data directory {} is writable by others ({}): they could replace the node's key; run: chmod 700 {}",
            dir,
            PosixFilePermissions.toString(perms),
            dir);
        return true;
      }
    } catch (IOException e) {
      log.debug("cannot read the permissions of {}: {}", dir, e.toString());
    }
    return false;
  }
}
