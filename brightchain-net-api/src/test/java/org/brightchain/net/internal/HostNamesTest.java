package org.brightchain.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HostNamesTest {
  @Test
  void namesAndAddressesAreAccepted() {
    for (String h :
        List.of(
            "localhost",
            "seed.example.org",
            "a",
            "x-1.y-2",
            "node7.brightchain.net.",
            "10.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "2001:db8::1",
            "[2001:db8::1]",
            "fe80::1%eth0",
            "::ffff:192.0.2.1",
            "a".repeat(63) + ".example")) {
      assertTrue(HostNames.isValid(h), h);
      assertEquals(h, HostNames.check(h, "address"));
    }
  }

  @Test
  void anythingElseIsRefusedWithoutEchoingIt() {
    for (String h :
        List.of(
            "",
            " ",
            "bad host!",
            "127.0.0.1\n2026-01-01 INFO FORGED",
            "10.0.0.5\u0000",
            "a..b",
            "-a.b",
            "a-.b",
            "a".repeat(64) + ".example",
            "x.".repeat(130) + "y",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.999",
            "::g",
            "[::1",
            "fe80::1%",
            "host_name",
            "über.example",
            "a b",
            "a\tb",
            "a/b",
            "a:b@c")) {
      assertFalse(HostNames.isValid(h), h);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> HostNames.check(h, "address"));
      assertTrue(e.getMessage().startsWith("address: "), e.getMessage());
      assertFalse(
          !h.isBlank() && h.length() > 3 && e.getMessage().contains(h),
          "the value is not echoed: " + e.getMessage());
      assertFalse(
          e.getMessage().contains("\n") || e.getMessage().contains("\u0000"), e.getMessage());
    }
    assertEquals("", HostNames.checkOrEmpty("", "address"));
  }

  @Property(tries = 500)
  void noAcceptedHostCarriesAControlCharacterOrSpace(@ForAll String s) {
    if (HostNames.isValid(s)) {
      assertTrue(s.chars().allMatch(c -> c > 0x20 && c < 0x7f), s);
    }
  }
}
