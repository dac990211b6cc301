package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.Test;

class LocalNetworkTest {

  @Test
  void theDefaultGatewayIsReadFromTheRoutingTable() {
    List<String> routes =
        List.of(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
            "eth0\t00000000\t014DA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
            "eth0\t004DA8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0",
            "garbage");
    assertEquals(
        "192.168.77.1",
        LocalNetwork.parseDefaultGateway(routes).orElseThrow().getHostAddress(),
        "lowest metric wins");
    assertEquals(
        Optional.empty(), LocalNetwork.parseDefaultGateway(List.of(routes.get(0), routes.get(3))));
  }

  @Test
  void literalsAreParsedWithoutLookups() {
    assertEquals("10.0.0.1", LocalNetwork.literal("10.0.0.1").orElseThrow().getHostAddress());
    for (String bad :
        List.of("10.0.0", "10.0.0.256", "gateway.local", "1.2.3.4.5", "", "1..2.3", "+1.2.3.4")) {
      assertFalse(LocalNetwork.literal(bad).isPresent(), bad);
    }
  }

  @Test
  void subnetsAreComparedByPrefix() {
    Inet4Address a = LocalNetwork.literal("192.168.77.10").orElseThrow();
    assertTrue(LocalNetwork.sameSubnet(a, LocalNetwork.literal("192.168.77.1").orElseThrow(), 24));
    assertFalse(LocalNetwork.sameSubnet(a, LocalNetwork.literal("192.168.78.1").orElseThrow(), 24));
    assertTrue(LocalNetwork.sameSubnet(a, LocalNetwork.literal("192.168.78.1").orElseThrow(), 16));
  }

  @Test
  void aConfiguredGatewayOffTheLocalSubnetsIsNotTrusted() {
    PortMappingException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            PortMappingException.class,
            () -> LocalNetwork.resolve("203.0.113.1", "0.0.0.0", "pcp"));
    assertEquals(Reason.UNTRUSTED, e.reason());
    assertEquals("gateway 203.0.113.1 is not on a local subnet", e.getMessage());
    assertEquals(
        Reason.UNTRUSTED,
        org.junit.jupiter.api.Assertions.assertThrows(
                PortMappingException.class,
                () -> LocalNetwork.resolve("router.example", "0.0.0.0", "pcp"))
            .reason());
  }
}
