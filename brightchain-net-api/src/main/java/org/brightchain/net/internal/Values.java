package org.brightchain.net.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Defensive copies and normalisation for the contract types. Internal, not API. */
public final class Values {
  private Values() {}

  /** Largest integer a JavaScript number holds exactly: 2^53-1. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  /**
   * The wire carries milliseconds since the epoch, from 0 to 2^53-1 so that JavaScript peers read
   * them exactly; values keep exactly what the wire can carry.
   */
  public static Instant millis(Instant instant, String name) {
    Instant t = Checks.notNull(instant, name).truncatedTo(ChronoUnit.MILLIS);
    Checks.checkArgument(
        !t.isBefore(Instant.EPOCH) && !t.isAfter(Instant.ofEpochMilli(MAX_SAFE_INTEGER)),
        "%s: %s (expected: from 1970 to 2^53-1 ms after)",
        name,
        t);
    return t;
  }

  /** Checks {@code 0 <= value <= 2^53-1}. */
  public static long safeInteger(long value, String name) {
    Checks.checkArgument(
        value >= 0 && value <= MAX_SAFE_INTEGER, "%s: %s (expected: 0 to 2^53-1)", name, value);
    return value;
  }

  /** Capability names: at most 32, each 1 to 64 characters. */
  public static java.util.Set<String> capabilities(java.util.Set<String> caps) {
    java.util.Set<String> copy = orderedSet(caps, "capabilities");
    Checks.checkArgument(copy.size() <= 32, "capabilities: %s (expected: at most 32)", copy.size());
    for (String c : copy) {
      text(c, "capability", 64);
      Checks.checkArgument(!c.isEmpty(), "capability: empty");
    }
    return copy;
  }

  /** An unmodifiable copy with no null elements. */
  public static <T> List<T> list(List<T> list, String name) {
    Checks.notNull(list, name);
    for (T t : list) {
      Checks.notNull(t, name + " element");
    }
    return List.copyOf(list);
  }

  /** An unmodifiable copy keeping iteration order, with no null elements. */
  public static <T> Set<T> orderedSet(Set<T> set, String name) {
    Checks.notNull(set, name);
    for (T t : set) {
      Checks.notNull(t, name + " element");
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(set));
  }

  /** An unmodifiable copy keeping iteration order, with no null keys or values. */
  public static <K, V> Map<K, V> orderedMap(Map<K, V> map, String name) {
    Checks.notNull(map, name);
    map.forEach(
        (k, v) -> {
          Checks.notNull(k, name + " key");
          Checks.notNull(v, name + " value");
        });
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * Checks that {@code s} is non-null, at most {@code max} UTF-16 units, and valid Unicode (no
   * unpaired surrogate, which neither protobuf nor JSON peers can carry faithfully).
   */
  public static String text(String s, String name, int max) {
    Checks.notNull(s, name);
    Checks.checkArgument(
        s.length() <= max, "%s: %s characters (expected: at most %s)", name, s.length(), max);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(name + ": unpaired surrogate at index " + i);
      }
    }
    return s;
  }
}
