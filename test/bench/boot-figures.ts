/**
 * Figures of one full-boot storm (DHCP, then files) from the per-phone results the boot-storm
 * client reports: power-up → last byte percentiles over the phones that made it, how long until
 * the last one did, and the rate that makes.
 */
export interface PhoneOutcome {
  ok: boolean;
  /** Its power-up, ms after the storm client started. */
  startMs?: number;
  /** Power-up → ACK (ms), when the phone got a lease. */
  dhcpMs?: number;
  /** Power-up → last byte of its last file (ms), when it finished. */
  ms?: number;
}

export interface BootFigures {
  phones: number;
  ok: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  dhcpP50Ms: number;
  dhcpP99Ms: number;
  /** Power-up of the storm's first phone → last byte of its last phone; Infinity when any failed. */
  allDoneMs: number;
  /** Phones fully provisioned per second over the storm (ok phones / allDone, or / spread when none). */
  phonesPerS: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Percentiles are per phone, from its own power-up; the storm's length from its first power-up. */
export function bootFigures(results: readonly PhoneOutcome[]): BootFigures {
  const ok = results.filter((r) => r.ok && r.ms !== undefined && r.startMs !== undefined);
  const starts = results.filter((r) => r.startMs !== undefined).map((r) => r.startMs!);
  const firstPowerUpToLastDoneMs = ok.length ? Math.max(...ok.map((r) => r.startMs! + r.ms!)) - Math.min(...starts) : 0;
  const ms = ok.map((r) => r.ms!).sort((a, b) => a - b);
  const dhcp = results.filter((r) => r.dhcpMs !== undefined).map((r) => r.dhcpMs!).sort((a, b) => a - b);
  const failures = results.length - ok.length;
  return {
    phones: results.length,
    ok: ok.length,
    failures,
    p50Ms: nearestRank(ms, 50),
    p99Ms: nearestRank(ms, 99),
    dhcpP50Ms: nearestRank(dhcp, 50),
    dhcpP99Ms: nearestRank(dhcp, 99),
    allDoneMs: failures === 0 && ok.length > 0 ? firstPowerUpToLastDoneMs : Number.POSITIVE_INFINITY,
    phonesPerS: firstPowerUpToLastDoneMs > 0 ? ok.length / (firstPowerUpToLastDoneMs / 1000) : 0,
  };
}
