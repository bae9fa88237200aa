/**
 * White-space stripping, applied once after parsing (behaviour measured on FreeMarker 2.3.31 with
 * differential cases; see test/interop/freemarker/cases/ws-*).
 *
 * The tree is read as elements with children; "terminal nodes" are elements without children,
 * except that a #macro/#function and a capturing #assign count as one terminal node (their bodies
 * are not entered when walking from outside). For each static text block, in document order:
 *
 *  1. Deliberate trims (also when stripping is off): `#lt`/`#t` among the terminal nodes after the
 *     block on its last line remove the leading white-space of that line; `#rt`/`#t` among the
 *     nodes before it on its first line remove the white-space ending that line and its line break.
 *     `#nt` there only disables the automatic stripping below on that side.
 *  2. A white-space-only block whose siblings on both sides are non-outputting (#assign, #global,
 *     #local, #macro, #function, #setting, #import, comments; the start/end of the template count at
 *     the top level) is removed, even mid-line.
 *  3. The first block of the template is not stripped further.
 *  4. Opening part (through the first line break): removed when white-space only and no terminal
 *     node before the block on that line heeds white-space.
 *  5. Trailing part (after the last line break): removed when white-space only and no terminal node
 *     after the block on that line heeds white-space.
 *
 * Interpolations heed white-space. A text block heeds it unless, read from the side facing the
 * block being stripped, a line break comes before any other character (an empty or removed block
 * doesn't heed). Other elements don't.
 */
import type { Branch, Node } from './ast.js';

type El = Node | Branch | Root;

interface Root {
  k: 'root';
  body: Node[];
  beginLine: number;
  endLine: number;
}

type TextNode = Extract<Node, { k: 'text' }>;

const NON_OUTPUTTING = new Set(['assign', 'macro', 'setting', 'import', 'comment']);

const childCache = new WeakMap<object, El[]>();

/** Children of an element for the purpose of tree navigation (stable objects). */
function children(n: El): El[] {
  let c = childCache.get(n);
  if (!c) {
    c = computeChildren(n);
    childCache.set(n, c);
  }
  return c;
}

function computeChildren(n: El): El[] {
  switch (n.k) {
    case 'root': return n.body;
    case 'branch': return n.body;
    case 'if': return n.branches;
    case 'switch': return n.cases;
    case 'list': {
      if (!n.elseBody) return n.body;
      // FreeMarker's list-body element spans the whole #list, up to </#list>.
      const body: Branch = { k: 'branch', cond: undefined, body: n.body, pos: n.pos, end: n.end, beginLine: n.beginLine, endLine: n.endLine };
      return [body, n.elseBody];
    }
    case 'attempt': {
      // An empty attempted section is an empty element that begins on "line 0" (so a forward
      // same-line scan stops there) but ends on the #recover line (a backward scan goes on).
      const empty = n.body.length === 0;
      const body: Branch = {
        k: 'branch', cond: undefined, body: n.body, pos: n.pos, end: n.end,
        beginLine: empty ? 0 : n.beginLine, endLine: empty ? n.recover.beginLine : n.endLine,
      };
      return [body, n.recover];
    }
    case 'items': case 'sep': case 'macro': case 'compress': case 'outputformat': case 'autoesc': return n.body;
    case 'assign': return n.capture ?? [];
    case 'call': return n.body ?? [];
    default: return [];
  }
}

/** Blocks that leave the tree when empty (after their own content was cleaned). */
function vanishes(n: El): boolean {
  return (n.k === 'compress' || n.k === 'autoesc' || n.k === 'outputformat') && n.body.length === 0;
}

/** Macro definitions and capturing assignments are single terminal nodes when seen from outside. */
function opaque(n: El): boolean {
  return n.k === 'macro' || (n.k === 'assign' && n.capture !== undefined);
}

interface Info {
  parent: El;
  list: El[];
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || (c >= 28 && c <= 31);
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(s.charCodeAt(i))) return false;
  return true;
}

