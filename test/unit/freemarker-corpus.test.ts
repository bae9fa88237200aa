/**
 * Differential corpus: every case under test/interop/freemarker/cases/ rendered by our engine must
 * equal what Apache FreeMarker 2.3.31 produced (expected/<name>.out, byte for byte), or fail in the
 * same phase (expected/<name>.err: "parse" ↔ TEMPLATE_INVALID, "runtime" ↔ TEMPLATE_RENDER_FAILED).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve, sep } from 'node:path';
import { TemplateError } from '../../shared/errors.js';
import { compileFreemarker, modelFromJson } from '../../shared/templates/freemarker/index.js';

const root = fileURLToPath(new URL('../../../test/interop/freemarker/', import.meta.url));
const casesDir = join(root, 'cases');
const expectedDir = join(root, 'expected');
const sandboxDir = join(root, 'cases-sandbox');

/** Resolves include/import names inside one folder only (the test's template store). */
function storeResolver(dir: string): (path: string) => string | undefined {
  return (path) => {
    const full = resolve(dir, path);
    if (!full.startsWith(dir + sep)) return undefined;
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  };
}

function render(dir: string, name: string): string {
  const source = readFileSync(join(dir, `${name}.ftl`), 'utf8');
  const jsonPath = join(dir, `${name}.json`);
  const model = existsSync(jsonPath) ? modelFromJson(readFileSync(jsonPath, 'utf8')) : new Map();
  const t = compileFreemarker(source, { name: `${name}.ftl`, resolveInclude: storeResolver(dir) });
  return t.render(model);
}

const names = existsSync(casesDir)
  ? readdirSync(casesDir).filter((f) => f.endsWith('.ftl')).map((f) => f.slice(0, -4)).sort()
  : [];

for (const name of names) {
  const outPath = join(expectedDir, `${name}.out`);
  const errPath = join(expectedDir, `${name}.err`);
  if (existsSync(outPath)) {
    test(`corpus ${name}`, () => {
      const expected = readFileSync(outPath, 'utf8');
      assert.equal(render(casesDir, name), expected);
    });
  } else if (existsSync(errPath)) {
    test(`corpus ${name} (must fail)`, () => {
      const [phase = '', cls = '', ...msg] = readFileSync(errPath, 'utf8').split('\n');
      const want = phase === 'parse' ? 'TEMPLATE_INVALID' : 'TEMPLATE_RENDER_FAILED';
      let out: string | undefined;
      try {
        out = render(casesDir, name);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        assert.equal(e.code, want, `FreeMarker: ${phase} ${cls}: ${msg.join(' ').slice(0, 300)}\nours: ${e.message}`);
        return;
      }
      assert.fail(`expected a ${phase} error (${cls}: ${msg.join(' ').slice(0, 300)}), but rendered ${JSON.stringify(out)}`);
    });
  }
}

const sandbox = existsSync(sandboxDir)
  ? readdirSync(sandboxDir).filter((f) => f.endsWith('.ftl')).map((f) => f.slice(0, -4)).sort()
  : [];

for (const name of sandbox) {
  test(`sandbox ${name} is refused`, () => {
    let out: string | undefined;
    try {
      out = render(sandboxDir, name);
    } catch (e) {
      assert.ok(e instanceof TemplateError, String(e));
      assert.ok(e.line >= 1 && e.column >= 1);
      return;
    }
    assert.fail(`rendered ${JSON.stringify(out)}`);
  });
}
