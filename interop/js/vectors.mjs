// Checks protocol.mjs against the test vectors of docs/protocol.md, section 14, following
// "Checking an implementation" step by step. Prints one JSON line; exits 1 on any mismatch.

import {
  AUTH_PURPOSE, PURPOSE, authProof, bytesToHex, checkProof, hexToBytes, identity, messageId, sign,
  signatureVerifiesFor, signedBytes, signedMessage, verify,
} from './protocol.mjs';

const failures = [];
let checks = 0;
function expect(what, actual, expected) {
  checks++;
  if (actual !== expected) {
    failures.push(`${what}: expected ${expected}, got ${actual}`);
  }
}

// Keys (section 14, "Keys").
const A = identity(hexToBytes('0000000000000000000000000000000000000000000000000000000000000001'));
const B = identity(hexToBytes('ffdca5ed41409643258863a4db760897396af48819da3e7c4c8fabc249d1a742'));
expect('key A public key', bytesToHex(A.publicKey), '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
expect('key A node id', A.nodeId, '0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554');
expect('key B public key', bytesToHex(B.publicKey), '020905be2f120ebdeb9614dbd136c0037bd03ccbc7fd666abcd512d5160aed685e');
expect('key B node id', B.nodeId, 'e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6');
const BLOCK = 'd0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62';

function build(id, type, data, timestamp, recipient) {
  const m = { payload: { type, data, timestamp, sender: id.nodeId }, timestamp, nodeId: id.nodeId };
  if (recipient !== undefined) m.recipient = recipient;
  return m;
}

const text = (m) => new TextDecoder().decode(signedBytes(m));

function vector(name, id, m, expected) {
  if (expected.text !== undefined) expect(`${name} signed bytes`, text(m), expected.text);
  if (expected.hex !== undefined) expect(`${name} signed bytes (hex)`, bytesToHex(signedBytes(m)), expected.hex);
  expect(`${name} message id`, messageId(m), expected.id);
  sign(m, id.privateKey);
  expect(`${name} signature`, m.signature, expected.signature);
  expect(`${name} verifies`, verify(m), null);
  return m;
}

// Vector 1.
const v1 = vector('vector 1', A, build(A, 'block:temperature', { blockId: BLOCK, temperature: 'hot' }, 1764000000000), {
  text: '{"nodeId":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","payload":{"data":{"blockId":"d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62","temperature":"hot"},"sender":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","timestamp":1764000000000,"type":"block:temperature"},"purpose":"brightchain-net/event/v1","timestamp":1764000000000}',
  id: 'fc5ecfdb52872cbed6e10d038667af92f5f664e3a8f5b5d3adbffe9fee5b5e5a',
  signature: '34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c',
});
const frame1 = '{"payload":{"type":"block:temperature","data":{"blockId":"d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62","temperature":"hot"},"timestamp":1764000000000,"sender":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554"},"timestamp":1764000000000,"nodeId":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","publicKey":"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798","signature":"34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c"}';
expect('vector 1 frame is what we send', JSON.stringify(v1), frame1);
expect('vector 1 frame verifies', verify(JSON.parse(frame1)), null);
expect('vector 1 DER form verifies', verify({ ...JSON.parse(frame1), signature: '3044022034ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e0220737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c' }), null);
expect('vector 1 high-S form refused', verify({ ...JSON.parse(frame1), signature: '34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e8c8282f0e26b38f49e38843f29411116773908bc8d379a23bd56c7ea7b661b05' }), 'bad signature');
{
  const m = JSON.parse(frame1);
  m.timestamp = 1764000000001;
  m.payload.timestamp = 1764000000001;
  expect('vector 1 with another timestamp refused', verify(m), 'bad signature');
  expect('vector 1 with B\'s key refused', verify({ ...JSON.parse(frame1), publicKey: bytesToHex(B.publicKey) }), 'key mismatch');
  const s = JSON.parse(frame1);
  s.payload.sender = B.nodeId;
  expect('vector 1 with B as sender refused', verify(s), 'sender mismatch');
}

// Section 5.4: hop-by-hop fields beside the signed message leave the signature valid.
{
  const hop = '{"payload":{"type":"block:temperature","data":{"blockId":"d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62","temperature":"hot"},"timestamp":1764000000000,"sender":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554"},"timestamp":1764000000000,"nodeId":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","publicKey":"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798","signature":"34ce885bd9cf9ce6810de30be731144eebafc90bf63aa2968869dece40387d7e737d7d0f1d94c70b61c77bc0d6beeee84375d42a22110618027b96a254d0263c","seq":1234,"requestId":"r-17"}';
  expect('vector 1 with hop fields verifies', verify(JSON.parse(hop)), null);
  expect('vector 1 with hop fields has the same message id', messageId(JSON.parse(hop)), 'fc5ecfdb52872cbed6e10d038667af92f5f664e3a8f5b5d3adbffe9fee5b5e5a');
  expect('requestId and replyTo together refused', verify({ ...JSON.parse(hop), replyTo: 'r-1' }), 'malformed: both requestId and replyTo');
}

// Vector 2.
vector('vector 2', B, build(B, 'block:temperature', { blockId: BLOCK, temperature: 'hot' }, 1764000000000), {
  text: '{"nodeId":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6","payload":{"data":{"blockId":"d0be39a772156d87e4292da8b82bf9fbc01a1ca1f00197027461da3d7e1809b7f542282ea61c45ea4ff42c1c32ed080fecd583d3bcbc7f148c5c5df0dc38db62","temperature":"hot"},"sender":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6","timestamp":1764000000000,"type":"block:temperature"},"purpose":"brightchain-net/event/v1","timestamp":1764000000000}',
  id: 'cebf94ed1352b3350ce2b30a287a21588c317420d6920632a91c2d89c1f0504c',
  signature: '3ae6a2565ee4c48c1d4a27c270da49aa87207ff888dafe8cfc1d772db8c977f427b2f1ce5799748d6803c2dc1b2edacd66af1540fac94c5dd96453c1d0503244',
});

// Vector 3.
const v3 = vector('vector 3', B, build(B, 'system:pong', { nonce: 9007199254740991 }, 1764000000001, A.nodeId), {
  text: '{"nodeId":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6","payload":{"data":{"nonce":9007199254740991},"sender":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6","timestamp":1764000000001,"type":"system:pong"},"purpose":"brightchain-net/event/v1","recipient":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","timestamp":1764000000001}',
  id: '75530bd8fd9c8c83381b22f7d831dc274ebbee852a71f11e7c070d7010a8ffa7',
  signature: '7ba910d26af437cfd19d69ee11f0ad997716bc911003cb6609e6f932253f39473eca93197cc37275708b6416b1970fd4b7532dcd1fbbfa8bdc70d3831377fd06',
});
const frame3 = '{"payload":{"type":"system:pong","data":{"nonce":9007199254740991},"timestamp":1764000000001,"sender":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6"},"timestamp":1764000000001,"nodeId":"e728fdc28c68d053bc4963c6f18e56cb28b7b83364c4aa175d6bdfc00c6200d6","recipient":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","publicKey":"020905be2f120ebdeb9614dbd136c0037bd03ccbc7fd666abcd512d5160aed685e","signature":"7ba910d26af437cfd19d69ee11f0ad997716bc911003cb6609e6f932253f39473eca93197cc37275708b6416b1970fd4b7532dcd1fbbfa8bdc70d3831377fd06"}';
expect('vector 3 frame is what we send', JSON.stringify(v3), frame3);
expect('vector 3 frame verifies', verify(JSON.parse(frame3)), null);
{
  const m = JSON.parse(frame3);
  delete m.recipient;
  expect('vector 3 without recipient refused', verify(m), 'bad signature');
}

// Vector 4.
vector('vector 4', A, build(A, 'node:announce', {
  nodeId: A.nodeId, address: '', httpPort: 4242, wsPort: 4242,
  capabilities: ['routing', 'metadata', 'temperature'], version: '0.1.0', region: 'eu-west',
}, 1764000000002), {
  text: '{"nodeId":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","payload":{"data":{"address":"","capabilities":["routing","metadata","temperature"],"httpPort":4242,"nodeId":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","region":"eu-west","version":"0.1.0","wsPort":4242},"sender":"0f715baf5d4c2ed329785cef29e562f73488c8a2bb9dbc5700b361d54b9b0554","timestamp":1764000000002,"type":"node:announce"},"purpose":"brightchain-net/event/v1","timestamp":1764000000002}',
  id: '08a93d5f888f8e043f811e5fa66f7b82a5c6484aa62801f13bdb1160f1883b17',
  signature: '61195a412a48fe78f0fc410d4276b2f9909f8753bd7fccbd9397dd5401ca42d762e526f217776df641d042ef6cd057767c1d62c8192de944b5f1720ef8238351',
});

// Vector 5.
const reason = 'bye "now" \\ </x>\n\t\u0001 \u00e9 \u20ac \u{1F600} \u2028';
const v5 = build(B, 'node:leave', { nodeId: B.nodeId, reason }, 1764000000003);
const reasonHex = '627965205c226e6f775c22205c5c203c2f783e5c6e5c745c753030303120c3a920e282ac20f09f988020e280a8';
expect('vector 5 reason bytes', bytesToHex(signedBytes(v5)).includes(reasonHex), true);
vector('vector 5', B, v5, {
  hex: [
    '7b226e6f64654964223a22653732386664633238633638643035336263343936',
    '3363366631386535366362323862376238333336346334616131373564366264',
    '6663303063363230306436222c227061796c6f6164223a7b2264617461223a7b',
    '226e6f64654964223a2265373238666463323863363864303533626334393633',
    '6336663138653536636232386237623833333634633461613137356436626466',
    '63303063363230306436222c22726561736f6e223a22627965205c226e6f775c',
    '22205c5c203c2f783e5c6e5c745c753030303120c3a920e282ac20f09f988020',
    'e280a8227d2c2273656e646572223a2265373238666463323863363864303533',
    '6263343936336336663138653536636232386237623833333634633461613137',
    '35643662646663303063363230306436222c2274696d657374616d70223a3137',
    '36343030303030303030332c2274797065223a226e6f64653a6c65617665227d',
    '2c22707572706f7365223a22627269676874636861696e2d6e65742f6576656e',
    '742f7631222c2274696d657374616d70223a313736343030303030303030337d',
  ].join(''),
  id: 'de82458d2b27994d459200df23b5a1917f833438365ffb420cc7e284ae863a58',
  signature: '66327ac30349fdd0a2e1158b205f6681f25daaeb9597e9e09b3d416daabdbb263a270b606b81fc07f23f729929f3c895dda8d3d5c29b0c68885f246c0ad468ae',
});

// Section 7.1 and 9.1: system:auth is signed for the authentication purpose, everything else for
// the event purpose. Section 14 has no vector for it, so these are consistency checks only.
{
  const challenge = '3f1c0a9b5e7d2c4f8a6b1d0e9c3f5a7b2d4e6f8091a3b5c7d9e1f20314253647';
  const c = signedMessage(A, 'system:challenge', { challenge }, 1764000000004);
  expect('system:challenge is signed for the event purpose', text(c).includes('"purpose":"' + PURPOSE + '"'), true);
  expect('system:challenge verifies', verify(c), null);
  const proof = authProof(B, c, 1764000000005);
  expect('system:auth signed bytes', text(proof),
    '{"nodeId":"' + B.nodeId + '","payload":{"data":{"challenge":"' + challenge + '","peer":"' + A.nodeId + '"},"sender":"' + B.nodeId
    + '","timestamp":1764000000005,"type":"system:auth"},"purpose":"' + AUTH_PURPOSE + '","recipient":"' + A.nodeId + '","timestamp":1764000000005}');
  expect('system:auth verifies', verify(proof), null);
  expect('system:auth answers the challenge', checkProof(proof, { myId: A.nodeId, myChallenge: challenge, peerId: B.nodeId }), null);
  expect('system:auth does not verify as an event', signatureVerifiesFor(proof, PURPOSE), false);
  expect('system:auth for another challenge refused', checkProof(proof, { myId: A.nodeId, myChallenge: '00'.repeat(32), peerId: B.nodeId }) !== null, true);
  expect('system:auth for another node refused', checkProof(proof, { myId: B.nodeId, myChallenge: challenge, peerId: B.nodeId }) !== null, true);
  const wrongPurpose = sign(build(B, 'system:auth', proof.payload.data, 1764000000005, A.nodeId), B.privateKey, PURPOSE);
  expect('system:auth signed for the event purpose refused', verify(wrongPurpose), 'bad signature');
  // system:error: message and retryAfterMs default to "" and 0, and are signed at their default.
  const e1 = signedMessage(A, 'system:error', { code: 'not_authenticated' }, 1764000000006);
  const e2 = build(A, 'system:error', { code: 'not_authenticated', message: '', retryAfterMs: 0 }, 1764000000006);
  expect('system:error defaults are in the signed bytes', text(e1), text(e2));
  expect('system:error verifies', verify(e1), null);
}

// Unknown fields are not part of the signed bytes (sections 3 and 13).
{
  const m = JSON.parse(frame1);
  m.payload.data.extra = 1;
  m.extra = 'x';
  expect('unknown fields ignored', verify(m), null);
}

if (failures.length > 0) {
  console.error('test vectors: ' + failures.length + ' of ' + checks + ' checks failed');
  for (const f of failures) console.error('  ' + f);
  process.exit(1);
}
console.log(JSON.stringify({ vectorsVerified: true, checks }));
