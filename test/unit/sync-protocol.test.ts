/**
 * The pure parts of sync: planResume() (every rule a table row), frame validation with stable
 * codes, the anti-entropy digest, and the client's backoff and failpoint parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planResume, type ResumeInput } from '../../shared/sync/resume.js';
import { decodeFrame, encodeFrame, SYNC_ERR, SyncFrameError, SYNC_PROTO } from '../../shared/sync/protocol.js';
import { canonicalJson, projectionDigest, sameDigest } from '../../shared/sync/digest.js';
import { backoffDelay, createFailpoints, syncUrl } from '../../daemon/sync/client.js';

const base: ResumeInput = { hello: { proto: SYNC_PROTO, epoch: 'e1', cursor: 50 }, hubEpoch: 'e1', hubSeq: 100, floorSeq: 10, proto: SYNC_PROTO, forceResync: false };

test('planResume: delta or snapshot, with the reason, for every rule', () => {
  type Over = Partial<Omit<ResumeInput, 'hello'>> & { hello?: Partial<ResumeInput['hello']> };
  const rows: Array<[string, Over, string, string]> = [
    ['behind, same epoch', {}, 'delta', 'behind'],
    ['at the hub seq', { hello: { cursor: 100 } }, 'delta', 'in sync'],
    ['at the floor exactly', { hello: { cursor: 10 } }, 'delta', 'behind'],
    ['cursor 0 on an empty hub with the same epoch', { hello: { cursor: 0 }, hubSeq: 0, floorSeq: 0 }, 'delta', 'in sync'],
    ['no cursor (fresh edge)', { hello: { epoch: null, cursor: 0 } }, 'snapshot', 'no cursor'],
    ['epoch differs (hub restored)', { hello: { epoch: 'e0' } }, 'snapshot', 'epoch differs'],
    ['cursor below the floor', { hello: { cursor: 9 } }, 'snapshot', 'cursor below floor'],
    ['cursor above the hub seq', { hello: { cursor: 101 } }, 'snapshot', 'cursor above hub seq'],
    ['protocol changed', { hello: { proto: SYNC_PROTO + 1 } }, 'snapshot', 'protocol changed'],
    ['admin resync wins over everything', { forceResync: true, hello: { epoch: null } }, 'snapshot', 'admin resync'],
    ['admin resync on an in-sync edge', { forceResync: true, hello: { cursor: 100 } }, 'snapshot', 'admin resync'],
    ['protocol checked before epoch', { hello: { proto: 0, epoch: 'x' } }, 'snapshot', 'protocol changed'],
    ['epoch checked before floor', { hello: { epoch: 'x', cursor: 1 } }, 'snapshot', 'epoch differs'],
  ];
  for (const [what, over, mode, reason] of rows) {
    const input: ResumeInput = { ...base, ...over, hello: { ...base.hello, ...over.hello } };
    assert.deepEqual(planResume(input), { mode, reason }, what);
  }
});

test('frames: encode adds v:1; decode accepts what the peers send', () => {
  const hello = decodeFrame(encodeFrame({ t: 'hello', proto: 1, epoch: null, cursor: 0, outbox: { db_id: 'abc', first: 0, last: 0 }, version: '1.0' }));
  assert.equal(hello.t, 'hello');
  assert.equal((hello as { v: number }).v, 1);
  const batch = decodeFrame(encodeFrame({
    t: 'batch', epoch: 'e', prev: 1, cursor: 3, more: false,
    changes: [{ seq: 2, txid: 1, site_id: 1, entity: 'device', key: 'm', deleted: false, data: { a: 1 } }, { seq: 3, txid: 2, site_id: null, entity: 'template', key: '1', deleted: true, data: null }],
  }));
  assert.equal(batch.t, 'batch');
});

test('frames: malformed ones are refused with SYNC_ERR_BAD_FRAME and a message naming the field', () => {
  const bad: Array<[string, string | RegExp]> = [
    ['not json', 'frame is not JSON'],
    ['[]', 'frame is not a JSON object'],
    ['{"t":"hello","v":2}', 'frame version 2 is not 1'],
    ['{"t":"launch","v":1}', 'unknown frame type "launch"'],
    ['{"t":"ack","v":1,"epoch":"e","seq":-1}', 'ack.seq must be a non-negative integer'],
    ['{"t":"ack","v":1,"epoch":"e","seq":1.5}', 'ack.seq must be a non-negative integer'],
    ['{"t":"hello","v":1,"proto":1,"epoch":null,"cursor":0,"version":"x"}', 'hello.outbox must be {db_id, first, last}'],
    ['{"t":"batch","v":1,"epoch":"e","prev":5,"cursor":4,"more":false,"changes":[]}', 'batch.cursor is below batch.prev'],
    ['{"t":"batch","v":1,"epoch":"e","prev":0,"cursor":4,"more":false,"changes":[{"seq":5,"txid":1,"site_id":1,"entity":"device","key":"k","deleted":false,"data":{}}]}', /malformed change row/],
    ['{"t":"batch","v":1,"epoch":"e","prev":0,"cursor":4,"more":false,"changes":[{"seq":1,"txid":1,"site_id":1,"entity":"user","key":"k","deleted":false,"data":{}}]}', /malformed change row/],
    ['{"t":"batch","v":1,"epoch":"e","prev":0,"cursor":4,"more":false,"changes":[{"seq":1,"txid":1,"site_id":1,"entity":"device","key":"k","deleted":false,"data":null}]}', /data must be an object/],
    ['{"t":"events","v":1,"db_id":"d","items":[{"id":2,"kind":"k","at":"t"},{"id":2,"kind":"k","at":"t"}]}', /increasing id order/],
    ['{"t":"snap-page","v":1,"epoch":"e","until":3,"page":0}', 'snap-page.changes must be an array'],
  ];
  for (const [text, msg] of bad) {
    assert.throws(() => decodeFrame(text), (err: unknown) => {
      assert.ok(err instanceof SyncFrameError);
      assert.equal(err.code, SYNC_ERR.BAD_FRAME);
      if (typeof msg === 'string') assert.equal(err.message, msg);
      else assert.match(err.message, msg);
      return true;
    }, text);
  }
});

test('digest: order- and key-order-independent, sensitive to content, key and count', () => {
  const rows = [
    { entity: 'device', key: 'a', data: { x: 1, y: [1, { b: 2, a: 1 }] } },
    { entity: 'template', key: '1', data: { body: 'z' } },
  ];
  const d = projectionDigest(rows);
  assert.equal(d.count, 2);
  assert.ok(sameDigest(d, projectionDigest([rows[1]!, { entity: 'device', key: 'a', data: { y: [1, { a: 1, b: 2 }], x: 1 } }])));
  assert.ok(!sameDigest(d, projectionDigest([rows[0]!, { entity: 'template', key: '1', data: { body: 'Z' } }])));
  assert.ok(!sameDigest(d, projectionDigest([rows[0]!, { entity: 'template', key: '2', data: { body: 'z' } }])));
  assert.ok(!sameDigest(d, projectionDigest([rows[0]!])));
  assert.equal(canonicalJson({ b: 1, a: [null, 'x'], c: undefined }), '{"a":[null,"x"],"b":1}');
});

test('backoff: full jitter under min·2^attempt, capped at max', () => {
  assert.equal(backoffDelay(0, 1000, 60_000, () => 0), 0);
  assert.equal(backoffDelay(0, 1000, 60_000, () => 0.999), 999);
  assert.equal(backoffDelay(3, 1000, 60_000, () => 0.5), 4000);
  assert.equal(backoffDelay(10, 1000, 60_000, () => 0.5), 30_000);
  assert.equal(backoffDelay(1000, 1000, 60_000, () => 0.9999), 59_994);
});

test('sync URL and failpoint specs', () => {
  assert.equal(syncUrl('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080/sync/v1');
  assert.equal(syncUrl('https://hub.example.com/'), 'wss://hub.example.com/sync/v1');
  assert.equal(syncUrl('ws://h:1/custom'), 'ws://h:1/custom');
  assert.throws(() => syncUrl('ftp://h'), /not http/);
  assert.throws(() => createFailpoints('Apply now!'), /is not name\[@n\]/);
  const fp = createFailpoints('apply:before-commit@1000000');
  fp('apply:before-commit');
  fp('snapshot:mid');
});
