/**
 * A small, strict XML 1.0 well-formedness parser for the phone formats (no DTDs, no namespaces
 * processing, no external anything). It accepts what a phone's parser can be trusted with and
 * refuses, with line:column, what a strict parser refuses: a declaration that is not first,
 * unbalanced or crossed tags, duplicate attributes, unquoted attributes, a raw `<` or a bare
 * `&` in text or attribute values, unknown entities, `--` inside comments, `]]>` in text,
 * control characters, several root elements, text outside the root.
 *
 * Why our own: the formats need ~250 lines of parser, and npm's XML parsers are either lenient by
 * default (fast-xml-parser validates separately and accepts much that phones reject) or large DOM
 * implementations; a provisioning checker should be strict and dependency-free.
 */

export interface XmlElement {
  type: 'element';
  name: string;
  /** Attributes in document order, entity references decoded. */
  attrs: Map<string, string>;
  children: XmlNode[];
  line: number;
  column: number;
}

export interface XmlText {
  type: 'text';
  /** Decoded text (entities and CDATA resolved). */
  text: string;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlDocument {
  /** `version`, `encoding`, `standalone` of the XML declaration, if there is one. */
  declaration?: Map<string, string>;
  root: XmlElement;
}

export class XmlError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(`${line}:${column}: ${message}`);
    this.name = 'XmlError';
    this.line = line;
    this.column = column;
  }
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Deepest element nesting accepted (phone configs use fewer than ten levels). */
const MAX_DEPTH = 64;

