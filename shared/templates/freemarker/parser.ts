/**
 * FTL parser: scans template text for tags and interpolations and parses expressions with a
 * recursive-descent parser that follows FreeMarker 2.3.31's operator precedence (measured):
 *
 *   || < && < == != = (non-associative) < relational (non-associative) < ranges < + - < * / %
 *   < unary - + ! (their operand is a primary *with* its suffixes, so -1.5?round is -(1.5?round))
 *   < primary with suffixes . [] () ?bi ?? and the default operator x!rhs, whose right side is a
 *   whole expression when one follows.
 *
 * Everything unsupported is refused here, at parse time, with a TemplateError TEMPLATE_INVALID.
 */
import { TemplateError } from '../../errors.js';
import type { Branch, Expr, InterpPart, Node, Param } from './ast.js';
import { LexError, isIdStart, lexToken, skipSpace, unescapeString, type Tok } from './lexer.js';
import { numFromText } from './numbers.js';
import { BUILTIN_ARGS, BUILTIN_NAMES, REFUSED_BUILTINS, UNSUPPORTED_BUILTINS } from './builtin-names.js';

export interface FtlHeader {
  stripWhitespace: boolean;
  stripText: boolean;
  outputFormat: string | undefined;
  autoEsc: boolean | undefined;
}

export interface ParsedTemplate {
  source: string;
  nodes: Node[];
  header: FtlHeader;
  lineStarts: number[];
}

type Term =
  | { kind: 'eof'; pos: number }
  | { kind: 'end'; name: string; pos: number; end: number }
  | { kind: 'mid'; name: string; pos: number; after: number }
  | { kind: 'callEnd'; name: string; pos: number; end: number };

