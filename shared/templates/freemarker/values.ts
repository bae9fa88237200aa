/**
 * Runtime values. Plain JS data is used directly: strings, booleans, arrays (sequences), plain
 * objects and Maps (hashes, Maps keep JSON key order), with numbers turned into exact decimals
 * (`Num`) when read. `undefined` and `null` are "missing".
 */
import { numFromBigInt, numFromJs, numInt } from './numbers.js';
import type { Env } from './runtime.js';

export class FtlRange {
  /** `size` elements from `start` by `step`; `unbounded` ranges (`1..`) have no end. */
  constructor(
    readonly start: number,
    readonly size: number,
    readonly step: 1 | -1,
    readonly unbounded: boolean,
    /** `a..*n`: when slicing, stops at the end instead of failing. */
    readonly limited = false,
    /** Written `a..b` (inclusive). */
    readonly inclusive = false,
  ) {}

  get length(): number {
    return this.unbounded ? Number.POSITIVE_INFINITY : this.size;
  }

  get(i: number): number {
    return this.start + this.step * i;
  }
}

/** A value of a markup output format (auto-escaping). */
export class Markup {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
}

/** A JS-callable method value (built-ins taken without calling them, lambdas). */
export class Method {
  constructor(readonly call: (env: Env, args: unknown[]) => unknown) {}
}

/** The result of `?matches`: a boolean (whole-string match) and a sequence of the matches found. */
export class RegexMatch {
  private found: MatchItem[] | undefined;
  constructor(
    readonly whole: RegExpExecArray | null,
    private readonly finder: () => MatchItem[],
  ) {}
  get items(): MatchItem[] {
    this.found ??= this.finder();
    return this.found;
  }
}

/** One match of `?matches` (a string, with `?groups`). */
export class MatchItem {
  constructor(readonly groups: string[]) {}
  get text(): string {
    return this.groups[0] ?? '';
  }
}

export class Namespace {
  readonly vars = new Map<string, unknown>();
  constructor(readonly templateName: string) {}
}

/** A read-only hash view (`.vars`, `.globals`, `.data_model`, ...). */
export class HashView {
  constructor(
    readonly get: (key: string) => unknown,
    readonly keys: () => string[],
  ) {}
}

/** Converts a raw data-model value to a runtime value. */
export function wrap(v: unknown): unknown {
  switch (typeof v) {
    case 'number': return numFromJs(v);
    case 'bigint': return numFromBigInt(v);
    case 'object': return v === null ? undefined : v;
    default: return v;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function isHash(v: unknown): boolean {
  return v instanceof Map || isPlainObject(v) || v instanceof Namespace || v instanceof HashView;
}

export function isSeq(v: unknown): v is unknown[] | FtlRange {
  return Array.isArray(v) || v instanceof FtlRange;
}

export function hashGet(h: unknown, key: string): unknown {
  if (h instanceof Map) return wrap(h.get(key));
  if (h instanceof Namespace) return h.vars.get(key);
  if (h instanceof HashView) return h.get(key);
  const o = h as Record<string, unknown>;
  return Object.hasOwn(o, key) ? wrap(o[key]) : undefined;
}

export function hashKeys(h: unknown): string[] {
  if (h instanceof Map) {
    const out: string[] = [];
    for (const [k, v] of h) if (v !== null && v !== undefined) out.push(String(k));
    return out;
  }
  if (h instanceof Namespace) return [...h.vars.keys()];
  if (h instanceof HashView) return h.keys();
  const o = h as Record<string, unknown>;
  return Object.keys(o).filter((k) => o[k] !== null && o[k] !== undefined);
}

export function seqGet(s: unknown[] | FtlRange, i: number): unknown {
  if (s instanceof FtlRange) {
    if (i < 0 || i >= s.length) return undefined;
    return numInt(s.get(i));
  }
  return wrap(s[i]);
}
