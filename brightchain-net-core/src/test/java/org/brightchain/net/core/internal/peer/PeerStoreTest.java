package org.brightchain.net.core.internal.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerStoreTest {
  @TempDir Path dir;

  @Test
  void theFileIsReadableByItsOwnerOnlyLikeTheKey() throws Exception {
    assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    PeerStore store = new PeerStore(dir);
    store.save(
        List.of(new PeerStore.Entry(NodeIdentity.generate().nodeId(), "10.0.0.2", 4242, 1, 2)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(PeerStore.FILE))));
    assertEquals(1, store.load().size());
  }

  @Test
  void entriesWithHostileAddressesAreSkippedWhenLoaded() throws Exception {
    String id = NodeIdentity.generate().nodeId().hex();
    Files.writeString(
        dir.resolve(PeerStore.FILE),
        "{\"version\":1,\"peers\":[{\"nodeId\":\""
            + id
            + "\",\"address\":\"10.0.0.2\\n2026 INFO FORGED\",\"wsPort\":4242,\"lastSeen\":1,\"connectedMs\":2},"
            + "{\"nodeId\":\""
            + id
            + "\",\"address\":\"10.0.0.3\",\"wsPort\":4242,\"lastSeen\":1,\"connectedMs\":2}]}");
    List<PeerStore.Entry> loaded = new PeerStore(dir).load();
    assertEquals(1, loaded.size());
    assertEquals("10.0.0.3", loaded.get(0).address());
  }
}
