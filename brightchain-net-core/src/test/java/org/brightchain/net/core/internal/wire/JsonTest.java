package org.brightchain.net.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static Object parse(String text) {
    try {
      return Json.parse(text);
    } catch (WireFormatException e) {
      throw new AssertionError("refused " + text + ": " + e.getMessage(), e);
    }
  }

  private static String refused(String text) {
    return assertThrows(WireFormatException.class, () -> Json.parse(text), text).getMessage();
  }

  private static void refusedBytes(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    assertThrows(WireFormatException.class, () -> Json.parse(b));
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  // ------------------------------------------------------------- strict parsing

  @Test
  void trailingCommasAreRefused() {
    refused("[1,]");
    refused("{\"a\":1,}");
    refused("[,1]");
    refused("[1,,2]");
    refused("{,}");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertTrue(refused("{\"a\":1,\"a\":2}").contains("duplicate key \"a\""));
    refused("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}");
    // Same text after unescaping is the same key.
    refused("{\"a\":1,\"\\u0061\":2}");
  }

  @Test
  void leadingZerosAreRefused() {
    refused("01");
    refused("-01");
    refused("[00]");
    refused("{\"a\":012}");
    assertEquals(0L, parse("0"));
    assertEquals(0L, parse("-0"));
    assertEquals(new BigDecimal("0.5"), parse("0.5"));
    assertEquals(new BigDecimal("0e1"), parse("0e1"));
  }

  @Test
  void malformedNumbersAreRefused() {
    for (String n : List.of("1.", ".5", "1e", "1e+", "+1", "-", "--1", "1.e5", "0x10", "1_000")) {
      refused(n);
    }
    refused("\u0661"); // ARABIC-INDIC DIGIT ONE is not a JSON digit
    refused("1\u0661");
  }

  @Test
  void numbersWithHugeExponentsAreRefused() {
    // BigDecimal cannot hold the exponent: must be a WireFormatException, not a
    // NumberFormatException.
    refused("1e9999999999");
    refused("-1E-9999999999");
    refused("[0.5e+99999999999999]");
    // Representable, but writing them out in full would take gigabytes.
    refused("1e999999999");
    refused("1e-999999999");
    refused("1e1001");
    refused("1e-1001");
    // Large and small exponents are fine, and are written back in exponent form.
    assertEquals(new BigDecimal("1E+1000"), parse("1e1000"));
    assertEquals("1E+1000", Json.write(parse("1e1000")));
    assertEquals("4.9E-324", Json.write(parse("4.9E-324")));
    assertEquals("[1.5E-7,0.25,1E+2]", Json.write(parse("[1.5e-7,0.25,1e2]")));
    // What is accepted is accepted again once written back.
    String longest = "1".repeat(59) + "e-99"; // 63 characters; 64 as 1.11…1E-41
    assertEquals(64, Json.write(parse(longest)).length());
    assertEquals(parse(longest), parse(Json.write(parse(longest))));
    refused("1".repeat(60) + "e-99"); // 64 characters; 65 once written back
  }

  @Test
  void numberTypes() {
    assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
    assertEquals(new BigDecimal("9223372036854775808"), parse("9223372036854775808"));
    assertEquals(new BigDecimal("1.0"), parse("1.0"));
    assertEquals(new BigDecimal("1E+2"), parse("1e2"));
    assertEquals(new BigDecimal("1.5E-7"), parse("1.5E-7"));
    refused("1" + "0".repeat(64)); // longer than 64 characters
  }

  @Test
  void nanAndInfinityAreRefused() {
    refused("NaN");
    refused("[NaN]");
    refused("Infinity");
    refused("-Infinity");
    refused("{\"a\":NaN}");
  }

  @Test
  void topLevelScalarsAreAccepted() {
    assertEquals(1L, parse("1"));
    assertEquals(-7L, parse(" -7 "));
    assertEquals(new BigDecimal("1.5"), parse("\n1.5\t"));
    assertEquals("x", parse("\"x\""));
    assertEquals(Boolean.TRUE, parse("true"));
    assertEquals(Boolean.FALSE, parse("false"));
    assertNull(parse("null"));
    assertEquals(List.of(), parse("[]"));
    assertEquals(Map.of(), parse(" {} "));
  }

  @Test
  void otherSyntaxErrorsAreRefused() {
    for (String s :
        List.of(
            "",
            " ",
            "tru",
            "nul",
            "True",
            "1 2",
            "[1] x",
            "'a'",
            "{a:1}",
            "{\"a\" 1}",
            "{\"a\":}",
            "[1 2]",
            "// c\n1",
            "/* c */ 1",
            "[",
            "{",
            "\"abc",
            "\"\\",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12g4\"",
            "\u00a01",
            "\ufeff1")) {
      refused(s);
    }
  }

  @Test
  void unicodeEscapesTakeAsciiHexDigitsOnly() {
    assertEquals("A", parse("\"\\u0041\""));
    assertEquals("\u00ff", parse("\"\\u00FF\""));
    // FULLWIDTH DIGIT ZERO and ARABIC-INDIC DIGIT FOUR are digits to Character.digit, not to JSON.
    refused("\"\\u\uff10\uff10\uff14\uff11\"");
    refused("\"\\u00\u0664\u0661\"");
  }

  @Test
  void loneSurrogateEscapesAreAcceptedInStrings() {
    assertEquals("\ud800", parse("\"\\ud800\""));
    assertEquals("x\udc00y", parse("\"x\\udc00y\""));
    assertEquals("\udc00\ud800", parse("\"\\udc00\\ud800\""));
    assertEquals("\ud83d\ude00", parse("\"\\ud83d\\ude00\""));
    assertEquals(map("\ud800", 1L), parse("{\"\\ud800\":1}"));
  }

  @Test
  void escapesAreDecoded() {
    assertEquals("\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
    assertEquals("\u0000", parse("\"\\u0000\""));
  }

  @Test
  void controlCharactersInStringsAreRefused() {
    refused("\"a\u0001b\"");
    refused("\"\u0000\"");
    refused("\"tab\there\"");
    refused("\"line\nbreak\"");
    refused("\"\u001f\"");
    refused("{\"k\u0002\":1}");
    // DEL and C1 controls are not JSON control characters.
    assertEquals("\u007f\u0085", parse("\"\u007f\u0085\""));
  }

  @Test
  void invalidUtf8IsRefused() throws WireFormatException {
    refusedBytes('"', 0xff, '"');
    refusedBytes('"', 0xc0, 0xaf, '"'); // overlong '/'
    refusedBytes('"', 0xed, 0xa0, 0x80, '"'); // encoded surrogate (CESU-8)
    refusedBytes('"', 0xe2, 0x82, '"'); // truncated sequence
    refusedBytes('"', 0x80, '"'); // lone continuation byte
    refusedBytes('"', 0xf4, 0x90, 0x80, 0x80, '"'); // above U+10FFFF
    assertEquals(
        "\u00e9\ud83d\ude00",
        Json.parse("\"\u00e9\ud83d\ude00\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nestingDepthIsBounded() {
    parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
    refused("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1));
    assertTrue(refused("[".repeat(100_000)).contains("nested deeper than"));
  }

  @Test
  void objectsKeepTheirKeyOrder() {
    Object tree = parse("{\"b\":1,\"a\":2,\"c\":3}");
    assertInstanceOf(LinkedHashMap.class, tree);
    assertEquals(List.of("b", "a", "c"), List.copyOf(((Map<?, ?>) tree).keySet()));
    assertEquals("{\"b\":1,\"a\":2,\"c\":3}", Json.write(tree));
  }

  // ------------------------------------------------------------- canonical writing

  @Test
  void canonicalSortsKeysByUtf16CodeUnits() {
    Map<String, Object> inner = map("d", 1L, "c", 2L);
    Map<String, Object> tree =
        map("b", 1L, "a", inner, "B", 0L, "\uff61", 4L, "\ud83d\ude00", 5L, "", 6L);
    // U+1F600 is D83D DE00 in UTF-16, before U+FF61; by code point it would come after.
    assertEquals(
        "{\"\":6,\"B\":0,\"a\":{\"c\":2,\"d\":1},\"b\":1,\"\ud83d\ude00\":5,\"\uff61\":4}",
        Json.writeCanonical(tree));
    assertEquals(
        "{\"b\":1,\"a\":{\"d\":1,\"c\":2},\"B\":0,\"\uff61\":4,\"\ud83d\ude00\":5,\"\":6}",
        Json.write(tree));
    assertEquals("[{\"a\":1,\"b\":2}]", Json.writeCanonical(List.of(map("b", 2L, "a", 1L))));
  }

  @Test
  void stringsAreEscapedAsJavaScriptJsonStringify() {
    assertEquals("\"\u2028\u2029\"", Json.write("\u2028\u2029"));
    assertEquals("\"\\u0001\"", Json.write("\u0001"));
    assertEquals("\"\\u0000\\u001f\\u000b\"", Json.write("\u0000\u001f\u000b"));
    assertEquals("\"\u007f\u0080\u009f\"", Json.write("\u007f\u0080\u009f"));
    assertEquals("\"\\ud800\"", Json.write("\ud800"));
    assertEquals("\"\\udfff\"", Json.write("\udfff"));
    assertEquals("\"\\ude00\\ud83d\"", Json.write("\ude00\ud83d"));
    assertEquals("\"a\\ud800b\"", Json.write("a\ud800b"));
    assertEquals("\"\\ud800\ud83d\ude00\"", Json.write("\ud800\ud83d\ude00"));
    assertEquals("\"\ud83d\ude00\"", Json.write("\ud83d\ude00"));
    assertEquals("\"\\\"\\\\/\"", Json.write("\"\\/"));
    assertEquals("\"\\b\\f\\n\\r\\t\"", Json.write("\b\f\n\r\t"));
    assertEquals("\"\ufeff\uffff\u00e9\"", Json.write("\ufeff\uffff\u00e9"));
    // Keys are escaped the same way, in both forms.
    assertEquals("{\"\\u0001\\ud800\":true}", Json.writeCanonical(map("\u0001\ud800", true)));
  }

  @Test
  void canonicalHoldsIntegersOnly() {
    assertThrows(IllegalArgumentException.class, () -> Json.writeCanonical(new BigDecimal("1.5")));
    assertThrows(IllegalArgumentException.class, () -> Json.writeCanonical(1.5));
    assertThrows(IllegalArgumentException.class, () -> Json.writeCanonical(2.0));
    assertThrows(IllegalArgumentException.class, () -> Json.writeCanonical(1.5f));
    assertThrows(
        IllegalArgumentException.class, () -> Json.writeCanonical(List.of(map("a", 0.25))));
    assertEquals(
        "[1,-2,9007199254740991]", Json.writeCanonical(List.of(1L, -2, 9007199254740991L)));
    assertEquals("100", Json.writeCanonical(new BigDecimal("1E+2")));
  }

  @Test
  void canonicalWritesIntegralDecimalsAsJavaScriptDoes() throws WireFormatException {
    // JSON.stringify(JSON.parse("10.0")) is "10": a parsed "10.0" must be written the same way.
    assertEquals("10", Json.writeCanonical(new BigDecimal("10.0")));
    assertEquals("1", Json.writeCanonical(Json.parse("1.000")));
    assertEquals("0", Json.writeCanonical(Json.parse("-0.0")));
    assertEquals("{\"a\":250}", Json.writeCanonical(Json.parse("{\"a\":2.5e2}")));
  }

  @Test
  void writeRefusesWhatJsonCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertEquals("1.5", Json.write(1.5));
    assertEquals("[null,true,false]", Json.write(java.util.Arrays.asList(null, true, false)));
  }
}
