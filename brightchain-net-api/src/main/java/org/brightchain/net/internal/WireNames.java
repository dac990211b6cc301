package org.brightchain.net.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Lookup of enum constants by wire name. Internal, not API.
 *
 * @param <E> the enum type
 */
public final class WireNames<E extends Enum<E>> {
  private final Map<String, E> byName = new HashMap<>();
  private final String typeName;
  private final String accepted;

  /** Indexes every constant of {@code type} by {@code name}. */
  public WireNames(Class<E> type, Function<E, String> name) {
    this.typeName = type.getSimpleName();
    for (E e : type.getEnumConstants()) {
      byName.put(name.apply(e), e);
    }
    this.accepted = Stream.of(type.getEnumConstants()).map(name).collect(Collectors.joining(", "));
  }

  /**
   * The constant named {@code wireName}.
   *
   * @throws IllegalArgumentException listing the accepted names if there is none
   */
  public E get(String wireName) {
    E e = wireName == null ? null : byName.get(wireName);
    if (e == null) {
      throw new IllegalArgumentException(
          typeName + ": '" + wireName + "' (expected one of: " + accepted + ")");
    }
    return e;
  }
}
