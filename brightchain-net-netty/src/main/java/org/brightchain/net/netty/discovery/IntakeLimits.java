package org.brightchain.net.netty.discovery;

/**
 * The bounds of an {@link AdvertIntake}.
 *
 * @param maxNodes nodes kept in the table; a new one beyond this evicts the least recently heard,
 *     if that one was not heard within the last interval (else the new one is turned away)
 * @param maxSources source addresses whose allowance is tracked; beyond this, the least recently
 *     seen is forgotten
 * @param perSource adverts one source address may have verified per interval (several nodes on one
 *     host share an address)
 * @param perInterval adverts verified per interval in all, whatever their sources: the ceiling of
 *     the CPU a flood from spoofed addresses can cost
 */
record IntakeLimits(int maxNodes, int maxSources, int perSource, int perInterval) {
  IntakeLimits {
    if (maxNodes < 1 || maxSources < 1 || perSource < 1 || perInterval < perSource) {
      throw new IllegalArgumentException(
          "limits: " + maxNodes + ", " + maxSources + ", " + perSource + ", " + perInterval);
    }
  }

  static IntakeLimits defaults() {
    return new IntakeLimits(1024, 1024, 8, 1024);
  }
}
