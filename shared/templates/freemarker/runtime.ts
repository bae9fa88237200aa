/** The render-time environment, errors and value conversions shared by the compiled closures. */
import { TemplateError } from '../../errors.js';
import type { Node } from './ast.js';
import {
  Num, PatternError, SYMBOLS_DE, SYMBOLS_EN, formatComputer, formatDefault, formatNumber, parsePattern,
  type NumberPattern,
} from './numbers.js';
import { positionOf } from './parser.js';
import { FtlRange, HashView, Markup, Method, Namespace, hashGet, hashKeys, isHash, isSeq } from './values.js';

/** A compiled template unit (the main template or an included/imported one). */
export interface Unit {
  name: string;
  source: string;
  lineStarts: number[];
  isMain: boolean;
  root: Exec;
  macros: MacroDef[];
}

export type Exec = (env: Env) => number;
export type Eval = (env: Env) => unknown;

export const SIG_NONE = 0;
export const SIG_BREAK = 1;
export const SIG_CONTINUE = 2;
export const SIG_RETURN = 3;

export interface MacroDef {
  kind: 'macro' | 'function';
  name: string;
  params: Array<{ name: string; def: Eval | undefined }>;
  catchAll: string | undefined;
  body: Exec;
  unit: Unit;
  node: Node;
}

/**
 * The transforms FreeMarker's default configuration shares with every template: <@compress>,
 * <@html_escape>, <@xml_escape>, <@normalize_newlines>.
 */
export class TransformValue {
  constructor(
    readonly name: string,
    readonly apply: (body: string, params: Map<string, unknown>) => string,
  ) {}
}

function compressText(s: string, singleLine: boolean): string {
  const out = s.replace(/[\t\n\v\f\r\x1c-\x1f ]+/g, (m) => {
    if (singleLine) return ' ';
    const i = m.search(/[\r\n]/);
    if (i < 0) return ' ';
    return m[i] === '\r' && m[i + 1] === '\n' ? '\r\n' : m[i]!;
  });
  return out.replace(/^[ \r\n]+|[ \r\n]+$/g, '');
}
export { compressText };

export const SHARED_TRANSFORMS = new Map<string, TransformValue>([
  ['compress', new TransformValue('compress', (b, p) => compressText(b, p.get('single_line') === true))],
  ['html_escape', new TransformValue('html_escape', (b) => b.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!))],
  ['xml_escape', new TransformValue('xml_escape', (b) => b.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!))],
  ['normalize_newlines', new TransformValue('normalize_newlines', (b) => {
    if (b === '') return '';
    const lines = b.split(/\r\n|\n|\r/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((l) => l + '\n').join('');
  })],
]);

export class MacroValue {
  readonly kind: 'macro' | 'function';
  constructor(
    readonly def: MacroDef,
    readonly ns: Namespace,
  ) {
    this.kind = def.kind;
  }
}

/** A loop, lambda or #nested frame of loop variables. */
export interface Frame {
  parent: Frame | null;
  names: string[];
  values: unknown[];
  /** Set for #list frames (loop-variable built-ins, #sep, #break). */
  loop: LoopState | undefined;
}

export interface LoopState {
  index: number;
  hasNext: boolean;
}

export interface CallFrame {
  def: MacroDef;
  callerLoops: Frame | null;
  callerLocals: Map<string, unknown> | null;
  callerNs: Namespace;
  callerCall: CallFrame | null;
  callerUnit: Unit;
  nestedBody: Exec | undefined;
  nestedVars: string[];
}

/** Runtime failure: TEMPLATE_RENDER_FAILED with the position of the failing expression. */
export class FtlRuntimeError extends TemplateError {
  constructor(
    message: string,
    pos: { line: number; column: number },
    readonly missing: boolean,
  ) {
    super('TEMPLATE_RENDER_FAILED', message, pos);
  }
}

/** A limit was hit (output size, loop iterations, recursion); #attempt does not catch it. */
export class LimitError extends TemplateError {
  constructor(message: string, pos: { line: number; column: number }) {
    super('TEMPLATE_RENDER_FAILED', message, pos);
  }
}

