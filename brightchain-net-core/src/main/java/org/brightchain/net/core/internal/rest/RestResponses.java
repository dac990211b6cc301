package org.brightchain.net.core.internal.rest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.spi.RestResponse;

/** The responses every route uses: JSON bodies and the error body {@code {error, message}}. */
public final class RestResponses {
  private RestResponses() {}

  /** 200 with a JSON tree. */
  public static RestResponse ok(Object tree) {
    return json(200, tree);
  }

  /** {@code status} with a JSON tree. */
  public static RestResponse json(int status, Object tree) {
    return new RestResponse(
        status, RestResponse.JSON, Json.write(tree).getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** The error body every endpoint uses: {@code {"error": code, "message": text}}. */
  public static RestResponse error(int status, String code, String message) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("error", code);
    o.put("message", message);
    return json(status, o);
  }

  /** 401 with the {@code WWW-Authenticate} challenge of the Bearer scheme. */
  public static RestResponse unauthorized(String code, String message) {
    return error(401, code, message)
        .withHeader(
            "WWW-Authenticate",
            "Bearer realm=\"brightchain\""
                + (code.equals("unauthorized") ? "" : ", error=\"" + code + "\""));
  }

  /** 405 naming the methods allowed. */
  static RestResponse notAllowed(String method, String allow) {
    return error(
            405, "method_not_allowed", method + " is not allowed here (allowed: " + allow + ")")
        .withHeader("Allow", allow);
  }

  /** Carries a finished error response out of a helper. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RestResponse response;

    HttpError(RestResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}
