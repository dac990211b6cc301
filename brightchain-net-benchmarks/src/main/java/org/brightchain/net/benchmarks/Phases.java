package org.brightchain.net.benchmarks;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two loads: broadcast fan-out and echo. Both run their sending on the client's event loops.
 */
final class Phases {
  private Phases() {}

  static final byte[] SIO_EVENT_BINARY =
      WsClient.ascii("451-[\"event\",{\"_placeholder\":true,\"num\":0}]");
  static final byte[] SIO_EVENT_TEXT = WsClient.ascii("42[\"event\",");
  static final byte[] SIO_ECHO_BINARY =
      WsClient.ascii("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]");
  static final byte[] SIO_ECHO_TEXT = WsClient.ascii("42[\"echo\",");

  /**
   * Broadcast fan-out: one publisher sends the pool's messages as fast as a window allows (at most
   * {@code window} messages not yet delivered to every subscriber); each subscriber records the
   * time from publishing to its delivery.
   */
  static final class FanOut implements WsClient.Sink {
    final int subscribers;
    final int window;
    final Pool pool;
    final boolean binary;
    private final byte[] marker;
    private final byte[] markerHex;
    private final AtomicLongArray sentAt;
    private final AtomicIntegerArray counts;
    final AtomicInteger completed = new AtomicInteger();
    final LongAdder deliveries = new LongAdder();
    final CountDownLatch allDelivered = new CountDownLatch(1);
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    volatile boolean stopped;
    private WsClient.Conn publisher;

    /** Messages handed to the publisher's connection; its event loop only. */
    private int sent;

    private volatile int published;

    FanOut(
        int subscribers, int window, Pool pool, boolean binary, byte[] marker, byte[] markerHex) {
      this.subscribers = subscribers;
      this.window = window;
      this.pool = pool;
      this.binary = binary;
      this.marker = marker;
      this.markerHex = markerHex;
      this.sentAt = new AtomicLongArray(pool.size);
      this.counts = new AtomicIntegerArray(pool.size);
    }

    int published() {
      return published;
    }

    void start(WsClient.Conn publisher) {
      this.publisher = publisher;
      publisher.channel().eventLoop().execute(this::pump);
    }

    @Override
    public void onPayload(WsClient.Conn c, ByteBuf buf, boolean frameBinary) {
      long now = System.nanoTime();
      if (!(c.state instanceof Histogram h)) {
        return;
      }
      long number = Pool.findNumber(buf, frameBinary, marker, markerHex);
      long i = number - pool.first;
      if (number < 0 || i < 0 || i >= pool.size) {
        return;
      }
      int idx = (int) i;
      h.record((now - sentAt.get(idx)) / 1000);
      deliveries.increment();
      if (counts.incrementAndGet(idx) == subscribers) {
        if (completed.incrementAndGet() == pool.size) {
          allDelivered.countDown();
        }
        wake();
      }
    }

    private void wake() {
      if (!stopped && pumpQueued.compareAndSet(false, true)) {
        publisher.channel().eventLoop().execute(this::pump);
      }
    }

    private void pump() {
      pumpQueued.set(false);
      int batch = 0;
      while (!stopped && sent < pool.size && sent - completed.get() < window) {
        int i = sent++;
        sentAt.set(i, System.nanoTime());
        publisher.write(pool.frame(i, binary), binary, SIO_EVENT_BINARY, SIO_EVENT_TEXT);
        if (++batch == 16) {
          publisher.flush();
          batch = 0;
        }
      }
      if (batch > 0) {
        publisher.flush();
      }
      published = sent;
    }
  }

  /**
   * Echo: every client sends one message, waits for the answer that names its request id, and sends
   * the next. With {@code unique}, each message of the pool is sent once at most and the round ends
   * early when the pool runs out; otherwise the pool is reused in a cycle.
   */
  static final class Echo implements WsClient.Sink {
    final Pool pool;
    final boolean binary;
    final boolean unique;
    private final AtomicInteger next = new AtomicInteger();
    volatile boolean stopped;
    volatile long exhaustedAt;
    final CountDownLatch exhausted = new CountDownLatch(1);

    Echo(Pool pool, boolean binary, boolean unique) {
      this.pool = pool;
      this.binary = binary;
      this.unique = unique;
    }

    /** One echo client's state. */
    static final class Client {
      final Histogram latency = new Histogram();
      long roundTrips;
      byte[] expect;
      long sentAt;
    }

    void start(WsClient.Conn c) {
      c.state = new Client();
      c.channel().eventLoop().execute(() -> sendNext(c));
    }

    private void sendNext(WsClient.Conn c) {
      Client cl = (Client) c.state;
      if (stopped) {
        return;
      }
      int i = next.getAndIncrement();
      if (i >= pool.size) {
        if (unique) {
          if (exhaustedAt == 0) {
            exhaustedAt = System.nanoTime();
          }
          stopped = true;
          exhausted.countDown();
          return;
        }
        i %= pool.size;
      }
      cl.expect = pool.requestIds[i];
      cl.sentAt = System.nanoTime();
      c.write(pool.frame(i, binary), binary, SIO_ECHO_BINARY, SIO_ECHO_TEXT);
      c.flush();
    }

    @Override
    public void onPayload(WsClient.Conn c, ByteBuf buf, boolean frameBinary) {
      long now = System.nanoTime();
      if (!(c.state instanceof Client cl)
          || cl.expect == null
          || Pool.indexOf(buf, cl.expect) < 0) {
        return;
      }
      cl.expect = null;
      if (!stopped) {
        cl.latency.record((now - cl.sentAt) / 1000);
        cl.roundTrips++;
      }
      sendNext(c);
    }
  }
}
