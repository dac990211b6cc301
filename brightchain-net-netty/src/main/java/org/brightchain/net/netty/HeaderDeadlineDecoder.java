package org.brightchain.net.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.brightchain.net.spi.TransportSettings;

/**
 * Netty's HTTP request decoder with two absolute deadlines, one for a request's headers and one for
 * the whole request, and a limit on the request line and headers together.
 *
 * <p>The header deadline runs from the connection opening until the first request's headers are
 * complete, and for each later request on a keep-alive connection from its first byte until its
 * headers are complete. For a WebSocket upgrade request it runs on until the handshake is done (the
 * WebSocket handshaker then replaces this decoder). The request deadline starts at the same moments
 * and runs until the request's last byte, body included; it is what stops a client that sends its
 * headers at once and then trickles the body. Neither is extended by anything the client sends,
 * unlike a read timeout. When one passes, a connection that sent nothing of a request is closed;
 * one that sent part of a request is answered 408 and closed. Between requests a keep-alive
 * connection has no deadline: the idle timeout governs it; nor does the time the node takes to
 * answer count.
 *
 * <p>The decoder is what knows where a request begins and ends in the byte stream, including a
 * request that arrives in the same read as the end of the previous one, which is why the deadlines
 * live here and not in a handler of their own. {@code HttpServerCodec} is final, so the pipeline
 * uses this decoder and an {@code HttpResponseEncoder}, the two halves of that codec.
 *
 * <p>Runs on the channel's event loop only.
 */
final class HeaderDeadlineDecoder extends HttpRequestDecoder {
  private enum Phase {
    /** Connection open, nothing of a request received; both deadlines run from the opening. */
    OPENED,
    /** Between keep-alive requests: no deadline. */
    IDLE,
    /** Part of a request received, headers incomplete: both deadlines run. */
    HEADERS,
    /**
     * A WebSocket upgrade request whose handshake is not done: the header deadline runs (and the
     * request deadline, until the request's last byte).
     */
    HANDSHAKE,
    /** Headers complete, the rest of the request not yet: the request deadline runs. */
    BODY,
    /** No more deadlines: an event stream, a failed request, or a deadline passed. */
    OFF
  }

  private final TransportDiagnostics diagnostics;
  private final Duration timeout;
  private final int maxHeaderBytes;
  private final boolean webSocket;
  private final Duration requestTimeout;
  private Phase phase = Phase.OPENED;
  private ScheduledFuture<?> deadline;

  /** The deadline of the whole request; runs while {@link #inRequest}. */
  private ScheduledFuture<?> requestDeadline;

  /** A request is under way: its first byte (or the opening) came, its last byte not yet. */
  private boolean inRequest;

  /** Input is discarded: the deadline passed, or the connection closes after a request. */
  private boolean discarding;

  /** The current request had both Content-Length and chunked framing. */
  private boolean lastRequest;

  /** Bytes of the current request's line and headers consumed so far. */
  private int headerBytes;

