/**
 * The shipped systemd units pass `systemd-analyze verify` (no error and no warning) inside a
 * throwaway root that holds the host's stock units plus the programs our units run, and a broken
 * unit (a misspelt key, a missing ExecStart binary) fails the same check. `systemd-analyze security
 * --offline` keeps both at or below the exposure recorded in docs/operations.md.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNITS_DIR = fileURLToPath(new URL('../../../systemd/', import.meta.url));
const UNITS = ['edgeprov-hub.service', 'edgeprov-daemon.service'];
/** Where the host keeps its stock units (sysinit.target & co., which every service depends on). */
const STOCK = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => existsSync(join(d, 'sysinit.target')));
const HAVE_ANALYZE = spawnSync('systemd-analyze', ['--version']).status === 0;
const SKIP = HAVE_ANALYZE && STOCK ? false : 'SKIPPED: systemd-analyze or the stock systemd units not installed (apt-get install systemd)';
if (SKIP) console.log(`\n*** ${SKIP} ***\n`);

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A root with the stock units, /usr/bin/kill and /opt/edgeprov/bin/edgeprov (stubs: verify only checks they are executable). */
function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'edgeprov-systemd-'));
  dirs.push(root);
  cpSync(STOCK!, join(root, 'usr/lib/systemd/system'), { recursive: true });
  symlinkSync('usr/bin', join(root, 'bin'));
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  for (const program of ['usr/bin/kill', 'opt/edgeprov/bin/edgeprov']) {
    mkdirSync(join(root, program, '..'), { recursive: true });
    writeFileSync(join(root, program), '#!/bin/sh\n');
    chmodSync(join(root, program), 0o755);
  }
  return root;
}

/** Installs `units` (name → text) into `root` and verifies them: every line systemd-analyze printed, and its status. */
function verify(root: string, units: Record<string, string>): { status: number | null; problems: string } {
  for (const [name, text] of Object.entries(units)) writeFileSync(join(root, 'etc/systemd/system', name), text);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, ...Object.keys(units)], { encoding: 'utf8' });
  return { status: r.status, problems: `${r.stdout}${r.stderr}`.trim() };
}

const shipped = (name: string): string => readFileSync(join(UNITS_DIR, name), 'utf8');

test('systemd-analyze verify: both units clean; a misspelt key or a missing binary fails', { skip: SKIP }, () => {
  const root = makeRoot();
  const ok = verify(root, Object.fromEntries(UNITS.map((u) => [u, shipped(u)])));
  assert.deepEqual(ok, { status: 0, problems: '' });

  const typo = verify(makeRoot(), { 'edgeprov-hub.service': shipped('edgeprov-hub.service').replace('ProtectSystem=strict', 'ProtectSytem=strict') });
  assert.match(typo.problems, /Unknown key 'ProtectSytem'/);

  const missing = verify(makeRoot(), { 'edgeprov-daemon.service': shipped('edgeprov-daemon.service').replace('/opt/edgeprov/bin/edgeprov', '/opt/edgeprov/bin/edgeprovd') });
  assert.notEqual(missing.status, 0);
  assert.match(missing.problems, /edgeprovd is not executable/);
});

test('systemd-analyze security --offline: exposure at most what docs/operations.md records', { skip: SKIP }, (t) => {
  // The figures recorded in docs/operations.md (hub 1.4, daemon 1.8, systemd 252); a unit that
  // loses hardening goes above them.
  const bound: Record<string, number> = { 'edgeprov-hub.service': 1.4, 'edgeprov-daemon.service': 1.8 };
  for (const unit of UNITS) {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', join(UNITS_DIR, unit)], { encoding: 'utf8' });
    const m = /Overall exposure level for \S+: ([\d.]+)/.exec(r.stdout);
    assert.ok(m, `no exposure level in: ${r.stdout}${r.stderr}`);
    const exposure = Number(m[1]);
    t.diagnostic(`${unit}: exposure ${exposure}`);
    assert.ok(exposure <= bound[unit]!, `${unit}: exposure ${exposure} above ${bound[unit]}`);
  }
});
