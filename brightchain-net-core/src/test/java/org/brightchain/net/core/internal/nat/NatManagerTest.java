package org.brightchain.net.core.internal.nat;

import static org.brightchain.net.core.FakePortMapper.failing;
import static org.brightchain.net.core.FakePortMapper.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.brightchain.net.Reachability;
import org.brightchain.net.Reachability.State;
import org.brightchain.net.config.NatConfig;
import org.brightchain.net.config.NatMode;
import org.brightchain.net.core.FakePortMapper;
import org.brightchain.net.core.testing.VirtualScheduler;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.Test;

/** The reachability state machine on virtual time, against gateways in a box. */
class NatManagerTest {
  private final VirtualScheduler vs = new VirtualScheduler();
  private final List<Reachability> events = new ArrayList<>();
  private final FakePortMapper pcp = new FakePortMapper("pcp", vs);
  private final FakePortMapper natpmp = new FakePortMapper("natpmp", vs);
  private final FakePortMapper upnp = new FakePortMapper("upnp", vs);
  private NatManager nat;

  private NatManager start(NatConfig config, String host, int http, int ws, PortMapper... mappers) {
    nat = new NatManager(config, () -> List.of(mappers), vs, vs.clock(), events::add);
    vs.execute(() -> nat.start(host, http, ws));
    vs.runUntilIdle();
    return nat;
  }

  private NatManager start(PortMapper... mappers) {
    return start(NatConfig.defaults(), "0.0.0.0", 4242, 4242, mappers);
  }

