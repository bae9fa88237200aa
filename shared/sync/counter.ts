/**
 * The provision counter as G-counter state (DESIGN §4, reference/sync.md §2.5–2.6). Each edge DB
 * counts the bootstrap sessions it served per device in its own slot, keyed (site, db_id); the hub
 * merges slots by max (replays and duplicates are harmless) and a device's count is the sum of its
 * slots, each less its observed-reset baseline. The hub sends every edge the slots it knows, so an
 * edge decides with the other slots too: a wiped edge (new db_id) still sees what its predecessor
 * counted. Pure functions, no I/O.
 */

export interface CounterSlot {
  site_id: number;
  /** The random id of the edge DB that counted (a wiped edge starts a new slot). */
  db_id: string;
  /** Sessions that edge DB served for the device, as the hub last sent it to the edges. */
  count: number;
  /** The slot's count the hub had received when an admin last reset (observed-reset). */
  baseline: number;
}

/** The hub's counter state for one device, as its site's edge receives it (entity `counter_reset`). */
export interface CounterRecord {
  mac: string;
  /** When an admin last reset the counter (null: never). */
  at: string | null;
  /**
   * The sum of the baselines of this site's slots: the only field edges from before per-slot
   * counters read (they subtract it from their own count).
   */
  baseline: number;
  /** Sorted by site_id, db_id. */
  slots: CounterSlot[];
}

/** Which slot is the deciding edge's own. */
export interface OwnSlot {
  site_id: number | undefined;
  db_id: string;
}

const net = (count: number, baseline: number): number => Math.max(0, count - baseline);

/**
 * Sessions counted against the device's limit, as an edge sees it: its own slot (its local count,
 * or the hub's copy of it if higher) less that slot's baseline, plus every other slot the hub sent.
 * A record without slots comes from a hub before per-slot counters: own count less its baseline.
 */
export function sessionsUsed(local: number, rec: Partial<CounterRecord> | undefined, own: OwnSlot): number {
  if (!rec) return local;
  if (!Array.isArray(rec.slots)) return net(local, typeof rec.baseline === 'number' ? rec.baseline : 0);
  let used = 0;
  let ownSeen = false;
  for (const s of rec.slots) {
    if (s.site_id === own.site_id && s.db_id === own.db_id) {
      ownSeen = true;
      used += net(Math.max(local, s.count), s.baseline);
    } else {
      used += net(s.count, s.baseline);
    }
  }
  return ownSeen ? used : used + local;
}

/** The device's count on the hub: the sum over its slots of count − baseline. */
export function hubCount(slots: ReadonlyArray<Pick<CounterSlot, 'count' | 'baseline'>>): number {
  let n = 0;
  for (const s of slots) n += net(s.count, s.baseline);
  return n;
}

const slotKey = (s: Pick<CounterSlot, 'site_id' | 'db_id'>): string => `${s.site_id}\u0000${s.db_id}`;

/**
 * The merge of two slot states: per (site, db_id) the max count and the max baseline (both only
 * grow). Commutative, associative and idempotent, so batches may arrive in any order, any number of times.
 */
export function mergeSlots(a: readonly CounterSlot[], b: readonly CounterSlot[]): CounterSlot[] {
  const out = new Map<string, CounterSlot>();
  for (const s of [...a, ...b]) {
    const k = slotKey(s);
    const have = out.get(k);
    out.set(k, have ? { ...have, count: Math.max(have.count, s.count), baseline: Math.max(have.baseline, s.baseline) } : { ...s });
  }
  return [...out.values()].sort((x, y) => x.site_id - y.site_id || (x.db_id < y.db_id ? -1 : x.db_id > y.db_id ? 1 : 0));
}