const LOOP_BUILTINS = new Set(['index', 'counter', 'has_next', 'is_first', 'is_last', 'item_parity', 'item_parity_cap', 'item_cycle', 'is_odd_item', 'is_even_item']);
const MARKUP_CANDIDATE = /[<\[$#]/g;
const MID_TAGS = new Set(['else', 'elseif', 'recover', 'case', 'default', 'on']);

/** camelCase directive and built-in names are accepted like FreeMarker does. */
export function snakeName(name: string): string {
  return /[A-Z]/.test(name) ? name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()) : name;
}

const DIRECTIVE_ALIASES: Record<string, string> = {
  elseIf: 'elseif', noParse: 'noparse', noAutoEsc: 'noautoesc', autoEsc: 'autoesc', outputFormat: 'outputformat',
  noEscape: 'noescape',
};

const KNOWN_DIRECTIVES = new Set([
  'if', 'else', 'elseif', 'list', 'items', 'sep', 'break', 'continue', 'assign', 'global', 'local', 'macro', 'function',
  'nested', 'return', 'switch', 'case', 'default', 'include', 'import', 'setting', 'compress', 'attempt', 'recover',
  'noparse', 'ftl', 't', 'lt', 'rt', 'nt', 'stop', 'flush', 'outputformat', 'autoesc', 'noautoesc',
  'escape', 'noescape', 'visit', 'recurse', 'fallback',
]);

const UNSUPPORTED_DIRECTIVES: Record<string, string> = {
  escape: '#escape (deprecated; use output_format auto-escaping)',
  noescape: '#noescape',
  visit: '#visit (XML node processing)',
  recurse: '#recurse (XML node processing)',
  fallback: '#fallback (XML node processing)',
};

const SETTINGS = new Set(['number_format', 'boolean_format', 'locale', 'url_escaping_charset', 'output_encoding',
  'time_zone', 'date_format', 'time_format', 'datetime_format', 'sql_date_and_time_time_zone', 'classic_compatible',
  'output_format', 'auto_escaping', 'c_format', 'api_builtin_enabled', 'template_exception_handler', 'show_error_tips']);

export function lineStartsOf(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (src.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function lineOf(starts: number[], off: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function positionOf(starts: number[], off: number): { line: number; column: number } {
  const line = lineOf(starts, off);
  return { line, column: off - starts[line - 1]! + 1 };
}

export class Parser {
  private pos = 0;
  private square = false;
  /** Set by the first tag: from then on `[#ftl` is plain text in angle-bracket templates. */
  private syntaxDecided = false;
  private readonly lineStarts: number[];
  /** Parenthesis depth inside a tag: `>` compares only inside parentheses. */
  private depth = 0;
  private inTag = false;
  private header: FtlHeader = { stripWhitespace: true, stripText: false, outputFormat: undefined, autoEsc: undefined };
  private macroDepth = 0;
  /** Enclosing block kinds, for #break/#continue/#items/#sep/#return checks. */
  private readonly ctx: string[] = [];
  /** Loop variables in lexical scope (for ?index and the other loop-variable built-ins). */
  private loopVars: string[] = [];

  constructor(private readonly src: string) {
    this.lineStarts = lineStartsOf(src);
  }

  static parse(src: string): ParsedTemplate {
    const p = new Parser(src);
    try {
      return p.parseTemplate();
    } catch (e) {
      if (e instanceof LexError) throw p.err(e.message, e.pos);
      throw e;
    }
  }

  /** Errors at the end of the template point at its last character, like FreeMarker's. */
  err(message: string, pos: number): TemplateError {
    const at = pos >= this.src.length ? Math.max(0, this.src.length - 1) : pos;
    return new TemplateError('TEMPLATE_INVALID', message, positionOf(this.lineStarts, at));
  }

  private unclosed(what: string, start: number): TemplateError {
    const p = positionOf(this.lineStarts, start);
    return this.err(`unexpected end of the template: unclosed ${what} (opened at ${p.line}:${p.column}); ${what.startsWith('<@') ? `missing </@${what.slice(2, -1)}>` : `missing </${what}>`}`, this.src.length);
  }

  private line(off: number): number {
    return lineOf(this.lineStarts, off);
  }

  private base(pos: number, end: number): { pos: number; end: number; beginLine: number; endLine: number } {
    return { pos, end, beginLine: this.line(pos), endLine: this.line(Math.max(pos, end - 1)) };
  }

  // ------------------------------------------------------------------------------------------
  // Template level

  private parseTemplate(): ParsedTemplate {
    this.parseHeader();
    const { nodes, term } = this.parseBody();
    if (term.kind !== 'eof') throw this.unexpectedTerm(term);
    return { source: this.src, nodes, header: this.header, lineStarts: this.lineStarts };
  }

  private parseHeader(): void {
    const ws = /^[ \t\r\n]*/.exec(this.src)![0].length;
    let open: string | undefined;
    if (this.src.startsWith('<#ftl', ws)) open = '<';
    else if (this.src.startsWith('[#ftl', ws)) open = '[';
    if (open === undefined) return;
    const after = this.src[ws + 5];
    if (after !== undefined && !/[\s>\]/]/.test(after)) return;
    this.square = open === '[';
    this.syntaxDecided = true;
    this.pos = ws + 5;
    this.inTag = true;
    this.depth = 0;
    for (;;) {
      const t = this.peek();
      if (this.isTagEnd(t)) {
        this.pos = t.end;
        break;
      }
      if (t.t !== 'id') throw this.err(`unexpected ${describe(t)} in #ftl`, t.pos);
      this.next();
      this.expectOp('=');
      const e = this.parseExpr();
      const name = snakeName(t.v);
      const lit = (kind: 'str' | 'bool'): string | boolean => {
        if (kind === 'str' && e.k === 'str') return e.v;
        if (kind === 'bool' && e.k === 'bool') return e.v;
        if (kind === 'bool' && e.k === 'str') {
          const v = e.v.toLowerCase();
          if (['true', 'yes', 'y', 't'].includes(v)) return true;
          if (['false', 'no', 'n', 'f'].includes(v)) return false;
        }
        throw this.err(`#ftl parameter "${t.v}" must be a ${kind === 'str' ? 'string' : 'boolean'} literal`, e.pos);
      };
      switch (name) {
        case 'strip_whitespace': this.header.stripWhitespace = lit('bool') as boolean; break;
        case 'strip_text': this.header.stripText = lit('bool') as boolean; break;
        case 'output_format': this.header.outputFormat = checkOutputFormat(this, lit('str') as string, e.pos); break;
        case 'auto_esc': this.header.autoEsc = lit('bool') as boolean; break;
        case 'encoding': lit('str'); break;
        case 'attributes': break;
        case 'ns_prefixes': throw this.err('#ftl ns_prefixes is not supported', t.pos);
        default: throw this.err(`unknown #ftl parameter "${t.v}"`, t.pos);
      }
    }
    this.inTag = false;
    // The header swallows the rest of its line.
    const m = /^[ \t]*(\r\n|\n|\r)?/.exec(this.src.slice(this.pos))!;
    this.pos += m[0].length;
  }

  private unexpectedTerm(term: Term): TemplateError {
    if (term.kind === 'end') return this.err(`unexpected closing tag </#${term.name}>`, term.pos);
    if (term.kind === 'callEnd') return this.err('unexpected closing tag </@...>', term.pos);
    if (term.kind === 'mid') {
      if (term.name === 'on') return this.err('#on is not supported (it does not exist in FreeMarker 2.3.31)', term.pos);
      return this.err(`#${term.name} is not allowed here`, term.pos);
    }
    return this.err('unexpected end of template', term.pos);
  }

  /** Finds the next tag, interpolation or comment start at or after `from`. */
  private findMarkup(from: number): number {
    const src = this.src;
    const open = this.square ? '[' : '<';
    const re = MARKUP_CANDIDATE;
    re.lastIndex = from;
    for (;;) {
      const m = re.exec(src);
      if (!m) return src.length;
      const next = m.index;
      const ch = src[next]!;
      const n1 = src[next + 1];
      if (ch === open) {
        if (n1 === '#' && (isLetter(src[next + 2]) || src.startsWith('--', next + 2))) return next;
        if (n1 === '/' && src[next + 2] === '#' && isLetter(src[next + 3])) return next;
        if (n1 === '@' && (isIdStart(src[next + 2] ?? ' ') || src[next + 2] === '.')) return next;
        if (n1 === '/' && src[next + 2] === '@') return next;
      }
      if (!this.square && !this.syntaxDecided && ch === '[' && src.startsWith('[#ftl', next) && !/[\p{L}\p{N}_]/u.test(src[next + 5] ?? ' ')) return next;
      if ((ch === '$' || ch === '#') && n1 === '{') return next;
    }
  }

  private parseBody(): { nodes: Node[]; term: Term } {
    const nodes: Node[] = [];
    const src = this.src;
    for (;;) {
      const start = this.pos;
      const m = this.findMarkup(start);
      if (m > start) nodes.push({ k: 'text', text: src.slice(start, m), ...this.base(start, m) });
      this.pos = m;
      if (m >= src.length) return { nodes, term: { kind: 'eof', pos: m } };
      const ch = src[m]!;
      const n1 = src[m + 1]!;
      if (ch === '$' || ch === '#') {
        nodes.push(this.parseInterpolation(m));
        continue;
      }
      if (ch === '[' && !this.square) throw this.err('#ftl must be the first thing in the template', m);
      this.syntaxDecided = true;
      if (n1 === '#') {
        if (src.startsWith('--', m + 2)) {
          const close = this.square ? '--]' : '-->';
          const e = src.indexOf(close, m + 4);
          if (e < 0) throw this.err('unclosed comment', m);
          nodes.push({ k: 'comment', ...this.base(m, e + 3) });
          this.pos = e + 3;
          continue;
        }
        const nameEnd = scanName(src, m + 2);
        const rawName = src.slice(m + 2, nameEnd);
        const name = DIRECTIVE_ALIASES[rawName] ?? rawName;
        if (MID_TAGS.has(name)) return { nodes, term: { kind: 'mid', name, pos: m, after: nameEnd } };
        const node = this.parseDirective(name, rawName, m, nameEnd);
        if (node) nodes.push(node);
        continue;
      }
      if (n1 === '/') {
        if (src[m + 2] === '#') {
          const nameEnd = scanName(src, m + 3);
          const rawName = src.slice(m + 3, nameEnd);
          const name = DIRECTIVE_ALIASES[rawName] ?? rawName;
          const end = this.expectCloseBracket(nameEnd);
          return { nodes, term: { kind: 'end', name, pos: m, end } };
        }
        // </@name> or </@>
        let e = m + 3;
        while (e < src.length && src[e] !== (this.square ? ']' : '>')) e++;
        if (e >= src.length) throw this.err('unclosed end tag', m);
        return { nodes, term: { kind: 'callEnd', name: src.slice(m + 3, e).trim(), pos: m, end: e + 1 } };
      }
      // <@ macro call
      nodes.push(this.parseCall(m));
    }
  }

  private expectCloseBracket(at: number): number {
    const close = this.square ? ']' : '>';
    const e = skipSpace(this.src, at);
    if (this.src[e] !== close) throw this.err(`expected "${close}" to close the end tag`, e);
    return e + 1;
  }

  private parseInterpolation(m: number): Node {
    const part = this.parseInterpPart(m);
    return { k: 'interp', part, ...this.base(m, part.end) };
  }

  /** `${expr}` or `#{expr; mXMY}` starting at `m`; leaves `pos` after the closing brace. */
  private parseInterpPart(m: number): InterpPart {
    const legacy = this.src[m] === '#';
    const saveTag = this.inTag;
    const saveDepth = this.depth;
    this.inTag = false;
    this.depth = 0;
    this.pos = m + 2;
    const expr = this.parseExpr();
    let fmt: InterpPart['legacy'];
    if (legacy) {
      fmt = { min: undefined, max: undefined };
      if (this.peekOp(';')) {
        this.next();
        const t = this.next();
        if (t.t !== 'id' || !/^([mM]\d+)+$/.test(t.v)) throw this.err('invalid number format in #{...}', t.pos);
        for (const mm of t.v.matchAll(/([mM])(\d+)/g)) {
          if (mm[1] === 'm') fmt.min = Number(mm[2]);
          else fmt.max = Number(mm[2]);
        }
      }
    }
    const close = this.next();
    if (close.t !== 'op' || close.v !== '}') throw this.err(`expected "}" but found ${describe(close)}`, close.pos);
    this.inTag = saveTag;
    this.depth = saveDepth;
    return legacy ? { expr, legacy: fmt, pos: m, end: close.end } : { expr, pos: m, end: close.end };
  }

  // ------------------------------------------------------------------------------------------
  // Directives

  private beginTag(after: number): void {
    this.pos = after;
    this.inTag = true;
    this.depth = 0;
  }

  /** Consumes the end of a start tag; returns true for an empty-element tag (`/>`). */
  private endTag(): boolean {
    const t = this.peek();
    if (!this.isTagEnd(t)) throw this.err(`expected the end of the tag but found ${describe(t)}`, t.pos);
    this.inTag = false;
    this.pos = t.end;
    return t.v === '/>' || t.v === '/]';
  }

  private isTagEnd(t: Tok): boolean {
    if (t.t !== 'op') return false;
    if (this.square) return t.v === ']' || t.v === '/]';
    return t.v === '>' || t.v === '/>';
  }

  private atTagEnd(): boolean {
    return this.isTagEnd(this.peek());
  }

  private parseDirective(name: string, rawName: string, start: number, nameEnd: number): Node | undefined {
    if (!KNOWN_DIRECTIVES.has(name)) {
      if (name === '') throw this.err('missing directive name', start);
      throw this.err(`Unknown directive: #${rawName}`, start);
    }
    const unsupported = UNSUPPORTED_DIRECTIVES[name];
    if (unsupported) throw this.err(`${unsupported} is not supported`, start);
    this.beginTag(nameEnd);
    const after = this.src[nameEnd];
    if (after !== undefined && !/[\s>\/\]\(]/.test(after)) throw this.err(`Unknown directive: #${rawName}${after}`, start);
    switch (name) {
      case 'if': return this.parseIf(start);
      case 'list': return this.parseList(start);
      case 'items': {
        const t = this.next();
        if (t.t !== 'id' || t.v !== 'as') throw this.err('#items needs "as" and a loop variable name', t.pos);
        const vars = this.parseLoopVars();
        this.endTag();
        if (!this.inside(['listNoAs'])) throw this.err('#items must be inside a #list block (one without "as")', start);
        const saveVars = this.loopVars;
        this.loopVars = [...saveVars, ...vars];
        let parsed: { nodes: Node[]; term: Term };
        try {
          parsed = this.parseBodyIn('items');
        } finally {
          this.loopVars = saveVars;
        }
        const { nodes, term } = parsed;
        this.expectEnd(term, 'items', start);
        return { k: 'items', vars, body: nodes, ...this.base(start, this.pos) };
      }
      case 'sep': {
        const empty = this.endTag();
        if (!this.inside(['list', 'listNoAs', 'items'])) throw this.err('#sep must be inside a #list block', start);
        if (empty) return { k: 'sep', body: [], ...this.base(start, this.pos) };
        const { nodes, term } = this.parseBody();
        if (term.kind === 'end' && term.name === 'sep') this.pos = term.end;
        else this.pos = term.pos; // ends with the enclosing block
        return { k: 'sep', body: nodes, ...this.base(start, this.pos) };
      }
      case 'break': case 'continue': case 'flush': {
        this.endTag();
        if (name === 'break' && !this.inside(['list', 'items', 'switch'])) {
          throw this.err('<#break> must be nested inside #list with "as", #items or #switch', start);
        }
        if (name === 'continue' && !this.inside(['list', 'items'])) {
          throw this.err('<#continue> must be nested inside #list with "as" or #items', start);
        }
        return { k: name, ...this.base(start, this.pos) };
      }
      case 'stop': case 'return': {
        const e = this.atTagEnd() ? undefined : this.parseExpr();
        this.endTag();
        if (name === 'return' && this.macroDepth === 0) throw this.err('#return is only allowed inside #macro or #function', start);
        if (name === 'return' && e !== undefined && this.inside(['macro'])) throw this.err('a macro cannot return a value (only a #function can)', start);
        return { k: name, e, ...this.base(start, this.pos) };
      }
      case 't': case 'lt': case 'rt': case 'nt': {
        this.endTag();
        return {
          k: 'trim', left: name === 't' || name === 'lt', right: name === 't' || name === 'rt', none: name === 'nt',
          ...this.base(start, this.pos),
        };
      }
      case 'assign': case 'global': case 'local': return this.parseAssign(name, start);
      case 'macro': case 'function': return this.parseMacro(name, start);
      case 'nested': {
        if (this.macroDepth === 0) throw this.err('#nested can only be used inside a #macro', start);
        const args: Expr[] = [];
        while (!this.atTagEnd()) {
          args.push(this.parseExpr());
          if (this.peekOp(',')) this.next();
        }
        this.endTag();
        return { k: 'nested', args, ...this.base(start, this.pos) };
      }
      case 'switch': return this.parseSwitch(start);
      case 'include': {
        const path = this.parseExpr();
        let parse: Expr | undefined;
        let ignoreMissing: Expr | undefined;
        while (!this.atTagEnd()) {
          if (this.peekOp(',') || this.peekOp(';')) this.next();
          const t = this.next();
          if (t.t !== 'id') throw this.err(`unexpected ${describe(t)} in #include`, t.pos);
          this.expectOp('=');
          const e = this.parseExpr();
          const opt = snakeName(t.v);
          if (opt === 'parse') parse = e;
          else if (opt === 'ignore_missing') ignoreMissing = e;
          else if (opt === 'encoding') { /* templates are UTF-8 text already */ } else throw this.err(`unsupported #include parameter "${t.v}"`, t.pos);
        }
        this.endTag();
        return { k: 'include', path, parse, ignoreMissing, ...this.base(start, this.pos) };
      }
      case 'import': {
        const path = this.parseExpr();
        const as = this.next();
        if (as.t !== 'id' || as.v !== 'as') throw this.err('#import needs "as" and a namespace name', as.pos);
        const alias = this.next();
        if (alias.t !== 'id') throw this.err('#import needs a namespace name after "as"', alias.pos);
        this.endTag();
        return { k: 'import', path, alias: alias.v, ...this.base(start, this.pos) };
      }
      case 'setting': {
        const t = this.next();
        if (t.t !== 'id') throw this.err('#setting needs a setting name', t.pos);
        const sname = snakeName(t.v);
        if (!SETTINGS.has(sname)) throw this.err(`unknown setting "${t.v}"`, t.pos);
        if (!['number_format', 'boolean_format', 'locale', 'url_escaping_charset', 'output_encoding', 'time_zone',
          'date_format', 'time_format', 'datetime_format', 'classic_compatible'].includes(sname)) {
          throw this.err(`#setting ${t.v} is not supported`, t.pos);
        }
        this.expectOp('=');
        const e = this.parseExpr();
        if (sname === 'locale' && e.k === 'str') checkLocale(this, e.v, e.pos);
        if (sname === 'classic_compatible') throw this.err('#setting classic_compatible is not supported', t.pos);
        this.endTag();
        return { k: 'setting', name: sname, e, ...this.base(start, this.pos) };
      }
      case 'compress': {
        if (this.endTag()) return { k: 'compress', body: [], ...this.base(start, this.pos) };
        const { nodes, term } = this.parseBody();
        this.expectEnd(term, 'compress', start);
        return { k: 'compress', body: nodes, ...this.base(start, this.pos) };
      }
      case 'attempt': {
        this.endTag();
        const { nodes, term } = this.parseBody();
        if (term.kind !== 'mid' || term.name !== 'recover') throw this.err('#attempt needs #recover', term.pos);
        const rstart = term.pos;
        this.beginTag(term.after);
        this.endTag();
        const r = this.parseBody();
        this.expectEnd(r.term, 'attempt', start);
        const recover: Branch = { k: 'branch', cond: undefined, body: r.nodes, ...this.base(rstart, r.term.pos) };
        return { k: 'attempt', body: nodes, recover, ...this.base(start, this.pos) };
      }
      case 'noparse': {
        this.endTag();
        const close = this.square ? /\[\/#no_?[pP]arse\s*\]/g : /<\/#no_?[pP]arse\s*>/g;
        close.lastIndex = this.pos;
        const m = close.exec(this.src);
        if (!m) throw this.err('unclosed #noparse', start);
        const text = this.src.slice(this.pos, m.index);
        const node: Node = { k: 'text', text, raw: true, ...this.base(this.pos, m.index) };
        this.pos = m.index + m[0].length;
        return node;
      }
      case 'ftl':
        throw this.err('#ftl must be the first thing in the template', start);
      case 'outputformat': {
        const e = this.parseExpr();
        if (e.k !== 'str') throw this.err('#outputformat needs a string literal', e.pos);
        const format = checkOutputFormat(this, e.v, e.pos);
        this.endTag();
        const { nodes, term } = this.parseBody();
        this.expectEnd(term, 'outputformat', start);
        return { k: 'outputformat', format, body: nodes, ...this.base(start, this.pos) };
      }
      case 'autoesc': case 'noautoesc': {
        this.endTag();
        const { nodes, term } = this.parseBody();
        this.expectEnd(term, name, start);
        return { k: 'autoesc', on: name === 'autoesc', body: nodes, ...this.base(start, this.pos) };
      }
      default:
        throw this.err(`#${name} is not allowed here`, start);
    }
  }


  /** parseBody inside a block of the given kind (for #items, #sep, #break checks). */
  private parseBodyIn(kind: string): { nodes: Node[]; term: Term } {
    this.ctx.push(kind);
    try {
      return this.parseBody();
    } finally {
      this.ctx.pop();
    }
  }

  /** Is one of `kinds` enclosing us, without a #macro/#function boundary in between? */
  private inside(kinds: string[]): boolean {
    for (let i = this.ctx.length - 1; i >= 0; i--) {
      const k = this.ctx[i]!;
      if (kinds.includes(k)) return true;
      if (k === 'macro' || k === 'function') return false;
    }
    return false;
  }

  private expectEnd(term: Term, name: string, start: number): void {
    if (term.kind === 'end' && term.name === name) {
      this.pos = term.end;
      return;
    }
    if (term.kind === 'eof') throw this.unclosed(`#${name}`, start);
    throw this.unexpectedTerm(term);
  }

  private parseIf(start: number): Node {
    const branches: Branch[] = [];
    let cond: Expr | undefined = this.parseExpr();
    let bstart = start;
    this.endTag();
    for (;;) {
      const { nodes, term } = this.parseBody();
      branches.push({ k: 'branch', cond, body: nodes, ...this.base(bstart, term.pos) });
      if (term.kind === 'end' && term.name === 'if') {
        this.pos = term.end;
        break;
      }
      if (term.kind === 'mid' && term.name === 'elseif' && cond !== undefined) {
        this.beginTag(term.after);
        bstart = term.pos;
        cond = this.parseExpr();
        this.endTag();
        continue;
      }
      if (term.kind === 'mid' && term.name === 'else' && cond !== undefined) {
        this.beginTag(term.after);
        bstart = term.pos;
        cond = undefined;
        this.endTag();
        continue;
      }
      if (term.kind === 'eof') throw this.unclosed('#if', start);
      throw this.unexpectedTerm(term);
    }
    return { k: 'if', branches, ...this.base(start, this.pos) };
  }

  private parseLoopVars(): string[] {
    const vars: string[] = [];
    const a = this.next();
    if (a.t !== 'id') throw this.err('expected a loop variable name', a.pos);
    vars.push(a.v);
    if (this.peekOp(',')) {
      this.next();
      const b = this.next();
      if (b.t !== 'id') throw this.err('expected a loop variable name', b.pos);
      vars.push(b.v);
    }
    return vars;
  }

  private parseList(start: number): Node {
    const seq = this.parseExpr();
    let vars: string[] | undefined;
    const t = this.peek();
    if (t.t === 'id' && t.v === 'as') {
      this.next();
      vars = this.parseLoopVars();
    }
    this.endTag();
    const saveVars = this.loopVars;
    if (vars) this.loopVars = [...saveVars, ...vars];
    let parsed: { nodes: Node[]; term: Term };
    try {
      parsed = this.parseBodyIn(vars ? 'list' : 'listNoAs');
    } finally {
      this.loopVars = saveVars;
    }
    const { nodes, term } = parsed;
    let elseBody: Branch | undefined;
    if (term.kind === 'mid' && term.name === 'else') {
      this.beginTag(term.after);
      this.endTag();
      const r = this.parseBody();
      elseBody = { k: 'branch', cond: undefined, body: r.nodes, ...this.base(term.pos, r.term.pos) };
      this.expectEnd(r.term, 'list', start);
    } else {
      this.expectEnd(term, 'list', start);
    }
    if (vars === undefined && !containsItems(nodes)) throw this.err('#list without "as" needs an #items inside', start);
    return { k: 'list', seq, vars, body: nodes, elseBody, ...this.base(start, this.pos) };
  }

  private parseSwitch(start: number): Node {
    const e = this.parseExpr();
    this.endTag();
    const cases: Branch[] = [];
    const first = this.parseBody();
    for (const n of first.nodes) {
      if (!(n.k === 'comment' || (n.k === 'text' && /^\s*$/.test(n.text)))) throw this.err('only whitespace and comments may come between #switch and the first #case', n.pos);
    }
    let term = first.term;
    let seenDefault = false;
    for (;;) {
      if (term.kind === 'end' && term.name === 'switch') {
        this.pos = term.end;
        break;
      }
      if (term.kind === 'mid' && (term.name === 'case' || term.name === 'default')) {
        this.beginTag(term.after);
        let cond: Expr | undefined;
        if (term.name === 'case') cond = this.parseExpr();
        else {
          if (seenDefault) throw this.err('#switch can have only one #default', term.pos);
          seenDefault = true;
        }
        this.endTag();
        const cstart = term.pos;
        const r = this.parseBodyIn('switch');
        cases.push({ k: 'branch', cond, body: r.nodes, ...this.base(cstart, r.term.pos) });
        term = r.term;
        continue;
      }
      if (term.kind === 'eof') throw this.unclosed('#switch', start);
      throw this.unexpectedTerm(term);
    }
    return { k: 'switch', e, cases, ...this.base(start, this.pos) };
  }

  private parseAssign(scope: 'assign' | 'global' | 'local', start: number): Node {
    const items: Array<{ name: string; op: string; e: Expr | undefined; pos: number; namePos: number }> = [];
    let ns: Expr | undefined;
    for (;;) {
      const t = this.next();
      let name: string;
      if (t.t === 'id') name = t.v;
      else if (t.t === 'str') name = t.raw ? t.v : unescapeString(t.v, t.contentPos!);
      else throw this.err(`expected a variable name after #${scope} but found ${describe(t)}`, t.pos);
      const op = this.peek();
      if (op.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%='].includes(op.v)) {
        this.next();
        const e = this.parseExpr();
        items.push({ name, op: op.v, e, pos: t.pos, namePos: t.pos });
      } else if (op.t === 'op' && (op.v === '++' || op.v === '--')) {
        this.next();
        items.push({ name, op: op.v, e: undefined, pos: t.pos, namePos: t.pos });
      } else {
        // capture form: <#assign x>...</#assign>, possibly "in ns"
        if (items.length > 0) throw this.err(`expected "=" after "${name}"`, op.pos);
        if (op.t === 'id' && op.v === 'in') {
          if (scope !== 'assign') throw this.err(`"in" is only allowed with #assign`, op.pos);
          this.next();
          ns = this.parseExpr();
        }
        const empty = this.endTag();
        let capture: Node[] = [];
        if (!empty) {
          const { nodes, term } = this.parseBody();
          this.expectEnd(term, scope, start);
          capture = nodes;
        }
        if (scope === 'local' && this.macroDepth === 0) throw this.err('#local is only allowed inside #macro or #function', start);
        return { k: 'assign', scope, items: [{ name, op: '=', e: undefined, pos: t.pos, namePos: t.pos }], ns, capture, ...this.base(start, this.pos) };
      }
      if (this.peekOp(',')) this.next();
      const nx = this.peek();
      if (nx.t === 'id' && nx.v === 'in') {
        if (scope !== 'assign') throw this.err(`"in" is only allowed with #assign`, nx.pos);
        this.next();
        ns = this.parseExpr();
      }
      if (this.atTagEnd()) break;
    }
    this.endTag();
    if (scope === 'local' && this.macroDepth === 0) throw this.err('#local is only allowed inside #macro or #function', start);
    return { k: 'assign', scope, items, ns, capture: undefined, ...this.base(start, this.pos) };
  }

  private parseMacro(kind: 'macro' | 'function', start: number): Node {
    if (this.macroDepth > 0) throw this.err(`#${kind} can't be nested into #macro or #function`, start);
    const t = this.next();
    let name: string;
    if (t.t === 'id') name = t.v;
    else if (t.t === 'str') name = t.raw ? t.v : unescapeString(t.v, t.contentPos!);
    else throw this.err(`#${kind} needs a name`, t.pos);
    const params: Param[] = [];
    let catchAll: string | undefined;
    let paren = false;
    if (this.peekOp('(')) {
      this.next();
      paren = true;
      this.depth++;
    }
    for (;;) {
      if (paren && this.peekOp(')')) {
        this.next();
        this.depth--;
        break;
      }
      if (!paren && this.atTagEnd()) break;
      const p = this.next();
      if (p.t !== 'id') throw this.err(`expected a parameter name but found ${describe(p)}`, p.pos);
      if (catchAll !== undefined) throw this.err('the catch-all parameter must be the last one', p.pos);
      if (this.peekOp('...')) {
        this.next();
        catchAll = p.v;
      } else if (this.peekOp('=')) {
        this.next();
        params.push({ name: p.v, def: this.parseExpr() });
      } else {
        if (params.some((q) => q.def !== undefined)) throw this.err(`parameter "${p.v}" without a default value after one with a default`, p.pos);
        params.push({ name: p.v, def: undefined });
      }
      if (this.peekOp(',')) this.next();
    }
    this.endTag();
    this.macroDepth++;
    const saveVars = this.loopVars;
    this.loopVars = [];
    let body: Node[];
    try {
      const { nodes, term } = this.parseBodyIn(kind);
      this.expectEnd(term, kind, start);
      body = nodes;
    } finally {
      this.macroDepth--;
      this.loopVars = saveVars;
    }
    return { k: 'macro', fn: kind === 'function', name, params, catchAll, body, ...this.base(start, this.pos) };
  }

  private parseCall(start: number): Node {
    this.beginTag(start + 2);
    // The macro name: an identifier path (a.b.c), no whitespace inside.
    let target: Expr;
    const t = this.next();
    if (t.t === 'id') target = { k: 'var', name: t.v, pos: t.pos, end: t.end };
    else if (t.t === 'op' && t.v === '.') {
      const n = this.next();
      if (n.t !== 'id') throw this.err('expected a name', n.pos);
      target = { k: 'special', name: n.v, pos: t.pos, end: n.end };
    } else throw this.err(`expected a macro name but found ${describe(t)}`, t.pos);
    for (;;) {
      if (this.src[this.pos] === '.' && isIdStart(this.src[this.pos + 1] ?? ' ')) {
        this.next();
        const n = this.next();
        target = { k: 'dot', target, name: n.v, pos: target.pos, end: n.end };
      } else if (this.src[this.pos] === '[') {
        this.next();
        const index = this.parseExpr();
        const close = this.expectOp(']');
        target = { k: 'index', target, index, pos: target.pos, end: close.end };
      } else break;
    }
    const nameText = this.src.slice(target.pos, target.end);
    let positional: Expr[] | undefined;
    let named: Array<[string, Expr]> | undefined;
    const a = this.peek();
    if (a.t === 'id' && this.peekSecondIsAssign(a)) {
      named = [];
      while (!this.atTagEnd() && !this.peekOp(';')) {
        const n = this.next();
        if (n.t !== 'id') throw this.err(`expected a parameter name but found ${describe(n)}`, n.pos);
        this.expectOp('=');
        named.push([n.v, this.parseExpr()]);
        if (this.peekOp(',')) this.next();
      }
    } else {
      while (!this.atTagEnd() && !this.peekOp(';')) {
        positional ??= [];
        positional.push(this.parseExpr());
        if (this.peekOp(',')) this.next();
      }
    }
    const loopVars: string[] = [];
    if (this.peekOp(';')) {
      this.next();
      for (;;) {
        const v = this.next();
        if (v.t !== 'id') throw this.err('expected a loop variable name', v.pos);
        loopVars.push(v.v);
        if (!this.peekOp(',')) break;
        this.next();
      }
    }
    const empty = this.endTag();
    let body: Node[] | undefined;
    if (!empty) {
      const { nodes, term } = this.parseBody();
      if (term.kind !== 'callEnd') {
        if (term.kind === 'eof') throw this.unclosed(`<@${nameText}>`, start);
        throw this.unexpectedTerm(term);
      }
      if (term.name !== '' && term.name !== nameText) throw this.err(`</@${term.name}> does not match <@${nameText}>`, term.pos);
      this.pos = term.end;
      body = nodes;
    }
    return { k: 'call', target, positional, named, loopVars, body, ...this.base(start, this.pos) };
  }

  private peekSecondIsAssign(a: Tok): boolean {
    const b = lexToken(this.src, a.end, this.gtIsOp());
    return b.t === 'op' && b.v === '=';
  }

  // ------------------------------------------------------------------------------------------
  // Tokens

  private gtIsOp(): boolean {
    return !this.inTag || this.depth > 0 || this.square;
  }

  private peeked: Tok | undefined;
  private peekedAt = -1;
  private peekedMode = false;

  private peek(): Tok {
    const mode = this.gtIsOp();
    if (this.peeked && this.peekedAt === this.pos && this.peekedMode === mode) return this.peeked;
    this.peeked = lexToken(this.src, this.pos, mode);
    this.peekedAt = this.pos;
    this.peekedMode = mode;
    return this.peeked;
  }

  private next(): Tok {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  private peekOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }

  private expectOp(v: string): Tok {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw this.err(`expected "${v}" but found ${describe(t)}`, t.pos);
    return t;
  }

  /** True when `t` can begin an expression (used after `!` and `..`). */
  private startsExpr(t: Tok): boolean {
    if (t.t === 'num' || t.t === 'str') return true;
    if (t.t === 'id') return !['as', 'in', 'using', 'gt', 'gte', 'lt', 'lte'].includes(t.v);
    if (t.t === 'op') {
      if (this.isTagEnd(t) && !this.gtIsOp()) return false;
      return ['(', '[', '{', '-', '+', '!', '.'].includes(t.v) || (this.square && t.v === '[');
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let l = this.parseAnd();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '||' || t.v === '|')) {
        this.next();
        const r = this.parseAnd();
        l = { k: 'or', l, r, pos: l.pos, end: r.end };
      } else return l;
    }
  }

  private parseAnd(): Expr {
    let l = this.parseEq();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '&&' || t.v === '&' || t.v === '&amp;&amp;')) {
        this.next();
        const r = this.parseEq();
        l = { k: 'and', l, r, pos: l.pos, end: r.end };
      } else return l;
    }
  }

  private parseEq(): Expr {
    const l = this.parseRel();
    const t = this.peek();
    if (t.t === 'op' && (t.v === '==' || t.v === '!=' || t.v === '=')) {
      // "=" is equality only inside expressions; assignments handle "=" themselves.
      this.next();
      const r = this.parseRel();
      return { k: 'cmp', op: t.v === '!=' ? '!=' : '==', opText: t.v, l, r, pos: l.pos, end: r.end };
    }
    return l;
  }

  private relOp(t: Tok): '<' | '<=' | '>' | '>=' | undefined {
    if (t.t === 'id') {
      switch (t.v) {
        case 'lt': return '<';
        case 'lte': return '<=';
        case 'gt': return '>';
        case 'gte': return '>=';
      }
      return undefined;
    }
    if (t.t !== 'op') return undefined;
    switch (t.v) {
      case '<': case '&lt;': case '\\lt': return '<';
      case '<=': case '&lt;=': case '\\lte': return '<=';
      case '&gt;': case '\\gt': return '>';
      case '&gt;=': case '\\gte': return '>=';
      case '>': return this.gtIsOp() ? '>' : undefined;
      case '>=': return this.gtIsOp() ? '>=' : undefined;
    }
    return undefined;
  }

  private parseRel(): Expr {
    const l = this.parseRange();
    const t = this.peek();
    const op = this.relOp(t);
    if (op) {
      this.next();
      const r = this.parseRange();
      return { k: 'cmp', op, opText: t.v, l, r, pos: l.pos, end: r.end };
    }
    return l;
  }

  private parseRange(): Expr {
    const l = this.parseAdditive();
    const t = this.peek();
    if (t.t === 'op' && (t.v === '..' || t.v === '..<' || t.v === '..!' || t.v === '..*')) {
      this.next();
      const kind = t.v === '..!' ? '..<' : (t.v as '..' | '..<' | '..*');
      if (kind === '..' && !this.startsExpr(this.peek())) return { k: 'range', l, r: undefined, kind, pos: l.pos, end: t.end };
      const r = this.parseAdditive();
      return { k: 'range', l, r, kind, pos: l.pos, end: r.end };
    }
    return l;
  }

  private parseAdditive(): Expr {
    let l = this.parseMul();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '+' || t.v === '-')) {
        this.next();
        const r = this.parseMul();
        l = { k: 'arith', op: t.v, l, r, pos: l.pos, end: r.end };
      } else return l;
    }
  }

  private parseMul(): Expr {
    let l = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '*' || t.v === '/' || t.v === '%')) {
        this.next();
        const r = this.parseUnary();
        l = { k: 'arith', op: t.v, l, r, pos: l.pos, end: r.end };
      } else return l;
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.next();
      const e = this.parsePrimary();
      return { k: t.v === '-' ? 'neg' : 'pos', e, pos: t.pos, end: e.end };
    }
    if (t.t === 'op' && t.v === '!') {
      this.next();
      const nx = this.peek();
      const e = nx.t === 'op' && nx.v === '!' ? this.parseUnary() : this.parsePrimary();
      return { k: 'not', e, pos: t.pos, end: e.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    let e = this.parseBase();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op') return e;
      if (t.v === '.') {
        this.next();
        const n = this.next();
        if (n.t === 'id') e = { k: 'dot', target: e, name: n.v, pos: e.pos, end: n.end };
        else if (n.t === 'op' && n.v === '*') throw this.err('the ".*" operator is not supported', n.pos);
        else throw this.err(`expected a name after "." but found ${describe(n)}`, n.pos);
        continue;
      }
      if (t.v === '[') {
        this.next();
        // Only parentheses protect `>` inside a tag; brackets don't (measured).
        const index = this.parseExpr();
        const close = this.expectOp(']');
        e = { k: 'index', target: e, index, pos: e.pos, end: close.end };
        continue;
      }
      if (t.v === '(') {
        this.next();
        const args = this.parseArgs(false);
        e = { k: 'call', target: e, args, pos: e.pos, end: this.pos };
        continue;
      }
      if (t.v === '?') {
        this.next();
        const n = this.next();
        if (n.t !== 'id') throw this.err(`expected a built-in name after "?" but found ${describe(n)}`, n.pos);
        e = this.parseBuiltin(e, n);
        continue;
      }
      if (t.v === '??') {
        this.next();
        e = { k: 'exists', target: e, pos: e.pos, end: t.end };
        continue;
      }
      if (t.v === '!') {
        this.next();
        // The right side is a whole expression when one can be parsed here (a syntactic
        // lookahead, like FreeMarker's parser): `x!-1` is x!(-1), but in `x!-!y` there is none.
        const rhs = this.startsExpr(this.peek()) ? this.tryParseExpr() : undefined;
        if (rhs) return { k: 'default', target: e, rhs, pos: e.pos, end: rhs.end };
        e = { k: 'default', target: e, rhs: undefined, pos: e.pos, end: t.end };
        continue;
      }
      return e;
    }
  }

  private tryParseExpr(): Expr | undefined {
    const save = { pos: this.pos, depth: this.depth, peeked: this.peeked, peekedAt: this.peekedAt, peekedMode: this.peekedMode };
    try {
      return this.parseExpr();
    } catch (e) {
      if (!(e instanceof TemplateError) && !(e instanceof LexError)) throw e;
      this.pos = save.pos;
      this.depth = save.depth;
      this.peeked = save.peeked;
      this.peekedAt = save.peekedAt;
      this.peekedMode = save.peekedMode;
      return undefined;
    }
  }

  private parseBuiltin(target: Expr, n: Tok): Expr {
    const name = snakeName(n.v);
    if (REFUSED_BUILTINS.has(name)) throw this.err(`?${n.v} is not supported (refused by the sandbox)`, n.pos);
    if (UNSUPPORTED_BUILTINS.has(name)) throw this.err(`?${n.v} is not supported`, n.pos);
    if (!BUILTIN_NAMES.has(name)) throw this.err(`Unknown built-in: ?${n.v}`, n.pos);
    if (name === 'string' && this.peekOp('.')) {
      // ?string.currency and friends
      const dot = this.peek();
      const f = lexToken(this.src, dot.end, this.gtIsOp());
      if (f.t === 'id') {
        this.next();
        this.next();
        return { k: 'bi', name: 'string.', target, args: [{ k: 'str', v: f.v, pos: f.pos, end: f.end }], pos: target.pos, end: f.end, namePos: n.pos };
      }
    }
    if (LOOP_BUILTINS.has(name) && !(target.k === 'var' && this.loopVars.includes(target.name))) {
      const what = target.k === 'var' ? target.name : this.src.slice(target.pos, target.end);
      throw this.err(`The left hand operand of ?${n.v} must be a loop variable, but there's no loop variable in scope with this name: ${what}`, target.pos);
    }
    let args: Expr[] | undefined;
    if (BUILTIN_ARGS.has(name) && this.peekOp('(')) {
      this.next();
      args = this.parseArgs(true);
    }
    return { k: 'bi', name, target, args, pos: target.pos, end: args ? this.pos : n.end, namePos: n.pos };
  }

  /** Arguments up to ")"; the "(" is consumed. Lambdas are allowed for built-ins. */
  private parseArgs(lambdas: boolean): Expr[] {
    this.depth++;
    const args: Expr[] = [];
    if (this.peekOp(')')) {
      this.next();
      this.depth--;
      return args;
    }
    for (;;) {
      args.push(lambdas ? this.parseMaybeLambda() : this.parseExpr());
      const t = this.next();
      if (t.t === 'op' && t.v === ')') break;
      if (t.t !== 'op' || t.v !== ',') throw this.err(`expected "," or ")" but found ${describe(t)}`, t.pos);
    }
    this.depth--;
    return args;
  }

  private parseMaybeLambda(): Expr {
    const t = this.peek();
    if (t.t === 'id') {
      const a = lexToken(this.src, t.end, true);
      if (a.t === 'op' && a.v === '->') {
        this.next();
        this.next();
        const body = this.parseExpr();
        return { k: 'lambda', param: t.v, body, pos: t.pos, end: body.end };
      }
    }
    if (t.t === 'op' && t.v === '(') {
      const a = lexToken(this.src, t.end, true);
      const b = a.t === 'id' ? lexToken(this.src, a.end, true) : undefined;
      const c = b && b.t === 'op' && b.v === ')' ? lexToken(this.src, b.end, true) : undefined;
      if (a.t === 'id' && c && c.t === 'op' && c.v === '->') {
        this.pos = c.end;
        const body = this.parseExpr();
        return { k: 'lambda', param: a.v, body, pos: t.pos, end: body.end };
      }
    }
    return this.parseExpr();
  }

  private parseBase(): Expr {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return { k: 'num', v: numFromText(t.v), pos: t.pos, end: t.end };
      case 'str':
        return this.stringExpr(t);
      case 'id':
        if (t.v === 'true' || t.v === 'false') return { k: 'bool', v: t.v === 'true', pos: t.pos, end: t.end };
        if (['as', 'in', 'using', 'gt', 'gte', 'lt', 'lte'].includes(t.v)) throw this.err(`unexpected keyword "${t.v}"`, t.pos);
        return { k: 'var', name: t.v, pos: t.pos, end: t.end };
      case 'op':
        switch (t.v) {
          case '(': {
            this.depth++;
            const e = this.parseExpr();
            const close = this.expectOp(')');
            this.depth--;
            return { k: 'paren', e, pos: t.pos, end: close.end };
          }
          case '[': {
            const items: Expr[] = [];
            if (!this.peekOp(']')) {
              for (;;) {
                items.push(this.parseExpr());
                const s = this.next();
                if (s.t === 'op' && s.v === ']') return { k: 'seq', items, pos: t.pos, end: s.end };
                if (s.t !== 'op' || s.v !== ',') throw this.err(`expected "," or "]" but found ${describe(s)}`, s.pos);
              }
            }
            const close = this.next();
            return { k: 'seq', items, pos: t.pos, end: close.end };
          }
          case '{': {
            const entries: Array<[Expr, Expr]> = [];
            if (!this.peekOp('}')) {
              for (;;) {
                const key = this.parseExpr();
                this.expectOp(':');
                const value = this.parseExpr();
                entries.push([key, value]);
                const s = this.next();
                if (s.t === 'op' && s.v === '}') return { k: 'hash', entries, pos: t.pos, end: s.end };
                if (s.t !== 'op' || s.v !== ',') throw this.err(`expected "," or "}" but found ${describe(s)}`, s.pos);
              }
            }
            const close = this.next();
            return { k: 'hash', entries, pos: t.pos, end: close.end };
          }
          case '.': {
            const n = this.next();
            if (n.t !== 'id') throw this.err(`expected a special variable name after "." but found ${describe(n)}`, n.pos);
            const name = snakeName(n.v);
            if (!SPECIAL_VARS.has(name)) {
              if (UNSUPPORTED_SPECIALS.has(name)) throw this.err(`.${n.v} is not supported`, t.pos);
              throw this.err(`Unknown special variable: .${n.v}`, t.pos);
            }
            return { k: 'special', name, pos: t.pos, end: n.end };
          }
        }
        break;
      case 'eof':
        throw this.err('unexpected end of template inside an expression', t.pos);
    }
    throw this.err(`unexpected ${describe(t)}`, t.pos);
  }

  private stringExpr(t: Tok): Expr {
    const cp = t.contentPos!;
    const ce = t.contentEnd!;
    if (t.raw) return { k: 'str', v: t.v, pos: t.pos, end: t.end };
    const content = this.src.slice(cp, ce);
    if (!content.includes('{')) return { k: 'str', v: unescapeString(content, cp), pos: t.pos, end: t.end };
    // Split on ${...} / #{...} (a backslash escapes the next character).
    const parts: Array<string | InterpPart> = [];
    let text = '';
    let textStart = cp;
    let i = cp;
    while (i < ce) {
      const c = this.src[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if ((c === '$' || c === '#') && this.src[i + 1] === '{') {
        text = this.src.slice(textStart, i);
        if (text !== '') parts.push(unescapeString(text, textStart));
        const savePos = this.pos;
        const savePeek = this.peeked;
        this.peeked = undefined;
        const part = this.parseInterpPart(i);
        if (part.end > ce) throw this.err('unclosed interpolation in string literal', i);
        parts.push(part);
        i = part.end;
        textStart = i;
        this.pos = savePos;
        this.peeked = savePeek;
        continue;
      }
      i++;
    }
    text = this.src.slice(textStart, ce);
    if (text !== '') parts.push(unescapeString(text, textStart));
    if (parts.every((p) => typeof p === 'string')) return { k: 'str', v: (parts as string[]).join(''), pos: t.pos, end: t.end };
    return { k: 'strInterp', parts, pos: t.pos, end: t.end };
  }
}

