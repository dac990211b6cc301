#!/usr/bin/env node
// An independent BrightChain client, written from docs/protocol.md alone.
//
//   node client.mjs <port> <blockId> [temperature]
//
// (or BRIGHTCHAIN_PORT, BRIGHTCHAIN_BLOCK_ID, BRIGHTCHAIN_TEMPERATURE; BRIGHTCHAIN_HOST defaults
// to 127.0.0.1). It connects to ws://HOST:PORT/ws?format=json and then:
//
//  1. verifies the node's signed node:announce, which must be the first message (sections 8, 9.1);
//  2. sends its own signed node:announce and a signed block:temperature for <blockId>;
//  3. once it knows the node's id, sends it requests (section 9.11): system:ping, answered with
//     system:pong, and block:sync, answered with metadata:sync, until the metadata shows the
//     temperature applied with this client as the writer (section 10);
//  4. waits for a block:temperature published by some other node and relayed by this one
//     (section 9.6), and verifies it.
//
// Meanwhile it answers the node's heartbeats (section 9.8) and requests (section 9.11). Every
// received message is verified; one that fails ends the run. Prints one JSON line with the results
// and exits 0, or prints the error on stderr and exits 1. Gives up after 20 seconds.

import WebSocket from 'ws';
import { TEMPERATURES, frame, identity, messageId, signedMessage, verify } from './protocol.mjs';

const TIMEOUT_MS = 20_000;
const SYNC_RETRY_MS = 250;
const started = Date.now();

const host = process.env.BRIGHTCHAIN_HOST || '127.0.0.1';
const port = Number(process.argv[2] ?? process.env.BRIGHTCHAIN_PORT);
const blockId = (process.argv[3] ?? process.env.BRIGHTCHAIN_BLOCK_ID ?? '').toLowerCase();
const temperature = process.argv[4] ?? process.env.BRIGHTCHAIN_TEMPERATURE ?? 'hot';

function fail(message) {
  process.stderr.write('interop client: ' + message + '\n');
  process.exit(1);
}

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail('usage: node client.mjs <port> <blockId> [temperature]  (port missing or invalid)');
}
if (!/^(?:[0-9a-f]{64}|[0-9a-f]{128})$/.test(blockId)) {
  fail('usage: node client.mjs <port> <blockId> [temperature]  (blockId must be 64 or 128 hex characters)');
}
if (!TEMPERATURES.includes(temperature)) {
  fail('temperature must be one of ' + TEMPERATURES.join(', '));
}

const me = identity();
const url = `ws://${host}:${port}/ws?format=json`;
const state = {
  node: null, // the node's own announce (data), once verified
  nodeId: null,
  sentTemperature: null,
  pingNonce: Math.floor(Math.random() * 2 ** 53),
  pong: false,
  syncRequests: new Set(),
  sync: null,
  relayed: null,
  hints: [],
  resume: null,
  lastSeq: 0,
  heartbeatsAnswered: 0,
  acksSent: 0,
  received: 0,
  verified: 0,
  types: {},
};
let nextRequest = 1;
let clock = 0;

/** Hybrid logical clock (section 10): strictly increasing, never behind a received timestamp. */
function stamp() {
  clock = Math.max(Date.now(), clock + 1);
  return clock;
}

const timer = setTimeout(() => {
  const missing = [];
  if (!state.node) missing.push("the node's node:announce");
  if (!state.pong) missing.push('system:pong');
  if (!state.sync) missing.push('metadata:sync showing our temperature applied');
  if (!state.relayed) missing.push('a block:temperature relayed from another node');
  fail(`timed out after ${TIMEOUT_MS / 1000} s waiting for ${missing.join(', ')}; received ${JSON.stringify(state.types)}`);
}, TIMEOUT_MS);

const ws = new WebSocket(url, { handshakeTimeout: 5000, perMessageDeflate: false });
let syncTimer = null;

/** Signs and sends an event as a text frame (section 2.2); returns the signed message. */
function send(type, data, { recipient, requestId, replyTo } = {}) {
  const m = signedMessage(me, type, data, stamp(), recipient);
  ws.send(frame(m, { requestId, replyTo }));
  return m;
}

function askSync() {
  if (state.sync || ws.readyState !== WebSocket.OPEN) return;
  const requestId = 'sync-' + nextRequest++;
  state.syncRequests.add(requestId);
  send('block:sync', { blockIds: [blockId] }, { recipient: state.nodeId, requestId });
}

ws.on('open', () => {
  // Section 9.1: announce first, without waiting for the other side's announce.
  send('node:announce', {
    nodeId: me.nodeId, address: '', httpPort: 0, wsPort: 0, capabilities: [], version: 'js-interop',
  });
  // A gossiped event: no recipient, so that the node relays it (section 9.6).
  const t = send('block:temperature', { blockId, temperature });
  state.sentTemperature = { blockId, temperature, timestamp: t.payload.timestamp, messageId: messageId(t) };
});

