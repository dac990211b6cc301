package org.brightchain.net.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.brightchain.net.config.DiscoverySettings;
import org.brightchain.net.spi.SignatureScheme;
import org.junit.jupiter.api.Test;

class FakeDiscoveryContextTest {
  @Test
  void recordsCandidatesAndSignsWithItsOwnKey() {
    VirtualScheduler vs = new VirtualScheduler();
    FakeDiscoveryContext ctx =
        new FakeDiscoveryContext(DiscoverySettings.defaults(), vs, vs.clock());
    ctx.candidate("10.0.0.2", 4242, null, "test");
    assertEquals(
        List.of(new FakeDiscoveryContext.Candidate("10.0.0.2", 4242, null, "test")),
        ctx.candidates());
    byte[] msg = "advert".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SignatureScheme scheme = ctx.identity().scheme();
    assertTrue(scheme.verify(ctx.publicKey(), msg, ctx.sign(msg)));
    assertEquals(ctx.identity().nodeId(), ctx.self().nodeId());
    assertEquals(DiscoverySettings.defaults().wantedPeers(), ctx.wantedPeers());
  }
}
