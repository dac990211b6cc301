package org.brightchain.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void lineBreaksAndControlsAreEscapedSoALineCannotBeForged() {
    assertEquals(
        "127.0.0.1\\n2026-01-01 INFO FORGED", LogText.safe("127.0.0.1\n2026-01-01 INFO FORGED"));
    assertEquals(
        "a\\rb\\tc\\u0000d\\u001be\\u2028f\\u202eg",
        LogText.safe("a\rb\tc\u0000d\u001be\u2028f\u202eg"));
    assertEquals("plain text, unchanged", LogText.safe("plain text, unchanged"));
    assertEquals("null", LogText.safe(null));
  }

  @Test
  void longTextIsCut() {
    String s = LogText.safe("x".repeat(10_000));
    assertTrue(s.startsWith("x".repeat(LogText.MAX)) && s.endsWith("...(10000 chars)"), s);
  }

  @Property(tries = 1000)
  void theResultNeverHoldsALineBreakOrControlCharacter(@ForAll String s) {
    String out = LogText.safe(s);
    assertTrue(
        out.chars()
            .noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029),
        out);
  }
}
