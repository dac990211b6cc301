package org.brightchain.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.config.RateLimitConfig;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.junit.jupiter.api.Test;

/** The contract types: wire names as the design gives them, validation, defensive copies. */
class ContractsTest {
  private static final NodeId A = NodeId.of("a".repeat(64));

  @Test
  void eventTypesHaveTheDesignsWireNames() {
    assertEquals(
        List.of(
            "node:announce",
            "node:leave",
            "node:status",
            "block:temperature",
            "block:location",
            "block:sync",
            "metadata:update",
            "metadata:sync",
            "block:batch",
            "system:ping",
            "system:pong",
            "system:ack",
            "system:resume",
            "system:gap",
            "system:subscribe",
            "system:challenge",
            "system:auth",
            "system:error"),
        Arrays.stream(WSEventType.values()).map(WSEventType::wireName).toList());
    for (WSEventType t : WSEventType.values()) {
      assertEquals(t, WSEventType.fromWire(t.wireName()));
    }
  }

  @Test
  void enumsReadTheirWireNamesAndNameTheAcceptedOnesOtherwise() {
    assertEquals(DataTemperature.FROZEN, DataTemperature.fromWire("frozen"));
    assertEquals(NodeStatus.SHUTDOWN_SCHEDULED, NodeStatus.fromWire("shutdown_scheduled"));
    assertEquals(PeerStatusType.ACTIVE, PeerStatusType.fromWire("ACTIVE"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DataTemperature.fromWire("lukewarm"));
    assertEquals(
        "DataTemperature: 'lukewarm' (expected one of: hot, warm, cold, frozen)", e.getMessage());
  }

  @Test
  void idsAreLowerCaseHexOfTheRightLength() {
    assertEquals("ab".repeat(32), NodeId.of("AB".repeat(32)).hex());
    assertThrows(IllegalArgumentException.class, () -> NodeId.of("ab"));
    assertThrows(IllegalArgumentException.class, () -> new NodeId("AB".repeat(32)));
    assertEquals(128, BlockId.of("0f".repeat(64)).hex().length());
    assertEquals(64, BlockId.of("0f".repeat(32)).hex().length());
    assertThrows(IllegalArgumentException.class, () -> BlockId.of("0f".repeat(48)));
    assertThrows(IllegalArgumentException.class, () -> BlockId.of("zz".repeat(32)));
    // Digits of other scripts are not hex.
    assertThrows(IllegalArgumentException.class, () -> BlockId.of("\u0661".repeat(64)));
  }

  @Test
  void nodeIdIsSha256OfThePublicKey() throws Exception {
    byte[] key = new byte[33];
    key[0] = 2;
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key);
    assertArrayEquals(digest, NodeId.fromPublicKey(key).toBytes());
  }

  @Test
  void recordsCopyWhatTheyAreGiven() {
    Set<String> caps = new HashSet<>(Set.of("storage"));
    PeerInfo p = new PeerInfo(A, "h", 1, 2, Instant.EPOCH, caps, PeerStatusType.ACTIVE, null, null);
    caps.add("routing");
    assertEquals(Set.of("storage"), p.capabilities());
    assertThrows(UnsupportedOperationException.class, () -> p.capabilities().add("x"));

    byte[] sig = new byte[64];
    SignedMessage m =
        new SignedMessage(WSMessage.of(new Ping(1), 1, A), 1, A, new byte[33], sig, null);
    sig[0] = 9;
    assertEquals(0, m.signature()[0]);
    m.signature()[0] = 7;
    assertEquals(0, m.signature()[0]);
  }

  @Test
  void recordsKeepMillisecondsOnlyAndRefuseWhatTheWireCannotCarry() {
    Instant t = Instant.parse("2026-01-01T00:00:00.123456789Z");
    assertEquals(
        Instant.parse("2026-01-01T00:00:00.123Z"), BlockLocation.of(A, t, true).lastSeen());
    assertThrows(
        IllegalArgumentException.class, () -> BlockLocation.of(A, Instant.ofEpochMilli(-1), true));
    assertThrows(IllegalArgumentException.class, () -> new Ping(-1));
    assertThrows(IllegalArgumentException.class, () -> new Ping(1L << 53));
    assertThrows(
        IllegalArgumentException.class,
        () -> new org.brightchain.net.message.NodeLeave(A, "\ud800"));
  }

  @Test
  void aMessageTypeMustMatchItsData() {
    BlockTemperatureUpdate t =
        new BlockTemperatureUpdate(BlockId.of("0f".repeat(32)), DataTemperature.HOT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new WSMessage(WSEventType.PING, t, 1, A));
    assertTrue(e.getMessage().contains("system:ping"), e.getMessage());
    assertEquals(WSEventType.BLOCK_TEMPERATURE, WSMessage.of(t, 1, A).type());
  }

  @Test
  void lastWriterWinsOrdersByTimeThenNodeId() {
    BlockId id = BlockId.of("0f".repeat(32));
    NodeId b = NodeId.of("b".repeat(64));
    BlockMetadata early = BlockMetadata.initial(id, Instant.ofEpochMilli(1), b);
    BlockMetadata late = BlockMetadata.initial(id, Instant.ofEpochMilli(2), A);
    assertTrue(late.isNewerThan(early));
    BlockMetadata sameTimeA = BlockMetadata.initial(id, Instant.ofEpochMilli(2), A);
    BlockMetadata sameTimeB = BlockMetadata.initial(id, Instant.ofEpochMilli(2), b);
    assertTrue(sameTimeB.isNewerThan(sameTimeA));
    assertNotEquals(sameTimeA.isNewerThan(sameTimeB), sameTimeB.isNewerThan(sameTimeA));
  }

  @Test
  void configDefaultsAreBrightChains() {
    RateLimitConfig r = RateLimitConfig.defaults();
    assertEquals(100, r.maxRequests());
    assertEquals(10, r.window().toSeconds());
    assertEquals(3, r.blacklistThreshold());
    assertEquals(5, r.blacklistDuration().toMinutes());
    assertEquals(
        new BootstrapConfig.Node("::1", 4242, true), BootstrapConfig.Node.parse("[::1]:4242"));
    assertThrows(IllegalArgumentException.class, () -> BootstrapConfig.Node.parse("host:0"));
    assertThrows(IllegalArgumentException.class, () -> BootstrapConfig.Node.parse("host"));
  }
}
