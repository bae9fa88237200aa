// The benchmark helpers that compute figures: /proc memory parsing, the full-boot storm's figures
// and the import suite's input. Benchmarks themselves are not tests; the arithmetic behind their
// tables is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseProcStatus, procMemory } from '../bench/memory-sampler.js';
import { bootFigures, nearestRank } from '../bench/boot-figures.js';
import { importText } from '../bench/import.js';
import { tryParseMac } from '../../shared/mac.js';

test('bench memory: VmRSS and VmHWM are read from /proc status text in bytes; a text without them gives undefined', () => {
  const text = 'Name:\tnode\nVmPeak:\t  999 kB\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\nThreads:\t7\n';
  assert.deepEqual(parseProcStatus(text), { rss: 1024 * 1024, hwm: 2048 * 1024 });
  assert.equal(parseProcStatus('Name:\tnode\nVmRSS:\t1024 kB\n'), undefined);
  assert.equal(parseProcStatus('VmHWM: lots\nVmRSS: 12 MB\n'), undefined);
});

test('bench memory: this process has a resident set no larger than its high-water mark; a gone process has none', (t) => {
  if (!existsSync('/proc/self/status')) return t.skip('SKIPPED: no Linux /proc');
  const self = parseProcStatus(readFileSync('/proc/self/status', 'utf8'));
  assert.ok(self && self.rss > 1024 * 1024 && self.hwm >= self.rss, JSON.stringify(self));
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.equal(procMemory(gone), undefined);
  assert.equal(procMemory(undefined), undefined);
});

test('bench full boot: nearest-rank percentiles, failures, and the storm measured from the first power-up', () => {
  assert.ok(Number.isNaN(nearestRank([], 50)));
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(nearestRank(hundred, 50), 50);
  assert.equal(nearestRank(hundred, 99), 99);
  assert.equal(nearestRank([7], 99), 7);

  const ok = bootFigures([
    { ok: true, startMs: 100, dhcpMs: 5, ms: 50 },
    { ok: true, startMs: 600, dhcpMs: 9, ms: 400 },
    { ok: true, startMs: 300, dhcpMs: 7, ms: 20 },
  ]);
  assert.equal(ok.failures, 0);
  assert.equal(ok.allDoneMs, 900); // first power-up at 100, last phone done at 600 + 400
  assert.equal(ok.p50Ms, 50);
  assert.equal(ok.p99Ms, 400);
  assert.equal(ok.dhcpP99Ms, 9);
  assert.ok(Math.abs(ok.phonesPerS - 3 / 0.9) < 1e-9);

  const failed = bootFigures([{ ok: true, startMs: 0, dhcpMs: 1, ms: 10 }, { ok: false, startMs: 5, dhcpMs: 3 }, { ok: false }]);
  assert.equal(failed.failures, 2);
  assert.equal(failed.ok, 1);
  assert.equal(failed.allDoneMs, Number.POSITIVE_INFINITY);
  assert.equal(failed.dhcpP50Ms, 1);
});

test('bench import: the 10,000 lines are distinct MACs the hub accepts, and each repetition gets its own', () => {
  const lines = importText(1).split('\n');
  assert.equal(lines.length, 10_000);
  const macs = lines.map((l) => tryParseMac(l.split(',')[0]!));
  assert.ok(macs.every((m) => m !== undefined && m !== null), 'every MAC parses');
  assert.equal(new Set(macs).size, 10_000);
  const other = new Set(importText(2).split('\n').map((l) => l.split(',')[0]));
  assert.ok(lines.every((l) => !other.has(l.split(',')[0])), 'reps do not collide');
});
