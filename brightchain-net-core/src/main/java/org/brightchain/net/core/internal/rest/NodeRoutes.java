package org.brightchain.net.core.internal.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.core.internal.channel.NodeCounters;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.spi.RestResponse;

/** {@code /node/*}: the node's info, peers and status. */
final class NodeRoutes {
  private final NodeOperations node;
  private final NodeCounters counters;

  NodeRoutes(NodeOperations node, NodeCounters counters) {
    this.node = node;
    this.counters = counters;
  }

  void register(RestRouter.Table t) {
    t.add("GET", "/node/info", c -> RestResponses.ok(JsonCodec.toTree(node.info())));
    t.add("GET", "/node/peers", c -> peers());
    t.add("GET", "/node/status", c -> status());
  }

  private RestResponse peers() {
    List<Object> list = new ArrayList<>();
    for (PeerInfo p : node.peers()) {
      list.add(JsonCodec.toTree(p));
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("peers", list);
    return RestResponses.ok(o);
  }

  @SuppressWarnings("unchecked")
  private RestResponse status() {
    Map<String, Object> o = (Map<String, Object>) JsonCodec.toTree(node.statusReport());
    Map<String, Object> delivery = new LinkedHashMap<>();
    delivery.put("updatesAccepted", counters.updatesAccepted.get());
    delivery.put("updatesCoalesced", counters.updatesCoalesced.get());
    delivery.put("batchesSent", counters.batchesSent.get());
    delivery.put("batchesAcked", counters.batchesAcked.get());
    delivery.put("batchRetries", counters.batchRetries.get());
    delivery.put("batchesAbandoned", counters.batchesAbandoned.get());
    delivery.put("batchesReceived", counters.batchesReceived.get());
    delivery.put("batchDuplicates", counters.batchDuplicates.get());
    delivery.put("updatesApplied", counters.updatesApplied.get());
    delivery.put("syncsCompleted", counters.syncsCompleted.get());
    delivery.put("syncsFailed", counters.syncsFailed.get());
    delivery.put("syncEntriesReceived", counters.syncEntriesReceived.get());
    o.put("delivery", delivery);
    return RestResponses.ok(o);
  }
}
