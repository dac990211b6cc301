package org.brightchain.net.netty;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.brightchain.net.spi.TransportHandler;

/**
 * A node as a handler sees it: records every call, and answers each REST request with a future the
 * test completes (or with {@link #answer}, if set).
 */
final class FakeNode implements TransportHandler {
  /** One call of {@link #connectionClosed}. */
  record Closed(PeerConnection connection, int code, String reason) {}

  /** One call of {@link #frameReceived}. */
  record Received(PeerConnection connection, Frame frame) {}

  final List<RestRequest> requests = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<RestResponse>> answers = new CopyOnWriteArrayList<>();
  final List<PeerConnection> opened = new CopyOnWriteArrayList<>();
  final List<Received> frames = new CopyOnWriteArrayList<>();
  final List<Closed> closed = new CopyOnWriteArrayList<>();

  /** Answers at once when set; else each request waits for its entry in {@link #answers}. */
  volatile Function<RestRequest, RestResponse> answer;

  @Override
  public void connectionOpened(PeerConnection connection) {
    opened.add(connection);
  }

  @Override
  public void frameReceived(PeerConnection connection, Frame frame) {
    frames.add(new Received(connection, frame));
  }

  @Override
  public void connectionClosed(PeerConnection connection, int code, String reason) {
    closed.add(new Closed(connection, code, reason));
  }

  @Override
  public CompletableFuture<RestResponse> handle(RestRequest request) {
    requests.add(request);
    Function<RestRequest, RestResponse> a = answer;
    CompletableFuture<RestResponse> f =
        a == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(a.apply(request));
    answers.add(f);
    return f;
  }
}
