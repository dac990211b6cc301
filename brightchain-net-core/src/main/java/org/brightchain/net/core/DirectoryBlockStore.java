package org.brightchain.net.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.brightchain.net.BlockId;
import org.brightchain.net.spi.BlockStore;

/**
 * A {@link BlockStore} reading files named by block id (lower-case hex) from one directory, as the
 * runnable node uses. Read-only; thread-safe.
 */
public final class DirectoryBlockStore implements BlockStore {
  private final Path directory;

  /** A store over {@code directory}, which need not exist yet. */
  public DirectoryBlockStore(Path directory) {
    this.directory = directory;
  }

  @Override
  public Optional<byte[]> get(BlockId id) {
    try {
      return Optional.of(Files.readAllBytes(directory.resolve(id.hex())));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading block " + id, e);
    }
  }

  @Override
  public long count() {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> BlockId.isValid(p.getFileName().toString())).count();
    } catch (IOException e) {
      return 0;
    }
  }
}
