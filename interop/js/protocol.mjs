// The BrightChain network protocol, version 1, as specified in docs/protocol.md: canonical JSON,
// signed bytes, signing and verification of SignedMessage objects (their JSON form).
//
// Written from the specification alone, as a check that it suffices for an independent
// implementation. Section numbers below refer to docs/protocol.md.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes, sha256 };

/** The signing purpose of every message on the WebSocket channel except system:auth (section 7.1). */
export const PURPOSE = 'brightchain-net/event/v1';

/** The signing purpose of system:auth, the proof of key of the handshake (sections 6.15, 7.1, 9.1). */
export const AUTH_PURPOSE = 'brightchain-net/auth/v1';

/** The purpose a message of this event type is signed for (section 7.1). */
export function purposeOf(type) {
  return type === 'system:auth' ? AUTH_PURPOSE : PURPOSE;
}

/** Event type wire names (section 3.1). */
export const EVENT_TYPES = Object.freeze([
  'node:announce', 'node:leave', 'node:status',
  'block:temperature', 'block:location', 'block:sync',
  'metadata:update', 'metadata:sync', 'block:batch',
  'system:ping', 'system:pong',
  'system:ack', 'system:resume', 'system:gap', 'system:subscribe',
  'system:challenge', 'system:auth', 'system:error',
]);

/** The codes of system:error (section 6.16). */
export const ERROR_CODES = Object.freeze([
  'not_authenticated', 'auth_failed', 'handshake_timeout', 'rate_limited', 'blacklisted',
]);


export const TEMPERATURES = Object.freeze(['hot', 'warm', 'cold', 'frozen']);

const NODE_ID = /^[0-9a-f]{64}$/;
const BLOCK_ID = /^(?:[0-9a-f]{64}|[0-9a-f]{128})$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
const CHALLENGE = /^[0-9a-f]{64}$/;

/** Canonical JSON (section 7.2): sorted keys, no white space, JSON.stringify escaping, integers only. */
export function canonicalize(value) {
  if (Array.isArray(value)) {
    return '[' + value.map(canonicalize).join(',') + ']';
  }
  if (value === null) {
    throw new Error('canonical JSON holds no null');
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalize(value[k])).join(',') + '}';
  }
  if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new Error('canonical JSON holds integers 0 .. 2^53-1 only: ' + value);
  }
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
    throw new Error('not representable in canonical JSON: ' + typeof value);
  }
  return JSON.stringify(value);
}

// The fields this specification defines for each shape (sections 5 and 6). A receiver derives
// the signed bytes from these only, leaving out anything else (sections 7.4 and 13).
const LOCATION = ['nodeId', 'lastSeen', 'isAuthoritative', 'latencyMs', 'poolId'];
const METADATA = ['blockId', 'size', 'temperature', 'durability', 'locations', 'updatedAt', 'updatedBy', 'versions'];
const STAMP = ['at', 'by'];
const DATA_FIELDS = {
  'node:announce': ['nodeId', 'address', 'httpPort', 'wsPort', 'capabilities', 'version', 'region'],
  'node:leave': ['nodeId', 'reason'],
  'node:status': ['nodeId', 'status'],
  'block:temperature': ['blockId', 'temperature'],
  'block:location': ['blockId', 'location', 'action'],
  'block:sync': ['blockIds', 'session', 'reconcile'],
  'metadata:update': ['metadata'],
  'metadata:sync': ['entries', 'session', 'reconcile'],
  'block:batch': ['batchId', 'timestamp', 'updates'],
  'system:ping': ['nonce'],
  'system:pong': ['nonce'],
  'system:ack': ['ok', 'error'],
  'system:resume': ['afterSequence'],
  'system:gap': ['afterSequence', 'oldestAvailable'],
  'system:subscribe': ['types', 'blockIds'],
  'system:challenge': ['challenge'],
  'system:auth': ['challenge', 'peer'],
  'system:error': ['code', 'message', 'retryAfterMs'],
};

/** The unsigned hop-by-hop fields a frame may carry beside the SignedMessage (section 5.4). */
export const HOP_FIELDS = Object.freeze(['seq', 'requestId', 'replyTo']);

function pick(obj, fields) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new Error('expected an object');
  }
  const out = {};
  for (const f of fields) {
    if (obj[f] !== undefined && obj[f] !== null) {
      out[f] = obj[f];
    }
  }
  return out;
}

function pickStamps(map) {
  const out = {};
  for (const [node, stamp] of Object.entries(map)) {
    out[node] = pick(stamp, STAMP);
  }
  return out;
}

