/**
 * Abuse controls for the node's inbound traffic: {@link
 * org.brightchain.net.core.security.RateLimiter}, a per-key rate limiter with a blacklist. Internal
 * to the core module; not exported.
 */
package org.brightchain.net.core.security;
