package org.brightchain.net.config;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.time.Duration;

final class Durations {
  private Durations() {}

  static Duration positive(Duration d, String name) {
    notNull(d, name);
    checkArgument(!d.isNegative() && !d.isZero(), "%s: %s (expected: > 0)", name, d);
    return d;
  }

  static Duration nonNegative(Duration d, String name) {
    notNull(d, name);
    checkArgument(!d.isNegative(), "%s: %s (expected: >= 0)", name, d);
    return d;
  }
}
