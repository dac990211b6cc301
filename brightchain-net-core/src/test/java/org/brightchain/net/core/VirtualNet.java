package org.brightchain.net.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.brightchain.net.BlockId;
import org.brightchain.net.PeerInfo;
import org.brightchain.net.PeerStatusType;
import org.brightchain.net.core.testing.InMemoryNetwork;
import org.brightchain.net.core.testing.VirtualScheduler;
import org.brightchain.net.message.SignedMessage;
import org.brightchain.net.spi.Frame;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.PeerConnection;
import org.brightchain.net.spi.RestRequest;
import org.brightchain.net.spi.RestResponse;
import org.brightchain.net.spi.Transport;
import org.brightchain.net.spi.TransportHandler;
import org.brightchain.net.spi.TransportSettings;

/**
 * Test helper: nodes on one {@link VirtualScheduler} and one {@link InMemoryNetwork}, no sockets
 * and no real time. Each node's transport is wrapped to count its open connections and the frames
 * it receives.
 */
final class VirtualNet {
  static final int PORT = 4242;

  final VirtualScheduler vs = new VirtualScheduler();
  final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<String, CountingTransport> transports = new HashMap<>();

  static TransportSettings settings(String host) {
    return new TransportSettings(host, PORT, PORT, 1 << 20, 1 << 20, Duration.ofSeconds(5));
  }

  /** A builder for a node at {@code host} on this network, on virtual time. */
  BrightChainNode.Builder builder(String host) {
    CountingTransport t = new CountingTransport(network.transport(host, settings(host)));
    transports.put(host, t);
    return BrightChainNode.builder().scheduler(vs).clock(vs.clock()).transport(t);
  }

  /** Builds and starts a node at {@code host} that bootstraps from {@code bootstrapHosts}. */
  BrightChainNode startNode(String host, String... bootstrapHosts) {
    BrightChainNode.Builder b = builder(host);
    for (String h : bootstrapHosts) {
      b.addBootstrapNode(h, PORT);
    }
    return start(b.build());
  }

  BrightChainNode start(BrightChainNode node) {
    await(node.start());
    return node;
  }

  /** Runs the scheduler until idle, then returns the (now complete) future's value. */
  <T> T await(CompletableFuture<T> f) {
    vs.runUntilIdle();
    assertTrue(f.isDone(), "the future did not complete when the scheduler went idle");
    return f.join();
  }

  /** Sends a REST request to the node at {@code host} and waits for the answer. */
  RestResponse request(String host, RestRequest request) {
    return await(network.request(host, PORT, request));
  }

  /** Connections currently open on the transport of the node at {@code host}. */
  int openConnections(String host) {
    return transports.get(host).open.size();
  }

  /** Frames received so far by the node at {@code host}. */
  long framesReceived(String host) {
    return transports.get(host).frames.get();
  }

  /** How often the node at {@code from} has dialled {@code to}, successfully or not. */
  long dials(String from, String to) {
    return transports.get(from).dials.stream().filter(d -> d.equals(to + ":" + PORT)).count();
  }

  /** Connections ever opened by (or to) the node at {@code host}. */
  int connectionsOpened(String host) {
    return transports.get(host).opened.get();
  }

  static PeerStatusType statusOf(BrightChainNode node, BrightChainNode peer) {
    return node.peer(peer.nodeId()).map(PeerInfo::status).orElse(null);
  }

  static BlockId blockId(int n) {
    return new BlockId(String.format(Locale.ROOT, "%064x", n));
  }

  /** A transport that counts connections and frames, passing everything on. */
  static final class CountingTransport implements Transport {
    private final Transport delegate;
    final Set<String> open = ConcurrentHashMap.newKeySet();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicLong frames = new AtomicLong();
    final List<String> dials = new CopyOnWriteArrayList<>();