export function where(u: Unit, pos: number): { line: number; column: number } {
  return positionOf(u.lineStarts, Math.min(pos, u.source.length));
}

export function fail(u: Unit, pos: number, message: string): FtlRuntimeError {
  return new FtlRuntimeError(u.isMain ? message : `${message} (in template "${u.name}")`, where(u, pos), false);
}

export function missing(u: Unit, pos: number, end: number): FtlRuntimeError {
  const text = u.source.slice(pos, end);
  return new FtlRuntimeError(
    `${u.isMain ? '' : `in template "${u.name}": `}"${text}" is missing (null or undefined); handle it with ${text}! or ${text}??`,
    where(u, pos), true,
  );
}

export interface EnvOptions {
  maxOutputBytes: number;
  maxLoopIterations: number;
  maxCallDepth: number;
  resolveInclude: ((path: string, fromName: string) => string | undefined) | undefined;
  loadUnit: (name: string, source: string) => Unit;
}

interface NumberFormatter {
  (n: Num): string;
}

/** Currency symbol and ISO code per supported locale (the JDK's CLDR data). */
const CURRENCY: Record<string, [string, string]> = {
  en_US: ['$', 'USD'], en_GB: ['\u00a3', 'GBP'], de_DE: ['\u20ac', 'EUR'], en: ['\u00a4', 'XXX'], de: ['\u00a4', 'XXX'],
};

export class Env {
  out = '';
  loops: Frame | null = null;
  locals: Map<string, unknown> | null = null;
  ns: Namespace;
  readonly main: Namespace;
  readonly globals = new Map<string, unknown>();
  call: CallFrame | null = null;
  /** The template whose code runs (changes with macro calls); .current_template_name. */
  unit: Unit;
  /** The template being processed (changes only with #include/#import); .template_name. */
  processed: Unit;
  readonly mainUnit: Unit;
  returnValue: unknown = undefined;
  depth = 0;
  iterations = 0;
  error: string | undefined;
  /** The sequence of a `#list` without `as`, waiting for its `#items`. */
  pendingList: unknown = undefined;
  readonly imports = new Map<string, Namespace>();

  numberFormat = 'number';
  booleanFormat = 'true,false';
  locale = 'en_US';
  urlCharset: string | undefined;
  fmtNum: NumberFormatter = formatDefault;
  private readonly patternCache = new Map<string, NumberPattern>();

  constructor(
    readonly root: unknown,
    unit: Unit,
    readonly opts: EnvOptions,
  ) {
    this.unit = unit;
    this.processed = unit;
    this.mainUnit = unit;
    this.main = new Namespace(unit.name);
    this.ns = this.main;
  }

  /** Variable lookup: loop variables, macro locals, the current namespace, globals, the data model. */
  lookup(name: string): unknown {
    for (let f = this.loops; f !== null; f = f.parent) {
      const names = f.names;
      for (let i = 0; i < names.length; i++) if (names[i] === name) return f.values[i];
    }
    if (this.locals !== null) {
      const v = this.locals.get(name);
      if (v !== undefined || this.locals.has(name)) return v;
    }
    const nv = this.ns.vars.get(name);
    if (nv !== undefined) return nv;
    return this.globalLookup(name);
  }

  globalLookup(name: string): unknown {
    const g = this.globals.get(name);
    if (g !== undefined) return g;
    const r = this.root;
    const v = r === undefined || r === null ? undefined : hashGet(r, name);
    return v !== undefined ? v : SHARED_TRANSFORMS.get(name);
  }

  checkOutput(u: Unit, pos: number): void {
    if (this.out.length > this.opts.maxOutputBytes) {
      throw new LimitError(`output exceeds the limit of ${this.opts.maxOutputBytes} bytes`, where(u, pos));
    }
  }

  /** Accounts for `n` steps of work done by a built-in over a sequence (bounded like loops). */
  spend(n: number, u: Unit, pos: number): void {
    this.iterations += n;
    if (this.iterations > this.opts.maxLoopIterations) {
      throw new LimitError(`more than ${this.opts.maxLoopIterations} loop iterations (sequence built-ins included)`, where(u, pos));
    }
  }

