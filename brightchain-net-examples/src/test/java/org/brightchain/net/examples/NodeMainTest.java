package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.brightchain.net.config.NatMode;
import org.junit.jupiter.api.Test;

class NodeMainTest {

  @Test
  void defaultsMatchTheDocumentation() throws Exception {
    NodeMain.Options o = NodeMain.parse(new String[0]);
    assertEquals(4242, o.httpPort());
    assertNull(o.wsPort(), "the WebSocket shares the HTTP port unless told otherwise");
    assertEquals("0.0.0.0", o.host());
    assertEquals(Path.of("brightchain-data"), o.dataDir());
    assertTrue(o.bootstrap().isEmpty());
    assertEquals(NatMode.AUTO, o.nat());
  }

  @Test
  void everyOptionIsRead() throws Exception {
    NodeMain.Options o =
        NodeMain.parse(
            new String[] {
              "--http-port", "5000", "--ws-port=5001", "--host", "127.0.0.1", "--data-dir", "/tmp/x",
              "--bootstrap", "a.example:1", "--bootstrap", "[::1]:2", "--region", "eu-west", "--nat", "pcp"
            });
    assertEquals(5000, o.httpPort());
    assertEquals(5001, o.wsPort());
    assertEquals("127.0.0.1", o.host());
    assertEquals(Path.of("/tmp/x"), o.dataDir());
    assertEquals(2, o.bootstrap().size());
    assertEquals("::1", o.bootstrap().get(1).address());
    assertEquals(2, o.bootstrap().get(1).port());
    assertEquals("eu-west", o.region());
    assertEquals(NatMode.PCP, o.nat());
  }

  @Test
  void everyNatModeIsAccepted() throws Exception {
    for (NatMode m : NatMode.values()) {
      assertEquals(m, NodeMain.parse(new String[] {"--nat=" + m.wireName()}).nat());
    }
    assertTrue(NodeMain.USAGE.contains("--nat MODE"));
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    assertTrue(assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--nope"})).getMessage().contains("--nope"));
    assertTrue(assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--http-port", "70000"})).getMessage().contains("70000"));
    assertTrue(assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--bootstrap", "nohost"})).getMessage().contains("host:port"));
    assertTrue(assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--region"})).getMessage().contains("missing value"));
    assertEquals("--nat: 'stun' (expected one of: auto, upnp, natpmp, pcp, none)",
        assertThrows(NodeMain.UsageException.class, () -> NodeMain.parse(new String[] {"--nat", "stun"})).getMessage());
  }
}
