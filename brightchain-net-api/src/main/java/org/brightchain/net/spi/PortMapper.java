package org.brightchain.net.spi;

import java.util.concurrent.CompletableFuture;
import org.brightchain.net.config.UPNPConfig;

/**
 * Asks a NAT gateway to forward a port to this host, through one method (UPnP IGD, NAT-PMP or PCP).
 * Created by a {@link PortMapperProvider}; the node drives it (when to map, renew, check and unmap)
 * and turns its answers into {@link org.brightchain.net.Reachability}.
 *
 * <p>Every operation returns at once and completes later, on a thread of the mapper's own. Every
 * operation has a timeout, and fails with a {@link PortMappingException} whose {@linkplain
 * PortMappingException#reason() reason} says why: the node reacts to the reason, people read the
 * message. Must be safe for concurrent use.
 */
public interface PortMapper extends AutoCloseable {

  /** The method's name: {@code upnp}, {@code natpmp} or {@code pcp}. */
  String name();

  /**
   * Asks for a mapping of {@code request.port()} for {@code request.ttl()}. The gateway may grant
   * another external port or a shorter lease; the result says what was granted.
   */
  CompletableFuture<PortMapping> map(UPNPConfig request);

  /** Extends a mapping's lease, before it ends, by the lease first asked for. */
  CompletableFuture<PortMapping> renew(PortMapping mapping);

  /**
   * Checks that the gateway still holds a mapping, cheaply. Completes with the mapping as the
   * gateway has it now (its external address may have changed), or fails with {@link
   * PortMappingException.Reason#LOST} if the gateway no longer has it (it restarted, or the mapping
   * was removed), after which the node maps again.
   */
  CompletableFuture<PortMapping> check(PortMapping mapping);

  /** Removes a mapping; completes normally if the gateway no longer had it. */
  CompletableFuture<Void> unmap(PortMapping mapping);

  /** Releases the mapper's sockets and threads; mappings stay with the gateway. Idempotent. */
  @Override
  default void close() {}
}
