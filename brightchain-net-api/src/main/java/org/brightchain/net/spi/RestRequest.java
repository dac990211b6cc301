package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.notNull;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import org.brightchain.net.internal.Values;

/**
 * One HTTP request handed by the transport to the node, body already read.
 *
 * @param method the method, upper-case
 * @param path the decoded path, without query
 * @param query query parameters (first value of each)
 * @param headers headers with lower-case names (first value of each)
 * @param body the body bytes (not copied), possibly empty
 * @param remoteAddress the client's address
 */
public record RestRequest(
    String method,
    String path,
    Map<String, String> query,
    Map<String, String> headers,
    byte[] body,
    InetSocketAddress remoteAddress) {

  /** Validates and copies the maps. */
  public RestRequest {
    notNull(method, "method");
    notNull(path, "path");
    query = Values.orderedMap(query, "query");
    headers = Values.orderedMap(headers, "headers");
    notNull(body, "body");
    notNull(remoteAddress, "remoteAddress");
  }

  /** The value of a header (name in any case), or {@code null}. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
