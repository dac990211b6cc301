/**
 * Settings records with the design's names: {@link org.brightchain.net.config.BatchConfig}, {@link
 * org.brightchain.net.config.RateLimitConfig}, {@link org.brightchain.net.config.DiscoveryConfig},
 * {@link org.brightchain.net.config.BootstrapConfig}, {@link
 * org.brightchain.net.config.DnsSeedsConfig} and {@link org.brightchain.net.config.UPNPConfig}.
 * Each validates its values and offers the documented defaults through a static factory.
 */
package org.brightchain.net.config;
