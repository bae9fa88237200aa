/** FTL built-ins (`x?name` and `x?name(args)`), compiled once into closures. */
import { Num, PatternError, abs, ceiling, floor, formatComputer, narrow, numFromText, numInt, round, toDouble, trunc } from './numbers.js';
import {
  type Env, type Unit, MacroValue, TransformValue, asBool, asSeq, asStr, describeType, fail, invokeCallable,
  scalarText, textOf, booleanError, LimitError, where,
} from './runtime.js';
import { FtlRange, HashView, Markup, MatchItem, Method, Namespace, RegexMatch, hashGet, hashKeys, isHash, isSeq, seqGet } from './values.js';

export interface BiSite {
  u: Unit;
  /** The whole `x?bi(...)` expression and the target expression (for messages). */
  pos: number;
  end: number;
  targetPos: number;
  targetEnd: number;
  name: string;
  /** The output format in effect where the built-in is used (for ?esc / ?no_esc). */
  outputFormat: string;
  /** Whether the target is parenthesized (missing values inside are then caught by ?? etc.). */
}

type Fn = (env: Env, target: unknown, args: unknown[]) => unknown;

const javaWs = (c: number): boolean => c <= 32;

export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && javaWs(s.charCodeAt(a))) a++;
  while (b > a && javaWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function escapeHtml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&#39;'));
}
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;'));
}
export function escapeRtf(s: string): string {
  return s.replace(/[\\{}]/g, (c) => '\\' + c);
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

function jString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 34: out += '\\"'; break;
      case 92: out += '\\\\'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 8: out += '\\b'; break;
      case 12: out += '\\f'; break;
      default: out += c < 32 ? '\\u' + hex4(c) : s[i];
    }
  }
  return out;
}

function jsString(s: string, json: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    switch (c) {
      case 34: out += '\\"'; continue;
      case 39: out += json ? "'" : "\\'"; continue;
      case 92: out += '\\\\'; continue;
      case 10: out += '\\n'; continue;
      case 13: out += '\\r'; continue;
      case 9: out += '\\t'; continue;
      case 8: out += '\\b'; continue;
      case 12: out += '\\f'; continue;
      case 47: out += i > 0 && s[i - 1] === '<' ? '\\/' : '/'; continue;
      case 62: {
        // ">" after "]]" or "--" could end a CDATA section or an HTML comment
        const prev2 = s.slice(Math.max(0, i - 2), i);
        out += !json && (prev2 === ']]' || prev2 === '--') ? '\\>' : json && prev2 === ']]' ? '\\u003E' : '>';
        continue;
      }
      case 60: {
        if (s.startsWith('<!', i)) { out += json ? '\\u003C' : '\\x3C'; continue; }
        out += '<';
        continue;
      }
      default:
        if (c < 32 || c === 0x7f || c === 0x2028 || c === 0x2029) {
          out += !json && c < 0x100 ? '\\x' + c.toString(16).toUpperCase().padStart(2, '0') : '\\u' + hex4(c);
        } else out += ch;
    }
  }
  return out;
}

