/**
 * Expression tokens of FTL, lexed on demand by the parser (the template text around tags is
 * scanned by the parser itself). Whether `>` closes a tag depends on the parenthesis depth, which
 * the parser passes in.
 */

export type TokType = 'num' | 'str' | 'id' | 'op' | 'eof';

export interface Tok {
  t: TokType;
  /** Identifier name, operator text, number text, or the decoded string (for `str`). */
  v: string;
  pos: number;
  end: number;
  /** For strings: raw (`r"..."`) and the offset of the first character inside the quotes. */
  raw?: boolean;
  contentPos?: number;
  contentEnd?: number;
}

export class LexError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

const ID_START = /[\p{L}_$@]/u;
const ID_PART = /[\p{L}\p{N}_$@]/u;

/** Longest-first operator table. */
const OPS = [
  '&amp;&amp;', '&lt;=', '&gt;=', '&lt;', '&gt;', '\\lte', '\\gte', '\\lt', '\\gt',
  '...', '..<', '..!', '..*', '..', '??', '->', '==', '!=', '<=', '>=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '++', '--',
  '/>', '/]', '?', '!', '=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '&', '|',
];

export function isIdStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$' || c === '@' || (c > '\x7f' && ID_START.test(c));
}
export function isIdPart(c: string): boolean {
  return isIdStart(c) || (c >= '0' && c <= '9') || (c > '\x7f' && ID_PART.test(c));
}

/** Skips whitespace (and FTL comments inside tags); returns the new offset. */
export function skipSpace(src: string, pos: number): number {
  for (;;) {
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      pos++;
      continue;
    }
    if (c === 60 && src.startsWith('<#--', pos)) {
      const e = src.indexOf('-->', pos + 4);
      if (e < 0) throw new LexError('unclosed comment', pos);
      pos = e + 3;
      continue;
    }
    return pos;
  }
}

/**
 * Lexes one token at `pos` (after whitespace). In a tag at parenthesis depth 0, `>` and `/>` are
 * returned as the ops `>` and `/>` with `tagEnd` semantics decided by the caller (`gtIsOp`).
 */
export function lexToken(src: string, start: number, gtIsOp: boolean): Tok {
  const pos = skipSpace(src, start);
  if (pos >= src.length) return { t: 'eof', v: '', pos, end: pos };
  const c = src[pos]!;
  // Numbers: 123, 1.5, .5
  if ((c >= '0' && c <= '9') || (c === '.' && isDigit(src[pos + 1]))) {
    let e = pos;
    while (isDigit(src[e])) e++;
    if (src[e] === '.' && isDigit(src[e + 1])) {
      e++;
      while (isDigit(src[e])) e++;
    }
    return { t: 'num', v: src.slice(pos, e), pos, end: e };
  }
  if (c === '"' || c === "'" || ((c === 'r') && (src[pos + 1] === '"' || src[pos + 1] === "'"))) {
    return lexString(src, pos);
  }
  if (isIdStart(c) || c === '\\' && /[-.:#]/.test(src[pos + 1] ?? '')) {
    let e = pos;
    let name = '';
    for (;;) {
      const d = src[e];
      if (d === undefined) break;
      if (d === '\\' && /[-.:#]/.test(src[e + 1] ?? '')) {
        name += src[e + 1];
        e += 2;
        continue;
      }
      if (!isIdPart(d)) break;
      name += d;
      e++;
    }
    return { t: 'id', v: name, pos, end: e };
  }
  for (const op of OPS) {
    if (src.startsWith(op, pos)) {
      if (!gtIsOp && (op === '>' || op === '>=')) return { t: 'op', v: '>', pos, end: pos + 1 };
      return { t: 'op', v: op, pos, end: pos + op.length };
    }
  }
  throw new LexError(`unexpected character ${JSON.stringify(c)}`, pos);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function lexString(src: string, pos: number): Tok {
  const raw = src[pos] === 'r';
  const q = raw ? src[pos + 1]! : src[pos]!;
  const contentPos = pos + (raw ? 2 : 1);
  let e = contentPos;
  for (;;) {
    const d = src[e];
    if (d === undefined) throw new LexError('unclosed string literal', pos);
    if (d === q) break;
    if (d === '\\' && !raw) {
      e += 2;
      continue;
    }
    e++;
  }
  const content = src.slice(contentPos, e);
  return { t: 'str', v: raw ? content : content, pos, end: e + 1, raw, contentPos, contentEnd: e };
}

/** Decodes the escapes of a (non-raw) string literal part; `base` is its source offset for errors. */
export function unescapeString(s: string, base: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'f': out += '\f'; break;
      case 'b': out += '\b'; break;
      case 'l': out += '<'; break;
      case 'g': out += '>'; break;
      case 'a': out += '&'; break;
      case '{': out += '{'; break;
      case '=': out += '='; break;
      case '"': case "'": case '\\': out += n; break;
      case 'x': {
        let j = i + 1;
        let hex = '';
        while (j < s.length && hex.length < 4 && /[0-9a-fA-F]/.test(s[j]!)) hex += s[j++];
        if (hex === '') throw new LexError('invalid \\x escape in string literal', base + i - 1);
        out += String.fromCharCode(parseInt(hex, 16));
        i = j - 1;
        break;
      }
      default:
        throw new LexError(`invalid escape sequence "\\${n ?? ''}" in string literal`, base + i - 1);
    }
  }
  return out;
}
