/**
 * Our own FreeMarker (FTL) engine: byte-compatible with Apache FreeMarker 2.3.31 (default settings,
 * incompatible_improvements 2.3.31, locale en_US, time zone UTC) on what it supports, refusing the
 * rest at parse time. Templates are parsed and compiled once; `render` only runs closures.
 *
 *   lexer.ts (expression tokens) → parser.ts (tags, expressions → ast.ts) → whitespace.ts (white-space
 *   stripping, as FreeMarker does it after parsing) → compile.ts (closures) + builtins.ts; values.ts
 *   and numbers.ts (exact decimals with BigDecimal scale, DecimalFormat) at render time.
 *
 * Supported: the P0/P1 lists of ../shared/reference/freemarker.md — all directives but the ones
 * below, `${}`/`#{}`, square-bracket syntax, the #ftl header, output formats with auto-escaping,
 * lambdas, #import namespaces, the <@compress>/<@html_escape>/<@xml_escape>/<@normalize_newlines>
 * transforms, locales en_US, en, en_GB, de_DE, de.
 * Refused at parse time ("... is not supported"): ?new, ?api, ?eval, ?interpret, ?eval_json
 * (sandbox); dates and times (?date, ?time, ?datetime, ?iso_*, .now, ...); XML node processing
 * (#visit, #recurse, #fallback, ?children, ...); #escape/#noescape; ?with_args; other locales and
 * output formats; a few settings. #include/#import only go through `resolveInclude` (no file
 * system); output size, loop iterations (sequence built-ins included) and call depth are bounded.
 */
import { TemplateError } from '../../errors.js';
import type { CompiledTemplate } from '../default-engine.js';
import type { DataModel } from '../data-model.js';
import { compileUnit, runUnit } from './compile.js';
import { isMarkupFormat } from './builtins.js';
import { Parser } from './parser.js';
import { Env, FtlRuntimeError, LimitError, type EnvOptions, type Unit } from './runtime.js';
import { isHash } from './values.js';
import { stripText, stripWhitespace } from './whitespace.js';

export { modelFromJson } from './json.js';

export interface FreemarkerOptions {
  /** The template's name, used for relative #include/#import paths and messages. */
  name?: string;
  /**
   * Returns the source of the template `path` (already resolved against the including template's
   * folder, without a leading slash), or undefined when there is none. `fromName` is the name of
   * the including template.
   */
  resolveInclude?: (path: string, fromName: string) => string | undefined;
  /** Default 10 MB. */
  maxOutputBytes?: number;
  /** Default 1,000,000 (all #list iterations of one render together). */
  maxLoopIterations?: number;
}

export interface FreemarkerTemplate extends CompiledTemplate {
  /** Renders with a data model: a DataModel or any JSON-like object (see modelFromJson). */
  render(model: DataModel | unknown): string;
}

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const DEFAULT_MAX_OUTPUT = 10 * 1024 * 1024;
const DEFAULT_MAX_ITERATIONS = 1_000_000;
const MAX_CALL_DEPTH = 200;

function buildUnit(source: string, name: string, isMain: boolean): Unit {
  try {
    return buildUnitUnchecked(source, name, isMain);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new TemplateError('TEMPLATE_INVALID', 'the template nests too deeply to be parsed', { line: 1, column: 1 });
    }
    throw new TemplateError('TEMPLATE_INVALID', `internal error of the FreeMarker parser: ${String(e)}`, { line: 1, column: 1 });
  }
}

function buildUnitUnchecked(source: string, name: string, isMain: boolean): Unit {
  const parsed = Parser.parse(source);
  let nodes = stripWhitespace(parsed.nodes, parsed.header.stripWhitespace, parsed.lineStarts);
  if (parsed.header.stripText) nodes = stripText(nodes);
  const fmt = parsed.header.outputFormat ?? 'undefined';
  const unit: Unit = { name, source, lineStarts: parsed.lineStarts, isMain, root: () => 0, macros: [] };
  compileUnit(unit, nodes, fmt, parsed.header.autoEsc ?? isMarkupFormat(fmt));
  return unit;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Parses and compiles an FTL template; throws TemplateError TEMPLATE_INVALID with line:column. */
export function compileFreemarker(source: string, options: FreemarkerOptions = {}): FreemarkerTemplate {
  const name = options.name ?? 'template.ftl';
  const unit = buildUnit(source, name, true);
  const maxOut = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const cache = new Map<string, { source: string; unit: Unit }>();
  const opts: EnvOptions = {
    maxOutputBytes: maxOut,
    maxLoopIterations: options.maxLoopIterations ?? DEFAULT_MAX_ITERATIONS,
    maxCallDepth: MAX_CALL_DEPTH,
    resolveInclude: options.resolveInclude,
    loadUnit: (n, src) => {
      const hit = cache.get(n);
      if (hit && hit.source === src) return hit.unit;
      const u = buildUnit(src, n, false);
      cache.set(n, { source: src, unit: u });
      return u;
    },
  };
  return {
    render(model: unknown): string {
      const root = model === undefined || model === null ? new Map() : model;
      if (!isHash(root)) throw new TemplateError('TEMPLATE_RENDER_FAILED', 'the data model must be an object', { line: 1, column: 1 });
      const env = new Env(root, unit, opts);
      try {
        runUnit(env, unit);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        if (e instanceof RangeError && /call stack/i.test(e.message)) {
          throw new LimitError('the template nests too deeply (call stack exhausted)', { line: 1, column: 1 });
        }
        throw new TemplateError('TEMPLATE_RENDER_FAILED', `internal error of the FreeMarker engine: ${String(e)}`, { line: 1, column: 1 });
      }
      let out = env.out;
      // Java's UTF-8 encoder writes an unpaired surrogate (e.g. half an emoji cut by ?substring) as "?".
      if (SURROGATE.test(out)) out = out.replace(LONE_SURROGATE, '?');
      if (out.length * 3 > maxOut && utf8Length(out) > maxOut) {
        throw new LimitError(`output exceeds the limit of ${maxOut} bytes`, { line: 1, column: 1 });
      }
      return out;
    },
  };
}

export { FtlRuntimeError };
