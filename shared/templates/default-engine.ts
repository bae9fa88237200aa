/**
 * The Default engine: value insertion only (`{{device.mac}}`, `{{lines.2.username}}`).
 * Every name is checked when the template is compiled, so a typo is refused at upload time
 * with its line and column instead of reaching a phone as an empty value.
 */
import { TemplateError } from '../errors.js';
import { LINE_FIELDS, MODEL_FIELDS, type DataModel } from './data-model.js';

type Getter = (model: DataModel) => string;

export interface CompiledTemplate {
  render(model: DataModel): string;
}

const OPEN = '{{';
const CLOSE = '}}';

function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** A value absent from a hand-written data file renders empty, like a missing line. */
function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function getterFor(path: string): Getter | string {
  const parts = path.split('.');
  const [root, a, b] = parts;
  if (root === 'lines') {
    if (parts.length !== 3 || a === undefined || b === undefined || !/^[1-9][0-9]{0,3}$/.test(a)) {
      return `"${path}" is not a line value; write lines.N.field with N from 1, e.g. lines.1.username`;
    }
    if (!(LINE_FIELDS as readonly string[]).includes(b)) {
      return `unknown line field "${b}"; known: ${LINE_FIELDS.join(', ')}`;
    }
    const index = Number(a) - 1;
    const field = b as (typeof LINE_FIELDS)[number];
    return (m) => {
      const line = m.lines?.[index]; // a hand-written data file may have no lines at all
      return line === undefined ? '' : text(line[field]);
    };
  }
  if (root !== undefined && Object.hasOwn(MODEL_FIELDS, root)) {
    const fields = MODEL_FIELDS[root as keyof typeof MODEL_FIELDS] as readonly string[];
    if (parts.length !== 2 || a === undefined || !fields.includes(a)) {
      return `unknown name "${path}"; ${root} has: ${fields.join(', ')}`;
    }
    const obj = root as keyof typeof MODEL_FIELDS;
    return (m) => text((m[obj] as Record<string, unknown> | undefined)?.[a]);
  }
  return `unknown name "${path}"; the model has device, site, server, provisioning and lines`;
}

/** Compiles a Default-engine template; throws TemplateError (TEMPLATE_INVALID) with line:column. */
export function compileDefault(source: string): CompiledTemplate {
  const pieces: Array<string | Getter> = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf(OPEN, at);
    if (open === -1) break;
    const close = source.indexOf(CLOSE, open + OPEN.length);
    const newline = source.indexOf('\n', open);
    if (close === -1 || (newline !== -1 && newline < close)) {
      throw new TemplateError('TEMPLATE_INVALID', 'unclosed "{{": a value is written {{name}} on one line', position(source, open));
    }
    const inner = source.slice(open + OPEN.length, close);
    const path = inner.trim();
    const pathOffset = open + OPEN.length + inner.indexOf(path.charAt(0) || ' ');
    if (path === '') throw new TemplateError('TEMPLATE_INVALID', 'empty "{{}}"', position(source, open));
    const getter = getterFor(path);
    if (typeof getter === 'string') throw new TemplateError('TEMPLATE_INVALID', getter, position(source, pathOffset));
    if (open > at) pieces.push(source.slice(at, open));
    pieces.push(getter);
    at = close + CLOSE.length;
  }
  if (at < source.length) pieces.push(source.slice(at));
  return {
    render(model) {
      let out = '';
      for (const p of pieces) out += typeof p === 'string' ? p : p(model);
      return out;
    },
  };
}
