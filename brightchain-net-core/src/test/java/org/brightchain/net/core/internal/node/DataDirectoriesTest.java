package org.brightchain.net.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoriesTest {
  @TempDir Path dir;

  @Test
  void aDirectoryOthersMayWriteIntoIsWarnedAbout() throws Exception {
    assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    assertFalse(DataDirectories.warnIfShared(dir));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertTrue(DataDirectories.warnIfShared(dir));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    assertTrue(DataDirectories.warnIfShared(dir), "group-writable too");
  }
}