  tick(u: Unit, pos: number): void {
    if (++this.iterations > this.opts.maxLoopIterations) {
      throw new LimitError(`more than ${this.opts.maxLoopIterations} loop iterations`, where(u, pos));
    }
  }

  symbols(): typeof SYMBOLS_EN {
    const base = this.locale.startsWith('de') ? SYMBOLS_DE : SYMBOLS_EN;
    const cur = CURRENCY[this.locale];
    return cur ? { ...base, currency: cur[0], intlCurrency: cur[1] } : base;
  }

  pattern(p: string): NumberPattern {
    const key = `${this.locale}|${p}`;
    let pat = this.patternCache.get(key);
    if (!pat) {
      pat = parsePattern(p, this.symbols());
      this.patternCache.set(key, pat);
    }
    return pat;
  }

  /** A formatter for a number_format value; throws PatternError for a malformed pattern. */
  formatterFor(fmt: string): NumberFormatter {
    const de = this.locale.startsWith('de');
    switch (fmt) {
      case 'number':
        if (!de) return formatDefault;
        return (n) => formatNumber(n, this.pattern('#,##0.###'));
      case 'computer':
        return formatComputer;
      case 'currency':
        return (n) => formatNumber(n, this.pattern(de ? '#,##0.00\u00a0\u00a4' : '\u00a4#,##0.00'));
      case 'percent':
        return (n) => formatNumber(n, this.pattern(de ? '#,##0\u00a0%' : '#,##0%'));
      case 'integer':
        return (n) => formatNumber(n, this.pattern('#,##0'));
      default: {
        const pat = this.pattern(fmt);
        return (n) => formatNumber(n, pat);
      }
    }
  }

  setNumberFormat(fmt: string): void {
    this.fmtNum = this.formatterFor(fmt);
    this.numberFormat = fmt;
  }

  setLocale(loc: string): void {
    this.locale = loc;
    this.fmtNum = this.formatterFor(this.numberFormat);
  }
}

export { PatternError };

/** Converts a value to text for `${}` and string concatenation; undefined means "not convertible". */
export function scalarText(env: Env, v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Num) return env.fmtNum(v);
  if (typeof v === 'boolean') {
    const bf = env.booleanFormat;
    if (bf === 'true,false') return undefined;
    if (bf === 'c') return v ? 'true' : 'false';
    const comma = bf.indexOf(',');
    return v ? bf.slice(0, comma) : bf.slice(comma + 1);
  }
  return undefined;
}

export function describeType(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Num) return 'a number';
  if (isSeq(v)) return 'a sequence';
  if (v instanceof Markup) return `a markup output (${v.format})`;
  if (v instanceof Method) return 'a method';
  if (v instanceof MacroValue) return v.kind === 'function' ? 'a function' : 'a macro';
  if (isHash(v)) return 'a hash';
  return 'an unsupported value';
}

export function booleanError(env: Env): string {
  void env;
  return 'can\'t convert a boolean to a string automatically: the "boolean_format" setting is the default "true,false"; use ?c, ?string("yes", "no") or ?then(...)';
}

/** A `.vars`/`.globals`/... view. */
export function specialHash(env: Env, name: string): unknown {
  switch (name) {
    case 'vars':
      return new HashView((k) => env.lookup(k), () => []);
    case 'globals':
      return new HashView((k) => env.globalLookup(k), () => [...env.globals.keys()]);
    case 'data_model':
      return new HashView((k) => (env.root === undefined || env.root === null ? undefined : hashGet(env.root, k)),
        () => (isHash(env.root) ? hashKeys(env.root) : []));
    case 'main':
      return env.main;
    case 'namespace':
      return env.ns;
    case 'locals': {
      const l = env.locals;
      return l === null ? undefined : new HashView((k) => l.get(k), () => [...l.keys()]);
    }
    default:
      return undefined;
  }
}

export { FtlRange };

// ---------------------------------------------------------------------------------------------
// Coercions shared by the compiler and the built-ins

import { MatchItem, RegexMatch } from './values.js';

export function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v instanceof RegexMatch) return v.whole !== null;
  return undefined;
}

export function asSeq(v: unknown): unknown[] | FtlRange | undefined {
  if (Array.isArray(v) || v instanceof FtlRange) return v;
  if (v instanceof RegexMatch) return v.items;
  return undefined;
}