function firstBreak(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

/** Index just after the line break that starts at i. */
function afterBreak(s: string, i: number): number {
  return s.charCodeAt(i) === 13 && s.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

function lastBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

class Stripper {
  /** Parent and containing child list of every element; kept up to date as blocks are removed. */
  private readonly info = new Map<El, Info>();

  constructor(
    private readonly root: Root,
    private readonly lineStarts: number[],
    private readonly enabled: boolean,
  ) {
    this.index(root);
  }

  private index(n: El): void {
    const ch = children(n);
    for (const c of ch) {
      this.info.set(c, { parent: n, list: ch });
      this.index(c);
    }
  }

  private lastLeaf(n: El): El {
    let cur = n;
    for (;;) {
      if (opaque(cur)) return cur;
      const ch = children(cur);
      if (ch.length === 0) return cur;
      cur = ch[ch.length - 1]!;
    }
  }

  private firstLeaf(n: El): El {
    let cur = n;
    for (;;) {
      if (opaque(cur)) return cur;
      const ch = children(cur);
      if (ch.length === 0) return cur;
      cur = ch[0]!;
    }
  }

  private prevTerminal(n: El): El | undefined {
    for (let cur: El = n; ;) {
      const inf = this.info.get(cur);
      if (!inf) return undefined;
      const i = inf.list.indexOf(cur);
      if (i > 0) return this.lastLeaf(inf.list[i - 1]!);
      cur = inf.parent;
    }
  }

  private nextTerminal(n: El): El | undefined {
    for (let cur: El = n; ;) {
      const inf = this.info.get(cur);
      if (!inf) return undefined;
      const i = inf.list.indexOf(cur);
      if (i + 1 < inf.list.length) return this.firstLeaf(inf.list[i + 1]!);
      cur = inf.parent;
    }
  }

  /** Empty, or white-space only between non-outputting siblings (rule 2). */
  private ignorable(t: TextNode): boolean {
    if (t.text === '') return true;
    if (!this.enabled || t.raw || !isBlank(t.text, 0, t.text.length)) return false;
    const inf = this.info.get(t);
    if (!inf) return true;
    const i = inf.list.indexOf(t);
    const top = inf.parent === this.root;
    const ok = (x: El | undefined): boolean => (x === undefined ? top : NON_OUTPUTTING.has(x.k) && !(x.k === 'assign' && x.capture));
    return ok(inf.list[i - 1]) && ok(inf.list[i + 1]);
  }

  /** Does `e`, placed before a block on the same line, care about the block's opening white-space? */
  private heedsAfter(e: El): boolean {
    if (e.k === 'interp') return true;
    if (e.k !== 'text' || this.ignorable(e)) return false;
    const s = e.text;
    for (let i = s.length - 1; i >= 0; i--) {
      const c = s.charCodeAt(i);
      if (c === 10 || c === 13) return false;
      if (!isWs(c)) return true;
    }
    return true;
  }

  /** Does `e`, placed after a block on the same line, care about the block's trailing white-space? */
  private heedsBefore(e: El): boolean {
    if (e.k === 'interp') return true;
    if (e.k !== 'text' || this.ignorable(e)) return false;
    const s = e.text;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10 || c === 13) return false;
      if (!isWs(c)) return true;
    }
    return true;
  }

  private column(t: TextNode): number {
    return t.pos - this.lineStarts[t.beginLine - 1]! + 1;
  }

  /**
   * Cleans a child list in document order, then removes (one by one, so later checks see the
   * removals) the text blocks that are empty or ignorable and the trim directives.
   */
  run(list: El[] = this.root.body): void {
    for (const c of list) {
      if (c.k === 'text') {
        if (!c.raw) this.strip(c);
      } else this.run(children(c));
    }
    for (let i = 0; i < list.length;) {
      const c = list[i]!;
      if (c.k === 'trim' || (c.k === 'text' && !c.raw && this.ignorable(c)) || vanishes(c)) {
        list.splice(i, 1);
        this.info.delete(c);
        continue;
      }
      i++;
    }
  }

  private strip(t: TextNode): void {
    if (t.text === '') return;
    let beginLine = t.beginLine;
    let col1 = this.column(t) === 1;
    // 1. Deliberate trims.
    let noTrailing = false;
    let noOpening = false;
    for (let e = this.nextTerminal(t); e !== undefined && e.beginLine === t.endLine; e = this.nextTerminal(e)) {
      if (e.k !== 'trim') continue;
      if (e.none || e.left) noTrailing = true;
      if (e.left) {
        const s = t.text;
        const lb = lastBreak(s);
        if (lb >= 0 || col1) {
          const start = lb + 1;
          let i = start;
          while (i < s.length && isWs(s.charCodeAt(i))) i++;
          t.text = s.slice(0, start) + s.slice(i);
        }
      }
    }
    for (let e = this.prevTerminal(t); e !== undefined && e.endLine === beginLine; e = this.prevTerminal(e)) {
      if (e.k !== 'trim') continue;
      if (e.none) noOpening = true;
      if (e.right) {
        noOpening = true;
        const s = t.text;
        const fb = firstBreak(s);
        if (fb < 0) {
          noOpening = false;
          break;
        }
        const after = afterBreak(s, fb);
        if (isBlank(s, 0, fb)) {
          t.text = s.slice(after);
          beginLine++;
          col1 = true;
        }
        else {
          let keep = fb;
          while (keep > 0 && isWs(s.charCodeAt(keep - 1))) keep--;
          let rest = s.slice(after);
          if (isBlank(rest, 0, rest.length)) {
            let trimRest = true;
            for (let n = this.nextTerminal(t); n !== undefined && n.beginLine === t.endLine; n = this.nextTerminal(n)) {
              // (FreeMarker reads the following text from its end here, unlike everywhere else.)
              if (this.heedsAfter(n)) trimRest = false;
              if (n.k === 'trim' && n.left) {
                trimRest = true;
                break;
              }
            }
            if (trimRest) rest = '';
          }
          t.text = s.slice(0, keep) + rest;
        }
      }
    }
    if (!this.enabled) return;
    // 2. is applied by run(). 3. The first block of the template.
    const inf = this.info.get(t)!;
    if (inf.parent === this.root && inf.list.indexOf(t) === 0) return;
    const s = t.text;
    let start = 0;
    let end = s.length;
    // 5. Trailing part.
    if (!noTrailing) {
      const lb = lastBreak(s);
      if (lb >= 0 || col1) {
        const from = lb + 1;
        if (isBlank(s, from, s.length)) {
          let strip = true;
          for (let e = this.nextTerminal(t); e !== undefined && e.beginLine === t.endLine; e = this.nextTerminal(e)) {
            if (this.heedsBefore(e)) {
              strip = false;
              break;
            }
          }
          if (strip) end = from;
        }
      }
    }
    // 4. Opening part.
    if (!noOpening) {
      const fb = firstBreak(s);
      if (fb >= 0 && isBlank(s, 0, fb)) {
        let strip = true;
        for (let e = this.prevTerminal(t); e !== undefined && e.endLine === beginLine; e = this.prevTerminal(e)) {
          if (this.heedsAfter(e)) {
            strip = false;
            break;
          }
        }
        if (strip) start = Math.min(afterBreak(s, fb), end);
      }
    }
    if (start > 0 || end < s.length) t.text = s.slice(start, Math.max(start, end));
  }
}