const URL_SAFE = /[A-Za-z0-9\-_.!~*'()]/;
const UTF8 = new TextEncoder();

function urlEncode(s: string, keepSlash: boolean): string {
  let out = '';
  for (const ch of s) {
    if (URL_SAFE.test(ch) || (keepSlash && ch === '/')) {
      out += ch;
      continue;
    }
    for (const b of UTF8.encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function capFirst(s: string, upper: boolean): string {
  for (let i = 0; i < s.length; i++) {
    if (!/\s/.test(s[i]!)) {
      const c = upper ? s[i]!.toUpperCase() : s[i]!.toLowerCase();
      return s.slice(0, i) + c + s.slice(i + 1);
    }
  }
  return s;
}

function capitalize(s: string): string {
  // Each word: first character upper-cased, the rest lower-cased as a whole (final sigma etc.).
  return s.replace(/[^\s]+/g, (w) => {
    const first = String.fromCodePoint(w.codePointAt(0)!);
    return first.toUpperCase() + w.slice(first.length).toLowerCase();
  });
}

function abc(n: number, upper: boolean): string {
  let out = '';
  let v = n;
  while (v > 0) {
    v--;
    out = String.fromCharCode(97 + (v % 26)) + out;
    v = Math.floor(v / 26);
  }
  return upper ? out.toUpperCase() : out;
}

// --- regular expressions ---------------------------------------------------------------------

interface Flags {
  regex: boolean;
  first: boolean;
  js: string;
}

function parseFlags(f: string | undefined, site: BiSite): Flags {
  const flags: Flags = { regex: false, first: false, js: '' };
  for (const c of f ?? '') {
    switch (c) {
      case 'r': flags.regex = true; break;
      case 'i': flags.js += 'i'; break;
      case 'm': flags.js += 'm'; flags.regex = true; break;
      case 's': flags.js += 's'; flags.regex = true; break;
      case 'f': flags.first = true; break;
      case 'c': throw fail(site.u, site.pos, 'the "c" (comments) regular expression flag is not supported');
      default: throw fail(site.u, site.pos, `unknown flag "${c}" in the flags "${f ?? ''}"`);
    }
  }
  return flags;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
}

const regexCache = new Map<string, RegExp>();

function makeRegex(src: string, flags: string, site: BiSite): RegExp {
  const key = flags + '/' + src;
  let re = regexCache.get(key);
  if (!re) {
    try {
      re = new RegExp(src, flags);
    } catch (e) {
      throw fail(site.u, site.pos, `invalid regular expression ${JSON.stringify(src)}: ${(e as Error).message}`);
    }
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Expands a java.util.regex replacement string ($1, $0, \$) for one match. */
function javaReplacement(rep: string, m: RegExpExecArray | string[], site: BiSite): string {
  if (!rep.includes('$') && !rep.includes('\\')) return rep;
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '\\') {
      i++;
      if (i >= rep.length) throw fail(site.u, site.pos, 'character to be escaped is missing in the replacement string');
      out += rep[i];
    } else if (c === '$') {
      let j = i + 1;
      if (!/[0-9]/.test(rep[j] ?? '')) throw fail(site.u, site.pos, 'illegal group reference in the replacement string');
      let g = Number(rep[j]);
      j++;
      while (j < rep.length && /[0-9]/.test(rep[j]!) && g * 10 + Number(rep[j]) < m.length) {
        g = g * 10 + Number(rep[j]);
        j++;
      }
      if (g >= m.length) throw fail(site.u, site.pos, `no group ${g} in the regular expression`);
      out += m[g] ?? '';
      i = j - 1;
    } else out += c;
  }
  return out;
}

// --- truncation (FreeMarker's default truncate algorithm) --------------------------------------

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Word-boundary cut: the longest prefix ending a word that fits with " " + terminator. */
function truncateWord(s: string, max: number, term: string): string | undefined {
  for (let i = Math.min(s.length, max - term.length - 1); i > 0; i--) {
    if (!isSpace(s[i - 1]) && (i === s.length || isSpace(s[i]))) return s.slice(0, i) + ' ' + term;
  }
  return undefined;
}

/** Character cut: never ends right at a word end without the space (there is no room for it). */
function truncateChar(s: string, max: number, term: string): string {
  let cut = max - term.length;
  while (cut > 0) {
    const text = s.slice(0, cut);
    if (isSpace(text[text.length - 1])) {
      let e = text.length;
      while (e > 0 && isSpace(text[e - 1])) e--;
      return e === 0 ? term : text.slice(0, e) + ' ' + term;
    }
    if (isSpace(s[cut])) {
      cut--;
      continue;
    }
    return text + term;
  }
  return term;
}

/** FreeMarker's default ?truncate algorithm (measured). */
function truncate(s: string, max: number, term: string, mode: 'auto' | 'w' | 'c'): string {
  if (s.length <= max) return s;
  if (max <= term.length) return term;
  if (mode === 'c') return truncateChar(s, max, term);
  const w = truncateWord(s, max, term);
  if (mode === 'w') return w ?? term;
  if (w !== undefined && w.length >= max * 0.75) return w;
  return truncateChar(s, max, term);
}

// --- comparison helpers -------------------------------------------------------------------------

const collators = new Map<string, Intl.Collator>();
export function collator(env: Env): Intl.Collator {
  const loc = env.locale.replace('_', '-');
  let c = collators.get(loc);
  if (!c) {
    c = new Intl.Collator(loc);
    collators.set(loc, c);
  }
  return c;
}

/** `==` as used by ?seq_contains and ?switch: values of different types are simply unequal. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Num && b instanceof Num) return a.d.eq(b.d);
  const sa = asStr(a);
  const sb = asStr(b);
  if (sa !== undefined && sb !== undefined) return sa === sb;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  return false;
}

function toArray(s: unknown[] | FtlRange): unknown[] {
  if (Array.isArray(s)) return s.map((v) => seqGetRaw(v));
  const out: unknown[] = [];
  for (let i = 0; i < s.length; i++) out.push(numInt(s.get(i)));
  return out;
}

function seqGetRaw(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'bigint' || v === null ? seqGet([v], 0) : v;
}

// --- the table ----------------------------------------------------------------------------------

interface Spec {
  /** Minimum and maximum argument counts. */
  args: [number, number];
  /** Target may be missing (?has_content, ?default, ...). */
  allowMissing?: boolean;
  fn: (site: BiSite) => Fn;
}

function num(_env: Env, v: unknown, site: BiSite, what = 'left-hand operand'): Num {
  if (v instanceof Num) return v;
  throw fail(site.u, site.targetPos, `For "?${site.name}" ${what}: expected a number, but ${src(site)} has evaluated to ${describeType(v)}`);
}

function src(site: BiSite): string {
  return JSON.stringify(site.u.source.slice(site.targetPos, site.targetEnd));
}

function str(env: Env, v: unknown, site: BiSite): string {
  const s = textOf(env, v);
  if (s !== undefined) return s;
  if (typeof v === 'boolean') throw fail(site.u, site.targetPos, `For "?${site.name}": ${booleanError(env)}`);
  throw fail(site.u, site.targetPos, `For "?${site.name}" left-hand operand: expected a string or something automatically convertible to string (number or boolean), but ${src(site)} has evaluated to ${describeType(v)}`);
}

function argStr(env: Env, v: unknown, site: BiSite, i: number): string {
  const s = textOf(env, v);
  if (s !== undefined) return s;
  throw fail(site.u, site.pos, `?${site.name}(...) argument #${i + 1} must be a string, but it is ${describeType(v)}`);
}

function argInt(v: unknown, site: BiSite, i: number): number {
  if (v instanceof Num) return trunc(v).d.toNumber();
  throw fail(site.u, site.pos, `?${site.name}(...) argument #${i + 1} must be a number, but it is ${describeType(v)}`);
}

function seq(v: unknown, site: BiSite, env?: Env): unknown[] | FtlRange {
  const s = asSeq(v);
  if (s !== undefined) {
    if (s instanceof FtlRange && s.unbounded) throw fail(site.u, site.targetPos, `?${site.name} can't be used on a right-unbounded range`);
    if (env) env.spend(s.length, site.u, site.pos);
    return s;
  }
  throw fail(site.u, site.targetPos, `For "?${site.name}" left-hand operand: expected a sequence, but ${src(site)} has evaluated to ${describeType(v)}`);
}

function hash(v: unknown, site: BiSite): unknown {
  if (isHash(v)) return v;
  throw fail(site.u, site.targetPos, `For "?${site.name}" left-hand operand: expected an extended hash, but ${src(site)} has evaluated to ${describeType(v)}`);
}

function strFn(f: (s: string, args: unknown[], env: Env, site: BiSite) => unknown, args: [number, number] = [0, 0]): Spec {
  return { args, fn: (site) => (env, t, a) => f(str(env, t, site), a, env, site) };
}

function tooLong(env: Env, site: BiSite): never {
  throw new LimitError(`the result of ?${site.name} exceeds the output limit of ${env.opts.maxOutputBytes} bytes`, where(site.u, site.pos));
}

function checkLen(env: Env, s: string, site: BiSite): string {
  if (s.length > env.opts.maxOutputBytes) throw fail(site.u, site.pos, `the result of ?${site.name} exceeds the output limit of ${env.opts.maxOutputBytes} bytes`);
  return s;
}

function pad(left: boolean): Spec {
  return strFn((s, a, env, site) => {
    const width = argInt(a[0], site, 0);
    const p = a.length > 1 ? argStr(env, a[1], site, 1) : ' ';
    if (p === '') throw fail(site.u, site.pos, `?${site.name}(...) argument #2 can't be an empty string`);
    if (width <= s.length) return s;
    if (width > env.opts.maxOutputBytes) throw fail(site.u, site.pos, `?${site.name} width ${width} exceeds the output limit`);
    let padding = '';
    if (left) {
      const n = width - s.length;
      for (let i = 0; i < n; i++) padding += p[i % p.length];
      return padding + s;
    }
    for (let i = s.length; i < width; i++) padding += p[i % p.length];
    return s + padding;
  }, [1, 2]);
}

function keep(kind: 'before' | 'after' | 'before_last' | 'after_last'): Spec {
  return strFn((s, a, env, site) => {
    const sep = argStr(env, a[0], site, 0);
    const flags = parseFlags(a.length > 1 ? argStr(env, a[1], site, 1) : undefined, site);
    let at = -1;
    let len = 0;
    if (flags.regex || flags.js.includes('i')) {
      const re = makeRegex(flags.regex ? sep : escapeRegex(sep), flags.js.replace('g', '') + 'g', site);
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        at = m.index;
        len = m[0].length;
        if (kind === 'before' || kind === 'after') break;
        if (m[0].length === 0) re.lastIndex++;
      }
    } else {
      at = kind === 'before' || kind === 'after' ? s.indexOf(sep) : s.lastIndexOf(sep);
      len = sep.length;
    }
    if (at < 0) return kind === 'before' || kind === 'before_last' ? s : '';
    return kind === 'before' || kind === 'before_last' ? s.slice(0, at) : s.slice(at + len);
  }, [1, 2]);
}

function typeTest(f: (v: unknown) => boolean): Spec {
  return { args: [0, 0], fn: () => (_env, t) => f(t) };
}

function lambdaArg(env: Env, f: unknown, site: BiSite): (v: unknown) => unknown {
  if (f instanceof Method || (f instanceof MacroValue && f.kind === 'function')) {
    return (v) => invokeCallable(env, f, [v], site.u, site.pos);
  }
  throw fail(site.u, site.pos, `?${site.name}(...) expects a lambda expression (x -> ...) or a function, but got ${describeType(f)}`);
}

function lambdaBool(_env: Env, site: BiSite, v: unknown): boolean {
  const b = asBool(v);
  if (b === undefined) throw fail(site.u, site.pos, `the lambda of ?${site.name} must return a boolean, but returned ${describeType(v)}`);
  return b;
}

function sortValues(env: Env, items: unknown[], keys: unknown[], site: BiSite): unknown[] {
  if (items.length === 0) return [];
  const first = keys[0];
  const idx = items.map((_, i) => i);
  if (first instanceof Num) {
    for (const k of keys) if (!(k instanceof Num)) throw fail(site.u, site.pos, `?${site.name}: all values must be numbers, but found ${describeType(k)}`);
    idx.sort((a, b) => (keys[a] as Num).d.cmp((keys[b] as Num).d));
  } else if (asStr(first) !== undefined) {
    const coll = collator(env);
    for (const k of keys) if (asStr(k) === undefined) throw fail(site.u, site.pos, `?${site.name}: all values must be strings, but found ${describeType(k)}`);
    idx.sort((a, b) => coll.compare(asStr(keys[a])!, asStr(keys[b])!));
  } else if (typeof first === 'boolean') {
    for (const k of keys) if (typeof k !== 'boolean') throw fail(site.u, site.pos, `?${site.name}: all values must be booleans`);
    idx.sort((a, b) => Number(keys[a]) - Number(keys[b]));
  } else {
    throw fail(site.u, site.pos, `?${site.name}: values must be strings, numbers or booleans, but found ${describeType(first)}`);
  }
  return idx.map((i) => items[i]);
}

function matchFinder(s: string, re: RegExp): () => MatchItem[] {
  return () => {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    const out: MatchItem[] = [];
    let m: RegExpExecArray | null;
    while ((m = g.exec(s)) !== null) {
      out.push(new MatchItem([...m].map((x) => x ?? '')));
      if (m[0].length === 0) g.lastIndex++;
    }
    return out;
  };
}

const SPECS: Record<string, Spec> = {
  // strings ---------------------------------------------------------------------------------
  upper_case: strFn((s) => s.toUpperCase()),
  lower_case: strFn((s) => s.toLowerCase()),
  cap_first: strFn((s) => capFirst(s, true)),
  uncap_first: strFn((s) => capFirst(s, false)),
  capitalize: strFn((s) => capitalize(s)),
  trim: strFn((s) => javaTrim(s)),
  chop_linebreak: strFn((s) => (s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') || s.endsWith('\r') ? s.slice(0, -1) : s)),
  length: strFn((s) => numInt(s.length)),
  word_list: strFn((s) => s.split(/\s+/).filter((w) => w !== '')),
  contains: strFn((s, a, env, site) => s.includes(argStr(env, a[0], site, 0)), [1, 1]),
  starts_with: strFn((s, a, env, site) => s.startsWith(argStr(env, a[0], site, 0)), [1, 1]),
  ends_with: strFn((s, a, env, site) => s.endsWith(argStr(env, a[0], site, 0)), [1, 1]),
  ensure_starts_with: strFn((s, a, env, site) => {
    const p = argStr(env, a[0], site, 0);
    return s.startsWith(p) ? s : p + s;
  }, [1, 3]),
  ensure_ends_with: strFn((s, a, env, site) => {
    const p = argStr(env, a[0], site, 0);
    return s.endsWith(p) ? s : s + p;
  }, [1, 1]),
  remove_beginning: strFn((s, a, env, site) => {
    const p = argStr(env, a[0], site, 0);
    return s.startsWith(p) ? s.slice(p.length) : s;
  }, [1, 1]),
  remove_ending: strFn((s, a, env, site) => {
    const p = argStr(env, a[0], site, 0);
    return s.endsWith(p) && p !== '' ? s.slice(0, s.length - p.length) : s;
  }, [1, 1]),
  index_of: strFn((s, a, env, site) => {
    const from = a.length > 1 ? Math.max(0, argInt(a[1], site, 1)) : 0;
    return numInt(s.indexOf(argStr(env, a[0], site, 0), from));
  }, [1, 2]),
  last_index_of: strFn((s, a, env, site) => {
    const from = a.length > 1 ? argInt(a[1], site, 1) : Number.POSITIVE_INFINITY;
    return numInt(from < 0 ? -1 : s.lastIndexOf(argStr(env, a[0], site, 0), from));
  }, [1, 2]),
  left_pad: pad(true),
  right_pad: pad(false),
  keep_before: keep('before'),
  keep_after: keep('after'),
  keep_before_last: keep('before_last'),
  keep_after_last: keep('after_last'),
  substring: strFn((s, a, _env, site) => {
    const from = argInt(a[0], site, 0);
    const to = a.length > 1 ? argInt(a[1], site, 1) : s.length;
    if (from < 0 || from > s.length || to < from || to > s.length) throw fail(site.u, site.pos, `?substring(${from}, ${to}) is out of bounds for a string of length ${s.length}`);
    return s.slice(from, to);
  }, [1, 2]),
  replace: strFn((s, a, env, site) => {
    const from = argStr(env, a[0], site, 0);
    const to = argStr(env, a[1], site, 1);
    const flags = parseFlags(a.length > 2 ? argStr(env, a[2], site, 2) : undefined, site);
    const max = env.opts.maxOutputBytes;
    if (!flags.regex && !flags.js.includes('i')) {
      if (flags.first) {
        const i = s.indexOf(from);
        return i < 0 ? s : s.slice(0, i) + to + s.slice(i + from.length);
      }
      if (from === '' && (s.length + 1) * to.length + s.length > max) tooLong(env, site);
      if (from === '') {
        let out = to;
        for (let i = 0; i < s.length; i++) out += s[i] + to; // UTF-16 units, like Java
        return checkLen(env, out, site);
      }
      const pieces = s.split(from);
      if (s.length + (pieces.length - 1) * (to.length - from.length) > max) tooLong(env, site);
      return pieces.join(to);
    }
    const re = makeRegex(flags.regex ? from : escapeRegex(from), flags.js + (flags.first ? '' : 'g'), site);
    let grown = 0;
    const budget = max - s.length;
    const result = s.replace(re, (...m: unknown[]) => {
      const groups: string[] = [];
      for (const x of m) {
        if (typeof x === 'number') break;
        groups.push(typeof x === 'string' ? x : '');
      }
      const rep = flags.regex ? javaReplacement(to, groups, site) : to;
      grown += rep.length - (groups[0]?.length ?? 0);
      if (grown > budget) tooLong(env, site);
      return rep;
    });
    return result;
  }, [2, 3]),
  split: strFn((s, a, env, site) => {
    const sep = argStr(env, a[0], site, 0);
    const flags = parseFlags(a.length > 1 ? argStr(env, a[1], site, 1) : undefined, site);
    if (!flags.regex && !flags.js.includes('i')) {
      if (sep === '') throw fail(site.u, site.pos, 'the separator of ?split must not be empty');
      return s.split(sep);
    }
    const re = makeRegex(flags.regex ? sep : escapeRegex(sep), flags.js + 'g', site);
    // Like java.util.regex.Pattern.split(s): capture groups are not included and trailing empty
    // strings are dropped.
    const out: string[] = [];
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      if (m[0].length === 0) {
        if (m.index >= s.length) break;
        if (m.index === 0) {
          re.lastIndex++;
          continue;
        }
        re.lastIndex++;
      }
      out.push(s.slice(last, m.index));
      last = m.index + m[0].length;
    }
    if (out.length === 0) return [s]; // no match: the input itself
    out.push(s.slice(last));
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }, [1, 2]),
  matches: strFn((s, a, env, site) => {
    const pat = argStr(env, a[0], site, 0);
    const flags = parseFlags(a.length > 1 ? argStr(env, a[1], site, 1) : undefined, site);
    const whole = makeRegex(`^(?:${pat})(?![\\s\\S])`, flags.js.replace('m', ''), site);
    const mm = whole.exec(s);
    const finder = makeRegex(pat, flags.js + 'g', site);
    return new RegexMatch(mm, matchFinder(s, finder));
  }, [1, 2]),
  groups: {
    args: [0, 0],
    fn: (site) => (_env, t) => {
      if (t instanceof RegexMatch) return t.whole ? [...t.whole].map((x) => x ?? '') : [];
      if (t instanceof MatchItem) return t.groups;
      throw fail(site.u, site.targetPos, `?groups can only be used on the result of ?matches, but ${src(site)} is ${describeType(t)}`);
    },
  },
  html: strFn((s) => escapeHtml(s)),
  xhtml: strFn((s) => escapeXml(s).replace(/&apos;/g, '&#39;')),
  xml: strFn((s) => escapeXml(s)),
  rtf: strFn((s) => escapeRtf(s)),
  web_safe: strFn((s) => escapeHtml(s)),
  url: strFn((s) => urlEncode(s, false), [0, 1]),
  url_path: strFn((s) => urlEncode(s, true), [0, 1]),
  j_string: strFn((s) => jString(s)),
  js_string: strFn((s) => jsString(s, false)),
  json_string: strFn((s) => jsString(s, true)),
  truncate: strFn((s, a, env, site) => truncate(s, argInt(a[0], site, 0), a.length > 1 ? argStr(env, a[1], site, 1) : '[...]', 'auto'), [1, 2]),
  truncate_w: strFn((s, a, env, site) => truncate(s, argInt(a[0], site, 0), a.length > 1 ? argStr(env, a[1], site, 1) : '[...]', 'w'), [1, 2]),
  truncate_c: strFn((s, a, env, site) => truncate(s, argInt(a[0], site, 0), a.length > 1 ? argStr(env, a[1], site, 1) : '[...]', 'c'), [1, 2]),
  number: {
    args: [0, 0],
    fn: (site) => (env, t) => {
      if (t instanceof Num) return t;
      const s = str(env, t, site);
      const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.exec(s);
      if (!m) throw fail(site.u, site.targetPos, `can't convert this string to number: ${JSON.stringify(s)}`);
      return numFromText(s.replace(/^\+/, ''));
    },
  },
  boolean: strFn((s, _a, _env, site) => {
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw fail(site.u, site.targetPos, `can't convert this string to boolean: ${JSON.stringify(s)}`);
  }),
  // numbers -------------------------------------------------------------------------------------
  c: {
    args: [0, 0],
    fn: (site) => (_env, t) => {
      if (t instanceof Num) return formatComputer(t);
      const b = asBool(t);
      if (b !== undefined) return b ? 'true' : 'false';
      throw fail(site.u, site.targetPos, `For "?c" left-hand operand: expected a number or boolean, but ${src(site)} has evaluated to ${describeType(t)}`);
    },
  },
  string: {
    args: [0, 2],
    fn: (site) => (env, t, a) => {
      if (t instanceof Num) {
        if (a.length === 0) return env.fmtNum(t);
        if (a.length > 1) throw fail(site.u, site.pos, `?string(...) expects 1 argument but has received ${a.length}`);
        const p = argStr(env, a[0], site, 0);
        try {
          return env.formatterFor(p)(t);
        } catch (e) {
          if (e instanceof PatternError) throw fail(site.u, site.pos, `malformed number format pattern ${JSON.stringify(p)}: ${e.message}`);
          throw e;
        }
      }
      if (t instanceof RegexMatch) t = t.whole !== null;
      if (typeof t === 'boolean') {
        if (a.length === 0) {
          const s = scalarText(env, t);
          return s ?? (t ? 'true' : 'false');
        }
        if (a.length !== 2) throw fail(site.u, site.pos, `?string(...) on a boolean expects 2 arguments but has received ${a.length}`);
        return argStr(env, t ? a[0] : a[1], site, t ? 0 : 1);
      }
      const s = asStr(t);
      if (s !== undefined && a.length === 0) return s;
      if (s !== undefined) throw fail(site.u, site.pos, `?string(...) with arguments can't be used on a string`);
      throw fail(site.u, site.targetPos, `For "?string" left-hand operand: expected a string, number or boolean, but ${src(site)} has evaluated to ${describeType(t)}`);
    },
  },
  'string.': {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const f = a[0] as string;
      const n = num(env, t, site);
      try {
        return env.formatterFor(f)(n);
      } catch (e) {
        if (e instanceof PatternError) throw fail(site.u, site.pos, `unknown number format "${f}"`);
        throw e;
      }
    },
  },
  round: { args: [0, 0], fn: (site) => (env, t) => round(num(env, t, site)) },
  floor: { args: [0, 0], fn: (site) => (env, t) => floor(num(env, t, site)) },
  ceiling: { args: [0, 0], fn: (site) => (env, t) => ceiling(num(env, t, site)) },
  int: { args: [0, 0], fn: (site) => (env, t) => narrow(num(env, t, site), 32) },
  long: { args: [0, 0], fn: (site) => (env, t) => narrow(num(env, t, site), 64) },
  short: { args: [0, 0], fn: (site) => (env, t) => narrow(num(env, t, site), 16) },
  byte: { args: [0, 0], fn: (site) => (env, t) => narrow(num(env, t, site), 8) },
  double: { args: [0, 0], fn: (site) => (env, t) => toDouble(num(env, t, site)) },
  float: { args: [0, 0], fn: (site) => (env, t) => toDouble(num(env, t, site)) },
  abs: { args: [0, 0], fn: (site) => (env, t) => abs(num(env, t, site)) },
  is_infinite: { args: [0, 0], fn: (site) => (env, t) => (num(env, t, site), false) },
  is_nan: { args: [0, 0], fn: (site) => (env, t) => (num(env, t, site), false) },
  lower_abc: { args: [0, 0], fn: (site) => (env, t) => abcOf(num(env, t, site), false, site) },
  upper_abc: { args: [0, 0], fn: (site) => (env, t) => abcOf(num(env, t, site), true, site) },
  // sequences -----------------------------------------------------------------------------------
  size: {
    args: [0, 0],
    fn: (site) => (_env, t) => {
      const s = asSeq(t);
      if (s !== undefined) {
        if (s instanceof FtlRange && s.unbounded) throw fail(site.u, site.targetPos, "can't get the size of an unbounded range");
        return numInt(s.length);
      }
      if (isHash(t)) return numInt(hashKeys(t).length);
      throw fail(site.u, site.targetPos, `For "?size" left-hand operand: expected a sequence or extended hash, but ${src(site)} has evaluated to ${describeType(t)}`);
    },
  },
  first: { args: [0, 0], fn: (site) => (env, t) => { const s = seq(t, site, env); return s.length > 0 ? seqGet(s, 0) : undefined; } },
  last: { args: [0, 0], fn: (site) => (env, t) => { const s = seq(t, site, env); return s.length > 0 ? seqGet(s, s.length - 1) : undefined; } },
  reverse: { args: [0, 0], fn: (site) => (env, t) => toArray(seq(t, site, env)).reverse() },
  join: {
    args: [1, 3],
    fn: (site) => (env, t, a) => {
      const s = seq(t, site, env);
      const sep = argStr(env, a[0], site, 0);
      let out = '';
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const v = seqGet(s, i);
        if (v === undefined) continue;
        const text = textOf(env, v);
        if (text === undefined) {
          if (typeof v === 'boolean') throw fail(site.u, site.pos, `?join: ${booleanError(env)}`);
          throw fail(site.u, site.pos, `?join can only join strings, numbers and booleans, but item #${i} is ${describeType(v)}`);
        }
        out += (n++ > 0 ? sep : '') + text;
        if (out.length > env.opts.maxOutputBytes) checkLen(env, out, site);
      }
      if (n === 0 && a.length > 1) return argStr(env, a[1], site, 1);
      if (n > 0 && a.length > 2) out += argStr(env, a[2], site, 2);
      return out;
    },
  },
  seq_contains: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const s = seq(t, site, env);
      for (let i = 0; i < s.length; i++) if (looseEquals(seqGet(s, i), a[0])) return true;
      return false;
    },
  },
  seq_index_of: {
    args: [1, 2],
    fn: (site) => (env, t, a) => {
      const s = seq(t, site, env);
      const from = a.length > 1 ? Math.max(0, argInt(a[1], site, 1)) : 0;
      for (let i = from; i < s.length; i++) if (looseEquals(seqGet(s, i), a[0])) return numInt(i);
      return numInt(-1);
    },
  },
  seq_last_index_of: {
    args: [1, 2],
    fn: (site) => (env, t, a) => {
      const s = seq(t, site, env);
      const from = a.length > 1 ? Math.min(s.length - 1, argInt(a[1], site, 1)) : s.length - 1;
      for (let i = from; i >= 0; i--) if (looseEquals(seqGet(s, i), a[0])) return numInt(i);
      return numInt(-1);
    },
  },
  sort: {
    args: [0, 0],
    fn: (site) => (env, t) => {
      const items = toArray(seq(t, site, env));
      for (const v of items) if (v === undefined) throw fail(site.u, site.pos, '?sort: the sequence contains a missing (null) item');
      return sortValues(env, items, items, site);
    },
  },
  sort_by: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const items = toArray(seq(t, site, env));
      const spec = a[0];
      const path: string[] = [];
      const ps = asSeq(spec);
      if (ps !== undefined) for (let i = 0; i < ps.length; i++) path.push(argStr(env, seqGet(ps, i), site, 0));
      else path.push(argStr(env, spec, site, 0));
      const keys = items.map((it, i) => {
        let v: unknown = it;
        for (const k of path) {
          if (!isHash(v)) throw fail(site.u, site.pos, `?sort_by: item #${i} is not a hash (it is ${describeType(v)})`);
          v = hashGet(v, k);
          if (v === undefined) throw fail(site.u, site.pos, `?sort_by: item #${i} has no "${k}"`);
        }
        return v;
      });
      return sortValues(env, items, keys, site);
    },
  },
  chunk: {
    args: [1, 2],
    fn: (site) => (env, t, a) => {
      const items = toArray(seq(t, site, env));
      const size = argInt(a[0], site, 0);
      if (size < 1) throw fail(site.u, site.pos, '?chunk(...) argument must be at least 1');
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      if (a.length > 1 && out.length > 0) {
        const last = out[out.length - 1]!;
        while (last.length < size) last.push(a[1]);
      }
      return out;
    },
  },
  min: { args: [0, 0], fn: (site) => (env, t) => minMax(env, seq(t, site, env), site, -1) },
  max: { args: [0, 0], fn: (site) => (env, t) => minMax(env, seq(t, site, env), site, 1) },
  filter: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const f = lambdaArg(env, a[0], site);
      const s = seq(t, site, env);
      const out: unknown[] = [];
      for (let i = 0; i < s.length; i++) {
        const v = seqGet(s, i);
        if (lambdaBool(env, site, f(v))) out.push(v);
      }
      return out;
    },
  },
  map: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const f = lambdaArg(env, a[0], site);
      const s = seq(t, site, env);
      const out: unknown[] = [];
      for (let i = 0; i < s.length; i++) out.push(f(seqGet(s, i)));
      return out;
    },
  },
  take_while: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const f = lambdaArg(env, a[0], site);
      const s = seq(t, site, env);
      const out: unknown[] = [];
      for (let i = 0; i < s.length; i++) {
        const v = seqGet(s, i);
        if (!lambdaBool(env, site, f(v))) break;
        out.push(v);
      }
      return out;
    },
  },
  drop_while: {
    args: [1, 1],
    fn: (site) => (env, t, a) => {
      const f = lambdaArg(env, a[0], site);
      const s = seq(t, site, env);
      const out: unknown[] = [];
      let dropping = true;
      for (let i = 0; i < s.length; i++) {
        const v = seqGet(s, i);
        if (dropping && lambdaBool(env, site, f(v))) continue;
        dropping = false;
        out.push(v);
      }
      return out;
    },
  },
  keys: { args: [0, 0], fn: (site) => (_env, t) => hashKeys(hash(t, site)) },
  values: { args: [0, 0], fn: (site) => (_env, t) => { const h = hash(t, site); return hashKeys(h).map((k) => hashGet(h, k)); } },
  // booleans --------------------------------------------------------------------------------------
  then: { args: [2, 2], fn: () => () => undefined }, // compiled lazily in compile.ts
  // anything ----------------------------------------------------------------------------------------
  has_content: { args: [0, 0], allowMissing: true, fn: () => (_env, t) => hasContent(t) },
  exists: { args: [0, 0], allowMissing: true, fn: () => (_env, t) => t !== undefined },
  if_exists: { args: [0, 0], allowMissing: true, fn: () => (_env, t) => (t === undefined ? '' : t) },
  default: { args: [1, 1], allowMissing: true, fn: () => () => undefined }, // lazy, in compile.ts
  switch: {
    args: [2, 1000],
    fn: (site) => (_env, t, a) => {
      for (let i = 0; i + 1 < a.length; i += 2) if (looseEquals(t, a[i])) return a[i + 1];
      if (a.length % 2 === 1) return a[a.length - 1];
      throw fail(site.u, site.pos, `?switch: the value didn't match any case, and there was no default`);
    },
  },
  is_string: typeTest((v) => typeof v === 'string' || v instanceof MatchItem),
  is_number: typeTest((v) => v instanceof Num),
  is_boolean: typeTest((v) => typeof v === 'boolean' || v instanceof RegexMatch),
  is_sequence: typeTest((v) => isSeq(v) || v instanceof RegexMatch),
  is_collection: typeTest(() => false),
  is_collection_ex: typeTest(() => false),
  is_enumerable: typeTest((v) => isSeq(v) || v instanceof RegexMatch),
  is_indexable: typeTest((v) => isSeq(v) || v instanceof RegexMatch),
  is_hash: typeTest((v) => isHash(v)),
  is_hash_ex: typeTest((v) => isHash(v)),
  is_macro: typeTest((v) => v instanceof MacroValue),
  is_directive: typeTest((v) => v instanceof MacroValue || v instanceof TransformValue),
  is_method: typeTest((v) => v instanceof Method),
  is_transform: typeTest((v) => v instanceof TransformValue),
  is_node: typeTest(() => false),
  is_date: typeTest(() => false),
  is_date_like: typeTest(() => false),
  is_date_only: typeTest(() => false),
  is_time: typeTest(() => false),
  is_datetime: typeTest(() => false),
  is_unknown_date_like: typeTest(() => false),
  is_markup_output: typeTest((v) => v instanceof Markup),
  has_api: typeTest(() => false),
  namespace: {
    args: [0, 0],
    fn: (site) => (_env, t) => {
      if (t instanceof MacroValue) return t.ns;
      throw fail(site.u, site.targetPos, `?namespace can only be used on a macro or function, not on ${describeType(t)}`);
    },
  },
  // markup ------------------------------------------------------------------------------------------
  no_esc: {
    args: [0, 0],
    fn: (site) => (env, t) => {
      if (t instanceof Markup) return t;
      if (!isMarkupFormat(site.outputFormat)) throw fail(site.u, site.pos, `?no_esc can't be used here, because the output format is "${site.outputFormat}", which is not a markup format`);
      return new Markup(site.outputFormat, str(env, t, site));
    },
  },
  esc: {
    args: [0, 0],
    fn: (site) => (env, t) => {
      if (t instanceof Markup) return t;
      if (!isMarkupFormat(site.outputFormat)) throw fail(site.u, site.pos, `?esc can't be used here, because the output format is "${site.outputFormat}", which is not a markup format`);
      return new Markup(site.outputFormat, escapeFor(site.outputFormat, str(env, t, site)));
    },
  },
  markup_string: {
    args: [0, 0],
    fn: (site) => (_env, t) => {
      if (t instanceof Markup) return t.text;
      throw fail(site.u, site.targetPos, `?markup_string needs a markup output value, but ${src(site)} is ${describeType(t)}`);
    },
  },
  absolute_template_name: {
    args: [0, 1],
    fn: (site) => (env, t) => resolveName(str(env, t, site), env.unit.name),
  },
};