/** A string value (not a number or boolean converted to one). */
export function asStr(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof MatchItem) return v.text;
  return undefined;
}

/** String, or a number/boolean converted the way `${}` does. */
export function textOf(env: Env, v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof MatchItem) return v.text;
  return scalarText(env, v);
}

/** Binds call arguments to a macro's or function's parameters, in the callee's context. */
export function bindAndEnter(
  env: Env,
  mv: MacroValue,
  positional: unknown[] | undefined,
  named: Array<[string, unknown]> | undefined,
  u: Unit,
  pos: number,
  nestedBody: Exec | undefined,
  nestedVars: string[],
): void {
  const def = mv.def;
  const what = `${def.kind === 'function' ? 'function' : 'macro'} "${def.name}"`;
  if (env.depth >= env.opts.maxCallDepth) throw new LimitError(`macro/function calls nested deeper than ${env.opts.maxCallDepth} (runaway recursion?)`, where(u, pos));
  const locals = new Map<string, unknown>();
  let rest: unknown;
  if (positional) {
    const n = def.params.length;
    if (positional.length > n && def.catchAll === undefined) {
      throw fail(u, pos, `${what} only accepts ${n} parameters, but got ${positional.length}`);
    }
    for (let i = 0; i < positional.length && i < n; i++) {
      if (positional[i] !== undefined) locals.set(def.params[i]!.name, positional[i]);
    }
    if (def.catchAll !== undefined) rest = positional.slice(n);
  } else if (named) {
    let extra: Map<string, unknown> | undefined;
    for (const [k, v] of named) {
      if (def.params.some((p) => p.name === k)) {
        if (v !== undefined) locals.set(k, v);
      } else if (def.catchAll !== undefined) {
        extra ??= new Map();
        extra.set(k, v);
      } else {
        throw fail(u, pos, `${what} has no parameter with name "${k}"; valid parameter names are: ${def.params.map((p) => p.name).join(', ')}`);
      }
    }
    if (def.catchAll !== undefined) rest = extra ?? new Map();
  } else if (def.catchAll !== undefined) {
    rest = def.kind === 'function' ? [] : new Map();
  }
  const call: CallFrame = {
    def, callerLoops: env.loops, callerLocals: env.locals, callerNs: env.ns, callerCall: env.call, callerUnit: env.unit,
    nestedBody, nestedVars,
  };
  env.loops = null;
  env.locals = locals;
  env.ns = mv.ns;
  env.call = call;
  env.unit = def.unit;
  env.depth++;
  if (def.catchAll !== undefined) locals.set(def.catchAll, rest);
  for (let i = 0; i < def.params.length; i++) {
    const p = def.params[i]!;
    if (locals.get(p.name) !== undefined) continue;
    if (p.def === undefined) {
      leave(env, call);
      throw fail(u, pos, `When calling ${what}, required parameter "${p.name}" (parameter #${i + 1}) was not specified`);
    }
    locals.set(p.name, p.def(env));
  }
}

export function leave(env: Env, call: CallFrame): void {
  env.loops = call.callerLoops;
  env.locals = call.callerLocals;
  env.ns = call.callerNs;
  env.call = call.callerCall;
  env.unit = call.callerUnit;
  env.depth--;
}

/** Calls an FTL #function (its output is discarded) or a method value. */
export function invokeCallable(env: Env, f: unknown, args: unknown[], u: Unit, pos: number): unknown {
  if (f instanceof Method) return f.call(env, args);
  if (f instanceof MacroValue) {
    if (f.kind !== 'function') throw fail(u, pos, `"${f.def.name}" is a macro, not a function; call it as <@${f.def.name} .../>`);
    const saveOut = env.out;
    env.out = '';
    bindAndEnter(env, f, args, undefined, u, pos, undefined, []);
    const call = env.call!;
    try {
      f.def.body(env);
    } finally {
      leave(env, call);
      env.out = saveOut;
    }
    const r = env.returnValue;
    env.returnValue = undefined;
    return r;
  }
  throw fail(u, pos, `expected a function or method, but this is ${describeType(f)}`);
}
