package org.brightchain.net;

import org.brightchain.net.internal.Values;

/**
 * Where a node runs; {@link NetworkHealth#regionDistribution()} counts nodes per region.
 *
 * @param region a region name chosen by the operator, for example {@code eu-west}
 * @param country an ISO 3166 country code, or {@code null}
 */
public record NodeLocation(String region, String country) {

  /** Validates. */
  public NodeLocation {
    Values.text(region, "region", 64);
    if (country != null) {
      Values.text(country, "country", 8);
    }
  }
}
