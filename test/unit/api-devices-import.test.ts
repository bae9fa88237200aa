/**
 * POST /devices/import: CSV files and pasted lists, every MAC notation, all-or-nothing with each
 * problem pinned to its line and column, preview, headers, duplicates, sites, lenient models and the
 * vendor column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testHub, makeSite, lastSeq, lastAuditId, changesSince, auditSince, type TestHub } from '../helpers/hub.js';

interface RowError {
  line: number;
  column: number;
  field: string;
  message: string;
}

interface ImportBody {
  applied: boolean;
  total: number;
  created: Array<{ line: number; mac: string; vendor: string | null; model: string | null; name: string; site_id: number }>;
  errors: RowError[];
  warnings: RowError[];
}

function deviceCount(h: TestHub): number {
  return (h.db.prepare(`SELECT count(*) AS n FROM devices`).get() as { n: number }).n;
}

function deviceRow(h: TestHub, mac: string): { mac: string; site_id: number; vendor: string | null; model: string | null; name: string } | undefined {
  return h.db.prepare(`SELECT mac, site_id, vendor, model, name FROM devices WHERE mac = ?`).get(mac) as
    | { mac: string; site_id: number; vendor: string | null; model: string | null; name: string }
    | undefined;
}

/** Posts an import and returns status and body, without asserting the status. */
async function importRaw(h: TestHub, body: Record<string, unknown>): Promise<{ status: number; body: ImportBody }> {
  const res = await h.request('POST', '/devices/import', { body, token: h.adminToken });
  return { status: res.status, body: (await res.json()) as ImportBody };
}

/** Snapshot of everything an import may write; `unchanged()` asserts nothing was written since. */
function snapshot(h: TestHub) {
  const devices = deviceCount(h);
  const seq = lastSeq(h.db);
  const audit = lastAuditId(h.db);
  return {
    unchanged() {
      assert.equal(deviceCount(h), devices, 'device count changed');
      assert.deepEqual(changesSince(h.db, seq), [], 'change_log rows were written');
      assert.deepEqual(auditSince(h.db, audit), [], 'audit rows were written');
    },
  };
}

/** The i-th test MAC (Yealink OUI) as 12 lower-case hex digits. */
function macN(i: number): string {
  return `001565${i.toString(16).padStart(6, '0')}`;
}

/** `mac` written in notation `n` (0: colon upper, 1: dash, 2: bare, 3: Cisco dotted). */
function notation(mac: string, n: number): string {
  const pairs = mac.match(/../g)!;
  switch (n % 4) {
    case 0:
      return pairs.join(':').toUpperCase();
    case 1:
      return pairs.join('-');
    case 2:
      return mac;
    default:
      return mac.match(/..../g)!.join('.');
  }
}

const pick = (errors: RowError[]) => errors.map(({ line, column, field }) => ({ line, column, field }));

test('import: 1,000 MACs in mixed notations with 3 bad lines → 400, nothing applied, each bad line named with line and column', async () => {
  const h = await testHub();
  try {
    const main = await makeSite(h, { name: 'Main' });
    const branch = await makeSite(h, { name: 'Branch' });
    // Line 1 is a comment and line 2 blank, so line numbers are not just row indexes.
    const lines = ['# inventory, exported from the spreadsheet', ''];
    const bad: Array<{ line: number; column: number; field: string }> = [];
    for (let i = 0; i < 1000; i++) {
      let mac = notation(macN(i + 1), i);
      let name = `Phone ${i}`;
      let site = i % 3 === 0 ? 'Main' : i % 3 === 1 ? 'branch' : String(branch);
      if (i === 136) {
        mac = '00:15:65:ZZ:00:89';
        bad.push({ line: lines.length + 1, column: 1, field: 'mac' });
      } else if (i === 501) {
        site = 'Atlantis';
        bad.push({ line: lines.length + 1, column: 4, field: 'site' });
      } else if (i === 874) {
        name = 'x'.repeat(101);
        bad.push({ line: lines.length + 1, column: 3, field: 'name' });
      }
      lines.push(`${mac},${i % 2 ? 'SIP-T46S' : 'T31P'},${name},${site}`);
      if (i === 400) lines.push('');
    }
    assert.equal(bad.length, 3);
    const snap = snapshot(h);
    const started = performance.now();
    const { status, body } = await importRaw(h, { text: lines.join('\n') });
    const ms = performance.now() - started;
    assert.equal(status, 400);
    assert.equal(body.applied, false);
    assert.equal(body.total, 1000);
    assert.deepEqual(pick(body.errors), bad);
    assert.match(body.errors[0]!.message, /00:15:65:ZZ:00:89/);
    assert.match(body.errors[1]!.message, /Atlantis/);
    assert.equal(body.created.length, 997, 'the other rows are valid and listed');
    snap.unchanged();
    assert.ok(ms < 5000, `1,000-row import took ${ms} ms`);
    void main;
  } finally {
    h.close();
  }
});

