#!/usr/bin/env node
// An independent BrightChain client, written from docs/protocol.md alone.
//
//   node client.mjs <port> <blockId> [temperature]
//
// (or BRIGHTCHAIN_PORT, BRIGHTCHAIN_BLOCK_ID, BRIGHTCHAIN_TEMPERATURE; BRIGHTCHAIN_HOST defaults
// to 127.0.0.1). It connects to ws://HOST:PORT/ws?format=json and then:
//
//  1. performs the handshake of section 9.1: sends its own system:challenge as soon as the
//     connection is open; answers the node's system:challenge (which must be the node's first
//     message) with a system:auth signed for the authentication purpose and addressed to the node,
//     followed by its node:announce (wsPort 0, httpPort 0, address ""); checks the node's
//     system:auth (signature with the authentication purpose, recipient, peer, and the challenge
//     this client sent) and then the node's node:announce;
//  2. sends a signed block:temperature for <blockId>;
//  3. sends the node requests (section 9.11): system:ping, answered with system:pong, and
//     block:sync, answered with metadata:sync, until the metadata shows the temperature applied
//     with this client as the writer (section 10);
//  4. waits for a block:temperature published by some other node and relayed by this one
//     (section 9.6), and verifies it.
//
// Beside it, a second connection under another fresh key sends a signed block:temperature without
// any handshake, and checks that the node refuses it with system:error not_authenticated
// (sections 8 step 6 and 9.1).
//
// Meanwhile it answers the node's heartbeats (section 9.8) and requests (section 9.11). Every
// received message is verified; one that fails ends the run. Every system:error received is
// logged on stderr. Prints one JSON line with the results and exits 0, or prints the error on
// stderr and exits 1. Gives up after 20 seconds.

import WebSocket from 'ws';
import {
  PURPOSE, TEMPERATURES, authProof, bytesToHex, checkProof, frame, identity, messageId, newChallenge,
  sha256, signatureVerifiesFor, signedMessage, verify,
} from './protocol.mjs';

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
// A block only the unauthenticated connection writes to: the node must not apply it.
const strangerBlockId = bytesToHex(sha256(new TextEncoder().encode(blockId + '/unauthenticated')));
const state = {
  myChallenge: null, // the challenge this client sent on the connection (section 6.14)
  nodeChallenge: null, // the node's system:challenge, once verified
  proof: null, // the node's system:auth, once verified and checked (section 9.1 step 3)
  proofRefusedAsEvent: null,
  node: null, // the node's own announce (data), once verified
  nodeId: null, // the node's id: the sender of its system:challenge
  errors: [], // system:error received on the main connection
  stranger: { challenge: false, error: null }, // the unauthenticated connection
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
  if (!state.nodeChallenge) missing.push("the node's system:challenge");
  if (!state.proof) missing.push("the node's system:auth");
  if (!state.node) missing.push("the node's node:announce");
  if (!state.stranger.error) missing.push('system:error not_authenticated on the unauthenticated connection');
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
  // Section 9.1 step 1: a challenge first, without waiting for the other side's.
  state.myChallenge = newChallenge();
  send('system:challenge', { challenge: state.myChallenge });
});

/** Logs a system:error (section 6.16) on stderr. */
function logError(connection, m) {
  const d = m.payload.data;
  process.stderr.write(`interop client: system:error on the ${connection} connection from ${m.nodeId}: `
    + `${d.code}${d.message ? ' "' + d.message + '"' : ''}${d.retryAfterMs ? ' retryAfterMs ' + d.retryAfterMs : ''}\n`);
}

/**
 * The handshake of section 9.1, from this client's side. Returns true if `m` was a handshake
 * message (handled here), false once the node has proved its key and announced itself.
 */
