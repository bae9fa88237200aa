/**
 * JSON text → data model with exact decimals (throws ProvError VALIDATION_FAILED with line:column): objects become Maps (key order kept, null members
 * dropped), arrays stay arrays (a null element is a missing item), every number keeps its exact
 * text and scale (`1.50` has scale 2), like FreeMarker's BigDecimal model of the reference runner.
 */
import { ProvError } from '../../errors.js';
import { numFromText } from './numbers.js';

export function modelFromJson(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const err = (msg: string): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < i && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    const column = i - lineStart + 1;
    throw new ProvError('VALIDATION_FAILED', `invalid JSON data at ${line}:${column}: ${msg}`, { line, column });
  };
  const value = (depth: number): unknown => {
    if (depth > 500) err('JSON nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, unknown>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') err('expected a string key');
        const k = string();
        ws();
        if (text[i] !== ':') err('expected ":"');
        i++;
        const v = value(depth + 1);
        if (v !== null) {
          if (m.has(k)) m.delete(k); // like LinkedHashMap.put: the value changes, the position stays
          m.set(k, v);
        } else m.delete(k);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        err('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        err('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r || r[0] === '' || r[0] === '-') return err('unexpected character');
    i += r[0].length;
    return numFromText(r[0]);
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      const j = text.indexOf('"', i);
      const b = text.indexOf('\\', i);
      if (j < 0) err('unterminated string');
      if (b < 0 || j < b) {
        out += text.slice(i, j);
        i = j + 1;
        return out;
      }
      out += text.slice(i, b);
      const e = text[b + 1];
      i = b + 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '/': out += '/'; break;
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case 'u': {
          const h = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) err('bad \\u escape');
          out += String.fromCharCode(parseInt(h, 16));
          i += 4;
          break;
        }
        default: err('bad escape');
      }
    }
  };
  const v = value(0);
  ws();
  if (i < text.length) err('unexpected trailing characters');
  return v;
}