/** Applies white-space stripping in place; returns the cleaned tree. */
export function stripWhitespace(nodes: Node[], enabled: boolean, lineStarts: number[]): Node[] {
  const root: Root = { k: 'root', body: nodes, beginLine: 1, endLine: lineStarts.length };
  new Stripper(root, lineStarts, enabled).run();
  return prune(nodes);
}

/** Drops empty text blocks. */
function prune(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (n.k === 'text' && n.text === '') continue;
    switch (n.k) {
      case 'if': for (const b of n.branches) b.body = prune(b.body); break;
      case 'switch': for (const b of n.cases) b.body = prune(b.body); break;
      case 'list': n.body = prune(n.body); if (n.elseBody) n.elseBody.body = prune(n.elseBody.body); break;
      case 'items': case 'sep': case 'macro': case 'compress': case 'outputformat': case 'autoesc': n.body = prune(n.body); break;
      case 'assign': if (n.capture) n.capture = prune(n.capture); break;
      case 'call': if (n.body) n.body = prune(n.body); break;
      case 'attempt': n.body = prune(n.body); n.recover.body = prune(n.recover.body); break;
      default: break;
    }
    out.push(n);
  }
  return out;
}

/** `strip_text`: drops the top-level text of the template. */
export function stripText(nodes: Node[]): Node[] {
  return nodes.filter((n) => n.k !== 'text');
}
