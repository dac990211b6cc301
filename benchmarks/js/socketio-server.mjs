// The socket.io contender: the same semantics as the node's channel, without signatures.
// WebSocket transport only, default namespace:
//   'event' from a client  -> socket.broadcast.emit('event', payload)   (every other client)
//   'echo'  from a client  -> socket.emit('echo', payload)              (back to the sender)
// Binary payloads travel as socket.io binary attachments, JSON payloads as objects.
// Usage: node --expose-gc socketio-server.mjs [port]
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { control, ready } from './control.mjs';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 1 << 20,
});

io.on('connection', (socket) => {
  socket.on('event', (payload) => socket.broadcast.emit('event', payload));
  socket.on('echo', (payload) => socket.emit('echo', payload));
});

http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => ready(http.address().port));
control(() => io.close());