export function isMarkupFormat(f: string): boolean {
  return f === 'HTML' || f === 'XHTML' || f === 'XML' || f === 'RTF';
}

export function escapeFor(format: string, s: string): string {
  switch (format) {
    case 'HTML': return escapeHtml(s);
    case 'XHTML': return escapeXml(s).replace(/&apos;/g, '&#39;');
    case 'XML': return escapeXml(s);
    case 'RTF': return escapeRtf(s);
    default: return s;
  }
}

function abcOf(n: Num, upper: boolean, site: BiSite): string {
  if (!n.d.isInteger() || n.d.abs().gt(2147483647)) throw fail(site.u, site.targetPos, `The left side operand value isn't compatible with ?${site.name}: can't convert ${formatComputer(n)} to an integer without loss`);
  const v = n.d.toNumber();
  if (v < 1) throw fail(site.u, site.pos, `?${site.name} needs a number of at least 1, but got ${v}`);
  return abc(v, upper);
}

function minMax(env: Env, s: unknown[] | FtlRange, site: BiSite, dir: number): unknown {
  let best: unknown;
  for (let i = 0; i < s.length; i++) {
    const v = seqGet(s, i);
    if (v === undefined) continue;
    if (!(v instanceof Num)) throw fail(site.u, site.pos, `?${site.name}: item #${i} is not a number but ${describeType(v)}`);
    if (best === undefined || v.d.cmp((best as Num).d) * dir > 0) best = v;
  }
  void env;
  return best;
}

export function hasContent(t: unknown): boolean {
  if (t === undefined) return false;
  if (typeof t === 'string') return t !== '';
  if (t instanceof Markup) return t.text !== '';
  const s = asSeq(t);
  if (s !== undefined) return s.length > 0;
  if (t instanceof Namespace || t instanceof HashView) return true;
  if (isHash(t)) return hashKeys(t).length > 0;
  return true;
}

/** Resolves a template name relative to the including template's folder, like FreeMarker. */
export function resolveName(path: string, from: string): string {
  let p = path;
  if (!p.startsWith('/')) {
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    p = dir + p;
  }
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new RangeError(`the template name ${JSON.stringify(path)} leaves the template store`);
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return parts.join('/');
}

export function builtinSpec(name: string): Spec | undefined {
  return SPECS[name];
}

export function makeBuiltin(site: BiSite): { fn: Fn; allowMissing: boolean; args: [number, number] } | undefined {
  const spec = SPECS[site.name];
  if (!spec) return undefined;
  return { fn: spec.fn(site), allowMissing: spec.allowMissing ?? false, args: spec.args };
}

