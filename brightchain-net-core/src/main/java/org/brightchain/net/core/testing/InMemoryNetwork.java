package org.brightchain.net.core.testing;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;

/**
 * An in-memory network of {@link Transport}s, for tests and simulations of the node engine without
 * sockets. Each transport is reached at {@code host:wsPort}; frames are delivered synchronously to
 * the receiving node, which queues them on its own scheduler.
 *
 * <p>Links can be cut ({@link #partition}) to simulate failures. Thread-safe.
 */
public final class InMemoryNetwork {
  private final Map<String, MemoryTransport> listeners = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cut = new ConcurrentHashMap<>();
  private final java.util.Set<String> silencedHosts = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextPort = new AtomicInteger(20_000);
  private final AtomicInteger nextConnection = new AtomicInteger();

  /** A new transport for a node whose address on this network is {@code host}. */
  public Transport transport(String host, TransportSettings settings) {
    return new MemoryTransport(host, settings);
  }

  /**
   * Sends a REST request to the node listening at {@code host:httpPort}.
   *
   * @return the response, or a future failed with {@link ConnectException} if nobody listens
   */
  public CompletableFuture<RestResponse> request(String host, int httpPort, RestRequest request) {
    MemoryTransport t = listeners.get("http:" + host + ":" + httpPort);
    if (t == null || t.handler == null) {
      return CompletableFuture.failedFuture(new ConnectException(host + ":" + httpPort));
    }
    return t.handler.handle(request);
  }

  /** Cuts (or restores) every connection between hosts {@code a} and {@code b}. */
  public void partition(String a, String b, boolean partitioned) {
    if (partitioned) {
      cut.put(key(a, b), true);
      for (MemoryTransport t : listeners.values()) {
        if (t.host.equals(a) || t.host.equals(b)) {
          for (MemoryConnection c : t.connections.values()) {
            if (c.remoteHost.equals(a) || c.remoteHost.equals(b)) {
              c.close(1006, "partitioned");
            }
          }
        }
      }
    } else {
      cut.remove(key(a, b));
    }
  }

  /**
   * Silences (or restores) a host: while silenced, every frame to or from it is lost without any
   * connection closing, as when a machine freezes or a cable is pulled. Heartbeats are what notice.
   */
  public void silence(String host, boolean silenced) {
    if (silenced) {
      silencedHosts.add(host);
    } else {
      silencedHosts.remove(host);
    }
  }

  private static String key(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  private final class MemoryTransport implements Transport {
    final String host;
    final TransportSettings settings;
    final Map<String, MemoryConnection> connections = new ConcurrentHashMap<>();
    final AtomicLong in = new AtomicLong();
    final AtomicLong out = new AtomicLong();
    volatile TransportHandler handler;
    int httpPort;
    int wsPort;

    MemoryTransport(String host, TransportSettings settings) {
      this.host = host;
      this.settings = settings;
    }

    @Override
    public CompletableFuture<BoundAddresses> start(TransportHandler handler) {
      this.handler = handler;
      httpPort = settings.httpPort() == 0 ? nextPort.incrementAndGet() : settings.httpPort();
      wsPort =
          settings.sharedPort()
              ? httpPort
              : settings.wsPort() == 0 ? nextPort.incrementAndGet() : settings.wsPort();
      if (listeners.putIfAbsent("http:" + host + ":" + httpPort, this) != null) {
        return CompletableFuture.failedFuture(
            new java.net.BindException("address in use: " + host + ":" + httpPort));
      }
      listeners.put("ws:" + host + ":" + wsPort, this);
      return CompletableFuture.completedFuture(
          new BoundAddresses(
              InetSocketAddress.createUnresolved(host, httpPort),
              InetSocketAddress.createUnresolved(host, wsPort)));
    }

    @Override
    public CompletableFuture<PeerConnection> connect(
        String toHost, int port, Map<String, String> parameters) {
      MemoryTransport target = listeners.get("ws:" + toHost + ":" + port);
      if (target == null || target.handler == null || cut.containsKey(key(host, toHost))) {
        return CompletableFuture.failedFuture(
            new ConnectException("connection refused: " + toHost + ":" + port));
      }
      int n = nextConnection.incrementAndGet();
      MemoryConnection mine = new MemoryConnection("mem-" + n + "o", this, toHost, true);
      MemoryConnection theirs = new MemoryConnection("mem-" + n + "i", target, host, false);
      theirs.parameters = Map.copyOf(parameters);
      mine.parameters = theirs.parameters;
      mine.peer = theirs;
      theirs.peer = mine;
      connections.put(mine.id, mine);
      target.connections.put(theirs.id, theirs);
      target.handler.connectionOpened(theirs);
      handler.connectionOpened(mine);
      return CompletableFuture.completedFuture(mine);
    }

    @Override
    public long bytesIn() {
      return in.get();
    }

    @Override
    public long bytesOut() {
      return out.get();
    }

    @Override
    public CompletableFuture<Void> stop() {
      for (MemoryConnection c : connections.values()) {
        c.close(1001, "going away");
      }
      listeners.remove("http:" + host + ":" + httpPort, this);
      listeners.remove("ws:" + host + ":" + wsPort, this);
      return CompletableFuture.completedFuture(null);
    }
  }

  private final class MemoryConnection implements PeerConnection {
    final String id;
    final MemoryTransport owner;
    final String remoteHost;
    final boolean outbound;
    volatile MemoryConnection peer;
    Map<String, String> parameters = Map.of();
    private final java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);

    MemoryConnection(String id, MemoryTransport owner, String remoteHost, boolean outbound) {
      this.id = id;
      this.owner = owner;
      this.remoteHost = remoteHost;
      this.outbound = outbound;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return InetSocketAddress.createUnresolved(remoteHost, 1);
    }

    @Override
    public boolean outbound() {
      return outbound;
    }

    @Override
    public Frame.Type preferredFrameType() {
      return "json".equals(parameters.get("format")) ? Frame.Type.TEXT : Frame.Type.BINARY;
    }

    @Override
    public Map<String, String> parameters() {
      return parameters;
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
      if (!open.get()) {
        return CompletableFuture.failedFuture(new java.io.IOException("connection closed"));
      }
      if (frame.size() > peer.owner.settings.maxFrameBytes()) {
        peer.close(1009, "message too big");
        return CompletableFuture.failedFuture(new java.io.IOException("message too big"));
      }
      owner.out.addAndGet(frame.size());
      if (silencedHosts.contains(owner.host) || silencedHosts.contains(peer.owner.host)) {
        return CompletableFuture.completedFuture(null); // lost on the way
      }
      peer.owner.in.addAndGet(frame.size());
      peer.owner.handler.frameReceived(peer, frame);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(int code, String reason) {
      if (open.compareAndSet(true, false)) {
        owner.connections.remove(id);
        owner.handler.connectionClosed(this, code, reason);
        MemoryConnection p = peer;
        if (p != null) {
          p.close(code, reason);
        }
      }
    }

    @Override
    public boolean isOpen() {
      return open.get();
    }
  }
}
