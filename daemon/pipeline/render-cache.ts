/**
 * The render cache's store: rendered files by key, bounded by the bytes they hold, least recently
 * used out first. A count bound let a fully served site keep every device's files (about 4 KB a
 * device, 22 MB for 5,000), which is most of what an idle daemon held after serving them once.
 *
 * lru-cache keeps the order and the byte count. The cost of an entry is its body plus a fixed
 * estimate of what surrounds it in memory (see ENTRY_OVERHEAD_BYTES), so a budget means roughly what
 * it says in resident memory.
 */
import { LRUCache } from 'lru-cache';

export interface Sized {
  body: Buffer;
}

/**
 * Per entry, besides the body: the Map entry and key, the RenderedFile object, its hash (64-char
 * string), the Buffer and its ArrayBuffer — about 425 bytes of live V8 heap measured on Node 20
 * (20,000 entries, after a full GC) — and the backing store's native header. Rounded up: counting
 * too little is the error that matters.
 */
export const ENTRY_OVERHEAD_BYTES = 512;

/** The daemon's default budget: holds the files of a 2,000-phone storm (about 10 MB) with room to spare. */
export const DEFAULT_RENDER_CACHE_BYTES = 16 * 1024 * 1024;

export interface RenderCacheStats {
  entries: number;
  /** What the entries cost against the budget (bodies plus overhead). */
  bytes: number;
  maxBytes: number;
  /** Entries pushed out to stay within the budget since the daemon started (clears do not count). */
  evictions: number;
}

export class RenderCache<V extends Sized> {
  /** Absent when the budget is 0: every request renders. */
  private readonly lru: LRUCache<string, V> | undefined;
  private evictions = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`render cache budget must be a whole number of bytes ≥ 0, got ${maxBytes}`);
    if (maxBytes === 0) return;
    this.lru = new LRUCache<string, V>({
      maxSize: maxBytes,
      // A file alone over the budget is not kept (maxEntrySize defaults to maxSize).
      sizeCalculation: (value, key) => RenderCache.cost(key, value),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  static cost(key: string, value: Sized): number {
    return value.body.length + key.length + ENTRY_OVERHEAD_BYTES;
  }

  get(key: string): V | undefined {
    return this.lru?.get(key);
  }

  /** Keeps `value` unless it alone exceeds the budget; evicts the least recently used to make room. */
  set(key: string, value: V): void {
    this.lru?.set(key, value);
  }

  clear(): void {
    this.lru?.clear();
  }

  stats(): RenderCacheStats {
    return { entries: this.lru?.size ?? 0, bytes: this.lru?.calculatedSize ?? 0, maxBytes: this.maxBytes, evictions: this.evictions };
  }
}
