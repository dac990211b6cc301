package org.brightchain.net.spi;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.brightchain.net.internal.Values;

/**
 * One HTTP response from the node, for the transport to write.
 *
 * @param status the status code
 * @param contentType the media type of the body
 * @param body the body (not copied)
 * @param headers extra headers, for example {@code Retry-After} or {@code Allow}
 */
public record RestResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  /** JSON media type. */
  public static final String JSON = "application/json; charset=utf-8";

  /** Validates. */
  public RestResponse {
    checkArgument(status >= 100 && status <= 599, "status: %s (expected: 100-599)", status);
    notNull(contentType, "contentType");
    notNull(body, "body");
    headers = Values.orderedMap(headers, "headers");
  }

  /** A JSON response. */
  public static RestResponse json(int status, String json) {
    return new RestResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A copy with one more header. */
  public RestResponse withHeader(String name, String value) {
    java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new RestResponse(status, contentType, body, h);
  }
}
