/**
 * A config reload (SIGHUP) for a running role: which changed keys it can apply live and which need a
 * restart. Pure; the caller applies the live ones and logs the plan.
 */
export interface ReloadPlan {
  /** Keys whose value differs between the running config and the file as read now. */
  changed: string[];
  /** The changed keys applied without a restart. */
  live: string[];
  /** The changed keys that take effect only at the next start. */
  restart: string[];
}

export function planReload<C extends object>(running: C, next: C, liveKeys: readonly (keyof C & string)[]): ReloadPlan {
  const keys = new Set([...Object.keys(running), ...Object.keys(next)]);
  const changed = [...keys].filter((k) => !sameValue((running as Record<string, unknown>)[k], (next as Record<string, unknown>)[k])).sort();
  const live = new Set<string>(liveKeys);
  return { changed, live: changed.filter((k) => live.has(k)), restart: changed.filter((k) => !live.has(k)) };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
