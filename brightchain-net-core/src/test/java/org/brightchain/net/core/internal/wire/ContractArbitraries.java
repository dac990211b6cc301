package org.brightchain.net.core.internal.wire;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.domains.DomainContextBase;
import org.brightchain.net.BlockId;
import org.brightchain.net.BlockLocation;
import org.brightchain.net.BlockMetadata;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.DurabilityLevel;
import org.brightchain.net.NetworkHealth;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeCapability;
import org.brightchain.net.NodeId;
import org.brightchain.net.NodeInfo;
import org.brightchain.net.NodeLocation;
import org.brightchain.net.NodeMetrics;
import org.brightchain.net.NodeStatus;
import org.brightchain.net.NodeStatusReport;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.Reachability;
import org.brightchain.net.message.Ack;
import org.brightchain.net.message.AuthProof;
import org.brightchain.net.message.BatchUpdate;
import org.brightchain.net.message.BlockLocationUpdate;
import org.brightchain.net.message.BlockSyncRequest;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.Challenge;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.ErrorEvent;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.Gap;
import org.brightchain.net.message.MetadataSync;
import org.brightchain.net.message.MetadataUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.NodeAuthentication;
import org.brightchain.net.message.NodeLeave;
import org.brightchain.net.message.NodeStatusUpdate;
import org.brightchain.net.message.Ping;
import org.brightchain.net.message.Pong;
import org.brightchain.net.message.Resume;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.Subscribe;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;

/**
 * jqwik arbitraries for every contract type, generating valid values with their edge cases:
 * optional fields null and present, empty and full collections, Unicode text (control characters,
 * emoji, U+2028, quotes and backslashes) up to the records' length limits, both lengths of block
 * id, times and counters in the range JSON peers read exactly; block metadata plain and with
 * per-field versions and removed locations; batch updates with their own times; sync messages in
 * and out of a reconciliation.
 *
 * <p>Two ways to use it: call the static methods ({@code ContractArbitraries.signedMessages()}), or
 * put {@code @Domain(ContractArbitraries.class)} on a test class (with
 * {@code @Domain(DomainContext.Global.class)} if the class also needs jqwik's default arbitraries)
 * and write {@code @ForAll SignedMessage m}.
 *
 * <p>Text is well-formed UTF-16 (no unpaired surrogates), because protobuf strings cannot carry
 * anything else; {@link #anyText(int)} adds unpaired surrogates, which JSON can carry.
 */
public class ContractArbitraries extends DomainContextBase {

  /** 2<sup>53</sup>-1, the largest timestamp or nonce a JSON peer reads exactly. */
  static final long MAX_SAFE = WSMessage.MAX_SAFE_INTEGER;

  // ------------------------------------------------------------- building blocks

