/**
 * FTL numbers: exact decimals with a tracked scale, like the BigDecimal values FreeMarker 2.3.31
 * uses for literals and for our JSON data model, plus a DecimalFormat-compatible formatter.
 *
 * Arithmetic (measured): + and - are exact; * is exact but a scale above 12 is rounded to 12
 * (HALF_UP); / uses scale max(12, scale(a), scale(b)) with HALF_UP; % works on the truncated
 * integer parts (like Java longs).
 */
import DecimalModule from 'decimal.js';
import type { Decimal as DecimalType } from 'decimal.js';

// decimal.js ships CommonJS-style types for its ESM build, whose default export is the class itself.
const Decimal: typeof DecimalModule.default =
  (DecimalModule as unknown as { default?: typeof DecimalModule.default }).default ?? (DecimalModule as unknown as typeof DecimalModule.default);

/** Exact for everything but division (which rounds explicitly). */
export const D = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });
/** Used for division: truncates, then we round once with HALF_UP at the wanted scale. */
const DDIV = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_DOWN, toExpNeg: -9e15, toExpPos: 9e15 });

export type Dec = InstanceType<typeof D>;

export class Num {
  private dec: Dec | undefined;
  constructor(
    d: Dec | undefined,
    /** BigDecimal scale: digits after the decimal point, possibly negative. */
    readonly scale: number,
    /** The value as a JS number when it is a safe integer (a fast path for the common case). */
    readonly n?: number,
  ) {
    this.dec = d;
  }

  get d(): Dec {
    return (this.dec ??= new D(this.n!));
  }
}

const SMALL: Num[] = [];
for (let i = 0; i <= 1024; i++) SMALL.push(new Num(new D(i), 0, i));

/** A safe integer. */
export function numInt(n: number): Num {
  if (n >= 0 && n <= 1024) return SMALL[n]!;
  return new Num(undefined, 0, n === 0 ? 0 : n);
}

/** A JS number from a plain data model: integers have scale 0, others their shortest decimal form. */
export function numFromJs(n: number): Num {
  if (Number.isSafeInteger(n)) return numInt(n);
  if (Number.isInteger(n)) return new Num(new D(BigInt(n).toString()), 0);
  if (!Number.isFinite(n)) throw new RangeError(`${n} is not a finite number`);
  const d = new D(n);
  return new Num(d, Math.max(0, d.decimalPlaces()));
}

export function numFromBigInt(n: bigint): Num {
  return new Num(new D(n.toString()), 0);
}

/** Parses decimal text the way java.math.BigDecimal(String) does, keeping the scale. */
export function numFromText(text: string): Num {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a number: ${text}`);
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  if (frac === '' && exp === 0 && m[2]!.length < 16) return numInt(Number(text));
  return new Num(new D(text), frac.length - exp);
}

const ZERO = numInt(0);
export { ZERO as NUM_ZERO };

export function add(a: Num, b: Num): Num {
  if (a.n !== undefined && b.n !== undefined) {
    const r = a.n + b.n;
    if (Number.isSafeInteger(r)) return numInt(r);
  }
  return new Num(a.d.plus(b.d), Math.max(a.scale, b.scale));
}

export function sub(a: Num, b: Num): Num {
  if (a.n !== undefined && b.n !== undefined) {
    const r = a.n - b.n;
    if (Number.isSafeInteger(r)) return numInt(r);
  }
  return new Num(a.d.minus(b.d), Math.max(a.scale, b.scale));
}

const MAX_MUL_SCALE = 12;
const MIN_DIV_SCALE = 12;

export function mul(a: Num, b: Num): Num {
  const scale = a.scale + b.scale;
  const d = a.d.times(b.d);
  if (scale > MAX_MUL_SCALE) return new Num(d.toDecimalPlaces(MAX_MUL_SCALE, D.ROUND_HALF_UP), MAX_MUL_SCALE);
  return new Num(d, scale);
}

/** Throws RangeError on division by zero. */
export function div(a: Num, b: Num): Num {
  if (b.d.isZero()) throw new RangeError('Division by zero');
  const scale = Math.max(MIN_DIV_SCALE, a.scale, b.scale);
  if (a.d.isZero()) return new Num(new D(0), scale);
  // Enough significant digits for every digit up to `scale`, plus guard digits; truncating first
  // and rounding once afterwards gives the exact HALF_UP result.
  const magnitude = a.d.e - b.d.e + 2;
  DDIV.set({ precision: Math.max(20, magnitude + scale + 5) });
  const q = new DDIV(a.d.toString()).div(new DDIV(b.d.toString()));
  return new Num(new D(q.toString()).toDecimalPlaces(scale, D.ROUND_HALF_UP), scale);
}

/** Java `long % long` on the truncated values. */
export function mod(a: Num, b: Num): Num {
  const l = BigInt.asIntN(64, BigInt(a.d.trunc().toFixed(0)));
  const r = BigInt.asIntN(64, BigInt(b.d.trunc().toFixed(0)));
  if (r === 0n) throw new RangeError('Division by zero');
  return new Num(new D((l % r).toString()), 0); // BigInt % keeps the sign of the dividend, like Java
}

export function neg(a: Num): Num {
  return new Num(a.d.neg(), a.scale);
}

export function cmp(a: Num, b: Num): number {
  return a.d.cmp(b.d);
}

/** An integral double as an exact decimal (like new BigDecimal(double)). */
function fromIntegralDouble(v: number): Num {
  if (Number.isSafeInteger(v)) return numInt(v);
  if (!Number.isFinite(v)) throw new RangeError(`${v} can't be represented as a decimal`);
  return new Num(new D(BigInt(v).toString()), 0);
}

