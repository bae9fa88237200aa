// Interop: renders every FreeMarker sample (templates/<vendor>/*.ftl) with REAL Apache FreeMarker
// 2.3.31 — the reference runner of test/interop/freemarker/, in one JVM — for 1 line and for the
// sample's maximum, and checks each output with the vendor's format checker: every account, the
// admin password, NTP, time zone and provisioning URL read back equal to the input. It shows the
// samples are right before our own engine can render them, and keeps them right afterwards.
// Needs a JDK and Debian's libfreemarker-java; without them the test is skipped, loudly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataModel } from '../../shared/templates/index.js';
import { SAMPLES, assertChainResolves, assertReadBack, lineCounts, sampleModel, sampleSource, type Sample } from '../helpers/samples.js';

const runnerSource = fileURLToPath(new URL('../../../test/interop/freemarker/Runner.java', import.meta.url));
const jar = process.env.FREEMARKER_JAR ?? '/usr/share/java/freemarker.jar';

function hasCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['-version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

interface Case {
  name: string;
  sample: Sample;
  model: DataModel;
  /** A case real FreeMarker must refuse (a render error, never a partial config). */
  mustFail?: RegExp;
}

test('FreeMarker samples: real FreeMarker 2.3.31 renders each, and the vendor checker reads it back', { timeout: 300_000 }, (t) => {
  const missing: string[] = [];
  if (!hasCommand('java')) missing.push('java');
  if (!hasCommand('javac')) missing.push('javac');
  if (!existsSync(jar)) missing.push(jar);
  if (missing.length > 0) {
    const msg = `SKIPPED: FreeMarker samples interop test, ${missing.join(' and ')} not found (install default-jdk-headless libfreemarker-java)`;
    console.error(`\n*** ${msg} ***\n`);
    t.skip(msg);
    return;
  }
  assert.ok(existsSync(runnerSource), `no ${runnerSource}`);

  const work = mkdtempSync(join(tmpdir(), 'edgeprov-samples-ftl-'));
  try {
    const classes = join(work, 'classes');
    const cases = join(work, 'cases');
    const out = join(work, 'out');
    const javac = spawnSync('javac', ['-nowarn', '-cp', jar, '-d', classes, runnerSource], { encoding: 'utf8' });
    assert.equal(javac.status, 0, `javac failed:\n${javac.stdout}${javac.stderr}`);

    const all: Case[] = [];
    for (const sample of SAMPLES) {
      for (const n of lineCounts(sample, 'freemarker')) {
        all.push({ name: `${sample.vendor.id}--${sample.template.name}--${n}`, sample, model: sampleModel(sample.vendor.id, n, { specials: true, https: n > 1 }) });
      }
    }
    // The P-value tables stop at 6 accounts: a 7th line must fail the render, not vanish.
    for (const vendor of ['grandstream', 'htek']) {
      const sample = SAMPLES.find((s) => s.vendor.id === vendor && s.template.name === 'device')!;
      all.push({ name: `${vendor}--device--7-fails`, sample, model: sampleModel(vendor, 7, { specials: true, https: true }), mustFail: /^runtime\n/ });
    }
    mkdirSync(cases, { recursive: true });
    for (const c of all) {
      writeFileSync(join(cases, `${c.name}.ftl`), sampleSource(c.sample, 'freemarker'));
      writeFileSync(join(cases, `${c.name}.json`), JSON.stringify(c.model, null, 2));
    }
    const run = spawnSync('java', ['-cp', `${classes}:${jar}`, 'Runner', cases, out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.status, 0, `Runner failed:\n${run.stdout}${run.stderr}`);
    t.diagnostic(run.stdout.trim());

    const failures: string[] = [];
    for (const c of all) {
      const errFile = join(out, `${c.name}.err`);
      const outFile = join(out, `${c.name}.out`);
      if (c.mustFail) {
        if (!existsSync(errFile)) failures.push(`${c.name}: real FreeMarker rendered it, but it must fail`);
        else if (!c.mustFail.test(readFileSync(errFile, 'utf8'))) failures.push(`${c.name}: ${readFileSync(errFile, 'utf8')}`);
        continue;
      }
      if (existsSync(errFile)) {
        failures.push(`${c.name}: real FreeMarker refused it:\n${readFileSync(errFile, 'utf8')}`);
        continue;
      }
      try {
        const parsed = assertReadBack(c.sample, 'freemarker', readFileSync(outFile, 'utf8'), c.model);
        assertChainResolves(c.sample, parsed, c.model);
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(failures, [], `\n${failures.join('\n\n')}`);
    t.diagnostic(`${all.length} cases rendered by real FreeMarker and read back by the vendor checkers`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