  /**
   * @param diagnostics counts and logs the connections the deadline closes
   * @param timeout the deadline for a request's headers
   * @param maxInitialLine longest request line; longer fails with a {@code
   *     TooLongHttpLineException}
   * @param maxHeaderBytes most bytes of request line and headers together; more fails with a {@link
   *     TooLongHttpHeaderException}
   * @param webSocket whether this listener upgrades GET requests for the WebSocket path
   * @param requestTimeout the deadline for a whole request, body included
   */
  HeaderDeadlineDecoder(
      TransportDiagnostics diagnostics,
      Duration timeout,
      int maxInitialLine,
      int maxHeaderBytes,
      boolean webSocket,
      Duration requestTimeout) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(Math.min(maxInitialLine, maxHeaderBytes))
            .setMaxHeaderSize(maxHeaderBytes)
            .setMaxChunkSize(8192));
    this.diagnostics = diagnostics;
    this.timeout = timeout;
    this.maxHeaderBytes = maxHeaderBytes;
    this.webSocket = webSocket;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      armFirst(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    armFirst(ctx);
    super.channelActive(ctx);
  }

  private void armFirst(ChannelHandlerContext ctx) {
    if (phase == Phase.OPENED && deadline == null) {
      arm(ctx);
      armRequest(ctx);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (discarding) {
      in.skipBytes(in.readableBytes()); // the connection is closing
      return;
    }
    if ((phase == Phase.OPENED || phase == Phase.IDLE) && startsRequest(in)) {
      if (phase == Phase.IDLE) {
        arm(ctx);
        armRequest(ctx);
      }
      phase = Phase.HEADERS;
      headerBytes = 0;
    }
    boolean inHeaders = phase == Phase.HEADERS;
    int before = in.readerIndex();
    int from = out.size();
    super.decode(ctx, in, out);
    if (inHeaders) {
      // The decoder returns as soon as it has the headers, so this counts no body bytes.
      headerBytes += in.readerIndex() - before;
    }
    for (int i = from; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpRequest r && phase == Phase.HEADERS) {
        headersDone(r);
      }
      if (o instanceof LastHttpContent) {
        cancelRequest(); // the request is complete: the node's answer is not the client's time
        if (phase == Phase.BODY) {
          phase = Phase.IDLE;
          if (lastRequest) {
            phase = Phase.OFF;
            discarding = true;
          }
        }
      }
    }
  }

  private void headersDone(HttpRequest r) {
    if (r.decoderResult().isSuccess() && headerBytes > maxHeaderBytes) {
      // Netty limits the line and the headers each; the limit is on the two together.
      r.setDecoderResult(
          DecoderResult.failure(
              new TooLongHttpHeaderException(
                  "request line and headers: "
                      + headerBytes
                      + " bytes (limit "
                      + maxHeaderBytes
                      + ")")));
    }
    if (r.decoderResult().isFailure()) {
      // Answered with an error and closed further on; the decoder discards the rest.
      cancel();
      cancelRequest();
      phase = Phase.OFF;
    } else if (webSocket && isHandshake(r)) {
      phase = Phase.HANDSHAKE; // the deadline runs until the handshaker replaces this decoder
    } else {
      cancel();
      phase = Phase.BODY;
    }
  }

  /**
   * A request framed by both Content-Length and chunked encoding may be an attempt at request
   * smuggling: it is answered, with {@code Connection: close}, and nothing after it on this
   * connection is read (RFC 9112, section 6.1), as {@code HttpServerCodec} does. (Netty 4.2 fails
   * such a request outright, answered 400, unless {@code
   * io.netty.handler.codec.http.rfc9112TransferEncoding} is set to false; then this applies.)
   */
  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    HttpUtil.setKeepAlive(message, false);
    lastRequest = true;
  }

  /** Whether the WebSocket handler will take this request as a handshake. */
  static boolean isHandshake(HttpRequest r) {
    if (!HttpMethod.GET.equals(r.method())) {
      return false;
    }
    // The same test as WebSocketServerProtocolHandler with checkStartsWith(true).
    String uri = r.uri();
    String path = TransportSettings.WEBSOCKET_PATH;
    if (!uri.startsWith(path)) {
      return false;
    }
    return uri.length() == path.length()
        || uri.charAt(path.length()) == '/'
        || uri.charAt(path.length()) == '?';
  }

  /** Whether these bytes begin a request; the blank lines a client may send between do not. */
  private static boolean startsRequest(ByteBuf in) {
    return in.forEachByte(b -> (b & 0xFF) <= ' ' || b == 0x7F) >= 0;
  }

  /** The connection became an event stream: nothing more it sends is a request. */
  void streaming() {
    cancel();
    cancelRequest();
    phase = Phase.OFF;
  }

  private void arm(ChannelHandlerContext ctx) {
    cancel();
    if (ctx.channel().isActive()) {
      deadline =
          ctx.executor().schedule(() -> expire(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void armRequest(ChannelHandlerContext ctx) {
    cancelRequest();
    inRequest = true;
    if (ctx.channel().isActive()) {
      requestDeadline =
          ctx.executor()
              .schedule(() -> expireRequest(ctx), requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void cancelRequest() {
    inRequest = false;
    if (requestDeadline != null) {
      requestDeadline.cancel(false);
      requestDeadline = null;
    }
  }

  private void expireRequest(ChannelHandlerContext ctx) {
    requestDeadline = null;
    if (ctx.isRemoved()
        || !ctx.channel().isActive()
        || !inRequest
        || discarding
        || ctx.pipeline().get(LingerHandler.class) != null) {
      return; // complete, closing, or answered already (an oversize body, say)
    }
    inRequest = false;
    Phase was = phase;
    cancel();
    phase = Phase.OFF;
    discarding = true;
    diagnostics.requestTimeout(ctx.channel().remoteAddress(), was != Phase.OPENED, requestTimeout);
    if (was == Phase.OPENED) {
      ctx.close(); // nothing to answer
    } else {
      HttpResponses.errorAndClose(
          ctx,
          408,
          "request_timeout",
          "request not completed within " + requestTimeout.toMillis() + " ms");
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    deadline = null;
    Phase was = phase;
    if (ctx.isRemoved()
        || !ctx.channel().isActive()
        || (was != Phase.OPENED && was != Phase.HEADERS && was != Phase.HANDSHAKE)) {
      return;
    }
    phase = Phase.OFF;
    discarding = true;
    cancelRequest();
    diagnostics.headerTimeout(ctx.channel().remoteAddress(), was != Phase.OPENED, timeout);
    if (was == Phase.OPENED) {
      ctx.close(); // nothing to answer
    } else {
      String what = was == Phase.HANDSHAKE ? "WebSocket handshake" : "request headers";
      HttpResponses.errorAndClose(
          ctx,
          408,
          "request_timeout",
          what + " not completed within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    if (discarding) {
      // Closed on purpose: no "premature closure" message for the request cut short.
      in.skipBytes(in.readableBytes());
      return;
    }
    super.decodeLast(ctx, in, out);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    cancelRequest();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancel(); // the handshaker replaces this decoder once the upgrade is accepted
    cancelRequest();
    phase = Phase.OFF;
    super.handlerRemoved0(ctx);
  }
}
