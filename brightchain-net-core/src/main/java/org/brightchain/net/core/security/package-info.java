/**
 * The node's defences against abuse: {@link org.brightchain.net.core.security.RateLimiter}, a
 * per-key rate limiter with a bounded blacklist, and {@link
 * org.brightchain.net.core.security.Sessions}, REST challenges, bearer tokens, the operator token
 * and event-stream tickets. {@link org.brightchain.net.core.security.Sessions#signedBytes} gives
 * clients the exact bytes to sign for {@code POST /auth/verify}. See {@code docs/security.md}.
 */
package org.brightchain.net.core.security;
