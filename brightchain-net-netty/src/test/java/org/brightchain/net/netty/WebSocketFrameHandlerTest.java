package org.brightchain.net.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket frame handler on an {@link EmbeddedChannel}, with a fake node: the handshake events
 * open the connection, data frames become {@link Frame}s, and errors close it with the code RFC
 * 6455 gives them.
 */
class WebSocketFrameHandlerTest {
  private static final int MAX_MESSAGE = 16;

  private final FakeNode node = new FakeNode();
  private final ConnectionFactory connections = EmbeddedChannels.connections(1 << 20);

  private WebSocketFrameHandler handler(
      boolean outbound, CompletableFuture<PeerConnection> opened) {
    return new WebSocketFrameHandler(node, connections, Duration.ofSeconds(60), outbound, opened);
  }

  /** An accepted connection whose handshake for {@code uri} is done; frames are aggregated. */
  private EmbeddedChannel accepted(String uri) {
    EmbeddedChannel ch =
        EmbeddedChannels.channel(new WebSocketFrameAggregator(MAX_MESSAGE), handler(false, null));
    ch.pipeline()
        .fireUserEventTriggered(new HandshakeComplete(uri, EmptyHttpHeaders.INSTANCE, null));
    return ch;
  }

  private static CloseWebSocketFrame closeFrame(EmbeddedChannel ch) {
    return assertInstanceOf(CloseWebSocketFrame.class, ch.readOutbound());
  }

  @Test
  void theHandshakeOpensAConnectionWithTheQueryAsParameters() {
    EmbeddedChannel ch = accepted("/ws?format=json&since=4&since=5");
    PeerConnection c = node.opened.get(0);
    assertEquals("ws-in-1", c.id());
    assertFalse(c.outbound());
    assertEquals(Frame.Type.TEXT, c.preferredFrameType(), "format=json asks for text frames");
    assertEquals(Map.of("format", "json", "since", "4"), c.parameters());
    assertEquals(EmbeddedChannels.REMOTE, c.remoteAddress());
    assertTrue(c.isOpen());

    EmbeddedChannel binary = accepted("/ws");
    assertEquals(Frame.Type.BINARY, node.opened.get(1).preferredFrameType());
    assertEquals("ws-in-2", node.opened.get(1).id());
    ch.close();
    binary.close();
  }

  @Test
  void textAndBinaryFramesReachTheNodeAsFrames() {
    EmbeddedChannel ch = accepted("/ws");
    TextWebSocketFrame text = new TextWebSocketFrame("{\"a\":1}");
    BinaryWebSocketFrame binary =
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    ch.writeInbound(text, binary);
    // A message in fragments arrives whole.
    ch.writeInbound(
        new TextWebSocketFrame(false, 0, "ab"), new ContinuationWebSocketFrame(true, 0, "cd"));

    PeerConnection c = node.opened.get(0);
    List<FakeNode.Received> got = node.frames;
    assertEquals(3, got.size());
    assertSame(c, got.get(0).connection());
    assertEquals(Frame.Type.TEXT, got.get(0).frame().type());
    assertEquals("{\"a\":1}", new String(got.get(0).frame().bytes(), StandardCharsets.UTF_8));
    assertEquals(Frame.Type.BINARY, got.get(1).frame().type());
    assertArrayEquals(new byte[] {1, 2, 3}, got.get(1).frame().bytes());
    assertEquals("abcd", new String(got.get(2).frame().bytes(), StandardCharsets.UTF_8));
    assertEquals(0, text.refCnt(), "released");
    assertEquals(0, binary.refCnt(), "released");
    assertNull(ch.readInbound(), "nothing passes on");
  }