function pickMetadata(m) {
  const out = pick(m, METADATA);
  if (Array.isArray(out.locations)) {
    out.locations = out.locations.map((l) => pick(l, LOCATION));
  }
  if (out.versions !== undefined) {
    // Section 10: the version of each field; present only when the fields carry different ones.
    const v = pick(out.versions, ['temperature', 'info', 'locations', 'removed']);
    if (v.temperature !== undefined) v.temperature = pick(v.temperature, STAMP);
    if (v.info !== undefined) v.info = pick(v.info, STAMP);
    if (v.locations !== undefined) v.locations = pickStamps(v.locations);
    if (v.removed !== undefined) v.removed = pickStamps(v.removed);
    out.versions = v;
  }
  return out;
}

/** The data of one event of `type`, restricted to the fields of the specification. */
function pickData(type, d) {
  const data = pick(d, DATA_FIELDS[type]);
  if (type === 'block:location' && data.location !== undefined) {
    data.location = pick(data.location, LOCATION);
  }
  if (type === 'metadata:update' && data.metadata !== undefined) {
    data.metadata = pickMetadata(data.metadata);
  }
  return data;
}

const UPDATE_TYPES = { TEMPERATURE: 'block:temperature', LOCATION: 'block:location', METADATA: 'metadata:update' };

/** The WSMessage restricted to the fields of the specification. */
export function knownPayload(payload) {
  const p = pick(payload, ['type', 'data', 'timestamp', 'sender']);
  const fields = DATA_FIELDS[p.type];
  if (!fields) {
    throw new Error('unknown event type ' + JSON.stringify(p.type));
  }
  const data = pick(p.data, fields);
  if (p.type === 'block:location' && data.location !== undefined) {
    data.location = pick(data.location, LOCATION);
  }
  if (p.type === 'metadata:update' && data.metadata !== undefined) {
    data.metadata = pickMetadata(data.metadata);
  }
  if (p.type === 'metadata:sync' && Array.isArray(data.entries)) {
    data.entries = data.entries.map(pickMetadata);
  }
  if (p.type === 'block:batch' && Array.isArray(data.updates)) {
    // Section 6.17: each update's data is the data of the event its type names.
    data.updates = data.updates.map((u) => {
      const out = pick(u, ['type', 'blockId', 'data', 'timestamp']);
      const eventType = UPDATE_TYPES[out.type];
      if (eventType === undefined) throw new Error('unknown update type ' + JSON.stringify(out.type));
      out.data = pickData(eventType, out.data);
      return out;
    });
  }
  if (p.type === 'system:error') {
    // Section 6.16 gives message and retryAfterMs defaults ("" and 0). A receiver decodes a
    // missing one to its default and signs that (section 7.1: bytes from the decoded message), so
    // the defaults belong in the signed bytes, like the required fields with a default of
    // section 7.5 (unlike system:ack's error, which section 6.10 keeps out when empty).
    if (data.message === undefined) data.message = '';
    if (data.retryAfterMs === undefined) data.retryAfterMs = 0;
  }
  p.data = data;
  return p;
}

/**
 * The bytes a SignedMessage's signature covers (section 7.1): not publicKey, signature or the
 * hop-by-hop fields. The purpose follows from the event type (system:auth: the authentication
 * purpose; everything else: the event purpose) unless `purpose` is given.
 */
export function signedBytes(m, purpose = purposeOf(m?.payload?.type)) {
  const o = { nodeId: m.nodeId, payload: knownPayload(m.payload), purpose, timestamp: m.timestamp };
  if (m.recipient !== undefined && m.recipient !== null) {
    o.recipient = m.recipient;
  }
  return new TextEncoder().encode(canonicalize(o));
}

/** Message id: SHA-256 of the signed bytes, hex (section 8, step 3). */
export function messageId(m) {
  return bytesToHex(sha256(signedBytes(m)));
}

/** Node id of a compressed public key (section 4). */
export function nodeIdOf(publicKey) {
  return bytesToHex(sha256(publicKey));
}

/** A node identity: a random secp256k1 key, or the given 32-byte private key. */
export function identity(privateKey = secp256k1.utils.randomSecretKey()) {
  const publicKey = secp256k1.getPublicKey(privateKey, true);
  return { privateKey, publicKey, nodeId: nodeIdOf(publicKey) };
}

/**
 * A signed message (section 5.1) from the given identity: event `type` with `data`, stamped
 * `timestamp` (ms), addressed to `recipient` if given.
 */
export function signedMessage(id, type, data, timestamp = Date.now(), recipient = undefined) {
  const m = {
    payload: { type, data, timestamp, sender: id.nodeId },
    timestamp,
    nodeId: id.nodeId,
  };
  if (recipient !== undefined) {
    m.recipient = recipient;
  }
  return sign(m, id.privateKey);
}

