package org.brightchain.net.core.internal.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks on the node's data directory, which holds its key, its operator token and its peers. */
public final class DataDirectories {
  private static final Logger log = LoggerFactory.getLogger(DataDirectories.class);

  private DataDirectories() {}

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
      if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
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
