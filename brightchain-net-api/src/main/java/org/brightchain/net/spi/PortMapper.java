package org.brightchain.net.spi;

import java.util.concurrent.CompletableFuture;
import org.brightchain.net.config.UPNPConfig;

/**
 * Asks a NAT gateway to forward a port to this host (UPnP IGD, NAT-PMP, PCP).
 *
 * <p>Must be safe for concurrent use. Every operation has a timeout and fails with a {@link
 * PortMappingException} that says why.
 */
public interface PortMapper {

  /** The method's name: {@code upnp}, {@code natpmp} or {@code pcp}. */
  String name();

  /** Requests a mapping. */
  CompletableFuture<PortMapping> map(UPNPConfig request);

  /** Renews a mapping before its lease ends. */
  CompletableFuture<PortMapping> renew(PortMapping mapping);

  /** Removes a mapping. */
  CompletableFuture<Void> unmap(PortMapping mapping);
}