/**
 * A frame: the signed message with hop-by-hop fields beside it (section 5.4), those at their
 * default left out.
 */
export function frame(m, { seq = 0, requestId = '', replyTo = '' } = {}) {
  if (requestId && replyTo) {
    throw new Error('a frame is a request or an answer, not both');
  }
  const f = { ...m };
  if (seq) f.seq = seq;
  if (requestId) f.requestId = requestId;
  if (replyTo) f.replyTo = replyTo;
  return JSON.stringify(f);
}

/**
 * Sets publicKey and signature of `m` (section 7.3), signed for the purpose its type calls for
 * (section 7.1) unless `purpose` is given; returns `m`.
 */
export function sign(m, privateKey, purpose = purposeOf(m.payload.type)) {
  const digest = sha256(signedBytes(m, purpose));
  // @noble/curves 2.x: prehash false because the digest is passed; RFC 6979 and low-S are the defaults.
  const sig = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true });
  m.publicKey = bytesToHex(secp256k1.getPublicKey(privateKey, true));
  m.signature = bytesToHex(sig);
  return m;
}

/** 32 fresh random bytes as 64 lower-case hex digits: the data of a system:challenge (section 6.14). */
export function newChallenge() {
  return bytesToHex(randomBytes(32));
}

/**
 * The proof answering a received system:challenge (sections 6.15 and 9.1 step 2): a system:auth
 * addressed to the challenger, naming its challenge exactly as received and its id, signed for the
 * authentication purpose.
 */
export function authProof(id, challengeMessage, timestamp = Date.now()) {
  if (challengeMessage?.payload?.type !== 'system:challenge') {
    throw new Error('a proof answers a system:challenge, not ' + challengeMessage?.payload?.type);
  }
  const challenger = challengeMessage.nodeId;
  return signedMessage(id, 'system:auth', {
    challenge: challengeMessage.payload.data.challenge,
    peer: challenger,
  }, timestamp, challenger);
}

/**
 * Checks a received system:auth against this side of the connection (section 9.1 step 3), after
 * verify() has checked it as section 8 does (which includes the signature over the bytes signed
 * for the authentication purpose). `myId` is this side's node id, `myChallenge` the challenge it
 * sent on this connection, `peerId` the sender of the other side's system:challenge.
 * Returns null if the proof answers this connection's challenge, else why not.
 */
export function checkProof(m, { myId, myChallenge, peerId }) {
  if (m?.payload?.type !== 'system:auth') return 'not a system:auth';
  if (m.recipient !== myId) return `addressed to ${m.recipient}, not to ${myId}`;
  const d = m.payload.data;
  if (d.peer !== myId) return `data.peer is ${d.peer}, not ${myId}`;
  if (d.challenge !== myChallenge) return `data.challenge is ${d.challenge}, not the challenge sent on this connection (${myChallenge})`;
  if (peerId !== undefined && m.nodeId !== peerId) return `signed by ${m.nodeId}, not by ${peerId} who sent the challenge`;
  return null;
}

/** Whether the signature of `m` verifies over its signed bytes computed for `purpose`. */
export function signatureVerifiesFor(m, purpose) {
  try {
    const sig = hexToBytes(m.signature);
    const format = sig.length === 64 ? 'compact' : 'der';
    return secp256k1.verify(sig, sha256(signedBytes(m, purpose)), hexToBytes(m.publicKey), { prehash: false, lowS: true, format });
  } catch (e) {
    return false;
  }
}

/**
 * Checks a received SignedMessage (parsed JSON) as section 8 describes, steps 1 and 4 (with the
 * purpose of section 7.1 that its type calls for). Returns null if it is valid, else the reason
 * it would be dropped.
 */
export function verify(m) {
  const shape = checkShape(m);
  if (shape) {
    return 'malformed: ' + shape;
  }
  const publicKey = hexToBytes(m.publicKey);
  if (nodeIdOf(publicKey) !== m.nodeId) {
    return 'key mismatch';
  }
  if (m.payload.sender !== m.nodeId) {
    return 'sender mismatch';
  }
  if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) {
    return 'unknown scheme (public key is ' + publicKey.length + ' bytes)';
  }
  let bytes;
  try {
    bytes = signedBytes(m);
  } catch (e) {
    return 'malformed: ' + e.message;
  }
  const sig = hexToBytes(m.signature);
  const format = sig.length === 64 ? 'compact' : sig[0] === 0x30 ? 'der' : null;
  if (!format) {
    return 'bad signature (encoding, ' + sig.length + ' bytes)';
  }
  let ok = false;
  try {
    ok = secp256k1.verify(sig, sha256(bytes), publicKey, { prehash: false, lowS: true, format });
  } catch (e) {
    ok = false;
  }
  return ok ? null : 'bad signature';
}