/** ?round: floor(x + 0.5), computed on the double value like FreeMarker does (measured). */
export function round(a: Num): Num {
  return fromIntegralDouble(Math.floor(a.d.toNumber() + 0.5));
}
export function floor(a: Num): Num {
  return fromIntegralDouble(Math.floor(a.d.toNumber()));
}
export function ceiling(a: Num): Num {
  return fromIntegralDouble(Math.ceil(a.d.toNumber()));
}

/** Java's narrowing of a BigDecimal to an integer type of `bits` bits (truncates, then wraps). */
export function narrow(a: Num, bits: 8 | 16 | 32 | 64): Num {
  const t = BigInt(a.d.trunc().toFixed(0));
  const w = BigInt.asIntN(bits, t);
  return w === t ? new Num(a.d.trunc(), 0) : new Num(new D(w.toString()), 0);
}

/** As a double (for ?double and ?float). */
export function toDouble(a: Num): Num {
  return numFromJs(a.d.toNumber());
}
export function trunc(a: Num): Num {
  return new Num(a.d.trunc(), 0);
}
export function abs(a: Num): Num {
  return a.d.isNeg() ? new Num(a.d.neg(), a.scale) : a;
}

/** The value as a JS integer (truncated), for indexes, counts and pad widths. */
export function toInt(a: Num): number {
  return a.d.trunc().toNumber();
}

export function isIntegral(a: Num): boolean {
  return a.d.isInteger();
}

// ---------------------------------------------------------------------------------------------
// DecimalFormat

export type Rounding = DecimalType.Rounding;

export interface Symbols {
  decimal: string;
  group: string;
  minus: string;
  percent: string;
  perMill: string;
  exponent: string;
  currency: string;
  intlCurrency: string;
}

export const SYMBOLS_EN: Symbols = {
  decimal: '.', group: ',', minus: '-', percent: '%', perMill: '\u2030', exponent: 'E', currency: '$', intlCurrency: 'USD',
};
export const SYMBOLS_DE: Symbols = {
  decimal: ',', group: '.', minus: '-', percent: '%', perMill: '\u2030', exponent: 'E', currency: '\u20ac', intlCurrency: 'EUR',
};

export interface NumberPattern {
  posPrefix: string;
  posSuffix: string;
  negPrefix: string;
  negSuffix: string;
  minInt: number;
  maxInt: number;
  minFrac: number;
  maxFrac: number;
  /** 0 when grouping is off. */
  groupingSize: number;
  multiplier: number;
  decimalAlwaysShown: boolean;
  /** Scientific notation: the minimum number of exponent digits, or 0 when not used. */
  minExpDigits: number;
  rounding: Rounding;
  symbols: Symbols;
}

export class PatternError extends Error {}

