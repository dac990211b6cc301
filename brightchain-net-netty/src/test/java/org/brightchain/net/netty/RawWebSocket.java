package org.brightchain.net.netty;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.brightchain.net.core.internal.wire.JsonCodec;
import org.brightchain.net.core.internal.wire.ProtoCodec;
import org.brightchain.net.core.internal.wire.WireFormatException;
import org.brightchain.net.message.SignedMessage;

/**
 * A WebSocket end on a plain socket that records every frame it receives as it came, for what the
 * JDK's client hides: a second close frame, a connection cut without one, a text frame that is not
 * UTF-8. Either side: {@link #connect} dials a node and upgrades; {@link Server} accepts a node's
 * dial. A reader thread records the frames; a close frame is answered with the same code, once, as
 * RFC 6455 section 5.5.1 asks, unless {@link #echoClose} is off.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CLOSE = 8;
  static final int PING = 9;
  static final int PONG = 10;

  /** A valid key: base64 of the 16 bytes "the sample nonce" (RFC 6455 section 1.3). */
  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  /** One frame as received. */
  record Frame(int opcode, byte[] payload) {
    /** The close code of a close frame; 1005 if it has none. */
    int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** The reason of a close frame. */
    String closeReason() {
      return payload.length <= 2
          ? ""
          : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return opcode == CLOSE
          ? "CLOSE " + closeCode() + " " + closeReason()
          : "op" + opcode + "[" + payload.length + "]";
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final boolean client;
  private final Object writeLock = new Object();
  private boolean closeSent;

  /** Every frame received, in order. */
  final List<Frame> frames = new CopyOnWriteArrayList<>();

  /** Completes when the other end closed the socket (or reset it). */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  /** How the connection ended: EOF, or a reset. */
  volatile String endedBy = "";

  /** Whether a close frame received is answered with one. */
  volatile boolean echoClose = true;

  /** Told of every data message received, on the reader thread, after it was recorded. */
  volatile java.util.function.Consumer<Frame> onMessage = f -> {};

  private RawWebSocket(Socket socket, InputStream in, boolean client, String name)
      throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.client = client;
    Thread t = new Thread(() -> read(in), name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Dials {@code port} on 127.0.0.1 and upgrades {@code path}; fails unless answered 101.
   *
   * @param path the request target, for example {@code /ws?format=json}
   */
  static RawWebSocket connect(int port, String path) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(0);
    OutputStream o = s.getOutputStream();
    o.write(
        ("GET "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: "
                + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    o.flush();
    InputStream in = s.getInputStream();
    String head = readHead(in);
    if (!head.startsWith("HTTP/1.1 101 ")) {
      s.close();
      throw new IOException("not upgraded: " + head);
    }
    return new RawWebSocket(s, in, true, "raw-ws-client");
  }

  /** Reads an HTTP head, up to and including the blank line. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed inside an HTTP head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private void read(InputStream in) {
    try {
      ByteArrayOutputStream message = null;
      int messageOpcode = 0;
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          break;
        }
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        long len = b1 & 0x7F;
        if (len == 126) {
          len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | readByte(in);
          }
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
          mask = in.readNBytes(4);
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
          break;
        }
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
          }
        }
        if (opcode >= 8) {
          frames.add(new Frame(opcode, payload));
          if (opcode == CLOSE && echoClose) {
            sendClose(payload);
          } else if (opcode == PING) {
            send(PONG, payload, true);
          }
          continue;
        }
        if (opcode != 0) {
          message = new ByteArrayOutputStream();
          messageOpcode = opcode;
        }
        if (message != null) {
          message.write(payload);
          if (fin) {
            Frame f = new Frame(messageOpcode, message.toByteArray());
            frames.add(f);
            message = null;
            onMessage.accept(f);
          }
        }
      }
      endedBy = "EOF";
    } catch (IOException e) {
      endedBy = "reset (" + e.getMessage() + ")"; // the connection ended all the same
    } finally {
      ended.complete(null);
    }
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  /** Sends one frame, masked when this is the client end. */
  void send(int opcode, byte[] payload, boolean fin) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | opcode);
    int maskBit = client ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      f.write(maskBit | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xFF);
    } else {
      f.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) (((long) payload.length >>> (8 * i)) & 0xFF));
      }
    }
    if (client) {
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      f.write(mask);
      byte[] masked = payload.clone();
      for (int i = 0; i < masked.length; i++) {
        masked[i] ^= mask[i % 4];
      }
      f.write(masked);
    } else {
      f.write(payload);
    }
    synchronized (writeLock) {
      out.write(f.toByteArray());
      out.flush();
    }
  }

  /** Sends a text frame of these bytes, UTF-8 or not. */
  void sendText(byte[] payload) throws IOException {
    send(TEXT, payload, true);
  }

  /** Sends a signed message as a JSON text frame. */
  void sendJson(SignedMessage m) {
    try {
      sendText(JsonCodec.toJson(m).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Sends a signed message as a protobuf binary frame. */
  void sendProto(SignedMessage m) {
    try {
      send(BINARY, ProtoCodec.encode(m), true);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Starts the closing handshake with {@code code} and {@code reason} (once). */
  void close(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + r.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(r, 0, payload, 2, r.length);
    synchronized (writeLock) {
      if (closeSent) {
        return;
      }
      closeSent = true;
    }
    try {
      send(CLOSE, payload, true);
    } catch (IOException e) {
      // the other end is gone already
    }
  }

  /** Decodes one data frame as a signed message (JSON text, protobuf binary). */
  static SignedMessage decode(Frame f) {
    try {
      return f.opcode() == TEXT
          ? JsonCodec.fromJson(new String(f.payload(), StandardCharsets.UTF_8), SignedMessage.class)
          : ProtoCodec.decodeSignedMessage(f.payload());
    } catch (WireFormatException e) {
      throw new AssertionError(e);
    }
  }

  private void sendClose(byte[] payload) {
    synchronized (writeLock) {
      if (closeSent) {
        return;
      }
      closeSent = true;
    }
    try {
      send(CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0], true);
    } catch (IOException e) {
      // the other end is gone already
    }
  }

  /** The close frames received so far. */
  List<Frame> closes() {
    return frames.stream().filter(f -> f.opcode() == CLOSE).toList();
  }

  /** The data frames received so far, decoded as signed messages (JSON text, protobuf binary). */
  List<SignedMessage> messages() {
    List<SignedMessage> out = new ArrayList<>();
    for (Frame f : frames) {
      if (f.opcode() == TEXT || f.opcode() == BINARY) {
        out.add(decode(f));
      }
    }
    return out;
  }

  /** Every frame received, described; for failure messages. */
  @Override
  public String toString() {
    return frames.toString() + (ended.isDone() ? " then " + endedBy : "");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * Accepts WebSocket connections (a node's dial) on a port of 127.0.0.1: answers each upgrade 101
   * and records its frames.
   */
  static final class Server implements AutoCloseable {
    private final ServerSocket server;

    /** Every connection accepted, with the request target it asked for. */
    final List<Accepted> accepted = new CopyOnWriteArrayList<>();

    /** One accepted connection. */
    record Accepted(String target, RawWebSocket socket) {}

    Server() throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::accept, "raw-ws-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          InputStream in = s.getInputStream();
          String head = readHead(in);
          String target = head.split(" ", 3)[1];
          String key = null;
          for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
              key = line.substring(line.indexOf(':') + 1).trim();
            }
          }
          s.getOutputStream()
              .write(
                  ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          + "Sec-WebSocket-Accept: "
                          + accept(key)
                          + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          accepted.add(new Accepted(target, new RawWebSocket(s, in, false, "raw-ws-accepted")));
        } catch (IOException e) {
          // closed, or a client that went away
        }
      }
    }

    private static String accept(String key) {
      try {
        byte[] sha1 =
            MessageDigest.getInstance("SHA-1")
                .digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                        .getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Accepted a : accepted) {
        a.socket().close();
      }
    }
  }
}