function isInt(v) {
  return Number.isSafeInteger(v) && v >= 0;
}

/** The structural checks of section 8 step 1 that this client relies on. */
function checkShape(m) {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return 'not an object';
  const p = m.payload;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'payload';
  if (!EVENT_TYPES.includes(p.type)) return 'payload.type ' + JSON.stringify(p.type);
  if (p.data === null || typeof p.data !== 'object' || Array.isArray(p.data)) return 'payload.data';
  if (!isInt(p.timestamp)) return 'payload.timestamp';
  if (typeof p.sender !== 'string' || !NODE_ID.test(p.sender)) return 'payload.sender';
  if (!isInt(m.timestamp)) return 'timestamp';
  if (typeof m.nodeId !== 'string' || !NODE_ID.test(m.nodeId)) return 'nodeId';
  if (m.recipient !== undefined && (typeof m.recipient !== 'string' || !NODE_ID.test(m.recipient))) return 'recipient';
  if (typeof m.publicKey !== 'string' || !HEX.test(m.publicKey) || m.publicKey.length === 0 || m.publicKey.length > 256) return 'publicKey';
  if (typeof m.signature !== 'string' || !HEX.test(m.signature) || m.signature.length === 0 || m.signature.length > 256) return 'signature';
  if (m.seq !== undefined && !isInt(m.seq)) return 'seq';
  for (const h of ['requestId', 'replyTo']) {
    if (m[h] !== undefined && (typeof m[h] !== 'string' || m[h].length > 64)) return h;
  }
  if (m.requestId && m.replyTo) return 'both requestId and replyTo';
  const d = p.data;
  switch (p.type) {
    case 'node:announce':
      if (!NODE_ID.test(d.nodeId ?? '')) return 'data.nodeId';
      if (typeof d.address !== 'string' || d.address.length > 255) return 'data.address';
      if (!isInt(d.httpPort) || d.httpPort > 65535) return 'data.httpPort';
      if (!isInt(d.wsPort) || d.wsPort > 65535) return 'data.wsPort';
      if (!Array.isArray(d.capabilities) || !d.capabilities.every((c) => typeof c === 'string')) return 'data.capabilities';
      if (typeof d.version !== 'string' || d.version.length > 64) return 'data.version';
      if (d.region !== undefined && (typeof d.region !== 'string' || d.region.length > 64)) return 'data.region';
      break;
    case 'block:temperature':
      if (!BLOCK_ID.test(d.blockId ?? '')) return 'data.blockId';
      if (!TEMPERATURES.includes(d.temperature)) return 'data.temperature';
      break;
    case 'system:ping':
    case 'system:pong':
      if (!isInt(d.nonce)) return 'data.nonce';
      break;
    case 'block:sync':
      if (!Array.isArray(d.blockIds) || d.blockIds.length > 1000 || !d.blockIds.every((b) => BLOCK_ID.test(b))) return 'data.blockIds';
      break;
    case 'metadata:sync':
      if (!Array.isArray(d.entries) || d.entries.length > 1000) return 'data.entries';
      break;
    case 'system:ack':
      if (typeof d.ok !== 'boolean') return 'data.ok';
      if (d.error !== undefined && (typeof d.error !== 'string' || d.error.length > 256)) return 'data.error';
      break;
    case 'system:resume':
      if (!isInt(d.afterSequence)) return 'data.afterSequence';
      break;
    case 'system:gap':
      if (!isInt(d.afterSequence)) return 'data.afterSequence';
      if (!isInt(d.oldestAvailable) || d.oldestAvailable <= d.afterSequence + 1) return 'data.oldestAvailable';
      break;
    case 'system:subscribe':
      if (!Array.isArray(d.types) || !d.types.every((t) => EVENT_TYPES.includes(t))) return 'data.types';
      if (!Array.isArray(d.blockIds) || d.blockIds.length > 10000 || !d.blockIds.every((b) => BLOCK_ID.test(b))) return 'data.blockIds';
      break;
    case 'system:challenge':
      if (!CHALLENGE.test(d.challenge ?? '')) return 'data.challenge';
      break;
    case 'system:auth':
      if (!CHALLENGE.test(d.challenge ?? '')) return 'data.challenge';
      if (!NODE_ID.test(d.peer ?? '')) return 'data.peer';
      break;
    case 'system:error':
      if (typeof d.code !== 'string' || d.code.length === 0 || d.code.length > 64) return 'data.code';
      if (d.message !== undefined && (typeof d.message !== 'string' || d.message.length > 256)) return 'data.message';
      if (d.retryAfterMs !== undefined && !isInt(d.retryAfterMs)) return 'data.retryAfterMs';
      break;
    default:
      break;
  }
  return null;
}
