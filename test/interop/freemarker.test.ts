// Interop: re-renders the FreeMarker differential corpus (test/interop/freemarker/cases) with real
// Apache FreeMarker 2.3.31 and fails on any difference from the committed expected/ outputs, so the
// goldens our TypeScript engine is checked against can never drift from the reference.
// Needs a JDK and Debian's libfreemarker-java; without them the test is skipped, loudly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// Compiled to dist/test/interop/freemarker.test.js; the corpus stays in the source tree.
const corpusDir = fileURLToPath(new URL('../../../test/interop/freemarker/', import.meta.url));
const jar = process.env.FREEMARKER_JAR ?? '/usr/share/java/freemarker.jar';

function hasCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['-version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

test('FreeMarker corpus: real FreeMarker 2.3.31 still renders every case as committed', { timeout: 300_000 }, (t) => {
  const missing: string[] = [];
  if (!hasCommand('java')) missing.push('java');
  if (!hasCommand('javac')) missing.push('javac');
  if (!existsSync(jar)) missing.push(jar);
  if (missing.length > 0) {
    const msg =
      `SKIPPED: FreeMarker interop test, ${missing.join(' and ')} not found ` +
      '(install default-jdk-headless libfreemarker-java)';
    console.error(`\n*** ${msg} ***\n`);
    t.skip(msg);
    return;
  }
  assert.ok(existsSync(join(corpusDir, 'check.sh')), `no check.sh in ${corpusDir}`);

  const r = spawnSync('bash', [join(corpusDir, 'check.sh')], {
    cwd: corpusDir,
    encoding: 'utf8',
    env: { ...process.env, FREEMARKER_JAR: jar },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  const differing = [...r.stdout.matchAll(/^DIFF ([^:\s]+):/gm)].map((m) => m[1]);
  if (r.status === 1) {
    assert.fail(
      `${differing.length} case(s) differ between real FreeMarker and expected/: ${differing.join(', ')}\n` +
        'If the change is intended, run test/interop/freemarker/regen.sh and review the diff.\n\n' +
        output,
    );
  }
  assert.equal(r.status, 0, `check.sh failed (exit ${r.status}):\n${output}`);
  assert.deepEqual(differing, []);
  t.diagnostic(r.stdout.trim().split('\n').slice(-2).join(' | '));
});
