/**
 * `kill -9` in the middle of a boot storm. 500 phones boot at once (400 over HTTP, 100 over TFTP)
 * against an `edgeprov daemon` process; once 150 device configs have reached phones, the daemon is
 * SIGKILLed. After a restart on the same files: `PRAGMA integrity_check` is ok, every device config
 * a phone received is in the counter and has its `provisioned` event in the outbox (with the hash of
 * the very bytes the phone got), the daemon answers again within 1 s of being started, and the
 * phones that were cut off boot normally.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bootMany, phoneSpec, SIM_VENDORS, TFTP_VENDORS, type FetchRecord, type PhoneSpec } from '../sim/phones.js';
import { httpGet } from '../sim/transport.js';
import { edgeFixture, startDaemonProcess, type DaemonProcess } from '../helpers/edge.js';

const started: DaemonProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const d of started) d.p.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('kill -9 mid-storm (500 phones): integrity ok, nothing served goes unrecorded, answers within 1 s of restart', { timeout: 240_000 }, async () => {
  const httpSpecs: PhoneSpec[] = Array.from({ length: 400 }, (_, i) => phoneSpec(SIM_VENDORS[i % SIM_VENDORS.length]!, Math.floor(i / SIM_VENDORS.length), 15));
  const tftpSpecs: PhoneSpec[] = Array.from({ length: 100 }, (_, i) => phoneSpec(TFTP_VENDORS[i % TFTP_VENDORS.length]!, Math.floor(i / TFTP_VENDORS.length), 16));
  const f = await edgeFixture({ specs: [...httpSpecs, ...tftpSpecs], lines: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-crash-'));
  dirs.push(dir);
  try {
    const d1 = await startDaemonProcess(f.dbPath, dir);
    started.push(d1);
    const delivered: Array<{ mac: string; hash: string; protocol: string }> = [];
    let killed = false;
    const exited = d1.p.waitExit(60_000);
    const onFile = (spec: PhoneSpec, rec: FetchRecord) => {
      if (rec.role !== 'device' || rec.status !== 200 || !rec.body) return;
      delivered.push({ mac: spec.mac, hash: createHash('sha256').update(rec.body).digest('hex'), protocol: rec.protocol });
      if (!killed && delivered.length >= 150) {
        killed = true;
        d1.p.child.kill('SIGKILL');
      }
    };
    const [httpRun, tftpRun] = await Promise.all([
      bootMany(httpSpecs, { protocol: 'http', http: d1.http, onFile, uploads: false, verify: false, timeoutMs: 5000 }, 48),
      bootMany(tftpSpecs, { protocol: 'tftp', tftp: d1.tftp, onFile, verify: false, tftpOptions: { blksize: 1428, tsize: true, timeoutMs: 300, retries: 1 } }, 16),
    ]);
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.ok(killed, 'the storm reached 150 configs');
    const cut = [...httpRun, ...tftpRun].filter((r) => !r.ok);
    assert.ok(cut.length > 0, 'the kill cut phones off mid-boot');
    assert.ok(delivered.some((x) => x.protocol === 'tftp') && delivered.some((x) => x.protocol === 'http'));

    // Restart on the same database and measure until a phone is answered.
    const t0 = performance.now();
    const d2 = await startDaemonProcess(f.dbPath, dir, {}, 'daemon-restarted.json');
    started.push(d2);
    const phone = f.phones[0]!;
    const basic = `Basic ${Buffer.from(`${phone.prov.username}:${phone.prov.password}`).toString('base64')}`;
    const again = await httpGet(d2.http, `/secure/${phone.spec.mac}.boot`, { headers: { authorization: basic } });
    const answeredMs = performance.now() - t0;
    assert.equal(again.status, 200);
    assert.ok(answeredMs < 1000, `answered ${answeredMs.toFixed(0)} ms after the restart began`);

    const db = new Database(f.dbPath, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const count = db.prepare(`SELECT count FROM counters WHERE mac = ?`);
      const events = db.prepare(`SELECT data FROM outbox WHERE kind = 'provisioned'`).all() as Array<{ data: string }>;
      const byMacHash = new Set(events.map((e) => JSON.parse(e.data) as { mac: string; config_hash: string }).map((e) => `${e.mac}|${e.config_hash}`));
      for (const x of delivered) {
        const row = count.get(x.mac) as { count: number } | undefined;
        assert.ok(row && row.count >= 1, `${x.mac} got its config over ${x.protocol} but has no counted session`);
        assert.ok(byMacHash.has(`${x.mac}|${x.hash}`), `${x.mac} got its config over ${x.protocol} but the outbox has no provisioned event with that hash`);
      }
      assert.ok(events.length >= delivered.length, `${events.length} provisioned events for ${delivered.length} deliveries`);
    } finally {
      db.close();
    }

    // The phones that were cut off now boot normally (same IP, so sessions opened before the kill continue).
    const retry = await Promise.all([
      bootMany(cut.filter((r) => r.protocol === 'http').map((r) => r.spec), { protocol: 'http', http: d2.http, uploads: false }, 32),
      bootMany(cut.filter((r) => r.protocol === 'tftp').map((r) => r.spec), { protocol: 'tftp', tftp: d2.tftp }, 16),
    ]);
    const still = retry.flat().filter((r) => !r.ok);
    assert.deepEqual(still.map((r) => `${r.spec.vendor} ${r.spec.mac}: ${r.error}`), []);
  } finally {
    f.close();
  }
});
