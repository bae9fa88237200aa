/**
 * What every benchmark shares: repetitions summarised as median with min–max, a printed table
 * with each figure beside its anchor measured in the same run, and a JSON record of the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Figure {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarise(samples: number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

export interface Row {
  what: string;
  unit: string;
  ours: Figure;
  anchor?: { name: string; figure: Figure };
  /** The anchor this row should have had, and why it could not be measured: printed as SKIPPED. */
  skippedAnchor?: { name: string; why: string };
  /** true when a higher figure is better (rates); false for latencies and memory. */
  higherIsBetter: boolean;
  goal?: string;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export function printTable(title: string, rows: Row[]): void {
  const lines = [`\n${title}`];
  for (const r of rows) {
    const ours = `${fmt(r.ours.median)} ${r.unit} (${fmt(r.ours.min)}–${fmt(r.ours.max)})`;
    let line = `  ${r.what}: ${ours}`;
    if (r.anchor) {
      const a = r.anchor.figure;
      const ratio = r.higherIsBetter ? r.ours.median / a.median : a.median / r.ours.median;
      line += `\n    vs ${r.anchor.name}: ${fmt(a.median)} ${r.unit} (${fmt(a.min)}–${fmt(a.max)})  → ratio ${ratio.toFixed(2)}×`;
    }
    else if (r.skippedAnchor) line += `\n    vs ${r.skippedAnchor.name}: SKIPPED — ${r.skippedAnchor.why}  → no ratio`;
    if (r.goal) line += `\n    goal: ${r.goal}`;
    lines.push(line);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gb: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
}

export function writeResult(root: string, suite: string, data: unknown): string {
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  writeFileSync(file, JSON.stringify({ suite, machine: machine(), ...(data as object) }, null, 2) + '\n');
  return file;
}
