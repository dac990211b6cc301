package org.brightchain.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.brightchain.net.Reachability.State;
import org.brightchain.net.spi.PortMappingException;
import org.junit.jupiter.api.Test;

class ReachabilityTest {
  private static final Instant T = Instant.parse("2026-01-01T01:00:00Z");

  @Test
  void statesAndReasonsHaveLowerCaseWireNames() {
    assertEquals(
        List.of("unmapped", "mapping", "mapped", "failed"),
        Arrays.stream(State.values()).map(State::wireName).toList());
    assertEquals(State.FAILED, State.fromWire("failed"));
    assertEquals(
        List.of(
            "no_gateway",
            "timeout",
            "denied",
            "conflict",
            "no_resources",
            "unsupported",
            "network_failure",
            "lost",
            "untrusted",
            "protocol_error",
            "gateway_error"),
        Arrays.stream(PortMappingException.Reason.values())
            .map(PortMappingException.Reason::wireName)
            .toList());
    assertEquals(
        PortMappingException.Reason.DENIED, PortMappingException.Reason.fromWire("denied"));
  }

  @Test
  void aMappedStateHasAnEndpointAndALease() {
    Reachability r =
        Reachability.mapped("upnp", "198.51.100.1", 4242, 4243, T.plusNanos(5), "", "ok");
    assertTrue(r.isMapped());
    assertEquals(T, r.leaseExpiresAt(), "kept to the millisecond, as on the wire");
    assertEquals(
        "externalPort: 0 (expected: 1-65535 when mapped)",
        assertThrows(
                IllegalArgumentException.class,
                () -> Reachability.mapped("upnp", "198.51.100.1", 0, 1, T, "", ""))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Reachability.mapped("", "198.51.100.1", 1, 1, T, "", ""));
    assertThrows(
        NullPointerException.class,
        () -> Reachability.mapped("upnp", "198.51.100.1", 1, 1, null, "", ""));
  }

  @Test
  void otherStatesHaveNoEndpoint() {
    assertEquals(
        "externalAddress: '198.51.100.1' (expected: empty when failed)",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new Reachability(State.FAILED, "pcp", "198.51.100.1", 0, 0, null, "denied", ""))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Reachability(State.UNMAPPED, "", "", 0, 0, T, "", ""));
    Reachability r = Reachability.failed("pcp", "denied", "refused");
    assertEquals("denied", r.error());
  }

  @Test
  void longDetailsAreCutWithoutSplittingACharacter() {
    String d = "x".repeat(Reachability.MAX_DETAIL - 1) + "\uD83D\uDE00";
    assertEquals(Reachability.MAX_DETAIL - 1, Reachability.unmapped("", d).detail().length());
    assertEquals(
        Reachability.MAX_DETAIL, Reachability.unmapped("", "y".repeat(2000)).detail().length());
  }

  @Test
  void aStatusReportWithoutPortMappingIsUnmapped() {
    NodeStatusReport r =
        new NodeStatusReport(
            NodeId.of("a".repeat(64)),
            NodeStatus.ONLINE,
            new NodeMetrics(
                java.time.Duration.ZERO,
                0,
                0,
                new NodeMetrics.Bandwidth(0, 0),
                new NodeMetrics.Operations(0, 0)),
            new NetworkHealth(1, 0, 0, java.util.Map.of()));
    assertEquals(State.UNMAPPED, r.reachability().state());
  }
}