test('import: 1,000 MACs in every notation apply in one request, canonical and all-or-nothing', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h, { name: 'Main' });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const text = Array.from({ length: 1000 }, (_, i) => `${notation(macN(i + 1), i)},yealink t46s,Desk ${i}`).join('\r\n');
    const body = await h.json<ImportBody>('POST', '/devices/import', { body: { text } });
    assert.equal(body.applied, true);
    assert.equal(body.created.length, 1000);
    assert.deepEqual(body.errors, []);
    assert.equal(deviceCount(h), 1000);
    for (const i of [0, 1, 2, 3, 998, 999]) {
      assert.deepEqual(deviceRow(h, macN(i + 1)), { mac: macN(i + 1), site_id: site, vendor: 'yealink', model: 'T46S', name: `Desk ${i}` });
    }
    const changes = changesSince(h.db, seq);
    assert.equal(changes.length, 1000);
    assert.ok(changes.every((c) => c.entity === 'device' && c.site_id === site && c.deleted === 0 && c.data.mac === c.key));
    assert.equal(new Set(changes.map((c) => c.txid)).size, 1, 'one transaction');
    const audits = auditSince(h.db, audit);
    assert.equal(audits.filter((a) => a.action === 'device.create').length, 1000);
    assert.deepEqual(audits.filter((a) => a.action === 'device.import').map((a) => a.after), [{ count: 1000 }]);
  } finally {
    h.close();
  }
});

test('import: every accepted notation canonicalises and other shapes are refused at column 1', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const good = ['00:15:65:AA:BB:01', '00-15-65-aa-bb-02', '001565AABB03', '0015.65aa.bb04'];
    const { body: ok } = await importRaw(h, { text: good.join('\n'), preview: true });
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.created.map((c) => c.mac), ['001565aabb01', '001565aabb02', '001565aabb03', '001565aabb04']);
    const badMacs = ['00:15:65:aa:bb', '00:15:65:aa:bb:cc:dd', '00:15-65:aa:bb:cc', '0015-65aa-bbcc', '001565aabbcg', '0015.65aabb.cc', '00155aabbcc'];
    const snap = snapshot(h);
    const { status, body } = await importRaw(h, { text: ['001565aabb10', ...badMacs].join('\n') });
    assert.equal(status, 400);
    assert.deepEqual(pick(body.errors), badMacs.map((_, i) => ({ line: i + 2, column: 1, field: 'mac' })));
    snap.unchanged();
  } finally {
    h.close();
  }
});

test('import: preview applies nothing and reports what would happen', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    const snap = snapshot(h);
    const text = '00:15:65:aa:bb:01,T46S,Front\n00-04-f2-00-00-01,VVX_411,Back';
    const { status, body } = await importRaw(h, { text, preview: true });
    assert.equal(status, 200);
    assert.equal(body.applied, false);
    assert.deepEqual(body.created, [
      { line: 1, mac: '001565aabb01', vendor: 'yealink', model: 'T46S', name: 'Front', site_id: site },
      { line: 2, mac: '0004f2000001', vendor: 'poly', model: 'VVX 411', name: 'Back', site_id: site },
    ]);
    snap.unchanged();
    // A preview with errors is a 400 and applies nothing either.
    const withError = await importRaw(h, { text: `${text}\nnot-a-mac`, preview: true });
    assert.equal(withError.status, 400);
    assert.deepEqual(pick(withError.body.errors), [{ line: 3, column: 1, field: 'mac' }]);
    snap.unchanged();
    // The same text applied for real.
    const applied = await h.json<ImportBody>('POST', '/devices/import', { body: { text } });
    assert.equal(applied.applied, true);
    assert.equal(deviceCount(h), 2);
  } finally {
    h.close();
  }
});

