/**
 * `npm run bench -- import [--reps R]`: issue 8's import/export goal through the hub's API.
 *
 * Per repetition, a fresh `edgeprov hub` PROCESS (127.0.0.1, port 0, a new SQLite file, log level
 * info as in production) with one admin (`edgeprov admin add`) and one site; the client (this
 * process) signs in over HTTP, then times, each as one request from sending to the last byte:
 *   1. import: POST /devices/import of 10,000 pasted `mac,model` lines (new MACs, one site);
 *   2. export: POST /devices/actions/export with the `all` filter, a 10,000-row CSV (checked to
 *      hold 10,001 lines).
 * The hub's own peak RSS (VmHWM) is recorded too. There is no outside tool that imports into our
 * inventory, so no anchor: the goal is < 2 s each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CliProcess, cliEnv, logLine, runCli } from '../helpers/cli-process.js';
import { MB, procMemory } from './memory-sampler.js';
import { printTable, summarise, writeResult, type Row } from './harness.js';

export interface ImportBenchOptions {
  reps: number;
}

const DEVICES = 10_000;
const PASSWORD = 'bench-admin-password';
/** Models the hub identifies by name (import lines carry one), cycled over the rows. */
const MODELS = ['T54W', 'VVX 450', 'GRP2614', 'CP-8851-3PCC', 'D785', 'X5U'];

/** 10,000 distinct MACs, locally administered (02…) so they never look like a real vendor's. */
export function importText(rep: number, n = DEVICES): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`02${rep.toString(16).padStart(2, '0')}${i.toString(16).padStart(8, '0')},${MODELS[i % MODELS.length]}`);
  return lines.join('\n');
}

interface RepResult {
  importMs: number;
  exportMs: number;
  exportRows: number;
  exportBytes: number;
  hubPeakRss: number;
}

async function oneRep(rep: number): Promise<RepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-bench-import-'));
  const cfg = join(dir, 'hub.json');
  writeFileSync(cfg, JSON.stringify({ host: '127.0.0.1', port: 0, db_path: join(dir, 'hub.db'), log_level: 'info' }));
  let hub: CliProcess | undefined;
  try {
    const added = await runCli(['admin', 'add', 'bench', '--config', cfg], { env: cliEnv({ EDGEPROV_ADMIN_PASSWORD: PASSWORD }) });
    if (added.code !== 0) throw new Error(`edgeprov admin add failed: ${added.stderr}`);
    hub = new CliProcess(['hub', '--config', cfg], { env: cliEnv() });
    const line = await hub.waitForLine((l) => logLine(l).msg === 'listening', 'the hub "listening" line');
    const base = `http://127.0.0.1:${logLine(line).port as number}/api/v1`;
    const call = async (method: string, path: string, body: unknown, token?: string): Promise<Response> =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const login = await call('POST', '/auth/login', { username: 'bench', password: PASSWORD });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { token: string }).token;
    const site = await call('POST', '/sites', { name: 'bench', fqdn: 'pbx.example.com', edge_lan_ip: '10.0.0.2' }, token);
    if (site.status !== 201) throw new Error(`site: ${site.status} ${await site.text()}`);
    const siteId = ((await site.json()) as { id: number }).id;

    const text = importText(rep);
    const t0 = performance.now();
    const imp = await call('POST', '/devices/import', { text, site_id: siteId }, token);
    const impBody = (await imp.json()) as { applied: boolean; created: unknown[]; errors: unknown[] };
    const importMs = performance.now() - t0;
    if (imp.status !== 200 || !impBody.applied || impBody.created.length !== DEVICES) {
      throw new Error(`import: ${imp.status}, applied ${impBody.applied}, created ${impBody.created?.length}, errors ${JSON.stringify(impBody.errors?.slice(0, 3))}`);
    }

    const t1 = performance.now();
    const exp = await call('POST', '/devices/actions/export', { filter: { filter: 'all' } }, token);
    const csv = await exp.text();
    const exportMs = performance.now() - t1;
    const exportRows = csv.split('\n').filter((l) => l !== '').length - 1;
    if (exp.status !== 200 || exportRows !== DEVICES) throw new Error(`export: ${exp.status}, ${exportRows} rows`);
    const mem = procMemory(hub.pid);
    return { importMs, exportMs, exportRows, exportBytes: Buffer.byteLength(csv), hubPeakRss: mem?.hwm ?? NaN };
  } finally {
    if (hub?.running) await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchImport(root: string, opts: ImportBenchOptions): Promise<void> {
  const reps: RepResult[] = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    const r = await oneRep(rep);
    reps.push(r);
    process.stdout.write(`  rep ${rep + 1}/${opts.reps}: import ${Math.round(r.importMs)} ms, export ${Math.round(r.exportMs)} ms (${r.exportRows} rows, ${Math.round(r.exportBytes / 1024)} KiB), hub peak RSS ${Math.round(r.hubPeakRss / MB)} MB\n`);
  }
  const rows: Row[] = [
    { what: `import of ${DEVICES.toLocaleString('en-US')} MACs (POST /devices/import)`, unit: 'ms', ours: summarise(reps.map((r) => r.importMs)), higherIsBetter: false, goal: '< 2,000 ms' },
    { what: `export of ${DEVICES.toLocaleString('en-US')} rows as CSV (POST /devices/actions/export)`, unit: 'ms', ours: summarise(reps.map((r) => r.exportMs)), higherIsBetter: false, goal: '< 2,000 ms' },
    { what: 'hub peak RSS (VmHWM) over the import and export', unit: 'MB', ours: summarise(reps.map((r) => r.hubPeakRss / MB)), higherIsBetter: false },
  ];
  printTable(`import: a hub process, ${DEVICES.toLocaleString('en-US')} devices, ${opts.reps} reps (median, min–max); no outside tool does this, so no anchor`, rows);
  const file = writeResult(root, 'import', { devices: DEVICES, reps: opts.reps, rows, runs: reps });
  process.stdout.write(`  written: ${file}\n`);
}