export function parseXml(source: string): XmlDocument {
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM is allowed before the declaration
  const lineStarts = [0];
  for (let k = source.indexOf('\n'); k !== -1; k = source.indexOf('\n', k + 1)) lineStarts.push(k + 1);

  function pos(at: number): { line: number; column: number } {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  }
  function fail(message: string, at = i): never {
    const p = pos(at);
    throw new XmlError(message, p.line, p.column);
  }
  function startsWith(s: string): boolean {
    return source.startsWith(s, i);
  }
  function skipSpace(): boolean {
    const start = i;
    while (i < source.length && /[ \t\r\n]/.test(source[i]!)) i++;
    return i > start;
  }
  function checkChars(text: string, at: number): void {
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffe || c === 0xffff) {
        fail(`control character U+${c.toString(16).padStart(4, '0').toUpperCase()} is not allowed in XML`, at + k);
      }
    }
  }
  function readName(what: string): string {
    const start = i;
    if (i >= source.length || !NAME_START.test(source[i]!)) fail(`expected ${what}`);
    i++;
    while (i < source.length && NAME_CHAR.test(source[i]!)) i++;
    return source.slice(start, i);
  }
  /** Decodes entity and character references in `raw` (which starts at `at` in the source). */
  function decode(raw: string, at: number, inAttribute: boolean): string {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]!;
      if (ch === '<') fail(inAttribute ? '"<" is not allowed in an attribute value; write &lt;' : 'unexpected "<"', at + k);
      if (ch !== '&') {
        out += ch;
        continue;
      }
      const semi = raw.indexOf(';', k);
      const ref = semi === -1 ? '' : raw.slice(k + 1, semi);
      if (semi === -1 || ref.length === 0 || ref.length > 10 || /[\s&]/.test(ref)) fail('bare "&": write &amp;', at + k);
      let value: string | undefined;
      if (ref[0] === '#') {
        const code = /^#x[0-9A-Fa-f]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : -1;
        if (code <= 0 || code > 0x10ffff || (code < 0x20 && code !== 9 && code !== 10 && code !== 13) || (code >= 0xd800 && code <= 0xdfff)) {
          fail(`invalid character reference "&${ref};"`, at + k);
        }
        value = String.fromCodePoint(code);
      } else {
        value = ENTITIES[ref];
        if (value === undefined) fail(`unknown entity "&${ref};" (XML knows lt, gt, amp, quot, apos)`, at + k);
      }
      out += value;
      k = semi;
    }
    return out;
  }
  function readAttributes(attrs: Map<string, string>, close: string): void {
    for (;;) {
      const hadSpace = skipSpace();
      if (startsWith(close) || (close === '>' && startsWith('/>'))) return;
      if (i >= source.length) fail('unexpected end of document inside a tag');
      if (!hadSpace) fail('expected whitespace, ">" or "/>" after an attribute');
      const nameAt = i;
      const name = readName('an attribute name');
      skipSpace();
      if (source[i] !== '=') fail(`attribute "${name}" has no value (expected =)`);
      i++;
      skipSpace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail(`the value of attribute "${name}" must be quoted`);
      const end = source.indexOf(quote, i + 1);
      if (end === -1) fail(`unterminated value of attribute "${name}"`);
      const raw = source.slice(i + 1, end);
      checkChars(raw, i + 1);
      if (attrs.has(name)) fail(`duplicate attribute "${name}"`, nameAt);
      attrs.set(name, decode(raw, i + 1, true));
      i = end + 1;
    }
  }
  function skipComment(): void {
    const end = source.indexOf('-->', i + 4);
    if (end === -1) fail('unterminated comment');
    const body = source.slice(i + 4, end);
    const dd = body.indexOf('--');
    if (dd !== -1 || body.endsWith('-')) fail('"--" is not allowed inside a comment', i + 4 + (dd === -1 ? body.length - 1 : dd));
    checkChars(body, i + 4);
    i = end + 3;
  }
  function skipPi(): void {
    const at = i;
    i += 2;
    const target = readName('a processing-instruction target');
    if (target.toLowerCase() === 'xml') fail('the XML declaration must be the very first thing in the document', at);
    const end = source.indexOf('?>', i);
    if (end === -1) fail('unterminated processing instruction');
    i = end + 2;
  }
  /** Comments, processing instructions and whitespace (outside the root element). */
  function skipMisc(): void {
    for (;;) {
      skipSpace();
      if (startsWith('<!--')) skipComment();
      else if (startsWith('<?')) skipPi();
      else return;
    }
  }
  /** `<name attrs>` or `<name attrs/>` at i. */
  function openTag(): { el: XmlElement; empty: boolean } {
    const at = i;
    i++;
    const el: XmlElement = { type: 'element', name: readName('an element name'), attrs: new Map(), children: [], ...pos(at) };
    readAttributes(el.attrs, '>');
    if (startsWith('/>')) {
      i += 2;
      return { el, empty: true };
    }
    i++; // '>'
    return { el, empty: false };
  }

  let declaration: Map<string, string> | undefined;
  if (startsWith('<?xml') && /[\s?]/.test(source[i + 5] ?? '')) {
    i += 5;
    declaration = new Map<string, string>();
    readAttributes(declaration, '?>');
    i += 2;
    if (declaration.get('version') !== '1.0') fail('the XML declaration needs version="1.0"', 0);
    for (const k of declaration.keys()) {
      if (k !== 'version' && k !== 'encoding' && k !== 'standalone') fail(`unknown XML declaration attribute "${k}"`, 0);
    }
  }
  skipMisc();
  if (/^<!doctype/i.test(source.slice(i, i + 9))) fail('DOCTYPE declarations are not accepted in phone configs');
  if (i >= source.length) fail('no root element');
  if (source[i] !== '<' || startsWith('<!')) fail('text before the root element');

  const opened = openTag();
  const root = opened.el;
  const stack: XmlElement[] = opened.empty ? [] : [root];
  while (stack.length > 0) {
    const parent = stack[stack.length - 1]!;
    if (i >= source.length) fail(`<${parent.name}> (opened at ${parent.line}:${parent.column}) is never closed`);
    if (startsWith('<!--')) {
      skipComment();
    } else if (startsWith('<![CDATA[')) {
      const end = source.indexOf(']]>', i + 9);
      if (end === -1) fail('unterminated CDATA section');
      const text = source.slice(i + 9, end);
      checkChars(text, i + 9);
      parent.children.push({ type: 'text', text });
      i = end + 3;
    } else if (startsWith('<?')) {
      skipPi();
    } else if (startsWith('</')) {
      const at = i;
      i += 2;
      const name = readName('an element name');
      skipSpace();
      if (source[i] !== '>') fail(`expected ">" to close </${name}>`);
      i++;
      if (name !== parent.name) fail(`</${name}> does not close <${parent.name}> (opened at ${parent.line}:${parent.column})`, at);
      stack.pop();
    } else if (source[i] === '<') {
      if (startsWith('<!')) fail('unexpected markup declaration');
      const { el, empty } = openTag();
      parent.children.push(el);
      if (!empty) {
        if (stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH} levels`);
        stack.push(el);
      }
    } else {
      const next = source.indexOf('<', i);
      const end = next === -1 ? source.length : next;
      const raw = source.slice(i, end);
      checkChars(raw, i);
      const cdEnd = raw.indexOf(']]>');
      if (cdEnd !== -1) fail('"]]>" is not allowed in text', i + cdEnd);
      parent.children.push({ type: 'text', text: decode(raw, i, false) });
      i = end;
    }
  }
  skipMisc();
  if (i < source.length) fail(source[i] === '<' ? 'a second root element: an XML document has exactly one' : 'text after the root element');
  return declaration ? { declaration, root } : { root };
}

/** The element children of `el`. */
export function elements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.type === 'element' && (name === undefined || c.name === name));
}

/** The one child element called `name`; undefined if absent, an error if repeated. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  const found = elements(el, name);
  if (found.length > 1) {
    const second = found[1]!;
    throw new XmlError(`<${name}> appears ${found.length} times in <${el.name}>`, second.line, second.column);
  }
  return found[0];
}

/** The text content of a leaf element (an error if it has child elements). */
export function leafText(el: XmlElement): string {
  let out = '';
  for (const c of el.children) {
    if (c.type === 'element') throw new XmlError(`<${el.name}> holds a value, not the element <${c.name}>`, c.line, c.column);
    out += c.text;
  }
  return out;
}

/** Every descendant element called `name`, depth first. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of elements(el)) {
    if (c.name === name) out.push(c);
    out.push(...descendants(c, name));
  }
  return out;
}
