/**
 * The package as an operator installs it (docs/operations.md): `npm pack` of a copy of the sources
 * (its `prepare` builds dist/ there, not in this tree, which other suites are running from), the
 * file list complete and free of tests, `npm install -g --prefix DIR` of the tarball — which builds
 * better-sqlite3 for this Node, hence slow — and then the installed `edgeprov`, run from an empty
 * directory: `--help`, `render` of a shipped sample, and the hub serving /healthz and the console's
 * assets until SIGTERM (exit 0). One test: the install is the expensive part.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { httpGet } from '../sim/transport.js';
import { cliEnv, logLine } from '../helpers/cli-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'daemon', 'hub', 'shared', 'templates', 'systemd', 'docs'];

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(REPO, join(e.parentPath, e.name)));
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack → npm install -g --prefix: the installed edgeprov works from an empty directory', { timeout: 900_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'edgeprov-pack-'));
  dirs.push(tmp);
  const src = join(tmp, 'src');
  mkdirSync(src);
  for (const s of SOURCES) cpSync(join(REPO, s), join(src, s), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));

  let phase = performance.now();
  const took = (what: string): void => {
    t.diagnostic(`${what}: ${((performance.now() - phase) / 1000).toFixed(1)} s`);
    phase = performance.now();
  };
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], src)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = new Set(packed[0]!.files.map((f) => f.path));
  took(`npm pack (prepare builds dist/) → ${packed[0]!.filename}, ${files.size} files`);
  for (const need of [...filesUnder('templates'), ...filesUnder('hub/console/assets'), 'dist/hub/cli.js', 'dist/daemon/main.js', 'docs/operations.md', 'systemd/edgeprov-hub.service', 'systemd/edgeprov-daemon.service']) {
    assert.ok(files.has(need), `${need} is in the package`);
  }
  const stray = [...files].filter((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.includes('node_modules/'));
  assert.deepEqual(stray, [], 'nothing of test/ or node_modules ships');

  const prefix = join(tmp, 'opt');
  run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(tmp, packed[0]!.filename)], tmp);
  took('npm install -g --prefix (builds better-sqlite3)');
  const edgeprov = join(prefix, 'bin', 'edgeprov');
  const clean = join(tmp, 'clean');
  mkdirSync(clean);
  const env = cliEnv();

  assert.match(run(edgeprov, ['--help'], clean, env), /usage: edgeprov <command>/);
  const sample = join(prefix, 'lib/node_modules/edgeprov/templates/yealink/device.ftl');
  assert.match(run(edgeprov, ['render', '--engine', 'freemarker', sample], clean, env), /account\.1\.user_name/);

  writeFileSync(join(clean, 'hub.json'), JSON.stringify({ port: 0, db_path: 'hub.db' }));
  const hub = spawn(edgeprov, ['hub', '--config', 'hub.json'], { cwd: clean, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  hub.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => hub.once('close', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const rl = createInterface({ input: hub.stdout });
      rl.on('line', (l) => {
        const rec = logLine(l);
        if (rec.msg === 'listening') resolve(rec.port as number);
      });
      void exited.then((code) => reject(new Error(`the installed hub exited (${code}) before listening:\n${stderr}`)));
    });
    const target = { host: '127.0.0.1', port };
    const health = await httpGet(target, '/healthz');
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body.toString()).ok, true);
    for (const asset of ['app.js', 'app.css', 'favicon.svg']) assert.equal((await httpGet(target, `/console/assets/${asset}`)).status, 200, asset);
    hub.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  } finally {
    if (hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL');
  }
});