test('import: a header row maps columns in any order and extra columns are ignored', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'Alpha' });
    const b = await makeSite(h, { name: 'Beta' });
    const header = 'Site,Name,Owner,MAC,Model';
    const rows = ['Beta,Lobby,Ann,00:15:65:00:00:01,SIP-T46S', `${a},Kitchen,Bob,001565000002,`, 'alpha,Store,Cid,not-a-mac,T31P', 'Gamma,Hall,Dee,001565000004,T31P'];
    const snap = snapshot(h);
    const { status, body } = await importRaw(h, { csv: [header, ...rows].join('\n') });
    assert.equal(status, 400);
    // The MAC is the 4th column and the site the 1st: errors say so; the header line counts as line 1.
    assert.deepEqual(pick(body.errors), [
      { line: 4, column: 4, field: 'mac' },
      { line: 5, column: 1, field: 'site' },
    ]);
    assert.equal(body.total, 4, 'the header is not a row');
    snap.unchanged();

    const fixed = await h.json<ImportBody>('POST', '/devices/import', { body: { csv: [header, rows[0], rows[1]].join('\n') } });
    assert.equal(fixed.applied, true);
    assert.deepEqual(deviceRow(h, '001565000001'), { mac: '001565000001', site_id: b, vendor: 'yealink', model: 'T46S', name: 'Lobby' });
    assert.deepEqual(deviceRow(h, '001565000002'), { mac: '001565000002', site_id: a, vendor: 'yealink', model: null, name: 'Kitchen' });
  } finally {
    h.close();
  }
});

test('import: a header with only the mac column; missing optional columns stay empty', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    const body = await h.json<ImportBody>('POST', '/devices/import', { body: { csv: 'MAC\n001565000001\n001565000002\n' } });
    assert.equal(body.applied, true);
    assert.deepEqual(body.created.map((c) => [c.line, c.mac, c.model, c.name, c.site_id]), [
      [2, '001565000001', null, '', site],
      [3, '001565000002', null, '', site],
    ]);
  } finally {
    h.close();
  }
});

test('import: duplicates inside the file name the earlier line; duplicates against the DB are refused', async () => {
  const h = await testHub();
  try {
    await makeSite(h, { name: 'HQ' });
    await h.json('POST', '/devices/import', { body: { text: '001565aaaaaa,T46S,Existing' } });
    const snap = snapshot(h);
    const text = ['00:15:65:00:00:01,T46S,One', '001565000002', '0015.6500.0001,T31P,Again', '00-15-65-AA-AA-AA,T46S,Clash'].join('\n');
    const { status, body } = await importRaw(h, { text });
    assert.equal(status, 400);
    assert.deepEqual(pick(body.errors), [
      { line: 3, column: 1, field: 'mac' },
      { line: 4, column: 1, field: 'mac' },
    ]);
    assert.match(body.errors[0]!.message, /duplicate of line 1\b/);
    assert.match(body.errors[1]!.message, /already exists/);
    assert.match(body.errors[1]!.message, /HQ/);
    snap.unchanged();
    assert.equal(deviceRow(h, '001565aaaaaa')?.name, 'Existing');
  } finally {
    h.close();
  }
});

