package org.brightchain.net.core.internal.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.crypto.SignatureSchemes;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.spi.SignatureScheme;

/**
 * REST sessions: challenges handed out by {@code POST /auth/challenge}, bearer tokens earned with
 * {@code POST /auth/verify}, the operator token, and one-time tickets for event streams.
 *
 * <p>A challenge is good for one verification attempt within {@link #CHALLENGE_LIFETIME}. The proof
 * is a signature by the node's key over the canonical JSON of {@code {"challenge", "nodeId",
 * "purpose": "brightchain-net/rest-auth/v1", "server"}}, so it binds the challenge, both node ids
 * and the purpose. Every store is bounded, so a flood of requests costs bounded memory.
 * Thread-safe.
 */
public final class Sessions {
  /** Purpose of the REST authentication signature. */
  public static final String REST_AUTH_PURPOSE = "brightchain-net/rest-auth/v1";

  /** How long a challenge may wait for its proof. */
  public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(1);

  /** How long an event-stream ticket may wait for its stream. */
  public static final Duration TICKET_LIFETIME = Duration.ofSeconds(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Who a request acts as. */
  public sealed interface Principal {}

  /** The local operator, holding the operator token. */
  public record Operator() implements Principal {}

  /** A node that proved its key. */
  public record Node(NodeId nodeId) implements Principal {}

  /** A token's holder and end. */
  private record Session(NodeId nodeId, Instant expiry) {}

  private final NodeId self;
  private final Clock clock;
  private final Duration tokenLifetime;
  private final String operatorToken;
  private final Cache<String, NodeId> challenges;
  private final Cache<String, Session> tokens;
  private final Cache<String, Principal> tickets;

  /**
   * @param self this node's id, bound into every proof
   * @param clock the node's clock
   * @param tokenLifetime how long a bearer token lasts
   * @param maxSessions most challenges, tokens and tickets held at once, each
   */
  public Sessions(NodeId self, Clock clock, Duration tokenLifetime, int maxSessions) {
    this.self = self;
    this.clock = clock;
    this.tokenLifetime = tokenLifetime;
    this.operatorToken = randomToken();
    this.challenges = cache(CHALLENGE_LIFETIME, maxSessions);
    this.tokens = cache(tokenLifetime, maxSessions);
    this.tickets = cache(TICKET_LIFETIME, maxSessions);
  }

  private <V> Cache<String, V> cache(Duration lifetime, int max) {
    return Caffeine.newBuilder()
        .maximumSize(max)
        .expireAfterWrite(lifetime)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }

  /** 32 random bytes, lower-case hex. */
  public static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The operator token of this run: whoever presents it acts as the local operator. */
  public String operatorToken() {
    return operatorToken;
  }

  /** A fresh challenge for {@code nodeId}. */
  public String challenge(NodeId nodeId) {
    String c = randomToken();
    challenges.put(c, nodeId);
    return c;
  }

  /** When a challenge issued now expires. */
  public Instant challengeExpiry() {
    return clock.instant().plus(CHALLENGE_LIFETIME);
  }

  /** The exact bytes a REST authentication signature covers. */
  public static byte[] signedBytes(String challenge, NodeId nodeId, NodeId server) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("challenge", challenge);
    o.put("nodeId", nodeId.hex());
    o.put("purpose", REST_AUTH_PURPOSE);
    o.put("server", server.hex());
    return Json.writeCanonical(o).getBytes(StandardCharsets.UTF_8);
  }

  /** A session token and its end. */
  public record Token(NodeId nodeId, String token, Instant expiry) {}

  /**
   * Checks a proof and issues a token.
   *
   * @throws SecurityException with the reason when the proof is refused (the challenge is spent
   *     either way)
   */
  public Token verify(NodeId nodeId, byte[] publicKey, String challenge, byte[] signature) {
    NodeId issuedTo = challenges.asMap().remove(challenge);
    if (issuedTo == null) {
      throw new SecurityException("challenge unknown, used or expired");
    }
    if (!issuedTo.equals(nodeId)) {
      throw new SecurityException("challenge was issued to another node");
    }
    if (!NodeId.fromPublicKey(publicKey).equals(nodeId)) {
      throw new SecurityException("nodeId is not the hash of publicKey");
    }
    SignatureScheme scheme = SignatureSchemes.forPublicKey(publicKey);
    if (scheme == null) {
      throw new SecurityException("unknown signature scheme for this public key");
    }
    if (!scheme.verify(publicKey, signedBytes(challenge, nodeId, self), signature)) {
      throw new SecurityException("bad signature");
    }
    String token = randomToken();
    Instant expiry = clock.instant().plus(tokenLifetime);
    tokens.put(token, new Session(nodeId, expiry));
    return new Token(nodeId, token, expiry);
  }

  /**
   * Who presents {@code bearer}: the operator, a node with a live session, or null if the token is
   * unknown, revoked or expired.
   */
  public Principal principal(String bearer) {
    if (bearer == null) {
      return null;
    }
    if (MessageDigest.isEqual(
        bearer.getBytes(StandardCharsets.UTF_8), operatorToken.getBytes(StandardCharsets.UTF_8))) {
      return new Operator();
    }
    Session s = tokens.getIfPresent(bearer);
    if (s == null || !clock.instant().isBefore(s.expiry())) {
      return null;
    }
    return new Node(s.nodeId());
  }

  /** Ends every session of {@code nodeId}; returns how many. */
  public int revoke(NodeId nodeId) {
    int[] n = {0};
    tokens.asMap().values().removeIf(s -> s.nodeId().equals(nodeId) && ++n[0] > 0);
    return n[0];
  }

  /** A one-time ticket that lets an event stream open as {@code principal}. */
  public String ticket(Principal principal) {
    String t = randomToken();
    tickets.put(t, principal);
    return t;
  }

  /** Spends a ticket: its principal, or null. */
  public Principal redeem(String ticket) {
    return ticket == null ? null : tickets.asMap().remove(ticket);
  }

  /** Live tokens, for metrics and tests. */
  public long tokenCount() {
    tokens.cleanUp();
    return tokens.estimatedSize();
  }
}
