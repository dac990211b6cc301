package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.Reachability;
import org.brightchain.net.Reachability.State;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.core.internal.wire.Json;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapperProvider;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.junit.jupiter.api.Test;

/** Port mapping seen from the node: status, events, and what peers are told. */
class NodeReachabilityTest {
  private final VirtualNet net = new VirtualNet();
  private final FakePortMapper gateway = new FakePortMapper("pcp", net.vs);
  private final List<Reachability> events = new CopyOnWriteArrayList<>();

  private PortMapperProvider provider() {
    return new PortMapperProvider() {
      @Override
      public String name() {
        return "fake";
      }

      @Override
      public List<PortMapper> create(NatConfig config, String bindHost) {
        return List.of(gateway);
      }
    };
  }

  private BrightChainNode mappedNode(String host, String... bootstrap) {
    BrightChainNode.Builder b =
        net.builder(host)
            .nat(NatMode.AUTO)
            .portMapperProvider(provider())
            .addListener(
                new NodeEventListener() {
                  @Override
                  public void reachabilityChanged(Reachability r) {
                    events.add(r);
                  }
                });
    for (String h : bootstrap) {
      b.addBootstrapNode(h, VirtualNet.PORT);
    }
    return net.start(b.build());
  }

  @Test
  void theStatusSaysWhereTheNodeIsReachableAndListenersHearOfIt() throws Exception {
    gateway.portOffset = 10_000;
    BrightChainNode a = mappedNode("a");
    net.vs.runUntilIdle();
    Reachability r = a.status().reachability();
    assertEquals(State.MAPPED, r.state());
    assertEquals("203.0.113.7", r.externalAddress());
    assertEquals(14242, r.externalPort());
    assertEquals(
        List.of(State.MAPPING, State.MAPPED), events.stream().map(Reachability::state).toList());

    RestResponse res =
        net.request(
            "a",
            new RestRequest(
                "GET",
                "/node/status",
                Map.of(),
                Map.of(),
                new byte[0],
                InetSocketAddress.createUnresolved("10.0.0.77", 50123)));
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) ((Map<String, Object>) Json.parse(res.body())).get("reachability");
    assertEquals("mapped", json.get("state"), new String(res.body(), StandardCharsets.UTF_8));
    assertEquals("pcp", json.get("method"));
    assertEquals("203.0.113.7", json.get("externalAddress"));
    assertEquals(14242L, json.get("externalPort"));
    assertEquals(r.leaseExpiresAt().toEpochMilli(), json.get("leaseExpiresAt"));

    net.await(a.stop());
    assertEquals(1, gateway.count("unmap"), "stop removes the mapping");
    assertEquals(State.UNMAPPED, a.status().reachability().state());
  }

  @Test
  void peersLearnTheExternalEndpointEvenWhenTheMappingComesAfterTheConnection() {
    CompletableFuture<PortMapping> slow = new CompletableFuture<>();
    gateway.map = req -> slow;
    BrightChainNode b = net.startNode("b");
    BrightChainNode a = mappedNode("a", "b");
    net.vs.advance(Duration.ofSeconds(1));
    PeerInfo seen = b.peer(a.nodeId()).orElseThrow();
    assertEquals("a", seen.address(), "before the mapping, b uses the address it sees");
    assertEquals(VirtualNet.PORT, seen.wsPort());

    slow.complete(
        new PortMapping(
            "pcp",
            org.brightchain.net.config.UPNPConfig.Protocol.TCP,
            "192.168.1.20",
            VirtualNet.PORT,
            "203.0.113.7",
            40000,
            Duration.ofHours(1),
            "192.168.1.1"));
    net.vs.advance(Duration.ofSeconds(1));
    seen = b.peer(a.nodeId()).orElseThrow();
    assertEquals(
        "203.0.113.7", seen.address(), "a announced itself again with its external endpoint");
    assertEquals(40000, seen.httpPort());
    assertEquals(40000, seen.wsPort());

    // Mapping lost for good: a goes back to its local endpoint, and says so.
    gateway.check =
        m ->
            FakePortMapper.failing(
                org.brightchain.net.spi.PortMappingException.Reason.LOST, "pcp", -1, "gone");
    gateway.map =
        req ->
            FakePortMapper.failing(
                org.brightchain.net.spi.PortMappingException.Reason.DENIED, "pcp", 2, "refused");
    net.vs.advance(Duration.ofSeconds(61));
    assertEquals(State.FAILED, a.status().reachability().state());
    seen = b.peer(a.nodeId()).orElseThrow();
    assertEquals("a", seen.address());
    assertEquals(VirtualNet.PORT, seen.wsPort());
  }

  @Test
  void anInMemoryNodeMapsNothingUnlessAsked() {
    BrightChainNode a = net.startNode("a");
    Reachability r = a.status().reachability();
    assertEquals(State.UNMAPPED, r.state());
    assertEquals("NAT traversal is off (nat: none)", r.detail());
    assertTrue(events.isEmpty());
  }
}