test('import: site by name (any case) or id; unknown site; no site when several exist; site_id default', async () => {
  const h = await testHub();
  try {
    const solo = await makeSite(h, { name: 'Solo' });
    // With exactly one site, rows without a site land there.
    const one = await h.json<ImportBody>('POST', '/devices/import', { body: { text: '001565000001', preview: true } });
    assert.equal(one.created[0]?.site_id, solo);

    const other = await makeSite(h, { name: 'Other Office' });
    const snap = snapshot(h);
    const text = ['001565000001,,,solo', `001565000002,,,${other}`, '001565000003,,,OTHER OFFICE', '001565000004,,,Nowhere', '001565000005,,,999', '001565000006,T46S,No site'].join('\n');
    const { status, body } = await importRaw(h, { text });
    assert.equal(status, 400);
    assert.deepEqual(pick(body.errors), [
      { line: 4, column: 4, field: 'site' },
      { line: 5, column: 4, field: 'site' },
      { line: 6, column: 4, field: 'site' },
    ]);
    assert.match(body.errors[0]!.message, /Nowhere/);
    assert.match(body.errors[2]!.message, /no site given/);
    assert.deepEqual(body.created.map((c) => c.site_id), [solo, other, other]);
    snap.unchanged();

    // site_id in the request is the default; a site column still wins.
    const withDefault = await h.json<ImportBody>('POST', '/devices/import', { body: { text: '001565000006,T46S,Default\n001565000007,,,Solo', site_id: other } });
    assert.deepEqual(withDefault.created.map((c) => c.site_id), [other, solo]);

    // An unknown site_id is an error of the request (line 0), nothing applied.
    const snap2 = snapshot(h);
    const unknown = await importRaw(h, { text: '001565000008', site_id: 4242 });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors.map((e) => [e.line, e.column, e.field]), [[0, 0, 'site_id']]);
    snap2.unchanged();
  } finally {
    h.close();
  }
});

test('import: a site whose name is a number is matched by name before id (export round-trip)', async () => {
  const h = await testHub();
  try {
    const first = await makeSite(h, { name: 'First' });
    // The second site's name is the first site's id.
    const named = await makeSite(h, { name: String(first) });
    assert.notEqual(named, first);
    const body = await h.json<ImportBody>('POST', '/devices/import', { body: { text: `001565000001,,,${first}` } });
    assert.equal(body.created[0]?.site_id, named);
    // An id that names no site by name still works as an id.
    const byId = await h.json<ImportBody>('POST', '/devices/import', { body: { text: `001565000002,,,${named}` } });
    assert.equal(byId.created[0]?.site_id, named);
  } finally {
    h.close();
  }
});

test('import: models are matched leniently; unknown models are kept with a warning', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    const text = [
      '001565000001,SIP-T46S',
      '001565000002,Yealink T46S',
      '001565000003,yealink sip-t46s',
      '001565000004,t31p',
      '0004f2000001,VVX_411',
      '0004f2000002,Polycom VVX-411',
      '0004f2000003,vvx 411',
      '001565000005,T99Z',
      'aabbcc000001,Mystery 3000',
      '001565000006,',
    ].join('\n');
    const body = await h.json<ImportBody>('POST', '/devices/import', { body: { text } });
    assert.equal(body.applied, true, 'warnings do not stop an import');
    assert.deepEqual(body.created.map((c) => [c.mac, c.vendor, c.model]), [
      ['001565000001', 'yealink', 'T46S'],
      ['001565000002', 'yealink', 'T46S'],
      ['001565000003', 'yealink', 'T46S'],
      ['001565000004', 'yealink', 'T31P'],
      ['0004f2000001', 'poly', 'VVX 411'],
      ['0004f2000002', 'poly', 'VVX 411'],
      ['0004f2000003', 'poly', 'VVX 411'],
      ['001565000005', 'yealink', 'T99Z'],
      ['aabbcc000001', null, 'Mystery 3000'],
      ['001565000006', 'yealink', null],
    ]);
    assert.deepEqual(pick(body.warnings), [
      { line: 8, column: 2, field: 'model' },
      { line: 9, column: 2, field: 'model' },
    ]);
    assert.match(body.warnings[0]!.message, /T99Z/);
    assert.deepEqual(deviceRow(h, '001565000005'), { mac: '001565000005', site_id: site, vendor: 'yealink', model: 'T99Z', name: '' });
    assert.deepEqual(deviceRow(h, '0004f2000002'), { mac: '0004f2000002', site_id: site, vendor: 'poly', model: 'VVX 411', name: '' });
  } finally {
    h.close();
  }
});

