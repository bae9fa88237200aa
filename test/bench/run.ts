/**
 * `npm run bench -- <suite> [--seconds S] [--reps N]`: benchmarks live apart from the tests and
 * print their figures beside anchors measured in the same run. Suites: render (more arrive with
 * the daemon, DHCP and sync).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchRender } from './render.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const SUITES: Record<string, (opts: { seconds: number; reps: number }) => Promise<void>> = {
  render: (o) => benchRender(ROOT, o),
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { seconds: { type: 'string', default: '3' }, reps: { type: 'string', default: '3' } },
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
    await suite({ seconds, reps });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
