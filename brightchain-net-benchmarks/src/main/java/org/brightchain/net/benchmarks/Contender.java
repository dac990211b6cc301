package org.brightchain.net.benchmarks;

/** The servers compared, and how the driver talks to each. */
enum Contender {
  /** A BrightChain node (this project), in a JVM of its own. */
  NODE("brightchain", false),
  /** A Node.js server on the {@code ws} package. */
  WS("ws", false),
  /** A Node.js server on {@code socket.io}, reached over its WebSocket transport. */
  SOCKET_IO("socket.io", true);

  final String label;

  /** Whether the socket.io/engine.io v4 framing wraps every message. */
  final boolean socketIo;

  Contender(String label, boolean socketIo) {
    this.label = label;
    this.socketIo = socketIo;
  }

  /** The path and query a connection of {@code purpose} uses. */
  String path(Purpose purpose, boolean binaryFrames) {
    return switch (this) {
      case NODE ->
          switch (purpose) {
            // Echo clients ask for acknowledgements only, so the node's relay of each request's
            // event to the other clients does not reach them (system:subscribe by query).
            case ECHO -> binaryFrames ? "/ws?types=system:ack" : "/ws?types=system:ack&format=json";
            default -> binaryFrames ? "/ws" : "/ws?format=json";
          };
      case WS ->
          switch (purpose) {
            case BROADCAST -> "/broadcast";
            case ECHO -> "/echo";
            case IDLE -> "/idle";
          };
      case SOCKET_IO -> "/socket.io/?EIO=4&transport=websocket";
    };
  }

  /** What a connection is for. */
  enum Purpose {
    BROADCAST,
    ECHO,
    IDLE
  }
}
