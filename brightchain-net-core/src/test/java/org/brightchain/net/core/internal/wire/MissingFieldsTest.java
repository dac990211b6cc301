package org.brightchain.net.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Example;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.Reachability;
import org.brightchain.net.core.internal.wire.proto.Pb;

/**
 * Fields whose absence only a contract type's constructor would notice (as a null it refuses) are
 * checked by the decoders themselves and refused by their path, like every other missing field.
 */
class MissingFieldsTest {

  private static final NodeId A = NodeId.of("a".repeat(64));

  private static NodeStatusReport report(Reachability reachability) {
    return new NodeStatusReport(
        A,
        NodeStatus.ONLINE,
        new NodeMetrics(
            Duration.ofSeconds(5),
            1,
            2,
            new NodeMetrics.Bandwidth(3, 4),
            new NodeMetrics.Operations(5, 6)),
        new NetworkHealth(1, 2, 1.5, Map.of("eu", 1)),
        reachability);
  }

  private static final NodeStatusReport MAPPED =
      report(
          Reachability.mapped(
              "pcp", "203.0.113.7", 4000, 4001, Instant.ofEpochMilli(90_000), "", ""));

  @SuppressWarnings("unchecked")
  private static Map<String, Object> reachabilityOf(Object tree) {
    return (Map<String, Object>) ((Map<String, Object>) tree).get("reachability");
  }

  @Example
  void jsonMappedReachabilityWithoutLeaseNamesTheField() throws WireFormatException {
    Object absent = Json.parse(JsonCodec.toJson(MAPPED));
    reachabilityOf(absent).remove("leaseExpiresAt");
    assertEquals(
        "reachability.leaseExpiresAt: required",
        assertThrows(
                WireFormatException.class, () -> JsonCodec.fromTree(absent, NodeStatusReport.class))
            .getMessage());

    Object nulled = Json.parse(JsonCodec.toJson(MAPPED));
    reachabilityOf(nulled).put("leaseExpiresAt", null);
    assertEquals(
        "reachability.leaseExpiresAt: required",
        assertThrows(
                WireFormatException.class, () -> JsonCodec.fromTree(nulled, NodeStatusReport.class))
            .getMessage());

    // Other states have no lease.
    NodeStatusReport failed = report(Reachability.failed("pcp", "denied", "no"));
    assertEquals(failed, JsonCodec.fromJson(JsonCodec.toJson(failed), NodeStatusReport.class));
  }

  @Example
  void protobufMappedReachabilityWithoutLeaseNamesTheField() throws WireFormatException {
    var b = ((Pb.NodeStatusReport) ProtoCodec.toProto(MAPPED)).toBuilder();
    b.getReachabilityBuilder().clearLeaseExpiresAt();
    byte[] bytes = b.build().toByteArray();
    assertEquals(
        "reachability.leaseExpiresAt: missing",
        assertThrows(
                WireFormatException.class,
                () -> ProtoCodec.fromBytes(bytes, NodeStatusReport.class))
            .getMessage());

    NodeStatusReport failed = report(Reachability.failed("pcp", "denied", "no"));
    assertEquals(failed, ProtoCodec.fromBytes(ProtoCodec.toBytes(failed), NodeStatusReport.class));
  }
}