test('import: the vendor column names the family an OUI cannot (cisco-sep on Cisco hardware), by header or as the 5th column', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h, { name: 'HQ' });
    const csv = ['MAC,Vendor,Model', '00:56:2b:00:00:01,cisco-sep,CP-7965G', '00562b000002,,CP-8851-3PCC', '00562b000003,Cisco,8851', '001565000001,,T46S'].join('\n');
    const body = await h.json<ImportBody>('POST', '/devices/import', { body: { csv } });
    assert.equal(body.applied, true);
    assert.deepEqual(body.created.map((c) => [c.mac, c.vendor, c.model]), [
      ['00562b000001', 'cisco-sep', 'CP-7965G'],
      ['00562b000002', 'cisco', '8851'],
      ['00562b000003', 'cisco', '8851'],
      ['001565000001', 'yealink', 'T46S'],
    ]);
    assert.deepEqual(body.warnings, [], 'a profile without a model table keeps the model without a warning');
    assert.deepEqual(deviceRow(h, '00562b000001'), { mac: '00562b000001', site_id: site, vendor: 'cisco-sep', model: 'CP-7965G', name: '' });

    // Without a header the vendor is the 5th column, after the site (the export's order).
    const pasted = await h.json<ImportBody>('POST', '/devices/import', { body: { text: '00562b000004,CP-7975G,Lobby,HQ,cisco-sep\n00562b000005,,,,' } });
    assert.deepEqual(pasted.created.map((c) => [c.mac, c.vendor, c.model, c.name]), [
      ['00562b000004', 'cisco-sep', 'CP-7975G', 'Lobby'],
      ['00562b000005', 'cisco', null, ''],
    ]);

    // A vendor that the OUI contradicts is kept as the admin said, with a warning at the vendor column.
    const odd = await h.json<ImportBody>('POST', '/devices/import', { body: { text: '001565000002,T46S,,,poly' } });
    assert.deepEqual(odd.created.map((c) => [c.mac, c.vendor]), [['001565000002', 'poly']]);
    assert.deepEqual(pick(odd.warnings), [{ line: 1, column: 5, field: 'vendor' }, { line: 1, column: 2, field: 'model' }]);
    assert.match(odd.warnings[0]!.message, /belongs to Yealink/);
  } finally {
    h.close();
  }
});

test('import: a vendor that is not a profile id names its line and column, and nothing is applied', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const snap = snapshot(h);
    const csv = ['mac,model,name,vendor', '00562b000001,CP-7965G,A,cisco-sep', '00562b000002,CP-7965G,B,cisco sep', '00562b000003,,C,', '00562b000004,,D,Acme'].join('\n');
    const { status, body } = await importRaw(h, { csv });
    assert.equal(status, 400);
    assert.equal(body.applied, false);
    assert.deepEqual(pick(body.errors), [
      { line: 3, column: 4, field: 'vendor' },
      { line: 5, column: 4, field: 'vendor' },
    ]);
    assert.match(body.errors[0]!.message, /"cisco sep" is not a vendor profile id \(yealink, .*cisco-sep/);
    snap.unchanged();
    // Preview says the same and writes nothing either.
    const preview = await importRaw(h, { text: '00562b000001,,,,nope', preview: true });
    assert.equal(preview.status, 400);
    assert.deepEqual(pick(preview.body.errors), [{ line: 1, column: 5, field: 'vendor' }]);
    snap.unchanged();
  } finally {
    h.close();
  }
});

