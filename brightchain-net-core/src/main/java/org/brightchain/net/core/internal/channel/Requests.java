package org.brightchain.net.core.internal.channel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.brightchain.net.NodeId;
import org.brightchain.net.message.Envelope;
import org.brightchain.net.message.EventPayload;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Scheduler;

/**
 * Requests this node sent and the answers it waits for: each gets an id, the answer names it in
 * {@code replyTo}, and a request with no answer in time fails. Scheduler-confined.
 */
public final class Requests {
  private final Map<String, Pending> pending = new HashMap<>();
  private final Scheduler scheduler;
  private final Signer signer;
  private final Outbox outbox;
  private final SplittableRandom random;
  private long counter;

  /** Requests sent through {@code outbox}, timed on {@code scheduler}. */
  public Requests(Scheduler scheduler, Signer signer, Outbox outbox, SplittableRandom random) {
    this.scheduler = scheduler;
    this.signer = signer;
    this.outbox = outbox;
    this.random = random;
  }

  private static final class Pending {
    final Connection connection;
    final CompletableFuture<Envelope> future = new CompletableFuture<>();
    Scheduler.Cancellable timeout;

    Pending(Connection connection) {
      this.connection = connection;
    }
  }

  /**
   * Signs {@code payload} for {@code peer}, sends it on {@code c} and completes with the answer's
   * envelope; fails with {@link TimeoutException} if none comes within {@code timeout}.
   */
  public CompletableFuture<Envelope> send(
      Connection c, NodeId peer, EventPayload payload, Duration timeout) {
    assert Confinement.onScheduler(scheduler);
    String id =
        "r"
            + Long.toString(++counter, 36)
            + "-"
            + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    Pending r = new Pending(c);
    pending.put(id, r);
    r.timeout =
        scheduler.schedule(
            () -> {
              if (pending.remove(id) != null) {
                r.future.completeExceptionally(
                    new TimeoutException(
                        payload.type().wireName()
                            + " to "
                            + peer.shortId()
                            + ": no answer within "
                            + timeout));
              }
            },
            timeout);
    SignedMessage m = signer.sign(payload, peer);
    outbox.send(c, new Outgoing(new Envelope(m, 0, id, "")));
    return r.future;
  }

  /**
   * Completes the request {@code e} answers, if it was sent on {@code c} and {@code e} is signed by
   * the peer identified there; true if it did.
   */
  public boolean answer(Connection c, Envelope e) {
    assert Confinement.onScheduler(scheduler);
    Pending r = pending.get(e.replyTo());
    // The answer must come from the peer asked: replyTo is not signed, so a message signed by
    // another node, relayed with it, answers nothing.
    if (r == null || r.connection != c || !e.message().nodeId().equals(c.peerId)) {
      return false;
    }
    pending.remove(e.replyTo());
    r.timeout.cancel();
    r.future.complete(e);
    return true;
  }

  /** Fails the requests waiting on {@code c} (null: all of them) with {@code cause}. */
  public void fail(Connection c, Exception cause) {
    assert Confinement.onScheduler(scheduler);
    Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Pending r = it.next().getValue();
      if (c == null || r.connection == c) {
        it.remove();
        if (r.timeout != null) {
          r.timeout.cancel();
        }
        r.future.completeExceptionally(cause);
      }
    }
  }
}