ws.on('message', (raw, isBinary) => {
  state.received++;
  if (isBinary) {
    fail('received a binary frame although connected with ?format=json (section 2.3)');
  }
  let m;
  try {
    m = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    fail('received a text frame that is not JSON: ' + e.message);
  }
  const type = m?.payload?.type;
  state.types[type] = (state.types[type] ?? 0) + 1;
  const reason = verify(m);
  if (reason) {
    fail(`message ${state.received} (${type}) from ${m?.nodeId} does not verify: ${reason}\n${raw}`);
  }
  state.verified++;
  if (m.recipient !== undefined && m.recipient !== me.nodeId) {
    fail(`message ${type} addressed to ${m.recipient}, not to this client (${me.nodeId})`);
  }
  clock = Math.max(clock, Math.min(m.timestamp, Date.now() + 60_000));
  if (m.seq) {
    state.lastSeq = Math.max(state.lastSeq, m.seq); // for a resume (section 9.9)
  }
  const d = m.payload.data;

  if (!state.node) {
    // Sections 9.1 and 9.2: the first message is the node's announce about itself.
    if (type !== 'node:announce' || d.nodeId !== m.nodeId || m.recipient !== undefined) {
      fail(`first message was ${type} about ${d?.nodeId} (recipient ${m.recipient}), expected the node's own node:announce`);
    }
    if (d.wsPort !== port) {
      fail(`the node announced wsPort ${d.wsPort} but was reached on ${port}`);
    }
    state.node = d;
    state.nodeId = m.nodeId;
    // Requests to the node, now that it can be addressed (section 9.11).
    send('system:ping', { nonce: state.pingNonce }, { recipient: state.nodeId, requestId: 'ping-1' });
    askSync();
    // Section 10 does not promise when the node has applied our event: ask again until it shows.
    syncTimer = setInterval(askSync, SYNC_RETRY_MS);
    return;
  }

  switch (type) {
    case 'node:announce':
      // Section 9.4: hints about the node's other peers, addressed to us.
      if (d.nodeId === m.nodeId) {
        fail('a second self-announce from the node on the same connection');
      }
      if (m.recipient !== me.nodeId) {
        fail('a peer-exchange node:announce without this client as recipient');
      }
      state.hints.push(d.nodeId);
      break;
    case 'system:ping':
      // Heartbeat (section 9.8), maybe as a request (section 9.11).
      send('system:pong', { nonce: d.nonce }, { recipient: m.nodeId, replyTo: m.requestId });
      state.heartbeatsAnswered++;
      return finishIfDone();
    case 'system:pong':
      if (d.nonce === state.pingNonce) {
        if (m.nodeId !== state.nodeId || m.recipient !== me.nodeId || m.replyTo !== 'ping-1') {
          fail(`system:pong must come from the node, addressed to us, with replyTo "ping-1" (sections 9.6, 9.11): ${raw}`);
        }
        state.pong = true;
      }
      break;
    case 'metadata:sync': {
      if (m.recipient !== me.nodeId || !state.syncRequests.has(m.replyTo)) {
        fail(`metadata:sync must be addressed to us with replyTo one of our block:sync requests (sections 9.6, 9.11): ${raw}`);
      }
      const e = d.entries.find((x) => x.blockId === blockId);
      if (e && e.updatedBy === me.nodeId) {
        if (e.temperature !== temperature || e.updatedAt !== state.sentTemperature.timestamp) {
          fail(`the node applied our temperature as ${JSON.stringify(e)}; sent ${JSON.stringify(state.sentTemperature)}`);
        }
        state.sync = e;
      }
      break;
    }
    case 'system:resume':
      // Section 9.1: the accepting node tells the dialler where to resume. This client keeps no
      // replay log, so it has nothing to send.
      state.resume = d.afterSequence;
      break;
    case 'block:temperature':
      if (m.nodeId === me.nodeId) {
        fail('our own block:temperature was sent back to us (section 9.6)');
      }
      if (m.nodeId !== state.nodeId && !state.relayed) {
        state.relayed = {
          sender: m.nodeId,
          blockId: d.blockId,
          temperature: d.temperature,
          timestamp: m.payload.timestamp,
          seq: m.seq ?? 0,
          messageId: messageId(m),
        };
      }
      break;
    default:
      // Other events (node:status, node:leave, other block and metadata events, acks, gaps) are
      // verified above and need nothing further here.
      break;
  }
  answerRequest(m);
  finishIfDone();
});

/** Section 9.11: a request addressed to us gets an answer with replyTo = its requestId. */
function answerRequest(m) {
  if (!m.requestId || m.recipient !== me.nodeId) return;
  const type = m.payload.type;
  if (type === 'block:sync') {
    send('metadata:sync', { entries: [] }, { recipient: m.nodeId, replyTo: m.requestId });
  } else {
    send('system:ack', { ok: true }, { recipient: m.nodeId, replyTo: m.requestId });
    state.acksSent++;
  }
}

let done = false;
function finishIfDone() {
  if (done || !(state.node && state.pong && state.sync && state.relayed)) return;
  done = true;
  clearTimeout(timer);
  clearInterval(syncTimer);
  const result = {
    announceVerified: true,
    nodeId: state.nodeId,
    nodeVersion: state.node.version,
    nodeCapabilities: state.node.capabilities,
    clientNodeId: me.nodeId,
    temperatureSent: state.sentTemperature,
    pongVerified: state.pong,
    syncVerified: true,
    appliedByNode: { temperature: state.sync.temperature, updatedAt: state.sync.updatedAt, updatedBy: state.sync.updatedBy },
    relayedVerified: true,
    relayed: state.relayed,
    peerHints: state.hints,
    resumeAfterSequence: state.resume,
    lastSeq: state.lastSeq,
    heartbeatsAnswered: state.heartbeatsAnswered,
    acksSent: state.acksSent,
    syncRequests: state.syncRequests.size,
    messagesReceived: state.received,
    messagesVerified: state.verified,
    receivedTypes: state.types,
    elapsedMs: Date.now() - started,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  ws.close(1000, 'done');
  // Exit once the close handshake is done (or soon, if the node does not answer it).
  ws.once('close', () => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}

ws.on('unexpected-response', (req, res) => {
  fail(`${url}: HTTP ${res.statusCode} instead of a WebSocket upgrade`);
});
ws.on('error', (e) => {
  fail(`${url}: ${e.message}`);
});
ws.on('close', (code, reason) => {
  if (!done) {
    fail(`connection closed by the node with ${code} ${reason.toString() || '(no reason)'} before the run was complete`);
  }
});