function handshake(m, raw) {
  const type = m.payload.type;
  const d = m.payload.data;
  if (!state.nodeChallenge) {
    // Step 1: the node's first message is its challenge, with no recipient.
    if (type !== 'system:challenge' || m.recipient !== undefined) {
      fail(`the node's first message was ${type} (recipient ${m.recipient}), expected its system:challenge without recipient (section 9.1)\n${raw}`);
    }
    state.nodeChallenge = m;
    state.nodeId = m.nodeId;
    // Step 2: the proof, addressed to the challenger and signed for the authentication purpose,
    // then our announce. A client that accepts no connections says wsPort 0, httpPort 0, address "".
    const proof = authProof(me, m, stamp());
    ws.send(frame(proof));
    send('node:announce', {
      nodeId: me.nodeId, address: '', httpPort: 0, wsPort: 0, capabilities: [], version: 'js-interop',
    });
    return true;
  }
  if (!state.proof) {
    // Step 3: the node's proof answers our challenge. verify() has already checked the signature
    // over the bytes signed for the authentication purpose.
    if (type !== 'system:auth') {
      fail(`expected the node's system:auth after its challenge, received ${type} (section 9.1)\n${raw}`);
    }
    const wrong = checkProof(m, { myId: me.nodeId, myChallenge: state.myChallenge, peerId: state.nodeId });
    if (wrong) {
      fail(`the node's system:auth does not answer this connection's challenge: ${wrong}\n${raw}`);
    }
    // Section 7.1: a proof can never pass for an event.
    state.proofRefusedAsEvent = !signatureVerifiesFor(m, PURPOSE);
    if (!state.proofRefusedAsEvent) {
      fail(`the node's system:auth also verifies with the event purpose: it was not signed for the authentication purpose\n${raw}`);
    }
    state.proof = m;
    return true;
  }
  if (!state.node) {
    // Section 9.1 step 2: right after its proof, the node announces itself.
    if (type !== 'node:announce' || d.nodeId !== m.nodeId || m.recipient !== undefined) {
      fail(`expected the node's own node:announce after its system:auth, received ${type} about ${d?.nodeId} (recipient ${m.recipient})\n${raw}`);
    }
    if (d.wsPort !== port) {
      fail(`the node announced wsPort ${d.wsPort} but was reached on ${port}`);
    }
    state.node = d;
    // Both sides are authenticated and identified: events from here on.
    // A gossiped event: no recipient, so that the node relays it (section 9.6).
    const t = send('block:temperature', { blockId, temperature });
    state.sentTemperature = { blockId, temperature, timestamp: t.payload.timestamp, messageId: messageId(t) };
    // Requests to the node (section 9.11).
    send('system:ping', { nonce: state.pingNonce }, { recipient: state.nodeId, requestId: 'ping-1' });
    askSync();
    // Section 10 does not promise when the node has applied our event: ask again until it shows.
    syncTimer = setInterval(askSync, SYNC_RETRY_MS);
    return true;
  }
  return false;
}

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

  if (type === 'system:error') {
    // Section 6.16: never answered. On this connection each code means this client did something
    // wrong, except rate_limited, which only says that some frames were dropped.
    logError('main', m);
    state.errors.push(d);
    if (d.code !== 'rate_limited') {
      fail(`the node refused what this client sent: system:error ${d.code} ${d.message ?? ''}\n${raw}`);
    }
    return;
  }
  if (handshake(m, raw)) {
    return;
  }

  switch (type) {
    case 'system:challenge':
    case 'system:auth':
      fail(`a second ${type} on an authenticated connection (section 9.1)\n${raw}`);
      break;
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
    case 'block:batch':
      // Section 6.17: temperatures the other node set arrive in batches, relayed by ours.
      if (m.nodeId === me.nodeId) {
        fail('our own block:batch was sent back to us (section 9.6)');
      }
      for (const u of d.updates) {
        if (u.type === 'TEMPERATURE' && m.nodeId !== state.nodeId && !state.relayed) {
          state.relayed = {
            sender: m.nodeId,
            blockId: u.blockId,
            temperature: u.data.temperature,
            timestamp: u.timestamp ?? d.timestamp,
            seq: m.seq ?? 0,
            messageId: messageId(m),
          };
        }
      }
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
  // A request may also leave the recipient out (a batch sent to every peer): answered the same.
  if (!m.requestId || (m.recipient !== undefined && m.recipient !== me.nodeId)) return;
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
  if (done || !(state.proof && state.node && state.pong && state.sync && state.relayed && state.stranger.error)) return;
  done = true;
  clearTimeout(timer);
  clearInterval(syncTimer);
  const result = {
    challengeSent: state.myChallenge,
    proofVerified: true,
    proofRefusedAsEvent: state.proofRefusedAsEvent,
    nodeChallenge: state.nodeChallenge.payload.data.challenge,
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
    notAuthenticatedRefused: true,
    unauthenticated: state.stranger.error,
    systemErrors: state.errors,
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

// Sections 8 (step 6) and 9.1: a message sent before authenticating is dropped and answered with
// system:error not_authenticated. A second connection, under another key, sends a signed event
// without any handshake.
const stranger = identity();
const strangerWs = new WebSocket(url, { handshakeTimeout: 5000, perMessageDeflate: false });
let strangerSent = null;
strangerWs.on('open', () => {
  const t = Date.now();
  strangerSent = signedMessage(stranger, 'block:temperature', { blockId: strangerBlockId, temperature: 'frozen' }, t);
  strangerWs.send(frame(strangerSent));
});
strangerWs.on('message', (raw, isBinary) => {
  if (isBinary) {
    fail('received a binary frame on the unauthenticated connection although connected with ?format=json');
  }
  let m;
  try {
    m = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    fail('received a text frame that is not JSON on the unauthenticated connection: ' + e.message);
  }
  const type = m?.payload?.type;
  const reason = verify(m);
  if (reason) {
    fail(`message ${type} on the unauthenticated connection does not verify: ${reason}\n${raw}`);
  }
  if (m.recipient !== undefined && m.recipient !== stranger.nodeId) {
    fail(`message ${type} on the unauthenticated connection addressed to ${m.recipient}, not to ${stranger.nodeId}`);
  }
  if (type === 'system:challenge') {
    state.stranger.challenge = true;
    return; // deliberately not answered
  }
  if (type !== 'system:error') {
    fail(`the node sent ${type} to a connection that never authenticated (section 9.1)\n${raw}`);
  }
  logError('unauthenticated', m);
  const d = m.payload.data;
  if (d.code !== 'not_authenticated') {
    fail(`expected system:error not_authenticated for an event sent before the handshake, received ${d.code}\n${raw}`);
  }
  if (state.stranger.error) {
    fail('a second system:error not_authenticated for one message (section 9.1 says one)');
  }
  state.stranger.error = {
    code: d.code,
    message: d.message ?? '',
    retryAfterMs: d.retryAfterMs ?? 0,
    sender: m.nodeId,
    recipient: m.recipient ?? null,
    challengeFirst: state.stranger.challenge,
    refusedMessageId: messageId(strangerSent),
    blockId: strangerBlockId,
  };
  strangerWs.close(1000, 'done');
  finishIfDone();
});
strangerWs.on('error', (e) => {
  fail(`${url} (unauthenticated connection): ${e.message}`);
});
strangerWs.on('close', (code, reason) => {
  if (!state.stranger.error) {
    fail(`the unauthenticated connection was closed with ${code} ${reason.toString() || '(no reason)'} before its system:error`);
  }
});

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