test('import: pasted text with tab or semicolon separators, comments and blank lines', async () => {
  const h = await testHub();
  try {
    await makeSite(h, { name: 'Main' });
    const tabs = '# pasted from the spreadsheet\n\n00:15:65:00:00:01\tT46S\tReception, front\tMain\n  \n# a note, with a comma\n001565000002\tT31P\tBack\n';
    const t = await h.json<ImportBody>('POST', '/devices/import', { body: { text: tabs, preview: true } });
    assert.deepEqual(t.errors, []);
    assert.deepEqual(t.created.map((c) => [c.line, c.mac, c.model, c.name]), [
      [3, '001565000001', 'T46S', 'Reception, front'],
      [6, '001565000002', 'T31P', 'Back'],
    ]);
    const semis = '\n# semicolons\n0015.6500.0003;SIP-T46S;Desk 3\n0015.6500.0004;;Desk 4\n';
    const s = await h.json<ImportBody>('POST', '/devices/import', { body: { text: semis } });
    assert.equal(s.applied, true);
    assert.deepEqual(s.created.map((c) => [c.line, c.mac, c.model, c.name]), [
      [3, '001565000003', 'T46S', 'Desk 3'],
      [4, '001565000004', null, 'Desk 4'],
    ]);
    // A plain list of MACs, one per line.
    const list = await h.json<ImportBody>('POST', '/devices/import', { body: { text: '001565000005\n00-15-65-00-00-06\n' } });
    assert.deepEqual(list.created.map((c) => c.mac), ['001565000005', '001565000006']);
    // A bad line in a tab-separated paste names its line and column.
    const { status, body } = await importRaw(h, { text: '# x\n001565000007\tT46S\tA\tMain\n001565000008\tT46S\tB\tMars\n' });
    assert.equal(status, 400);
    assert.deepEqual(pick(body.errors), [{ line: 3, column: 4, field: 'site' }]);
  } finally {
    h.close();
  }
});

test('import: CSV quoting errors report a line; quoted fields may hold separators', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const snap = snapshot(h);
    const opening = await importRaw(h, { csv: '001565000001,T46S,ok\n001565000002,T46S,bad "quote\n' });
    assert.equal(opening.status, 400);
    assert.deepEqual(pick(opening.body.errors), [{ line: 2, column: 3, field: 'csv' }]);
    const closing = await importRaw(h, { csv: 'mac,name\n001565000001,ok\n"001565000002"x,bad\n' });
    assert.equal(closing.status, 400);
    assert.deepEqual(pick(closing.body.errors), [{ line: 3, column: 1, field: 'csv' }]);
    const unclosed = await importRaw(h, { csv: '001565000001,T46S,ok\n001565000002,T46S,"never closed\n001565000003\n' });
    assert.equal(unclosed.status, 400);
    assert.equal(unclosed.body.errors.length, 1);
    assert.equal(unclosed.body.errors[0]!.field, 'csv');
    assert.ok(unclosed.body.errors[0]!.line >= 2, 'names a line at or after the opening quote');
    snap.unchanged();

    const quoted = await h.json<ImportBody>('POST', '/devices/import', { body: { csv: '001565000001,T46S,"Smith, ""Reception"""\n' } });
    assert.equal(quoted.created[0]?.name, 'Smith, "Reception"');
  } finally {
    h.close();
  }
});

test('import: an empty file, a comments-only file and a request with both or neither text/csv are refused', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const snap = snapshot(h);
    for (const text of ['', '\n\n', '# nothing\n# here\n']) {
      const { status, body } = await importRaw(h, { text });
      assert.equal(status, 400, JSON.stringify(text));
      assert.equal(body.errors.length, 1);
      assert.match(body.errors[0]!.message, /nothing to import/);
    }
    for (const req of [{}, { text: '001565000001', csv: '001565000001' }, { text: '001565000001', bogus: 1 }]) {
      const res = await h.request('POST', '/devices/import', { body: req, token: h.adminToken });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    }
    snap.unchanged();
  } finally {
    h.close();
  }
});

test('import: only admins may import', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const anon = await h.request('POST', '/devices/import', { body: { text: '001565000001' } });
    assert.equal(anon.status, 401);
    assert.equal(((await anon.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    await h.json('POST', '/users', { body: { extension: '700', display_name: 'Eve', username: 'eve', password: 'eve-password-1' } });
    const eve = await h.login('eve', 'eve-password-1');
    const res = await h.request('POST', '/devices/import', { body: { text: '001565000001' }, token: eve });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    assert.equal(deviceCount(h), 0);
  } finally {
    h.close();
  }
});