    CountingTransport(Transport delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<BoundAddresses> start(TransportHandler handler) {
      return delegate.start(
          new TransportHandler() {
            @Override
            public void connectionOpened(PeerConnection connection) {
              open.add(connection.id());
              opened.incrementAndGet();
              handler.connectionOpened(connection);
            }

            @Override
            public void frameReceived(PeerConnection connection, Frame frame) {
              frames.incrementAndGet();
              handler.frameReceived(connection, frame);
            }

            @Override
            public void connectionClosed(PeerConnection connection, int code, String reason) {
              open.remove(connection.id());
              handler.connectionClosed(connection, code, reason);
            }

            @Override
            public CompletableFuture<RestResponse> handle(RestRequest request) {
              return handler.handle(request);
            }
          });
    }

    @Override
    public CompletableFuture<PeerConnection> connect(
        String host, int port, Map<String, String> parameters) {
      dials.add(host + ":" + port);
      return delegate.connect(host, port, parameters);
    }

    @Override
    public long bytesIn() {
      return delegate.bytesIn();
    }

    @Override
    public long bytesOut() {
      return delegate.bytesOut();
    }

    @Override
    public CompletableFuture<Void> stop() {
      return delegate.stop();
    }
  }

  /**
   * A bare connection end driven by the test: it sees every frame the node sends and sends raw
   * frames of its own.
   */
  static final class RawPeer implements TransportHandler {
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final VirtualNet net;
    private final Transport transport;
    PeerConnection conn;

    /** The key this end proves on its connections; null for a peer that never authenticates. */
    final org.brightchain.net.core.crypto.NodeIdentity identity;

    /** The challenge this end sent in {@link #authenticate()}. */
    String sentChallenge;

    RawPeer(VirtualNet net, String host) {
      this(net, host, org.brightchain.net.core.crypto.NodeIdentity.generate());
    }

    RawPeer(VirtualNet net, String host, org.brightchain.net.core.crypto.NodeIdentity identity) {
      this.net = net;
      this.identity = identity;
      this.transport = net.network.transport(host, settings(host));
      transport.start(this).join();
    }

    /**
     * Opens a connection to the node at {@code host}, authenticates and announces itself as a
     * client (no port to dial back), and lets the node answer.
     */
    RawPeer connect(String host) {
      return connect(host, Map.of());
    }

    /** Like {@link #connect(String)}, with URL parameters (format, resume, types, blocks). */
    RawPeer connect(String host, Map<String, String> parameters) {
      open(host, parameters);
      authenticate();
      send(
          sign(
              new org.brightchain.net.message.NodeAnnounce(
                  identity.nodeId(), "", 0, 0, java.util.Set.of(), "raw", null),
              null));
      return this;
    }

    /** Opens a connection and does nothing more: the handshake is the test's business. */
    RawPeer open(String host, Map<String, String> parameters) {
      conn = transport.connect(host, PORT, parameters).join();
      net.vs.runUntilIdle();
      return this;
    }

    /** The node's id, from its challenge. */
    org.brightchain.net.NodeId nodeIdOfOtherSide() {
      for (SignedMessage m : messages()) {
        if (m.payload().data() instanceof org.brightchain.net.message.Challenge) {
          return m.nodeId();
        }
      }
      throw new AssertionError("the node sent no system:challenge");
    }

    /** Answers the node's challenge (and sends one of ours, so the node proves its key too). */
    RawPeer authenticate() {
      SignedMessage challenge = null;
      for (SignedMessage m : messages()) {
        if (m.payload().data() instanceof org.brightchain.net.message.Challenge) {
          challenge = m;
        }
      }
      if (challenge == null) {
        throw new AssertionError("the node sent no system:challenge");
      }
      String theirs =
          ((org.brightchain.net.message.Challenge) challenge.payload().data()).challenge();
      org.brightchain.net.message.Challenge ours = org.brightchain.net.message.Challenge.random();
      sentChallenge = ours.challenge();
      send(sign(ours, null));
      send(
          sign(
              new org.brightchain.net.message.AuthProof(theirs, challenge.nodeId()),
              challenge.nodeId()));
      return this;
    }

    /** Signs as this end, for the purpose of the payload's type, stamped now. */
    SignedMessage sign(
        org.brightchain.net.message.EventPayload payload, org.brightchain.net.NodeId recipient) {
      long now = net.vs.clock().millis();
      return org.brightchain.net.core.crypto.MessageSigning.sign(
          identity,
          org.brightchain.net.core.crypto.MessageSigning.purposeFor(payload.type()),
          org.brightchain.net.message.WSMessage.of(payload, now, identity.nodeId()),
          now,
          recipient);
    }

