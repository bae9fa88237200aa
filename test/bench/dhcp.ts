/**
 * `npm run bench -- dhcp [--reps R] [--concurrency C]`: issue 5's DHCP storm, against our server and
 * against Kea (`kea-dhcp4`, same pool, raw sockets, memfile leases persisted, logging warnings only)
 * in the same run, inside a namespace pair created here and removed at the end even on failure
 * (needs root; 10.99.x.y only inside the namespaces). Per repetition and server: a fresh server;
 * 2,000 phones power up within 1 s with RFC 2131 retransmission (4 s ±1 s, doubling) → time to
 * all-bound; then closed-loop DISCOVER/OFFER/REQUEST/ACK exchanges with C workers (default 16;
 * `--concurrency` only when given below 64, the other suites' default) → exchanges/s; duplicates
 * (client view and lease table); Udp RcvbufErrors of the server namespace. Repetitions are
 * interleaved (ours, Kea, ours, …); servers run on CPU 1, the clients on CPU 0 when there are two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPair, netnsAvailable, type LineProcess, type NsPair } from '../helpers/netns.js';
import { hasKea, stormCidrs, stormOnce, type StormRun } from '../helpers/dhcp-storm.js';
import { printTable, summarise, writeResult, type Row } from './harness.js';

export interface DhcpBenchOptions {
  reps: number;
  concurrency: number;
}

const PHONES = 2000;
const CLOSED_EXCHANGES = 4000;

export async function benchDhcp(root: string, o: DhcpBenchOptions): Promise<void> {
  if (!(await netnsAvailable())) {
    process.stdout.write('\ndhcp: SKIPPED — needs root and ip netns\n');
    return;
  }
  const kea = await hasKea();
  if (!kea) process.stdout.write('\ndhcp: Kea is not installed (apt-get install kea-dhcp4-server): ours only\n');
  const concurrency = o.concurrency > 0 && o.concurrency < 64 ? o.concurrency : 16;
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-bench-dhcp-'));
  const procs = new Set<LineProcess>();
  let pair: NsPair | undefined;
  // Runs before storm.ts's own handler (which exits at once): so synchronous, namespaces included.
  const stop = (): void => {
    for (const p of procs) p.child.kill('SIGKILL');
    pair?.destroySync();
    rmSync(dir, { recursive: true, force: true });
  };
  process.prependOnceListener('SIGINT', stop);
  process.prependOnceListener('SIGTERM', stop);
  const runs: Record<'ours' | 'kea', StormRun[]> = { ours: [], kea: [] };
  try {
    const [s, c] = stormCidrs();
    pair = await createPair('bdhcp', s, c);
    for (let rep = 0; rep < o.reps; rep++) {
      for (const which of kea ? (['ours', 'kea'] as const) : (['ours'] as const)) {
        const r = await stormOnce(pair, dir, which, `${which}-${rep}`, procs, {
          phones: PHONES, spreadMs: 1000, timeoutMs: 30_000, seed: 100 + rep, closedExchanges: CLOSED_EXCHANGES, concurrency,
        });
        runs[which].push(r);
        process.stdout.write(
          `  rep ${rep + 1} ${r.server}: ${r.storm.bound}/${PHONES} bound in ${r.storm.allBoundMs?.toFixed(0) ?? '—'} ms ` +
            `(retransmits ${r.storm.retransmits}), closed ${r.closed?.exchangesPerS?.toFixed(0) ?? '—'}/s, ` +
            `duplicates ${r.duplicates}, rcvbuf drops ${r.rcvbufDrops}\n`,
        );
      }
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    for (const p of procs) await p.stop('SIGKILL');
    await pair?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }

  const fig = (rs: StormRun[], f: (r: StormRun) => number) => summarise(rs.map(f));
  const allBound = (r: StormRun): number => r.storm.allBoundMs ?? Number.POSITIVE_INFINITY;
  const rate = (r: StormRun): number => r.closed?.exchangesPerS ?? 0;
  const anchor = (f: (r: StormRun) => number) =>
    kea ? { anchor: { name: 'Kea', figure: fig(runs.kea, f) } } : { skippedAnchor: { name: 'Kea', why: 'kea-dhcp4 not installed (apt-get install kea-dhcp4-server)' } };
  const rows: Row[] = [
    { what: `time to all-bound, ${PHONES} phones within 1 s`, unit: 'ms', ours: fig(runs.ours, allBound), ...anchor(allBound), higherIsBetter: false, goal: "≤ Kea's" },
    { what: `closed-loop exchanges (C=${concurrency})`, unit: '/s', ours: fig(runs.ours, rate), ...anchor(rate), higherIsBetter: true, goal: "≥ Kea's" },
    ...([
      ['storm retransmissions', (r: StormRun) => r.storm.retransmits, undefined],
      ['duplicate addresses', (r: StormRun) => r.duplicates, '0'],
      ['server receive-buffer drops (Udp RcvbufErrors)', (r: StormRun) => r.rcvbufDrops, '0'],
    ] as const).map(([what, f, goal]): Row => {
      // Counts (often 0 on both sides, where a ratio means nothing): Kea's figure goes in the label.
      const k = kea ? fig(runs.kea, f) : undefined;
      const label = k ? `${what} [Kea: ${k.median} (${k.min}–${k.max})]` : `${what} [Kea: SKIPPED]`;
      return { what: label, unit: '', ours: fig(runs.ours, f), higherIsBetter: false, ...(goal ? { goal } : {}) };
    }),
  ];
  printTable(`dhcp storm: ${PHONES} phones, ${o.reps} reps (median, min–max)`, rows);
  const strip = (r: StormRun) => ({ ...r, storm: { ...r.storm, leases: undefined }, closed: r.closed ? { ...r.closed, leases: undefined } : undefined });
  const file = writeResult(root, 'dhcp', {
    phones: PHONES, spreadMs: 1000, concurrency, closedExchanges: CLOSED_EXCHANGES, reps: o.reps,
    rows, runs: { ours: runs.ours.map(strip), kea: runs.kea.map(strip) },
  });
  process.stdout.write(`  written: ${file}\n`);
}
