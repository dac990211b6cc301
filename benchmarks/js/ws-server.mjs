// The `ws` contender: the same semantics as the node's channel, without signatures.
//   ws://127.0.0.1:<port>/broadcast  a message from a client goes to every other client
//                                     (the broadcast example of the ws README)
//   ws://127.0.0.1:<port>/echo       a message comes back to its sender
//   any other path                   an idle connection
// Frames keep their type (binary or text).  Usage: node --expose-gc ws-server.mjs [port]
import { WebSocketServer, WebSocket } from 'ws';
import { control, ready } from './control.mjs';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.argv[2] ?? 0),
  perMessageDeflate: false,
  maxPayload: 1 << 20,
});

wss.on('connection', (ws, req) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else if (path === '/broadcast') {
    ws.on('message', (data, isBinary) => {
      wss.clients.forEach((client) => {
        if (client !== ws && client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: isBinary });
        }
      });
    });
  }
  ws.on('error', () => {});
});

wss.on('listening', () => ready(wss.address().port));
control(() => wss.close());
