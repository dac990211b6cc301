/**
 * Discovery sources built into the core: DNS seeds ({@link
 * org.brightchain.net.core.internal.discovery.DnsSeedDiscovery}, a {@code DiscoveryProvider}) and
 * the signed advertisements nodes publish in multicast datagrams, DNS TXT records and {@code POST
 * /peers/announce} ({@link org.brightchain.net.core.internal.discovery.SignedAdvert}). See {@code
 * docs/discovery.md}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.discovery;
