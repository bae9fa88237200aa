/**
 * `npm run bench -- <suite> [--seconds S] [--reps N] [--phones N] [--vendor V] [--concurrency C] [--edges N] [--no-full-boot]`:
 * benchmarks live apart from the tests and print their figures beside anchors measured in the
 * same run. Suites: render, storm, dhcp, sync, import, memory;
 * with no suite named, all of them run in that order.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchRender } from './render.js';
import { benchStorm } from './storm.js';
import { benchDhcp } from './dhcp.js';
import { benchSync } from './sync.js';
import { benchImport } from './import.js';
import { benchMemory } from './memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface SuiteOptions {
  seconds: number;
  reps: number;
  phones: number;
  vendor: string | undefined;
  concurrency: number;
  edges: number;
  fullBoot: boolean;
}

const SUITES: Record<string, (opts: SuiteOptions) => Promise<void>> = {
  render: (o) => benchRender(ROOT, o),
  storm: (o) => benchStorm(ROOT, o),
  dhcp: (o) => benchDhcp(ROOT, o),
  sync: (o) => benchSync(ROOT, o),
  import: (o) => benchImport(ROOT, o),
  memory: (o) => benchMemory(ROOT, o),
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '3' },
      reps: { type: 'string', default: '3' },
      phones: { type: 'string', default: '1000' },
      vendor: { type: 'string' },
      concurrency: { type: 'string', default: '64' },
      edges: { type: 'string', default: '200' },
      'no-full-boot': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const reps = Number(values.reps);
  if (!(seconds > 0 && seconds <= 60) || !Number.isInteger(reps) || reps < 3 || reps > 20) {
    throw new Error('--seconds must be in (0, 60] and --reps an integer from 3 to 20');
  }
  const names = positionals.length ? positionals : Object.keys(SUITES);
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) throw new Error(`unknown suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}`);
    await suite({ seconds, reps, phones: Number(values.phones), vendor: values.vendor, concurrency: Number(values.concurrency), edges: Number(values.edges), fullBoot: !values['no-full-boot'] });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
