package org.brightchain.net.core;

import static org.brightchain.net.core.VirtualNet.blockId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.core.VirtualNet.RecordingListener;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.NodePlugin;
import org.brightchain.net.spi.PluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrightChainNodeTest {
  private final VirtualNet net = new VirtualNet();

  @Test
  void aNodeStartsOnceAndStopsIdempotently() {
    List<String> events = new ArrayList<>();
    NodeEventListener l =
        new NodeEventListener() {
          @Override
          public void nodeStarted(NodeInfo info) {
            events.add("started " + info.status().wireName());
          }

          @Override
          public void nodeStopped() {
            events.add("stopped");
          }
        };
    BrightChainNode node = net.builder("10.0.0.1").addListener(l).build();
    assertThrows(IllegalStateException.class, node::httpAddress, "not started yet");

    net.await(node.start());
    assertEquals(NodeStatus.ONLINE, node.info().status());
    assertEquals(4242, node.httpAddress().getPort());
    CompletableFuture<Void> again = node.start();
    net.vs.runUntilIdle();
    assertTrue(again.isCompletedExceptionally(), "a node starts once");

    CompletableFuture<Void> stop = node.stop();
    assertSame(stop, node.stop(), "stop is idempotent");
    net.await(stop);

    assertEquals(NodeStatus.OFFLINE, node.info().status());
    assertEquals(List.of("started online", "stopped"), events);
  }

  @Test
  void aNodeThatCannotBindFailsToStart() {
    net.startNode("10.0.0.1");
    BrightChainNode second = net.builder("10.0.0.1").build(); // same host and port

    CompletableFuture<Void> f = second.start();
    net.vs.runUntilIdle();

    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertTrue(e.getCause() instanceof BindException, e.toString());
    assertEquals(NodeStatus.OFFLINE, second.info().status());
    net.await(second.stop()); // still safe
  }

  @Test
  void stoppingANodeThatNeverStartedIsHarmless() {
    BrightChainNode node = net.builder("10.0.0.1").build();

    net.await(node.stop());

    assertTrue(node.start().isCompletedExceptionally(), "a stopped node does not start");
  }

  @Test
  void aDataDirectoryKeepsTheNodeIdAcrossBuilds(@TempDir Path dir) {
    BrightChainNode first = net.builder("10.0.0.1").dataDirectory(dir).build();
    BrightChainNode second = net.builder("10.0.0.2").dataDirectory(dir).build();
    BrightChainNode other = net.builder("10.0.0.3").build();

    assertEquals(first.nodeId(), second.nodeId());
    assertFalse(first.nodeId().equals(other.nodeId()));
    assertTrue(dir.resolve(NodeIdentity.KEY_FILE).toFile().isFile());
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheNode() {
    NodeEventListener broken =
        new NodeEventListener() {
          @Override
          public void messageReceived(SignedMessage message) {
            throw new IllegalStateException("listener bug");
          }
        };
    RecordingListener after = new RecordingListener();
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2")
                .addBootstrapNode("10.0.0.1", 4242)
                .addListener(broken)
                .addListener(after)
                .build());
    BrightChainNode c = net.startNode("10.0.0.3", "10.0.0.2");

    net.await(a.updateTemperature(blockId(1), DataTemperature.HOT));

    net.await(a.flush());

    assertEquals(DataTemperature.HOT, b.metadata(blockId(1)).orElseThrow().temperature());
    assertEquals(DataTemperature.HOT, c.metadata(blockId(1)).orElseThrow().temperature());
    assertTrue(
        after.received.stream()
            .anyMatch(m -> m.payload().data() instanceof org.brightchain.net.message.BatchUpdate),
        "later listeners still hear of it");
  }

  @Test
  void aPluginIsSetUpOnStartCanBroadcastAndIsClosedOnStop() {
    List<String> calls = new ArrayList<>();
    RecordingListener pluginListener = new RecordingListener();
    PluginContext[] ctx = new PluginContext[1];
    NodePlugin plugin =
        new NodePlugin() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public void setup(PluginContext context) {
            calls.add("setup");
            ctx[0] = context;
            context.addListener(pluginListener);
          }

          @Override
          public void close() {
            calls.add("close");
          }
        };
    NodePlugin failing =
        new NodePlugin() {
          @Override
          public String name() {
            return "failing";
          }

          @Override
          public void setup(PluginContext context) throws Exception {
            throw new Exception("cannot set up");
          }

          @Override
          public void close() {
            calls.add("failing closed");
          }
        };
    RecordingListener lb = new RecordingListener();
    BrightChainNode a =
        net.start(net.builder("10.0.0.1").addPlugin(failing).addPlugin(plugin).build());
    BrightChainNode b =
        net.start(
            net.builder("10.0.0.2").addBootstrapNode("10.0.0.1", 4242).addListener(lb).build());
    assertEquals(List.of("setup"), calls);
    assertEquals(a.nodeId(), ctx[0].nodeId());

    ctx[0].broadcast(new NodeStatusUpdate(a.nodeId(), NodeStatus.MAINTENANCE));
    net.vs.runUntilIdle();
    assertTrue(
        lb.received.stream()
            .anyMatch(
                m ->
                    m.payload().data() instanceof NodeStatusUpdate s
                        && s.status() == NodeStatus.MAINTENANCE
                        && m.nodeId().equals(a.nodeId())));

    net.await(b.addLocation(blockId(2), BlockLocation.of(b.nodeId(), net.vs.now(), true)));

    net.await(b.flush());
    assertTrue(
        pluginListener.received.stream().anyMatch(m -> m.nodeId().equals(b.nodeId())),
        "the plugin's listener hears events");

    net.await(a.stop());
    assertEquals(List.of("setup", "close"), calls, "only set-up plugins are closed");
  }

  @Test
  void locationsAddedAndRemovedReachPeers() {
    BrightChainNode a = net.startNode("10.0.0.1");
    BrightChainNode b = net.startNode("10.0.0.2", "10.0.0.1");

    net.await(a.addLocation(blockId(4), BlockLocation.of(a.nodeId(), net.vs.now(), true)));

    net.await(a.flush());
    assertEquals(1, b.metadata(blockId(4)).orElseThrow().locations().size());
    assertEquals(1.0, b.health().averageRedundancy());

    net.vs.advance(java.time.Duration.ofMillis(1));
    net.await(a.removeLocation(blockId(4), a.nodeId()));
    net.await(a.flush());
    assertEquals(0, b.metadata(blockId(4)).orElseThrow().locations().size());
  }
}
