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

  /** The wire carries milliseconds; values keep exactly what the wire can carry. */
  public static Instant millis(Instant instant, String name) {
    return Checks.notNull(instant, name).truncatedTo(ChronoUnit.MILLIS);
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

  /** Checks that {@code s} is non-null, not blank and at most {@code max} characters. */
  public static String text(String s, String name, int max) {
    Checks.notNull(s, name);
    Checks.checkArgument(
        s.length() <= max, "%s: %s characters (expected: at most %s)", name, s.length(), max);
    return s;
  }
}