const ROUNDING_NAMES: Record<string, Rounding> = {
  up: Decimal.ROUND_UP, down: Decimal.ROUND_DOWN, ceiling: Decimal.ROUND_CEIL, floor: Decimal.ROUND_FLOOR,
  halfUp: Decimal.ROUND_HALF_UP, halfDown: Decimal.ROUND_HALF_DOWN, halfEven: Decimal.ROUND_HALF_EVEN,
};

/**
 * Parses a java.text.DecimalFormat pattern, with FreeMarker's extension: options after a second `;`
 * (`0.##;; roundingMode=halfUp`).
 */
export function parsePattern(source: string, baseSymbols: Symbols): NumberPattern {
  let pattern = source;
  const symbols: Symbols = { ...baseSymbols };
  let rounding: Rounding = Decimal.ROUND_HALF_EVEN;
  let multiplierOption: number | undefined;
  // Split on unquoted semicolons.
  const parts: string[] = [];
  {
    let cur = '';
    let quoted = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "'") quoted = !quoted;
      if (c === ';' && !quoted) {
        parts.push(cur);
        cur = '';
        continue;
      }
      cur += c;
    }
    parts.push(cur);
  }
  if (parts.length > 2) {
    const options = parts.slice(2).join(';').trim();
    pattern = parts[1] === '' ? parts[0]! : `${parts[0]!};${parts[1]!}`;
    for (const opt of options.split(/\s*,\s*|\s+/)) {
      if (opt === '') continue;
      const eq = opt.indexOf('=');
      if (eq < 0) throw new PatternError(`malformed option "${opt}"`);
      const key = opt.slice(0, eq);
      const value = opt.slice(eq + 1).replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
      switch (key) {
        case 'roundingMode': {
          const r = ROUNDING_NAMES[value];
          if (r === undefined) throw new PatternError(`unsupported roundingMode "${value}"`);
          rounding = r;
          break;
        }
        case 'multiplier': multiplierOption = Number(value); break;
        case 'decimalSeparator': symbols.decimal = value; break;
        case 'groupingSeparator': symbols.group = value; break;
        case 'minusSign': symbols.minus = value; break;
        case 'exponentSeparator': symbols.exponent = value; break;
        case 'percent': symbols.percent = value; break;
        case 'perMill': symbols.perMill = value; break;
        case 'currencySymbol': symbols.currency = value; break;
        case 'currencyCode': symbols.intlCurrency = value; break;
        default: throw new PatternError(`unsupported option "${key}"`);
      }
    }
  } else {
    pattern = parts.join(';');
  }
  const [pos, negPart] = splitPatternParts(pattern);
  let multiplier = 1;
  const affix = (s: string): string => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === "'") {
        if (s[i + 1] === "'") { out += "'"; i++; continue; }
        const end = s.indexOf("'", i + 1);
        if (end < 0) throw new PatternError('unterminated quote');
        out += s.slice(i + 1, end);
        i = end;
        continue;
      }
      if (c === '%') { multiplier = 100; out += symbols.percent; continue; }
      if (c === '\u2030') { multiplier = 1000; out += symbols.perMill; continue; }
      if (c === '\u00a4') {
        if (s[i + 1] === '\u00a4') { out += symbols.intlCurrency; i++; } else out += symbols.currency;
        continue;
      }
      if (c === '-') { out += symbols.minus; continue; }
      out += c;
    }
    return out;
  };
  const p = analyse(pos.body);
  const posPrefix = affix(pos.prefix);
  const posSuffix = affix(pos.suffix);
  let negPrefix: string;
  let negSuffix: string;
  if (negPart) {
    negPrefix = affix(negPart.prefix);
    negSuffix = affix(negPart.suffix);
  } else {
    negPrefix = symbols.minus + posPrefix;
    negSuffix = posSuffix;
  }
  if (multiplierOption !== undefined) multiplier = multiplierOption;
  return { posPrefix, posSuffix, negPrefix, negSuffix, ...p, multiplier, rounding, symbols };
}

interface PatternPart { prefix: string; body: string; suffix: string }

