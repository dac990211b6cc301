package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.brightchain.net.NodeId;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example discovery provider, registered in code, with real nodes on loopback. */
class PeersFileDiscoveryTest {
  private final List<BrightChainNode> nodes = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    nodes.forEach(BrightChainNode::close);
  }

  private BrightChainNode start(BrightChainNode.Builder b) {
    BrightChainNode n = b.host("127.0.0.1").httpPort(0).loadDiscoveryProviders(false).build();
    nodes.add(n);
    n.start().join();
    return n;
  }

  private static boolean active(BrightChainNode on, NodeId of) {
    return on.peer(of).map(p -> p.status() == PeerStatusType.ACTIVE).orElse(false);
  }

  @Test
  void theNodeDialsThePeersInTheFileAndThoseAddedLater() throws Exception {
    BrightChainNode b = start(BrightChainNode.builder());
    BrightChainNode c = start(BrightChainNode.builder());
    Path file = tmp.resolve("peers.txt");
    Files.writeString(
        file, "# peers of this node\n127.0.0.1:" + b.wsAddress().getPort() + "\nnot a peer\n\n");
    BrightChainNode a =
        start(BrightChainNode.builder().addDiscoveryProvider(new PeersFileDiscovery(file)));
    Await.until(
        Duration.ofSeconds(20), () -> active(a, b.nodeId()), "A connects to the peer in the file");
    Files.writeString(
        file,
        "127.0.0.1:" + c.wsAddress().getPort() + "  # added later\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.now().plusSeconds(5))); // a visible change
    Await.until(
        Duration.ofSeconds(20),
        () -> active(a, c.nodeId()),
        "A connects to the peer added to the file");
    assertTrue(active(a, b.nodeId()));
  }
}
