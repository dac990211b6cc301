package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.core.BrightChainNode;
import org.junit.jupiter.api.Test;

/** The embedding example runs as documented, on free ports. */
class EmbeddedNodeExampleTest {

  @Test
  void theSecondNodeLearnsTheTemperatureSetOnTheFirst() throws Exception {
    BlockId id =
        BlockId.of(
            HexFormat.of()
                .formatHex(EmbeddedNodeExample.sha3("x".getBytes(StandardCharsets.UTF_8))));
    try (BrightChainNode first = BrightChainNode.builder().host("127.0.0.1").httpPort(0).build();
        BrightChainNode second = EmbeddedNodeExample.startSecondFor(first)) {
      EmbeddedNodeExample.run(first, second, id);
      assertEquals(DataTemperature.HOT, second.metadata(id).orElseThrow().temperature());
      assertEquals(first.nodeId(), second.metadata(id).orElseThrow().updatedBy());
    }
  }
}
