/**
 * The node's defences against abuse: {@link
 * org.brightchain.net.core.internal.security.RateLimiter}, a per-key rate limiter with a bounded
 * blacklist, and {@link org.brightchain.net.core.internal.security.Sessions}, REST challenges,
 * bearer tokens, the operator token and event-stream tickets. {@link
 * org.brightchain.net.core.internal.security.Sessions#signedBytes} gives clients the exact bytes to
 * sign for {@code POST /auth/verify}. See {@code docs/security.md}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.security;