  private void stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vs.execute(() -> nat.stop().whenComplete((v, e) -> done.complete(null)));
    vs.runUntilIdle();
    assertTrue(done.isDone(), "stop did not complete");
  }

  private List<State> states() {
    return events.stream().map(Reachability::state).toList();
  }

  @Test
  void mapsOnStartAndSaysWhereTheNodeIsReachable() {
    start(pcp, natpmp, upnp);
    Reachability r = nat.current();
    assertEquals(State.MAPPED, r.state());
    assertEquals("pcp", r.method());
    assertEquals("203.0.113.7", r.externalAddress());
    assertEquals(4242, r.externalPort());
    assertEquals(4242, r.externalWsPort());
    assertEquals(vs.now().plus(Duration.ofHours(1)), r.leaseExpiresAt());
    assertEquals("", r.error());
    assertEquals(List.of(State.MAPPING, State.MAPPED), states());
    assertEquals(
        0,
        natpmp.calls.size() + upnp.calls.size(),
        "the fastest method worked: the others were not tried");
  }

  @Test
  void autoFallsBackToTheNextMethodOnAnyFailure() {
    pcp.map = r -> failing(Reason.UNSUPPORTED, "pcp", 1, "the gateway speaks NAT-PMP, not PCP");
    natpmp.map = r -> failing(Reason.NO_GATEWAY, "natpmp", -1, "nothing listens");
    start(pcp, natpmp, upnp);
    assertEquals("upnp", nat.current().method());
    assertEquals(State.MAPPED, nat.current().state());
    assertEquals(
        List.of("pcp", "natpmp", "upnp", "upnp"),
        events.stream().map(Reachability::method).toList());
  }

  @Test
  void aSingleModeUsesOnlyItsMethodAndClosesTheOthers() {
    start(NatConfig.defaults().withMode(NatMode.NATPMP), "0.0.0.0", 4242, 4242, pcp, natpmp, upnp);
    assertEquals("natpmp", nat.current().method());
    assertEquals(0, pcp.calls.size() + upnp.calls.size());
    assertTrue(pcp.closed && upnp.closed);
    assertFalse(natpmp.closed);
  }

  @Test
  void noGatewayAnywhereIsUnmappedAndRetriedWithBackoff() {
    for (FakePortMapper m : List.of(pcp, natpmp, upnp)) {
      m.map = r -> failing(Reason.NO_GATEWAY, m.name(), -1, "nobody there");
    }
    start(pcp, natpmp, upnp);
    Reachability r = nat.current();
    assertEquals(State.UNMAPPED, r.state());
    assertEquals("no_gateway", r.error());
    assertTrue(
        r.detail()
            .startsWith(
                "no gateway answered (pcp: nobody there; natpmp: nobody there; upnp: nobody there)"),
        r.detail());
    assertTrue(r.detail().endsWith("trying again in 5 s"), r.detail());
    vs.advance(Duration.ofSeconds(5));
    assertEquals(2, pcp.count("map"));
    vs.advance(Duration.ofSeconds(9));
    assertEquals(2, pcp.count("map"), "the second wait is twice as long");
    vs.advance(Duration.ofSeconds(1));
    assertEquals(3, pcp.count("map"));
    vs.advance(Duration.ofHours(1));
    List<FakePortMapper.Call> tries = pcp.calls("map");
    Duration lastGap =
        Duration.between(tries.get(tries.size() - 2).at(), tries.get(tries.size() - 1).at());
    assertEquals(Duration.ofMinutes(5), lastGap, "backoff stops growing at maxRetryInterval");
  }

  @Test
  void aRefusalIsATypedErrorAndAFailedStatus() {
    for (FakePortMapper m : List.of(pcp, natpmp)) {
      m.map = r -> failing(Reason.DENIED, m.name(), 2, "the gateway answered 2 (not authorized)");
    }
    upnp.map = r -> failing(Reason.NO_GATEWAY, "upnp", -1, "no UPnP gateway answered");
    start(pcp, natpmp, upnp);
    Reachability r = nat.current();
    assertEquals(State.FAILED, r.state());
    assertEquals("denied", r.error(), "the most telling reason wins over 'no gateway'");
    assertEquals("pcp", r.method());
    assertTrue(r.detail().contains("pcp: the gateway answered 2 (not authorized)"), r.detail());
    // Once the gateway allows it, the retry maps.
    pcp.map =
        req ->
            java.util.concurrent.CompletableFuture.completedFuture(
                pcp.mapping(req.port(), req.port()));
    vs.advance(Duration.ofSeconds(5));
    assertEquals(State.MAPPED, nat.current().state());
    assertEquals("", nat.current().error());
  }

  @Test
  void leasesAreRenewedAtHalfTime() {
    pcp.lifetime = Duration.ofSeconds(120);
    start(pcp);
    Instant mappedAt = vs.now();
    vs.advance(Duration.ofSeconds(59));
    assertEquals(0, pcp.count("renew"));
    vs.advance(Duration.ofSeconds(1));
    assertEquals(1, pcp.count("renew"));
    assertEquals(mappedAt.plusSeconds(60), pcp.calls("renew").get(0).at());
    assertEquals(
        vs.now().plusSeconds(120),
        nat.current().leaseExpiresAt(),
        "the renewal moved the lease end");
    vs.advance(Duration.ofMinutes(10));
    assertEquals(11, pcp.count("renew"));
    assertEquals(State.MAPPED, nat.current().state());
  }

  @Test
  void aShorterLeaseThanAskedIsRenewedSooner() {
    pcp.lifetime = Duration.ofSeconds(10);
    start(pcp);
    vs.advance(Duration.ofSeconds(5));
    assertEquals(1, pcp.count("renew"));
  }

  @Test
  void aFailedRenewalKeepsTheMappingUntilTheLeaseEndsThenMapsAgain() {
    pcp.lifetime = Duration.ofSeconds(60);
    start(NatConfig.defaults().withCheckInterval(Duration.ofHours(1)), "0.0.0.0", 4242, 4242, pcp);
    Instant leaseEnd = nat.current().leaseExpiresAt();
    pcp.renew = m -> failing(Reason.TIMEOUT, "pcp", -1, "gateway 192.168.1.1 did not answer");
    vs.advance(Duration.ofSeconds(30));
    Reachability r = nat.current();
    assertEquals(State.MAPPED, r.state(), "the gateway may still forward: the lease has not ended");
    assertEquals("timeout", r.error());
    assertTrue(
        r.detail()
            .startsWith("renewal failed: gateway 192.168.1.1 did not answer; retrying in 5 s"),
        r.detail());
    assertEquals(leaseEnd, r.leaseExpiresAt());
    pcp.map = req -> failing(Reason.TIMEOUT, "pcp", -1, "gateway 192.168.1.1 did not answer");
    vs.advance(Duration.ofSeconds(30));
    assertEquals(State.FAILED, nat.current().state(), "the lease ended without renewal");
    assertEquals("timeout", nat.current().error());
    assertTrue(pcp.count("renew") >= 3, "renewal was retried: " + pcp.calls);
  }

  @Test
  void aGatewayThatNeverAnswersTimesOutOnTheNodesClock() {
    start(
        NatConfig.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)),
        "0.0.0.0",
        4242,
        4242,
        pcp);
    pcp.check = m -> silent();
    vs.advance(Duration.ofSeconds(60));
    assertEquals(1, pcp.count("check"));
    vs.advance(Duration.ofSeconds(4));
    Reachability r = nat.current();
    assertEquals(State.MAPPED, r.state());
    assertEquals("timeout", r.error());
    assertTrue(r.detail().startsWith("check failed: no answer within 4 s"), r.detail());
  }

  @Test
  void aMappingTheGatewayLostIsMadeAgain() {
    start(
        NatConfig.defaults().withCheckInterval(Duration.ofSeconds(10)),
        "0.0.0.0",
        4242,
        4242,
        natpmp);
    natpmp.check =
        m ->
            failing(
                Reason.LOST,
                "natpmp",
                -1,
                "the gateway restarted (its epoch went back from 3600 s to 2 s)");
    natpmp.portOffset = 1;
    vs.advance(Duration.ofSeconds(10));
    assertEquals(2, natpmp.count("map"));
    assertEquals(List.of(State.MAPPING, State.MAPPED, State.MAPPING, State.MAPPED), states());
    assertEquals(4243, nat.current().externalPort(), "the new mapping's port is the one announced");
  }

  @Test
  void aNewExternalAddressIsPublished() {
    start(
        NatConfig.defaults().withCheckInterval(Duration.ofSeconds(10)),
        "0.0.0.0",
        4242,
        4242,
        upnp);
    upnp.address = "198.51.100.99";
    vs.advance(Duration.ofSeconds(10));
    assertEquals("198.51.100.99", nat.current().externalAddress());
    assertEquals(1, upnp.count("map"), "an address change needs no new mapping");
  }

  @Test
  void separateListenersGetTwoMappings() {
    upnp.portOffset = 10_000;
    start(NatConfig.defaults(), "0.0.0.0", 4242, 4343, upnp);
    Reachability r = nat.current();
    assertEquals(14242, r.externalPort());
    assertEquals(14343, r.externalWsPort());
    stop();
    assertEquals(
        List.of(4242, 4343), upnp.calls("unmap").stream().map(FakePortMapper.Call::port).toList());
  }

  @Test
  void stopRemovesTheMappingsAndClosesTheMappers() {
    start(pcp, natpmp);
    stop();
    assertEquals(1, pcp.count("unmap"));
    assertEquals(State.UNMAPPED, nat.current().state());
    assertEquals("stopped", nat.current().detail());
    assertTrue(pcp.closed && natpmp.closed);
    vs.advance(Duration.ofHours(2));
    assertEquals(0, pcp.count("renew"), "nothing runs after stop");
  }

  @Test
  void aMappingGrantedWhileStoppingIsRemovedToo() {
    CompletableFuture<PortMapping> pending = new CompletableFuture<>();
    pcp.map = r -> pending;
    start(pcp);
    CompletableFuture<Void> done = new CompletableFuture<>();
    vs.execute(() -> nat.stop().whenComplete((v, e) -> done.complete(null)));
    vs.runUntilIdle();
    assertFalse(done.isDone(), "stop waits for the request in flight");
    pending.complete(pcp.mapping(4242, 4242));
    vs.runUntilIdle();
    assertTrue(done.isDone());
    assertEquals(1, pcp.count("unmap"));
  }

  @Test
  void aStopBehindADeadGatewayIsBounded() {
    start(
        NatConfig.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)),
        "0.0.0.0",
        4242,
        4242,
        pcp);
    pcp.unmap = m -> silent();
    CompletableFuture<Void> done = new CompletableFuture<>();
    vs.execute(() -> nat.stop().whenComplete((v, e) -> done.complete(null)));
    vs.runUntilIdle();
    assertFalse(done.isDone());
    vs.advance(Duration.ofSeconds(2));
    assertTrue(done.isDone(), "an unanswered removal gives up after twice the request timeout");
  }

  @Test
  void nothingIsMappedWhenOffOrOnLoopback() {
    start(NatConfig.defaults().withMode(NatMode.NONE), "0.0.0.0", 4242, 4242, pcp);
    assertEquals(State.UNMAPPED, nat.current().state());
    assertEquals("NAT traversal is off (nat: none)", nat.current().detail());
    events.clear();
    start(NatConfig.defaults(), "127.0.0.1", 4242, 4242, pcp);
    assertEquals("listening on 127.0.0.1 only: no port to map", nat.current().detail());
    assertEquals(0, pcp.calls.size());
  }

  @Test
  void aMapperThatThrowsIsAFailureNotACrash() {
    pcp.map =
        r -> {
          throw new IllegalStateException("bug");
        };
    start(pcp, natpmp);
    assertEquals("natpmp", nat.current().method());
    assertEquals(State.MAPPED, nat.current().state());
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    NatManager m =
        new NatManager(
            NatConfig.defaults().withRetry(Duration.ofSeconds(5), Duration.ofSeconds(30)),
            List::of,
            vs,
            vs.clock(),
            r -> {});
    assertEquals(
        List.of(5L, 10L, 20L, 30L, 30L),
        List.of(1, 2, 3, 4, 50).stream().map(n -> m.backoff(n).getSeconds()).toList());
  }
}