    /** Sends a message as a binary frame and lets the node handle it. */
    void send(SignedMessage m) {
      send(Frame.binary(org.brightchain.net.core.internal.wire.ProtoCodec.encode(m)));
    }

    /** Every envelope received so far, decoded. */
    List<org.brightchain.net.message.Envelope> envelopes() {
      List<org.brightchain.net.message.Envelope> out = new java.util.ArrayList<>();
      for (Frame f : frames) {
        try {
          out.add(
              f.type() == Frame.Type.BINARY
                  ? org.brightchain.net.core.internal.wire.ProtoCodec.decodeEnvelope(f.bytes())
                  : org.brightchain.net.core.internal.wire.JsonCodec.fromJson(
                      f.bytes(), org.brightchain.net.message.Envelope.class));
        } catch (org.brightchain.net.core.internal.wire.WireFormatException e) {
          throw new AssertionError("the node sent an undecodable frame", e);
        }
      }
      return out;
    }

    /** Sends a frame and lets the node handle it. */
    void send(Frame f) {
      conn.send(f).join();
      net.vs.runUntilIdle();
    }

    /** Sends frames back to back, then lets the node handle them. */
    void sendAll(Frame... frames) {
      for (Frame f : frames) {
        conn.send(f).join();
      }
      net.vs.runUntilIdle();
    }

    /** Every message received so far, decoded. */
    List<SignedMessage> messages() {
      List<SignedMessage> out = new java.util.ArrayList<>();
      for (Frame f : frames) {
        try {
          out.add(
              f.type() == Frame.Type.BINARY
                  ? org.brightchain.net.core.internal.wire.ProtoCodec.decodeSignedMessage(f.bytes())
                  : org.brightchain.net.core.internal.wire.JsonCodec.fromJson(
                      f.bytes(), SignedMessage.class));
        } catch (org.brightchain.net.core.internal.wire.WireFormatException e) {
          throw new AssertionError("the node sent an undecodable frame", e);
        }
      }
      return out;
    }

    @Override
    public void connectionOpened(PeerConnection connection) {}

    private volatile boolean answerPings;

    /** From now on, answers the node's heartbeats as a live peer does. */
    RawPeer answeringPings() {
      answerPings = true;
      return this;
    }

    @Override
    public void frameReceived(PeerConnection connection, Frame frame) {
      frames.add(frame);
      if (answerPings) {
        try {
          SignedMessage m =
              org.brightchain.net.core.internal.wire.ProtoCodec.decodeSignedMessage(frame.bytes());
          if (m.payload().data() instanceof org.brightchain.net.message.Ping ping) {
            connection.send(
                Frame.binary(
                    org.brightchain.net.core.internal.wire.ProtoCodec.encode(
                        sign(new org.brightchain.net.message.Pong(ping.nonce()), m.nodeId()))));
          }
        } catch (org.brightchain.net.core.internal.wire.WireFormatException
            | RuntimeException ignored) {
          // not ours to judge here
        }
      }
    }

    @Override
    public void connectionClosed(PeerConnection connection, int code, String reason) {
      closeCodes.add(code);
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("raw peer"));
    }
  }

  /** Records what a node reports to its listeners. */
  static final class RecordingListener implements NodeEventListener {
    final List<SignedMessage> received = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final List<PeerInfo> peerChanges = new CopyOnWriteArrayList<>();
    final List<long[]> missed = new CopyOnWriteArrayList<>();

    @Override
    public void eventsMissed(
        org.brightchain.net.NodeId peer, long afterSequence, long oldestAvailable) {
      missed.add(new long[] {afterSequence, oldestAvailable});
    }

    @Override
    public void messageReceived(SignedMessage message) {
      received.add(message);
    }

    @Override
    public void messageRejected(String connectionId, String reason) {
      rejected.add(reason);
    }

    @Override
    public void peerStatusChanged(PeerInfo peer, PeerStatusType previous) {
      peerChanges.add(peer);
    }
  }
}
