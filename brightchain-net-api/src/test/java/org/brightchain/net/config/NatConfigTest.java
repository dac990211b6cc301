package org.brightchain.net.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    NatConfig c = NatConfig.defaults();
    assertEquals(NatMode.AUTO, c.mode());
    assertEquals(Duration.ofHours(1), c.lease());
    assertEquals(Duration.ofSeconds(60), c.checkInterval());
    assertEquals(Duration.ofSeconds(5), c.retryInterval());
    assertEquals(Duration.ofMinutes(5), c.maxRetryInterval());
    assertEquals(Duration.ofSeconds(3), c.requestTimeout());
    assertEquals(Duration.ofSeconds(2), c.discoveryTimeout());
    assertEquals("", c.gateway());
    assertEquals("BrightChain Node", c.description());
  }

  @Test
  void modesHaveTheCommandLinesNames() {
    assertEquals(
        List.of("auto", "upnp", "natpmp", "pcp", "none"),
        Arrays.stream(NatMode.values()).map(NatMode::wireName).toList());
    assertEquals(
        "NatMode: 'stun' (expected one of: auto, upnp, natpmp, pcp, none)",
        assertThrows(IllegalArgumentException.class, () -> NatMode.fromWire("stun")).getMessage());
  }

  @Test
  void leasesAreNeverPermanentOrTooShort() {
    assertThrows(
        IllegalArgumentException.class, () -> NatConfig.defaults().withLease(Duration.ZERO));
    assertEquals(
        "lease: PT1S (expected: 2 s to 2^32-1 s)",
        assertThrows(
                IllegalArgumentException.class,
                () -> NatConfig.defaults().withLease(Duration.ofSeconds(1)))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> NatConfig.defaults().withLease(Duration.ofSeconds(1L << 32)));
    assertThrows(
        IllegalArgumentException.class,
        () -> NatConfig.defaults().withRetry(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    assertThrows(IllegalArgumentException.class, () -> NatConfig.defaults().withDescription(" "));
    assertEquals(
        Duration.ofSeconds(30), NatConfig.defaults().withLease(Duration.ofSeconds(30)).lease());
  }
}