  /** One code point (one or two chars) of well-formed text, biased to the awkward ones. */
  static Arbitrary<String> codePoints() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.chars().range(' ', '~').map(String::valueOf)),
        Tuple.of(2, Arbitraries.chars().range('\u0000', '\u001f').map(String::valueOf)),
        Tuple.of(
            2,
            Arbitraries.of(
                "\"",
                "\\",
                "/",
                "\u007f",
                "\u0080",
                "\u0085",
                "\u009f",
                "\u00a0",
                "\u00e9",
                "\u2028",
                "\u2029",
                "\ufeff",
                "\ufffd",
                "\uffff",
                "\u0000",
                "\uD83D\uDE00",
                "\uD83C\uDDEB\uD83C\uDDF7",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
                "\uDBFF\uDFFF",
                "\uD800\uDC00")),
        Tuple.of(3, Arbitraries.chars().range('\u00a0', '\ud7ff').map(String::valueOf)),
        Tuple.of(1, Arbitraries.chars().range('\ue000', '\uffff').map(String::valueOf)),
        Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF).map(Character::toString)),
        Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString)));
  }

  /** Well-formed text of at most {@code maxLength} chars (UTF-16 units, as the records count). */
  static Arbitrary<String> text(int maxLength) {
    return text(0, maxLength);
  }

  /** Well-formed text of {@code minLength} to {@code maxLength} chars. */
  static Arbitrary<String> text(int minLength, int maxLength) {
    return textOf(codePoints(), minLength, maxLength);
  }

  /**
   * Text that may also hold unpaired surrogates: valid for the records and for JSON, refused by
   * protobuf.
   */
  static Arbitrary<String> anyText(int maxLength) {
    Arbitrary<String> pieces =
        Arbitraries.frequencyOf(
            Tuple.of(6, codePoints()),
            Tuple.of(1, Arbitraries.chars().range('\ud800', '\udfff').map(String::valueOf)));
    return textOf(pieces, 0, maxLength);
  }

  private static Arbitrary<String> textOf(Arbitrary<String> pieces, int min, int max) {
    Arbitrary<String> some = pieces.list().ofMinSize(min).ofMaxSize(max).map(p -> join(p, max));
    if (max == 0) {
      return some;
    }
    // Now and then exactly at the limit, including a pair that would not fit by one char.
    Arbitrary<String> full =
        Arbitraries.of("x".repeat(max), "\u00e9".repeat(max), "x".repeat(max - 1) + "\u2028");
    return Arbitraries.frequencyOf(Tuple.of(20, some), Tuple.of(1, full));
  }

  /** Joins pieces, dropping those that would go past {@code max} chars. */
  private static String join(List<String> pieces, int max) {
    StringBuilder sb = new StringBuilder();
    for (String p : pieces) {
      if (sb.length() + p.length() <= max) {
        sb.append(p);
      }
    }
    return sb.toString();
  }

  static Arbitrary<byte[]> bytes(int minSize, int maxSize) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(minSize).ofMaxSize(maxSize);
  }

  static Arbitrary<NodeId> nodeIds() {
    return bytes(32, 32).map(NodeId::ofBytes);
  }

  /** 64 (SHA-256) and 128 (SHA3-512) hex characters. */
  static Arbitrary<BlockId> blockIds() {
    return Arbitraries.oneOf(bytes(32, 32), bytes(64, 64))
        .map(b -> new BlockId(HexFormat.of().formatHex(b)));
  }

  /** Milliseconds 0 to 2^53-1. */
  static Arbitrary<Instant> instants() {
    return safeLongs().map(Instant::ofEpochMilli);
  }

  /** 0 to 2^53-1. */
  static Arbitrary<Long> safeLongs() {
    return Arbitraries.longs().between(0, MAX_SAFE);
  }

  /** 0 to Long.MAX_VALUE. */
  static Arbitrary<Long> counts() {
    return Arbitraries.longs().between(0, Long.MAX_VALUE);
  }

  static Arbitrary<Integer> ports() {
    return Arbitraries.integers().between(0, 65535);
  }

  /** Known capability names and arbitrary ones from newer peers. */
  static Arbitrary<Set<String>> capabilities() {
    return Arbitraries.oneOf(
            Arbitraries.of(NodeCapability.class).map(NodeCapability::wireName),
            text(32).filter(s -> !s.isEmpty()))
        .set()
        .ofMaxSize(8);
  }

  /**
   * Finite doubles from 0 to 10<sup>6</sup> that survive the JSON round trip (written with {@code
   * Double.toString}, read back through {@code BigDecimal}).
   */
  static Arbitrary<Double> redundancies() {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.doubles().between(0, 1e6)),
            Tuple.of(3, Arbitraries.doubles().between(0, 100).ofScale(12)),
            Tuple.of(
                3,
                Arbitraries.longs()
                    .between(0, Double.doubleToLongBits(1e6))
                    .map(Double::longBitsToDouble)),
            Tuple.of(
                1,
                Arbitraries.of(
                    0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-7, 0.1, 1.0 / 3, 2.5, 1e6)))
        .filter(ContractArbitraries::survivesJson);
  }

  static boolean survivesJson(double d) {
    return Double.isFinite(d) && new BigDecimal(Double.toString(d)).doubleValue() == d;
  }

  // ------------------------------------------------------------- event payloads

  /** Host names, IPv4 and IPv6 literals, and the empty address ("the address you see"). */
  static Arbitrary<String> hosts() {
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(l -> !l.startsWith("-") && !l.endsWith("-"));
    Arbitrary<String> names =
        label
            .list()
            .ofMinSize(0)
            .ofMaxSize(3)
            .map(l -> String.join(".", l) + (l.isEmpty() ? "" : ".") + "example");
    Arbitrary<String> v4 =
        Arbitraries.integers()
            .between(0, 255)
            .list()
            .ofSize(4)
            .map(
                l ->
                    l.stream()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(".")));
    Arbitrary<String> v6 =
        Arbitraries.of(
            "::1", "2001:db8::1", "fe80::1%eth0", "::ffff:192.0.2.1", "2001:db8:0:0:0:0:0:7");
    return Arbitraries.oneOf(names, v4, v6, Arbitraries.just(""));
  }

  static Arbitrary<NodeAnnounce> nodeAnnounces() {
    return Combinators.combine(
            nodeIds(),
            hosts(),
            ports(),
            ports(),
            capabilities(),
            text(64),
            text(64).injectNull(0.3))
        .as(NodeAnnounce::new);
  }

  static Arbitrary<NodeLeave> nodeLeaves() {
    return Combinators.combine(nodeIds(), text(256)).as(NodeLeave::new);
  }

  static Arbitrary<NodeStatusUpdate> nodeStatusUpdates() {
    return Combinators.combine(nodeIds(), Arbitraries.of(NodeStatus.class))
        .as(NodeStatusUpdate::new);
  }

  static Arbitrary<BlockTemperatureUpdate> blockTemperatureUpdates() {
    return Combinators.combine(blockIds(), Arbitraries.of(DataTemperature.class))
        .as(BlockTemperatureUpdate::new);
  }

  static Arbitrary<BlockLocation> blockLocations() {
    return Combinators.combine(
            nodeIds(),
            instants(),
            Arbitraries.of(true, false),
            safeLongs().injectNull(0.3),
            text(128).injectNull(0.3))
        .as(BlockLocation::new);
  }

  static Arbitrary<BlockLocationUpdate> blockLocationUpdates() {
    return Combinators.combine(
            blockIds(), blockLocations(), Arbitraries.of(BlockLocationUpdate.Action.class))
        .as(BlockLocationUpdate::new);
  }

  /** Session ids: 1 to 64 letters, digits, '-' and '_'. */
  static Arbitrary<String> sessions() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars("-_")
        .ofMinLength(1)
        .ofMaxLength(64);
  }

  /** Reconciliation messages: base64 (padded, as the encoder writes it) of random bytes. */
  static Arbitrary<String> reconcileMessages() {
    return Arbitraries.frequencyOf(Tuple.of(10, bytes(1, 300)), Tuple.of(1, bytes(4000, 6000)))
        .map(b -> Base64.getEncoder().encodeToString(b));
  }

  /**
   * The reconciliation fields {@code (session, reconcile)} of block:sync and metadata:sync: neither
   * (not reconciling), a session alone (an initiator's last push, an answerer's last answer) or
   * both.
   */
  static Arbitrary<Tuple.Tuple2<String, String>> syncFields() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(Tuple.of("", ""))),
        Tuple.of(1, sessions().map(s -> Tuple.of(s, ""))),
        Tuple.of(2, Combinators.combine(sessions(), reconcileMessages()).as(Tuple::of)));
  }

  /** Requests for blocks' metadata, and reconciliation steps (usually without block ids). */
  static Arbitrary<BlockSyncRequest> blockSyncRequests() {
    return Combinators.combine(blockIds().list().ofMaxSize(20), syncFields())
        .as((ids, sync) -> new BlockSyncRequest(ids, sync.get1(), sync.get2()));
  }

  /**
   * Metadata whose locations name distinct nodes: plain (every field stamped {@code (updatedAt,
   * updatedBy)}), and more often with versions of its own per field and removed locations.
   */
  public static Arbitrary<BlockMetadata> blockMetadata() {
    return versionedBlockMetadata(0);
  }

  /** Plain metadata: every field stamped {@code (updatedAt, updatedBy)}, nothing removed. */
  static Arbitrary<BlockMetadata> plainBlockMetadata() {
    return Combinators.combine(
            blockIds(),
            safeLongs(),
            Arbitraries.of(DataTemperature.class),
            Arbitraries.of(DurabilityLevel.class),
            blockLocations().list().ofMaxSize(5).uniqueElements(BlockLocation::nodeId),
            instants(),
            nodeIds())
        .as(BlockMetadata::new);
  }

  /**
   * Metadata as it is after a node has merged changes from several writers: a plain value, or the
   * {@link BlockMetadata#empty} one, with 1 to 12 single-field writes applied (temperature, size
   * and durability, location added or removed), stamped with times and writers drawn from small
   * pools so that later, earlier and equal stamps all occur. Most results are not plain; some
   * writes lose and leave the value as it was.
   */
  static Arbitrary<BlockMetadata> versionedBlockMetadata() {
    return versionedBlockMetadata(1);
  }

  /** As {@link #versionedBlockMetadata()}, with at least {@code minWrites} writes. */
  private static Arbitrary<BlockMetadata> versionedBlockMetadata(int minWrites) {
    Arbitrary<BlockMetadata> start =
        Arbitraries.oneOf(plainBlockMetadata(), blockIds().map(BlockMetadata::empty));
    return start.flatMap(
        m ->
            Combinators.combine(
                    nodeIds().list().ofMinSize(1).ofMaxSize(3),
                    Arbitraries.longs()
                        .between(m.updatedAt().toEpochMilli(), MAX_SAFE)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(3),
                    safeLongs())
                .as((nodes, later, any) -> writePools(m, nodes, later, any))
                .flatMap(
                    pools ->
                        MetadataWrite.writes(
                                Arbitraries.of(pools.get1()),
                                Arbitraries.of(pools.get2()).map(Instant::ofEpochMilli),
                                Arbitraries.of(pools.get3()))
                            .list()
                            .ofMinSize(minWrites)
                            .ofMaxSize(12)
                            .map(writes -> MetadataWrite.applyAll(m, writes))));
  }

  /**
   * (holders, times, writers) for writes to {@code m}: its own nodes and {@code nodes}; its own
   * time and the next ones, the extremes, {@code later} times and {@code any} time.
   */
  private static Tuple.Tuple3<List<NodeId>, List<Long>, List<NodeId>> writePools(
      BlockMetadata m, List<NodeId> nodes, List<Long> later, long any) {
    Set<NodeId> holders = new LinkedHashSet<>(nodes);
    m.locations().forEach(l -> holders.add(l.nodeId()));
    Set<NodeId> writers = new LinkedHashSet<>(nodes);
    writers.add(m.updatedBy());
    long t = m.updatedAt().toEpochMilli();
    Set<Long> at = new LinkedHashSet<>(later);
    at.addAll(List.of(0L, t, Math.min(MAX_SAFE, t + 1), Math.min(MAX_SAFE, t + 2), MAX_SAFE, any));
    return Tuple.of(List.copyOf(holders), List.copyOf(at), List.copyOf(writers));
  }

  static Arbitrary<MetadataUpdate> metadataUpdates() {
    return blockMetadata().map(MetadataUpdate::new);
  }

  /** Entries outside a reconciliation, and a reconciliation's answers and pushes. */
  static Arbitrary<MetadataSync> metadataSyncs() {
    return Combinators.combine(blockMetadata().list().ofMaxSize(4), syncFields())
        .as((entries, sync) -> new MetadataSync(entries, sync.get1(), sync.get2()));
  }

  static Arbitrary<Ping> pings() {
    return safeLongs().map(Ping::new);
  }

  static Arbitrary<Pong> pongs() {
    return safeLongs().map(Pong::new);
  }

  /** Positive and negative acknowledgements, with and without an error text. */
  static Arbitrary<Ack> acks() {
    return Combinators.combine(Arbitraries.of(true, false), text(256)).as(Ack::new);
  }

  /** Including {@link Resume#LIVE} (0). */
  static Arbitrary<Resume> resumes() {
    return safeLongs().map(Resume::new);
  }

  /** Gaps from 0 to 2^53-1, always with {@code oldestAvailable > afterSequence + 1}. */
  static Arbitrary<Gap> gaps() {
    return Arbitraries.longs()
        .between(0, MAX_SAFE - 2)
        .flatMap(
            after ->
                Arbitraries.longs()
                    .between(after + 2, MAX_SAFE)
                    .map(oldest -> new Gap(after, oldest)));
  }

  /** Empty (everything), some or all event types; no, some or many blocks. */
  static Arbitrary<Subscribe> subscribes() {
    return Combinators.combine(
            Arbitraries.of(WSEventType.class).set().ofMaxSize(WSEventType.values().length),
            blockIds().set().ofMaxSize(12))
        .as(Subscribe::new);
  }

  static Arbitrary<Challenge> challenges() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(Challenge.BYTES)
        .map(b -> new Challenge(HexFormat.of().formatHex(b)));
  }

  static Arbitrary<AuthProof> authProofs() {
    return Combinators.combine(challenges(), nodeIds())
        .as((c, id) -> new AuthProof(c.challenge(), id));
  }

  static Arbitrary<ErrorEvent> errorEvents() {
    return Combinators.combine(text(1, 64), text(256), safeLongs()).as(ErrorEvent::new);
  }

  /** Any of the payloads, control messages included. */
  public static Arbitrary<EventPayload> eventPayloads() {
    return Arbitraries.oneOf(
        nodeAnnounces(),
        nodeLeaves(),
        nodeStatusUpdates(),
        blockTemperatureUpdates(),
        blockLocationUpdates(),
        blockSyncRequests(),
        metadataUpdates(),
        metadataSyncs(),
        batchUpdates(),
        pings(),
        pongs(),
        acks(),
        resumes(),
        gaps(),
        subscribes(),
        challenges(),
        authProofs(),
        errorEvents());
  }

  // ------------------------------------------------------------- messages

  static Arbitrary<WSMessage> wsMessages() {
    return Combinators.combine(eventPayloads(), safeLongs(), nodeIds()).as(WSMessage::of);
  }

  /** Signed messages; the signer is the payload's sender half of the time. */
  static Arbitrary<SignedMessage> signedMessages() {
    return Combinators.combine(
            wsMessages(),
            safeLongs(),
            nodeIds().injectNull(0.5),
            bytes(1, SignedMessage.MAX_PUBLIC_KEY),
            bytes(1, SignedMessage.MAX_SIGNATURE),
            nodeIds().injectNull(0.3))
        .as(
            (payload, timestamp, signer, publicKey, signature, recipient) ->
                new SignedMessage(
                    payload,
                    timestamp,
                    signer == null ? payload.sender() : signer,
                    publicKey,
                    signature,
                    recipient));
  }

  /**
   * Frames: sequence 0 (not logged) or any, and a request, a reply or neither, with request ids up
   * to the 64-char limit.
   */
  static Arbitrary<Envelope> envelopes() {
    return Combinators.combine(
            signedMessages(),
            Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)), Tuple.of(3, safeLongs())),
            Arbitraries.of(0, 1, 2),
            text(1, 64))
        .as(
            (message, sequence, kind, id) ->
                new Envelope(message, sequence, kind == 1 ? id : "", kind == 2 ? id : ""));
  }

  /**
   * Updates of a batch sealed at {@code batchTimestamp}, each made at 0 (the batch's time), at the
   * batch's time itself, or at any earlier time.
   */
  static Arbitrary<BatchUpdate.Update> batchUpdateEntries(long batchTimestamp) {
    Arbitrary<Long> madeAt =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(0L)),
            Tuple.of(1, Arbitraries.just(batchTimestamp)),
            Tuple.of(3, Arbitraries.longs().between(0, batchTimestamp)));
    return Combinators.combine(
            Arbitraries.<EventPayload>oneOf(
                blockTemperatureUpdates(), blockLocationUpdates(), metadataUpdates()),
            madeAt)
        .as(BatchUpdate.Update::of);
  }

  static Arbitrary<BatchUpdate> batchUpdates() {
    return safeLongs()
        .flatMap(
            timestamp ->
                Combinators.combine(text(1, 128), batchUpdateEntries(timestamp).list().ofMaxSize(8))
                    .as((id, updates) -> new BatchUpdate(id, timestamp, updates)));
  }

  static Arbitrary<NodeAuthentication> nodeAuthentications() {
    return Combinators.combine(
            nodeIds(), bytes(0, 128), bytes(0, 128), bytes(0, 128), text(512), instants())
        .as(NodeAuthentication::new);
  }

  // ------------------------------------------------------------- node and network

  /** Region and round-trip time each absent or present (rttMs from 0 to 2^53-1). */
  static Arbitrary<PeerInfo> peerInfos() {
    return Combinators.combine(
            nodeIds(),
            hosts(),
            ports(),
            ports(),
            instants(),
            capabilities(),
            Arbitraries.of(PeerStatusType.class),
            Combinators.combine(text(64).injectNull(0.3), safeLongs().injectNull(0.3))
                .as(Tuple::of))
        .as(
            (nodeId, address, httpPort, wsPort, lastSeen, capabilities, status, t) ->
                new PeerInfo(
                    nodeId,
                    address,
                    httpPort,
                    wsPort,
                    lastSeen,
                    capabilities,
                    status,
                    t.get1(),
                    t.get2()));
  }

  static Arbitrary<NodeAdvertisement> nodeAdvertisements() {
    return Combinators.combine(nodeIds(), hosts(), ports(), capabilities(), text(64))
        .as(NodeAdvertisement::new);
  }

  static Arbitrary<NodeLocation> nodeLocations() {
    return Combinators.combine(text(64), text(8).injectNull(0.3)).as(NodeLocation::new);
  }

  static Arbitrary<NodeMetrics> nodeMetrics() {
    return Combinators.combine(
            counts().map(Duration::ofMillis),
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            counts(),
            Combinators.combine(counts(), counts()).as(NodeMetrics.Bandwidth::new),
            Combinators.combine(counts(), counts()).as(NodeMetrics.Operations::new))
        .as(NodeMetrics::new);
  }

  static Arbitrary<NetworkHealth> networkHealth() {
    return Combinators.combine(
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            counts(),
            redundancies(),
            Arbitraries.maps(text(64), Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .ofMaxSize(6))
        .as(NetworkHealth::new);
  }

  static Arbitrary<NodeInfo> nodeInfos() {
    return Combinators.combine(
            Combinators.combine(
                    nodeIds(),
                    bytes(0, 128),
                    text(64),
                    Arbitraries.integers().between(0, Integer.MAX_VALUE),
                    hosts(),
                    ports(),
                    ports(),
                    capabilities())
                .as(Tuple::of),
            text(64).injectNull(0.3),
            Arbitraries.of(NodeStatus.class),
            instants())
        .as(
            (t, region, status, startedAt) ->
                new NodeInfo(
                    t.get1(), t.get2(), t.get3(), t.get4(), t.get5(), t.get6(), t.get7(), t.get8(),
                    region, status, startedAt));
  }

  static Arbitrary<NodeStatusReport> nodeStatusReports() {
    return Combinators.combine(
            nodeIds(),
            Arbitraries.of(NodeStatus.class),
            nodeMetrics(),
            networkHealth(),
            reachabilities())
        .as(NodeStatusReport::new);
  }

  /** Every state: mapped ones with an endpoint and a lease, the others without. */
  static Arbitrary<Reachability> reachabilities() {
    Arbitrary<String> methods = Arbitraries.of("pcp", "natpmp", "upnp");
    Arbitrary<String> errors = Arbitraries.of("", "denied", "timeout", "no_gateway", "lost");
    Arbitrary<Reachability> mapped =
        Combinators.combine(
                methods,
                text(1, 255),
                ports().filter(p -> p > 0),
                ports().filter(p -> p > 0),
                instants(),
                errors,
                text(Reachability.MAX_DETAIL))
            .as(Reachability::mapped);
    Arbitrary<Reachability> other =
        Combinators.combine(
                Arbitraries.of(
                    Reachability.State.UNMAPPED,
                    Reachability.State.MAPPING,
                    Reachability.State.FAILED),
                Arbitraries.oneOf(methods, Arbitraries.just("")),
                errors,
                text(Reachability.MAX_DETAIL))
            .as(
                (state, method, error, detail) ->
                    new Reachability(state, method, "", 0, 0, null, error, detail));
    return Arbitraries.oneOf(mapped, other);
  }

  // ------------------------------------------------------------- domain providers

  @Provide
  Arbitrary<NodeId> provideNodeId() {
    return nodeIds();
  }

  @Provide
  Arbitrary<BlockId> provideBlockId() {
    return blockIds();
  }

  @Provide
  Arbitrary<NodeAnnounce> provideNodeAnnounce() {
    return nodeAnnounces();
  }

  @Provide
  Arbitrary<NodeLeave> provideNodeLeave() {
    return nodeLeaves();
  }

  @Provide
  Arbitrary<NodeStatusUpdate> provideNodeStatusUpdate() {
    return nodeStatusUpdates();
  }

  @Provide
  Arbitrary<BlockTemperatureUpdate> provideBlockTemperatureUpdate() {
    return blockTemperatureUpdates();
  }

  @Provide
  Arbitrary<BlockLocationUpdate> provideBlockLocationUpdate() {
    return blockLocationUpdates();
  }

  @Provide
  Arbitrary<BlockSyncRequest> provideBlockSyncRequest() {
    return blockSyncRequests();
  }

  @Provide
  Arbitrary<MetadataUpdate> provideMetadataUpdate() {
    return metadataUpdates();
  }

  @Provide
  Arbitrary<MetadataSync> provideMetadataSync() {
    return metadataSyncs();
  }

  @Provide
  Arbitrary<Ping> providePing() {
    return pings();
  }

  @Provide
  Arbitrary<Pong> providePong() {
    return pongs();
  }

  @Provide
  Arbitrary<Ack> provideAck() {
    return acks();
  }

  @Provide
  Arbitrary<Resume> provideResume() {
    return resumes();
  }

  @Provide
  Arbitrary<Gap> provideGap() {
    return gaps();
  }

  @Provide
  Arbitrary<Subscribe> provideSubscribe() {
    return subscribes();
  }

  @Provide
  Arbitrary<Challenge> provideChallenge() {
    return challenges();
  }

  @Provide
  Arbitrary<AuthProof> provideAuthProof() {
    return authProofs();
  }

  @Provide
  Arbitrary<ErrorEvent> provideErrorEvent() {
    return errorEvents();
  }

  @Provide
  Arbitrary<Envelope> provideEnvelope() {
    return envelopes();
  }

  @Provide
  Arbitrary<WSMessage> provideWsMessage() {
    return wsMessages();
  }

  @Provide
  Arbitrary<SignedMessage> provideSignedMessage() {
    return signedMessages();
  }

  @Provide
  Arbitrary<BatchUpdate> provideBatchUpdate() {
    return batchUpdates();
  }

  @Provide
  Arbitrary<NodeAuthentication> provideNodeAuthentication() {
    return nodeAuthentications();
  }

  @Provide
  Arbitrary<PeerInfo> providePeerInfo() {
    return peerInfos();
  }

  @Provide
  Arbitrary<NodeAdvertisement> provideNodeAdvertisement() {
    return nodeAdvertisements();
  }

  @Provide
  Arbitrary<BlockLocation> provideBlockLocation() {
    return blockLocations();
  }

  @Provide
  Arbitrary<BlockMetadata> provideBlockMetadata() {
    return blockMetadata();
  }

  @Provide
  Arbitrary<NodeLocation> provideNodeLocation() {
    return nodeLocations();
  }

  @Provide
  Arbitrary<NodeMetrics> provideNodeMetrics() {
    return nodeMetrics();
  }

  @Provide
  Arbitrary<NetworkHealth> provideNetworkHealth() {
    return networkHealth();
  }

  @Provide
  Arbitrary<NodeInfo> provideNodeInfo() {
    return nodeInfos();
  }

  @Provide
  Arbitrary<Reachability> provideReachability() {
    return reachabilities();
  }

  @Provide
  Arbitrary<NodeStatusReport> provideNodeStatusReport() {
    return nodeStatusReports();
  }
}
