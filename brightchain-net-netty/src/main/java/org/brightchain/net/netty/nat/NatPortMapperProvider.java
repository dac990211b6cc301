package org.brightchain.net.netty.nat;

import java.util.List;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapperProvider;

/**
 * Provides the PCP, NAT-PMP and UPnP IGD mappers, fastest first (a PCP or NAT-PMP answer takes one
 * UDP round trip; UPnP needs an SSDP search, a description and SOAP calls). Registered for {@link
 * java.util.ServiceLoader}, so a node built with this module maps its ports without further setup.
 */
public final class NatPortMapperProvider implements PortMapperProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public NatPortMapperProvider() {}

  @Override
  public String name() {
    return "pcp-natpmp-upnp";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public List<PortMapper> create(NatConfig config, String bindHost) {
    NatContext ctx = new NatContext(config, bindHost, 3);
    return List.of(new PcpPortMapper(ctx), new NatPmpPortMapper(ctx), new UpnpPortMapper(ctx));
  }
}
