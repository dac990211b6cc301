package org.brightchain.net.core.internal.wire;

import static org.brightchain.net.core.internal.wire.JsonFields.blockIdOf;
import static org.brightchain.net.core.internal.wire.JsonFields.instant;
import static org.brightchain.net.core.internal.wire.JsonFields.nodeId;
import static org.brightchain.net.core.internal.wire.JsonFields.optText;
import static org.brightchain.net.core.internal.wire.JsonFields.putNonEmpty;
import static org.brightchain.net.core.internal.wire.WireFields.atMost;
import static org.brightchain.net.core.internal.wire.WireFields.eventType;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brightchain.net.BlockId;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.NodeAuthentication;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;

/**
 * JSON form of the channel's control and authentication messages: the {@code system:*} events
 * (ping, pong, ack, resume, gap, subscribe, challenge, auth, error) and {@link NodeAuthentication}.
 * See {@link JsonCodec}.
 */
final class JsonSystem {
  private JsonSystem() {}

  // ------------------------------------------------------------------ encode

  static Map<String, Object> json(Ping p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nonce", p.nonce());
    return o;
  }

  static Map<String, Object> json(Pong p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nonce", p.nonce());
    return o;
  }

  static Map<String, Object> json(Ack a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("ok", a.ok());
    putNonEmpty(o, "error", a.error());
    return o;
  }

  static Map<String, Object> json(Resume r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("afterSequence", r.afterSequence());
    return o;
  }

  static Map<String, Object> json(Gap g) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("afterSequence", g.afterSequence());
    o.put("oldestAvailable", g.oldestAvailable());
    return o;
  }

  static Map<String, Object> json(Subscribe s) {
    Map<String, Object> o = new LinkedHashMap<>();
    List<Object> types = new ArrayList<>();
    s.types().forEach(t -> types.add(t.wireName()));
    o.put("types", types);
    List<Object> ids = new ArrayList<>();
    s.blockIds().forEach(id -> ids.add(id.hex()));
    o.put("blockIds", ids);
    return o;
  }

  static Map<String, Object> json(Challenge c) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("challenge", c.challenge());
    return o;
  }

  static Map<String, Object> json(AuthProof a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("challenge", a.challenge());
    o.put("peer", a.peer().hex());
    return o;
  }

  static Map<String, Object> json(ErrorEvent e) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("code", e.code());
    o.put("message", e.message());
    o.put("retryAfterMs", e.retryAfterMs());
    return o;
  }

  static Map<String, Object> json(NodeAuthentication a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nodeId", a.nodeId().hex());
    o.put("publicKey", HexFormat.of().formatHex(a.publicKey()));
    o.put("challenge", HexFormat.of().formatHex(a.challenge()));
    o.put("signature", HexFormat.of().formatHex(a.signature()));
    o.put("token", a.token());
    o.put("expiry", a.expiry().toEpochMilli());
    return o;
  }

  // ------------------------------------------------------------------ decode

  static Ping ping(JsonObject o) throws WireFormatException {
    return new Ping(o.longValue("nonce"));
  }

  static Pong pong(JsonObject o) throws WireFormatException {
    return new Pong(o.longValue("nonce"));
  }

  static Ack ack(JsonObject o) throws WireFormatException {
    return new Ack(o.bool("ok"), optText(o, "error"));
  }

  static Resume resume(JsonObject o) throws WireFormatException {
    return new Resume(o.longValue("afterSequence"));
  }

  static Gap gap(JsonObject o) throws WireFormatException {
    return new Gap(o.longValue("afterSequence"), o.longValue("oldestAvailable"));
  }

  /** Both lists may be absent: every type, every block. */
  static Subscribe subscribe(JsonObject o) throws WireFormatException {
    Set<WSEventType> types = new LinkedHashSet<>();
    List<Object> rawTypes = o.optArray("types");
    for (int i = 0; i < rawTypes.size(); i++) {
      String path = o.at("types") + "[" + i + "]";
      if (!(rawTypes.get(i) instanceof String name)) {
        throw new WireFormatException(path + ": expected a string");
      }
      types.add(eventType(name, path));
    }
    List<Object> rawIds = o.optArray("blockIds");
    atMost(rawIds.size(), Subscribe.MAX_BLOCKS, o.at("blockIds"));
    Set<BlockId> ids = new LinkedHashSet<>();
    for (int i = 0; i < rawIds.size(); i++) {
      ids.add(blockIdOf(rawIds.get(i), o.at("blockIds") + "[" + i + "]"));
    }
    return new Subscribe(types, ids);
  }

  static Challenge challenge(JsonObject o) throws WireFormatException {
    return new Challenge(o.string("challenge"));
  }

  static AuthProof authProof(JsonObject o) throws WireFormatException {
    return new AuthProof(o.string("challenge"), nodeId(o, "peer"));
  }

  static ErrorEvent errorEvent(JsonObject o) throws WireFormatException {
    return new ErrorEvent(
        o.string("code"),
        optText(o, "message"),
        o.has("retryAfterMs") ? o.longValue("retryAfterMs") : 0);
  }

  static NodeAuthentication authentication(JsonObject o) throws WireFormatException {
    return new NodeAuthentication(
        nodeId(o, "nodeId"),
        o.hex("publicKey"),
        o.hex("challenge"),
        o.hex("signature"),
        o.string("token"),
        instant(o, "expiry"));
  }
}