  @Test
  void framesBeforeTheHandshakeAreDropped() {
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(false, null));
    TextWebSocketFrame early = new TextWebSocketFrame("early");
    ch.writeInbound(early);
    assertEquals(0, early.refCnt());
    assertTrue(node.frames.isEmpty());
    assertTrue(node.opened.isEmpty());
  }

  @Test
  void aMessageOverTheSizeLimitClosesWith1009() {
    EmbeddedChannel ch = accepted("/ws");
    ch.writeInbound(
        new TextWebSocketFrame(false, 0, "x".repeat(10)),
        new ContinuationWebSocketFrame(true, 0, "y".repeat(10)));
    CloseWebSocketFrame close = closeFrame(ch);
    assertEquals(1009, close.statusCode());
    assertEquals("message too big", close.reasonText());
    close.release();
    assertFalse(ch.isOpen(), "closed once the close frame is written");
    assertTrue(node.frames.isEmpty());
    assertEquals(
        List.of(new FakeNode.Closed(node.opened.get(0), 1009, "message too big")), node.closed);
  }

  @Test
  void aProtocolErrorClosesWith1002() {
    EmbeddedChannel ch = accepted("/ws");
    ch.pipeline().fireExceptionCaught(new CorruptedFrameException("bad frame"));
    CloseWebSocketFrame close = closeFrame(ch);
    assertEquals(1002, close.statusCode());
    close.release();
    assertFalse(ch.isOpen());
    assertEquals(1002, node.closed.get(0).code());
  }

  @Test
  void invalidUtf8InATextFrameClosesWith1007() {
    EmbeddedChannel ch = accepted("/ws");
    // What Netty's Utf8FrameValidator, ahead of this handler, raises.
    ch.pipeline()
        .fireExceptionCaught(
            new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8"));
    CloseWebSocketFrame close = closeFrame(ch);
    assertEquals(1007, close.statusCode());
    assertEquals("invalid payload data", close.reasonText());
    close.release();
    assertFalse(ch.isOpen());
    assertEquals(
        List.of(new FakeNode.Closed(node.opened.get(0), 1007, "invalid payload data")),
        node.closed);
  }

  @Test
  void anyOtherErrorClosesTheChannel() {
    EmbeddedChannel ch = accepted("/ws");
    ch.pipeline().fireExceptionCaught(new IOException("reset"));
    assertFalse(ch.isOpen());
    assertNull(ch.readOutbound(), "no close frame");
    assertEquals(1006, node.closed.get(0).code(), "connection lost");
  }

  @Test
  void thePeersCloseCodeAndReasonAreReported() {
    EmbeddedChannel ch = accepted("/ws");
    ch.writeInbound(new CloseWebSocketFrame(4000, "going"));
    ch.close();
    assertEquals(List.of(new FakeNode.Closed(node.opened.get(0), 4000, "going")), node.closed);
  }

  @Test
  void theIdleTimeoutClosesWith1001() {
    EmbeddedChannel ch = accepted("/ws");
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    CloseWebSocketFrame close = closeFrame(ch);
    assertEquals(1001, close.statusCode());
    assertEquals("idle timeout", close.reasonText());
    close.release();
    assertEquals(1001, node.closed.get(0).code());
  }

  @Test
  void framesSentByTheNodeAreWrittenAsTheirType() {
    EmbeddedChannel ch = accepted("/ws");
    PeerConnection c = node.opened.get(0);
    assertTrue(c.send(Frame.text("hi")).isDone());
    assertEquals("hi", assertInstanceOf(TextWebSocketFrame.class, ch.readOutbound()).text());
    c.send(Frame.binary(new byte[] {9}));
    BinaryWebSocketFrame b = assertInstanceOf(BinaryWebSocketFrame.class, ch.readOutbound());
    assertEquals(9, b.content().getByte(0));
    b.release();
  }

  @Test
  void aDialledConnectionCompletesItsFutureOnceTheHandshakeIsDone() {
    CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true, opened));
    assertFalse(opened.isDone());
    ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    PeerConnection c = opened.join();
    assertEquals("ws-out-1", c.id());
    assertTrue(c.outbound());
    assertEquals(Frame.Type.BINARY, c.preferredFrameType());
    assertSame(c, node.opened.get(0));
  }

  @Test
  void aDialledConnectionReportsTheParametersItWasDialledWith() {
    CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
    Map<String, String> dialled = Map.of("resume", "17", "format", "json");
    EmbeddedChannel ch =
        EmbeddedChannels.channel(
            new WebSocketFrameHandler(
                node, connections, Duration.ofSeconds(60), true, opened, dialled));
    ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    assertEquals(dialled, opened.join().parameters());
  }

  @Test
  void aConnectionOpenedWhileTheTransportStopsIsClosedWith1001AndNeverReachesTheNode() {
    connections.stop();
    EmbeddedChannel ch = accepted("/ws");
    CloseWebSocketFrame close = closeFrame(ch);
    assertEquals(1001, close.statusCode());
    assertEquals("node shutting down", close.reasonText());
    close.release();
    assertFalse(ch.isOpen());
    assertTrue(node.opened.isEmpty());
    assertTrue(node.closed.isEmpty());

    CompletableFuture<PeerConnection> dialled = new CompletableFuture<>();
    EmbeddedChannel out = EmbeddedChannels.channel(handler(true, dialled));
    out.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    assertInstanceOf(IOException.class, failure(dialled));
    ReferenceCountUtil.release(out.readOutbound());
  }

  @Test
  void onlyOneCloseFrameLeavesAChannelWhoeverWritesIt() {
    CloseFrameGuard guard = new CloseFrameGuard();
    EmbeddedChannel ch = EmbeddedChannels.channel(guard);
    ch.pipeline().addLast(new WebSocketFrameAggregator(MAX_MESSAGE), handler(false, null));
    ch.pipeline()
        .fireUserEventTriggered(new HandshakeComplete("/ws", EmptyHttpHeaders.INSTANCE, null));
    PeerConnection c = node.opened.get(0);
    // The other end's close, answered (as Netty's handshaker does) before the node closes.
    CloseWebSocketFrame echo = new CloseWebSocketFrame(1000, "");
    assertTrue(ch.writeAndFlush(echo).isSuccess());
    CloseWebSocketFrame dropped = new CloseWebSocketFrame(1001, "again");
    assertTrue(ch.writeAndFlush(dropped).isSuccess(), "reported written, so a close listener runs");
    assertEquals(0, dropped.refCnt(), "released");
    c.close(1001, "node shutting down");
    assertFalse(ch.isOpen(), "closed once its (dropped) close frame is done");
    CloseWebSocketFrame only = closeFrame(ch);
    assertEquals(1000, only.statusCode());
    only.release();
    assertNull(ch.readOutbound(), "no second close frame");
    assertTrue(guard.sent());
  }

  @Test
  void aDialledConnectionFailsItsFutureOnAHandshakeTimeoutOrAnEarlyClose() {
    CompletableFuture<PeerConnection> timedOut = new CompletableFuture<>();
    EmbeddedChannel ch = EmbeddedChannels.channel(handler(true, timedOut));
    ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT);
    assertInstanceOf(TimeoutException.class, failure(timedOut));
    assertFalse(ch.isOpen());

    CompletableFuture<PeerConnection> cut = new CompletableFuture<>();
    EmbeddedChannels.channel(handler(true, cut)).close();
    assertInstanceOf(IOException.class, failure(cut));
    assertTrue(node.opened.isEmpty());
    assertTrue(node.closed.isEmpty(), "never opened, so never closed either");
  }

  /** Writes that never complete, as on a socket that is not draining. */
  private static final class StalledWrites extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ReferenceCountUtil.release(msg);
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally());
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void aCloseWaitsAtMostTwoSecondsForAPeerThatDoesNotRead() {
    EmbeddedChannel ch = accepted("/ws");
    PeerConnection c = node.opened.get(0);
    ch.pipeline().addFirst(new StalledWrites());
    c.close(1000, "done");
    assertTrue(ch.isOpen());
    assertFalse(c.isOpen(), "closing");
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(ch.isOpen());
    assertEquals(List.of(new FakeNode.Closed(c, 1000, "done")), node.closed);
  }
}