function splitPatternParts(pattern: string): [PatternPart, PatternPart | undefined] {
  const parts: PatternPart[] = [];
  let i = 0;
  for (let n = 0; n < 2 && i <= pattern.length; n++) {
    let prefix = '';
    let body = '';
    let suffix = '';
    let phase = 0; // 0 prefix, 1 body, 2 suffix
    for (; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "'") {
        const end = pattern.indexOf("'", i + 1);
        if (end < 0) throw new PatternError('unterminated quote');
        const q = pattern.slice(i, end + 1);
        if (phase === 1) phase = 2;
        if (phase === 0) prefix += q; else suffix += q;
        i = end;
        continue;
      }
      if (c === ';') { i++; break; }
      const isBody = c === '#' || c === '0' || c === ',' || c === '.' || (phase === 1 && (c === 'E' || (c === '0')));
      if (phase === 0 && isBody) phase = 1;
      if (phase === 1) {
        if (isBody || c === 'E' || (body.includes('E') && (c === '0'))) { body += c; continue; }
        phase = 2;
      }
      if (phase === 0) prefix += c; else suffix += c;
    }
    parts.push({ prefix, body, suffix });
    if (i >= pattern.length) break;
  }
  return [parts[0]!, parts[1]];
}

function analyse(body: string): Omit<NumberPattern, 'posPrefix' | 'posSuffix' | 'negPrefix' | 'negSuffix' | 'multiplier' | 'rounding' | 'symbols'> {
  let mantissa = body;
  let minExpDigits = 0;
  const e = body.indexOf('E');
  if (e >= 0) {
    mantissa = body.slice(0, e);
    const exp = body.slice(e + 1);
    if (!/^0+$/.test(exp)) throw new PatternError('malformed exponent');
    minExpDigits = exp.length;
  }
  const dot = mantissa.indexOf('.');
  if (dot !== mantissa.lastIndexOf('.')) throw new PatternError('multiple decimal separators');
  const intPart = dot >= 0 ? mantissa.slice(0, dot) : mantissa;
  const fracPart = dot >= 0 ? mantissa.slice(dot + 1) : '';
  if (/[^#0,]/.test(intPart) || /[^#0]/.test(fracPart)) throw new PatternError('malformed pattern');
  if (/0.*#/.test(intPart.replace(/,/g, ''))) throw new PatternError('unexpected "#" after "0"');
  if (/#.*0/.test(fracPart)) throw new PatternError('unexpected "0" after "#"');
  const intDigits = intPart.replace(/,/g, '');
  let minInt = (intDigits.match(/0/g) ?? []).length;
  let minFrac = (fracPart.match(/0/g) ?? []).length;
  const maxFrac = fracPart.length;
  const lastComma = intPart.lastIndexOf(',');
  const groupingSize = lastComma >= 0 ? intPart.length - lastComma - 1 : 0;
  if (lastComma >= 0 && groupingSize === 0) throw new PatternError('malformed grouping');
  if (minInt === 0 && minFrac === 0 && dot >= 0) {
    // "#.##" behaves like "#0.##"; ".##" like ".0#".
    if (intDigits.length > 0) minInt = 1;
    else if (maxFrac > 0) minFrac = 1;
  }
  const maxInt = minExpDigits > 0 ? intDigits.length : Number.MAX_SAFE_INTEGER;
  return { minInt, maxInt, minFrac, maxFrac, groupingSize, decimalAlwaysShown: dot >= 0 && dot === mantissa.length - 1, minExpDigits };
}

function group(intDigits: string, size: number, sep: string): string {
  if (size <= 0 || intDigits.length <= size) return intDigits;
  let out = '';
  let first = intDigits.length % size;
  if (first === 0) first = size;
  out = intDigits.slice(0, first);
  for (let i = first; i < intDigits.length; i += size) out += sep + intDigits.slice(i, i + size);
  return out;
}

/** Formats like java.text.DecimalFormat.format(BigDecimal). */
export function formatNumber(n: Num, p: NumberPattern): string {
  let d = n.d;
  const negative = d.isNeg() && !d.isZero();
  if (negative) d = d.neg();
  if (p.multiplier !== 1) d = d.times(p.multiplier);
  let body: string;
  if (p.minExpDigits > 0) body = formatScientific(d, p);
  else {
    let intStr: string;
    let fracStr: string;
    if (p.maxFrac === 0 || d.isInteger()) {
      const r = d.isInteger() ? d : d.toDecimalPlaces(0, p.rounding);
      intStr = r.toFixed(0);
      fracStr = '';
    } else {
      const fixed = d.toFixed(p.maxFrac, p.rounding);
      const dot = fixed.indexOf('.');
      intStr = dot >= 0 ? fixed.slice(0, dot) : fixed;
      fracStr = dot >= 0 ? fixed.slice(dot + 1) : '';
      let end = fracStr.length;
      while (end > 0 && fracStr.charCodeAt(end - 1) === 48) end--;
      fracStr = fracStr.slice(0, end);
    }
    if (fracStr.length < p.minFrac) fracStr = fracStr.padEnd(p.minFrac, '0');
    if (intStr === '0') intStr = '';
    if (intStr.length < p.minInt) intStr = intStr.padStart(p.minInt, '0');
    if (intStr === '' && fracStr === '') intStr = '0';
    body = group(intStr, p.groupingSize, p.symbols.group);
    if (fracStr !== '' || p.decimalAlwaysShown) body += p.symbols.decimal + fracStr;
  }
  return negative ? p.negPrefix + body + p.negSuffix : p.posPrefix + body + p.posSuffix;
}

function formatScientific(d: Dec, p: NumberPattern): string {
  const engineering = p.maxInt > p.minInt && p.maxInt > 1;
  let exponent: number;
  let mantissaStr: string;
  if (d.isZero()) {
    exponent = 0;
    const intStr = '0'.repeat(Math.max(1, p.minInt));
    mantissaStr = intStr + (p.minFrac > 0 ? p.symbols.decimal + '0'.repeat(p.minFrac) : '');
  } else {
    const sig = engineering ? p.maxInt + p.maxFrac : p.minInt + p.maxFrac;
    let r = d.toSignificantDigits(Math.max(1, sig), p.rounding);
    const e10 = r.e; // value = m * 10^e10 with 1 <= m < 10
    let intDigits: number;
    if (engineering) {
      exponent = Math.floor(e10 / p.maxInt) * p.maxInt;
      intDigits = e10 - exponent + 1;
    } else {
      intDigits = p.minInt; // 0 gives Java's ".1E3" form
      exponent = e10 - intDigits + 1;
    }
    r = r.div(new D(10).pow(exponent));
    const fracMax = engineering ? Math.max(0, sig - intDigits) : intDigits === 0 ? Math.max(1, p.maxFrac) : p.maxFrac;
    let s = r.toFixed(fracMax, p.rounding);
    const dot = s.indexOf('.');
    let ip = dot >= 0 ? s.slice(0, dot) : s;
    if (ip === '0' && intDigits === 0) ip = '';
    let fp = dot >= 0 ? s.slice(dot + 1) : '';
    fp = fp.replace(/0+$/, '');
    const minFrac = engineering ? 0 : p.minFrac;
    if (fp.length < minFrac) fp = fp.padEnd(minFrac, '0');
    if (ip.length < p.minInt) ip = ip.padStart(p.minInt, '0');
    mantissaStr = ip + (fp !== '' || p.decimalAlwaysShown ? p.symbols.decimal + fp : '');
    s = '';
  }
  const expNeg = exponent < 0;
  const expStr = String(Math.abs(exponent)).padStart(p.minExpDigits, '0');
  return mantissaStr + p.symbols.exponent + (expNeg ? p.symbols.minus : '') + expStr;
}

export const PATTERN_NUMBER_EN = parsePattern('#,##0.###', SYMBOLS_EN);
export const PATTERN_COMPUTER = parsePattern('0.################', SYMBOLS_EN);

/** `?c` and the `computer` format. */
export function formatComputer(n: Num): string {
  if (n.n !== undefined) return String(n.n);
  const d = n.d;
  if (d.isInteger()) {
    if (d.isZero()) return '0';
    return d.toFixed(0);
  }
  return formatNumber(n, PATTERN_COMPUTER);
}

/** The default `number` format for en_US, with a fast path for small integers. */
export function formatDefault(n: Num): string {
  const v = n.n;
  if (v !== undefined) {
    if (v > -1000 && v < 1000) return String(v);
    return (v < 0 ? '-' : '') + group(String(Math.abs(v)), 3, ',');
  }
  const d = n.d;
  if (d.isInteger()) {
    const v = d.toNumber();
    if (Math.abs(v) < 1e15) {
      if (v > -1000 && v < 1000) return v === 0 ? '0' : String(v);
      const s = String(Math.abs(v));
      return (v < 0 ? '-' : '') + group(s, 3, ',');
    }
  }
  return formatNumber(n, PATTERN_NUMBER_EN);
}