function containsItems(nodes: Node[]): boolean {
  for (const n of nodes) {
    if (n.k === 'items') return true;
    if (n.k === 'list') continue;
    for (const child of childLists(n)) if (containsItems(child)) return true;
  }
  return false;
}

/** The child element lists of a node, in document order. */
export function childLists(n: Node): Node[][] {
  switch (n.k) {
    case 'if': return n.branches.map((b) => b.body);
    case 'list': return n.elseBody ? [n.body, n.elseBody.body] : [n.body];
    case 'items': case 'sep': case 'macro': case 'compress': case 'outputformat': case 'autoesc': return [n.body];
    case 'assign': return n.capture ? [n.capture] : [];
    case 'call': return n.body ? [n.body] : [];
    case 'switch': return n.cases.map((c) => c.body);
    case 'attempt': return [n.body, n.recover.body];
    default: return [];
  }
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function scanName(src: string, at: number): number {
  let e = at;
  while (isLetter(src[e])) e++;
  return e;
}

function describe(t: Tok): string {
  if (t.t === 'eof') return 'the end of the template';
  if (t.t === 'str') return 'a string literal';
  if (t.t === 'num') return `number ${t.v}`;
  return `"${t.v}"`;
}

export const SPECIAL_VARS = new Set([
  'vars', 'locals', 'globals', 'main', 'namespace', 'data_model', 'lang', 'locale', 'version', 'template_name',
  'current_template_name', 'main_template_name', 'output_encoding', 'output_format', 'auto_esc', 'error', 'pass',
  'caller_template_name', 'incompatible_improvements', 'url_escaping_charset', 'locale_object',
]);
const UNSUPPORTED_SPECIALS = new Set(['now', 'node', 'get_optional_template', 'time_zone', 'args']);

const OUTPUT_FORMATS = ['HTML', 'XHTML', 'XML', 'RTF', 'plainText', 'undefined', 'JavaScript', 'JSON', 'CSS'];

function checkOutputFormat(p: Parser, name: string, pos: number): string {
  if (!OUTPUT_FORMATS.includes(name)) {
    throw p.err(`output format "${name}" is not supported; use one of ${OUTPUT_FORMATS.join(', ')}`, pos);
  }
  return name;
}

export const SUPPORTED_LOCALES = ['en_US', 'en', 'de_DE', 'de', 'en_GB'];

function checkLocale(p: Parser, name: string, pos: number): void {
  if (!SUPPORTED_LOCALES.includes(name)) throw p.err(`locale "${name}" is not supported; use en_US or de_DE`, pos);
}
