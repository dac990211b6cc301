package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.brightchain.net.BlockId;
import org.brightchain.net.DataTemperature;
import org.brightchain.net.core.BrightChainNode;
import org.brightchain.net.core.crypto.MessageSigning;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.core.testing.Await;
import org.brightchain.net.message.BlockTemperatureUpdate;
import org.brightchain.net.message.NodeAnnounce;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.message.WSEventType;
import org.brightchain.net.message.WSMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket channel with a plain client: JSON text frames, binary frames, and bad frames. */
class NettyWebSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private BrightChainNode node;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    node = BrightChainNode.builder().host("127.0.0.1").httpPort(0).maxFrameBytes(16 * 1024).build();
    node.start().join();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** Collects what a client receives. */
  static final class Client implements WebSocket.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<byte[]> binaries = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer bin = ByteBuffer.allocate(0);

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        texts.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ByteBuffer n = ByteBuffer.allocate(bin.remaining() + data.remaining());
      n.put(bin).put(data).flip();
      bin = n;
      if (last) {
        byte[] b = new byte[bin.remaining()];
        bin.get(b);
        binaries.add(b);
        bin = ByteBuffer.allocate(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }
  }

  private WebSocket open(String query, Client c) {
    return http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + node.wsAddress().getPort() + "/ws" + query), c)
        .join();
  }

  /** Everything the client received so far, decoded. */
  static List<SignedMessage> received(Client c) {
    List<SignedMessage> out = new java.util.ArrayList<>();
    for (String t : c.texts) {
      out.add(parse(t));
    }
    for (byte[] b : c.binaries) {
      try {
        out.add(ProtoCodec.decodeSignedMessage(b));
      } catch (WireFormatException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  static void handshake(WebSocket ws, Client c, NodeIdentity id, boolean json) {
    Handshake.run(
        () -> received(c),
        m ->
            (json
                    ? ws.sendText(JsonCodec.toJson(m), true)
                    : ws.sendBinary(ByteBuffer.wrap(ProtoCodec.encode(m)), true))
                .join(),
        id,
        WAIT);
  }

  private static SignedMessage parse(String json) {
    try {
      return JsonCodec.fromJson(json, SignedMessage.class);
    } catch (WireFormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aJsonClientReceivesSignedEventsAsTextAndItsSignedEventIsAccepted() {
    Client c = new Client();
    WebSocket ws = open("?format=json", c);
    // The node challenges first.
    Await.until(WAIT, () -> !c.texts.isEmpty(), () -> "no challenge");
    SignedMessage hello = parse(c.texts.get(0));
    assertEquals(WSEventType.CHALLENGE, hello.payload().type());
    assertEquals(MessageSigning.Verdict.VALID, MessageSigning.verify(hello));
    NodeIdentity client = NodeIdentity.generate();
    handshake(ws, c, client, true);
    SignedMessage announce = Handshake.find(received(c), NodeAnnounce.class);
    assertEquals(node.nodeId(), ((NodeAnnounce) announce.payload().data()).nodeId());

    BlockId block = BlockId.of("9a".repeat(64));
    node.updateTemperature(block, DataTemperature.WARM).join();
    // Sent in the next batch, as JSON text to this client.
    Await.until(
        WAIT,
        () -> c.texts.stream().anyMatch(t -> t.contains("block:batch") && t.contains(block.hex())),
        () -> c.texts);

    long now = System.currentTimeMillis();
    SignedMessage mine =
        MessageSigning.sign(
            client,
            WSMessage.of(
                new BlockTemperatureUpdate(block, DataTemperature.HOT), now + 5, client.nodeId()));
    ws.sendText(JsonCodec.toJson(mine), true).join();
    Await.until(
        WAIT,
        () -> node.metadata(block).map(m -> m.temperature() == DataTemperature.HOT).orElse(false),
        () -> node.metadata(block));
    assertEquals(client.nodeId(), node.metadata(block).orElseThrow().updatedBy());
    ws.sendClose(1000, "bye").join();
  }

  @Test
  void binaryFramesCarryProtobuf() throws Exception {
    Client c = new Client();
    WebSocket ws = open("", c);
    Await.until(WAIT, () -> !c.binaries.isEmpty(), () -> "no challenge");
    SignedMessage hello = ProtoCodec.decodeSignedMessage(c.binaries.get(0));
    assertTrue(
        hello.payload().data() instanceof org.brightchain.net.message.Challenge
            && hello.nodeId().equals(node.nodeId()));
    handshake(ws, c, NodeIdentity.generate(), false);
    SignedMessage announce = Handshake.find(received(c), NodeAnnounce.class);
    assertTrue(
        announce.payload().data() instanceof NodeAnnounce a && a.nodeId().equals(node.nodeId()));
    ws.sendClose(1000, "bye").join();
  }

  @Test
  void badFramesAreDroppedAndTheConnectionKeepsWorking() {
    AtomicInteger rejected = new AtomicInteger();
    node.addListener(
        new org.brightchain.net.spi.NodeEventListener() {
          @Override
          public void messageRejected(String connectionId, String reason) {
            rejected.incrementAndGet();
          }
        });
    Client c = new Client();
    WebSocket ws = open("?format=json", c);
    handshake(ws, c, NodeIdentity.generate(), true);
    ws.sendText("{not json", true).join();
    ws.sendText("{\"payload\":{}}", true).join();
    ws.sendBinary(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), true).join();
    NodeIdentity client = NodeIdentity.generate();
    BlockId block = BlockId.of("ab".repeat(32));
    SignedMessage good =
        MessageSigning.sign(
            client,
            WSMessage.of(
                new BlockTemperatureUpdate(block, DataTemperature.COLD),
                System.currentTimeMillis(),
                client.nodeId()));
    byte[] sig = good.signature();
    sig[10] ^= 1;
    SignedMessage forged =
        new SignedMessage(
            good.payload(), good.timestamp(), good.nodeId(), good.publicKey(), sig, null);
    ws.sendText(JsonCodec.toJson(forged), true).join();
    Await.until(WAIT, () -> rejected.get() == 4, rejected::get);
    assertTrue(node.metadata(block).isEmpty(), "nothing applied");
    ws.sendText(JsonCodec.toJson(good), true).join();
    Await.until(WAIT, () -> node.metadata(block).isPresent(), () -> "good message after bad ones");
    assertTrue(node.metrics().operations().failed() >= 4);
  }

  @Test
  void anOversizeMessageClosesWith1009() {
    Client c = new Client();
    WebSocket ws = open("?format=json", c);
    ws.sendText("x".repeat(20 * 1024), true);
    assertEquals(1009, c.closed.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
    // The node still serves new connections.
    Client d = new Client();
    open("?format=json", d);
    Await.until(WAIT, () -> !d.texts.isEmpty(), () -> "new connection after a bad one");
  }

  @Test
  void aTextFrameThatIsNotUtf8ClosesWith1007() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(node.wsAddress().getPort(), "/ws?format=json")) {
      // 0xC3 starts a two-byte sequence; 0x28 cannot continue it (RFC 3629).
      raw.sendText(new byte[] {'{', (byte) 0xC3, 0x28, '}'});
      Await.until(WAIT, raw.ended::isDone, raw::toString);
      assertEquals(1, raw.closes().size(), raw.toString());
      assertEquals(1007, raw.closes().get(0).closeCode(), raw.toString());
    }
    // The node still serves new connections.
    Client d = new Client();
    open("?format=json", d);
    Await.until(WAIT, () -> !d.texts.isEmpty(), () -> "new connection after a bad one");
  }
}
