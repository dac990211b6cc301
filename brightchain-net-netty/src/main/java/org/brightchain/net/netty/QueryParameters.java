package org.brightchain.net.netty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Query parameters as the node takes them: the first value of each name. */
final class QueryParameters {
  private QueryParameters() {}

  /**
   * The first value of each parameter, in the order of the query; names without one are left out.
   */
  static Map<String, String> firstValues(Map<String, List<String>> query) {
    Map<String, String> out = new LinkedHashMap<>();
    query.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            out.put(k, v.get(0));
          }
        });
    return out;
  }
}
