package org.brightchain.net.core.internal.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.internal.Checks;
import org.brightchain.net.internal.HostNames;
import org.brightchain.net.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer table on disk, {@code <data-dir>/peers.json}, so that a restarted node dials the peers
 * it knew without asking bootstrap nodes, seeds or the LAN. Written atomically; a damaged file is
 * set aside and ignored.
 */
public final class PeerStore {
  private static final Logger log = LoggerFactory.getLogger(PeerStore.class);

  /** The file name in the data directory. */
  public static final String FILE = "peers.json";

  /** A peer worth dialling again: where it was, and how long it was connected in all. */
  public record Entry(
      NodeId nodeId, String address, int wsPort, long lastSeenMs, long connectedMs) {
    /** Validates: a host name or IP address, a port to dial. */
    public Entry {
      HostNames.check(address, "address");
      Checks.checkArgument(wsPort > 0 && wsPort <= 65535, "wsPort: %s (expected: 1-65535)", wsPort);
    }
  }

  private final Path file;

  public PeerStore(Path dataDirectory) {
    this.file = dataDirectory.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /** The saved peers, best first; empty if there is no file or it cannot be read. */
  List<Entry> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      JsonObject o = JsonObject.of(Json.parse(Files.readAllBytes(file)), "");
      List<Entry> out = new ArrayList<>();
      List<Object> raw = o.array("peers");
      for (int i = 0; i < raw.size(); i++) {
        JsonObject p = JsonObject.of(raw.get(i), "peers[" + i + "]");
        try {
          out.add(
              new Entry(
                  NodeId.of(p.string("nodeId")),
                  p.string("address"),
                  p.intValue("wsPort"),
                  p.longValue("lastSeen"),
                  p.longValue("connectedMs")));
        } catch (IllegalArgumentException | WireFormatException e) {
          log.info("{}: skipping peers[{}]: {}", file, i, LogText.safe(e.getMessage()));
        }
      }
      return out;
    } catch (IOException | WireFormatException | RuntimeException e) {
      Path aside = file.resolveSibling(FILE + ".bad");
      log.warn(
          "{} is unreadable ({}); moved to {} and ignored",
          file,
          LogText.safe(e.getMessage()),
          aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException ignored) {
        // it stays; we ignore it again next time
      }
      return List.of();
    }
  }

  /** Replaces the file with {@code entries}. */
  public void save(List<Entry> entries) throws IOException {
    List<Object> list = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nodeId", e.nodeId().hex());
      o.put("address", e.address());
      o.put("wsPort", (long) e.wsPort());
      o.put("lastSeen", e.lastSeenMs());
      o.put("connectedMs", e.connectedMs());
      list.add(o);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", 1L);
    root.put("peers", list);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    // Readable by the owner only, like the key and the operator token.
    if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, Json.write(root), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
