package org.brightchain.net.core.internal.rest;

import java.util.List;
import java.util.Locale;
import org.brightchain.net.BlockId;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.security.Sessions;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.core.internal.wire.JsonObject;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.internal.Hex;
import org.brightchain.net.spi.RestRequest;

/**
 * One request as a route sees it: the request, the values of the path's variables in order, and the
 * principal admission found; with the parsing helpers routes share.
 *
 * @param request the request
 * @param vars the path segments that matched the route's {@code {variables}}, in order
 * @param principal who the request acts as (null: nobody, on an open or public route)
 */
record RestCall(RestRequest request, List<String> vars, Sessions.Principal principal) {

  /**
   * The node a write through this call is attributed to: the session's node, or this node for the
   * operator.
   */
  NodeId author(NodeId self) {
    return principal instanceof Sessions.Node n ? n.nodeId() : self;
  }

  /** Whether the operator made this call. */
  boolean operator() {
    return principal instanceof Sessions.Operator;
  }

  /** The path variable {@code i}. */
  String var(int i) {
    return vars.get(i);
  }

  /**
   * The body as a JSON object; 415 unless its media type is exactly {@code application/json}
   * (parameters allowed, but a {@code charset} other than UTF-8 is not), 400 if empty or malformed.
   */
  JsonObject body() throws WireFormatException {
    String type = request.header("content-type");
    String problem = jsonMediaTypeProblem(type);
    if (problem != null) {
      throw new RestResponses.HttpError(
          RestResponses.error(
              415,
              "unsupported_media_type",
              "expected Content-Type: application/json; " + problem));
    }
    if (request.body().length == 0) {
      throw new WireFormatException("body: empty (expected a JSON object)");
    }
    return JsonObject.of(Json.parse(request.body()), "");
  }

  /** What is wrong with a Content-Type for a JSON body, or null. Never echoes the header. */
  static String jsonMediaTypeProblem(String type) {
    if (type == null) {
      return "none given";
    }
    String[] parts = type.split(";", -1);
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      return "got another media type";
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      if (name.equals("charset")) {
        String v =
            eq < 0 ? "" : p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
        if (!v.equals("utf-8") && !v.equals("utf8")) {
          return "the body must be UTF-8";
        }
      }
    }
    return null;
  }

  /** A block id from a path segment. */
  static BlockId blockId(String raw) throws WireFormatException {
    if (!BlockId.isValid(raw)) {
      throw new WireFormatException(
          "blockId: '" + abbreviate(raw) + "' (expected: 64 or 128 hex characters)");
    }
    return BlockId.of(raw);
  }

  /** A block id from a body field. */
  static BlockId blockIdField(JsonObject o, String key) throws WireFormatException {
    String raw = o.string(key);
    if (!BlockId.isValid(raw)) {
      throw new WireFormatException(o.at(key) + ": expected 64 or 128 hex characters");
    }
    return BlockId.of(raw);
  }

  /** A node id from a body field. */
  static NodeId nodeId(JsonObject o, String key) throws WireFormatException {
    try {
      return NodeId.of(o.string(key));
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": expected 64 hex characters");
    }
  }

  /** Hex of at most {@code maxBytes} bytes from a body field. */
  static byte[] hexField(JsonObject o, String key, int maxBytes) throws WireFormatException {
    String hex = o.string(key);
    if (hex.length() > maxBytes * 2 || hex.length() % 2 != 0) {
      throw new WireFormatException(o.at(key) + ": expected hex of at most " + maxBytes + " bytes");
    }
    try {
      return Hex.decode(hex);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  /** Looks up an enum by wire name. */
  interface Lookup<E> {
    E get(String name);
  }

  /** An enum value from a body field, by wire name. */
  static <E> E enumField(JsonObject o, String key, Lookup<E> lookup) throws WireFormatException {
    String v = o.string(key);
    try {
      return lookup.get(v);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(o.at(key) + ": " + e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 140 ? s : s.substring(0, 140) + "...";
  }
}
