#!/usr/bin/env node
// Runs every compiled suite under dist/test with node:test. Node 20's runner does not discover
// TypeScript, so `npm test` compiles first (type-checking the tests too) and hands the files here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const base = join(root, 'dist', 'test');
const only = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
}

const files = walk(base)
  .filter((f) => only.length === 0 || only.some((o) => relative(base, f).includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/test (did tsc run?)');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
