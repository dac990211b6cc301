package org.brightchain.net.examples;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.InMemoryBlockStore;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.NodeEventListener;

/**
 * How a host embeds a node: two nodes in one process, the second joining through the first; a
 * temperature change on one reaches the other. Run it with no arguments.
 */
public final class EmbeddedNodeExample {
  private EmbeddedNodeExample() {}

  /** Starts two nodes on free ports, changes a temperature on one, prints what the other saw. */
  public static void main(String[] args) throws Exception {
    InMemoryBlockStore blocks = new InMemoryBlockStore();
    byte[] data = "hello, brightchain".getBytes(StandardCharsets.UTF_8);
    BlockId id = BlockId.of(HexFormat.of().formatHex(sha3(data)));
    blocks.put(id, data);

    try (BrightChainNode first =
            BrightChainNode.builder()
                .host("127.0.0.1")
                .httpPort(0)
                .blockStore(blocks)
                .region("eu-west")
                .build();
        BrightChainNode second = startSecondFor(first)) {
      second.addListener(
          new NodeEventListener() {
            @Override
            public void messageReceived(SignedMessage m) {
              if (m.payload().data() instanceof BlockTemperatureUpdate t) {
                System.out.println(
                    "second node heard: "
                        + t.blockId().hex().substring(0, 12)
                        + "... is "
                        + t.temperature().wireName());
              }
            }
          });
      run(first, second, id);
    }
  }

  static BrightChainNode startSecondFor(BrightChainNode first) {
    first.start().join();
    BrightChainNode second =
        BrightChainNode.builder()
            .host("127.0.0.1")
            .httpPort(0)
            .addBootstrapNode("127.0.0.1", first.wsAddress().getPort())
            .build();
    second.start().join();
    return second;
  }

  /** Waits for the two nodes to connect, then heats the block on the first. */
  static void run(BrightChainNode first, BrightChainNode second, BlockId id)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (second.peer(first.nodeId()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20); // an example waits plainly; tests await conditions
    }
    first.updateTemperature(id, DataTemperature.HOT).join();
    while (second.metadata(id).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    System.out.println("second node's metadata: " + second.metadata(id).orElseThrow());
  }

  static byte[] sha3(byte[] data) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA3-512").digest(data);
  }
}
