/** Compiles the FTL syntax tree once into closures; rendering then only runs closures. */
import { TemplateError } from '../../errors.js';
import type { Branch, Expr, InterpPart, Node } from './ast.js';
import { escapeFor, isMarkupFormat, makeBuiltin, resolveName } from './builtins.js';
import { Num, add, cmp, div, formatNumber, mod, mul, neg, sub, parsePattern, SYMBOLS_EN, numInt, PatternError } from './numbers.js';
import { SUPPORTED_LOCALES, childLists as childListsOf, positionOf } from './parser.js';
import {
  type CallFrame, Env, type Eval, type Exec, type Frame, FtlRuntimeError, type MacroDef, MacroValue, SIG_BREAK,
  SIG_CONTINUE, SIG_NONE, SIG_RETURN, type Unit, asBool, asSeq, asStr, bindAndEnter, booleanError, describeType, fail,
  invokeCallable, leave, missing, scalarText, specialHash, textOf, LimitError, TransformValue, compressText, where,
} from './runtime.js';
import { FtlRange, Markup, MatchItem, Method, Namespace, hashGet, hashKeys, isHash, seqGet, wrap } from './values.js';

type BiExpr = Extract<Expr, { k: 'bi' }>;

interface CC {
  u: Unit;
  fmt: string;
  autoEsc: boolean;
  defs: MacroDef[];
}

function parseError(u: Unit, pos: number, message: string): TemplateError {
  return new TemplateError('TEMPLATE_INVALID', message, positionOf(u.lineStarts, pos));
}

const NOOP: Exec = () => SIG_NONE;

export function compileUnit(u: Unit, nodes: Node[], fmt: string, autoEsc: boolean): void {
  const cc: CC = { u, fmt, autoEsc, defs: [] };
  u.root = compileNodes(nodes, cc);
  u.macros = cc.defs;
}

function compileNodes(nodes: Node[], cc: CC): Exec {
  const execs: Exec[] = [];
  let text = '';
  let textPos = 0;
  const flush = (): void => {
    if (text !== '') {
      execs.push(textExec(text, cc.u, textPos));
      text = '';
    }
  };
  for (const n of nodes) {
    if (n.k === 'text') {
      if (text === '') textPos = n.pos;
      text += n.text;
      continue;
    }
    if (n.k === 'comment' || n.k === 'trim' || n.k === 'flush') continue;
    flush();
    execs.push(compileNode(n, cc));
  }
  flush();
  if (execs.length === 0) return NOOP;
  if (execs.length === 1) return execs[0]!;
  if (execs.length === 2) {
    const [a, b] = execs as [Exec, Exec];
    return (env) => a(env) || b(env);
  }
  return (env) => {
    for (let i = 0; i < execs.length; i++) {
      const s = execs[i]!(env);
      if (s !== SIG_NONE) return s;
    }
    return SIG_NONE;
  };
}

function textExec(s: string, u: Unit, pos: number): Exec {
  return (env) => {
    env.out += s;
    if (env.out.length > env.opts.maxOutputBytes) env.checkOutput(u, pos);
    return SIG_NONE;
  };
}

function compileNode(n: Node, cc: CC): Exec {
  const u = cc.u;
  switch (n.k) {
    case 'interp': {
      const f = compilePart(n.part, cc, true);
      return (env) => {
        env.out += f(env);
        if (env.out.length > env.opts.maxOutputBytes) env.checkOutput(u, n.pos);
        return SIG_NONE;
      };
    }
    case 'if': return compileIf(n.branches, cc);
    case 'list': return compileList(n, cc);
    case 'items': return compileItems(n, cc);
    case 'sep': {
      const body = compileNodes(n.body, cc);
      return (env) => {
        const f = innermostLoop(env);
        if (!f) throw fail(u, n.pos, '#sep must be inside a #list (or #items) block');
        return f.loop!.hasNext ? body(env) : SIG_NONE;
      };
    }
    case 'break': return () => SIG_BREAK;
    case 'continue': return () => SIG_CONTINUE;
    case 'return': {
      const e = n.e ? compileExpr(n.e, cc) : undefined;
      return (env) => {
        if (e) {
          const call = env.call;
          if (call && call.def.kind === 'macro') throw fail(u, n.pos, '#return with a value is only allowed in a #function');
          const v = e(env);
          if (v === undefined) throw missing(u, n.e!.pos, n.e!.end);
          env.returnValue = v;
        }
        return SIG_RETURN;
      };
    }
    case 'stop': {
      const e = n.e ? compileExpr(n.e, cc) : undefined;
      return (env) => {
        const msg = e ? textOf(env, e(env)) ?? '' : '';
        throw fail(u, n.pos, `#stop${msg ? `: ${msg}` : ''}`);
      };
    }
    case 'flush': case 'comment': case 'trim': return NOOP;
    case 'assign': return compileAssign(n, cc);
    case 'macro': {
      const def: MacroDef = {
        kind: n.fn ? 'function' : 'macro',
        name: n.name,
        params: n.params.map((p) => ({ name: p.name, def: p.def ? compileExpr(p.def, cc) : undefined })),
        catchAll: n.catchAll,
        body: NOOP,
        unit: u,
        node: n,
      };
      def.body = compileNodes(n.body, cc);
      cc.defs.push(def);
      return (env) => {
        env.ns.vars.set(def.name, new MacroValue(def, env.ns));
        return SIG_NONE;
      };
    }
    case 'call': return compileCall(n, cc);
    case 'nested': {
      const args = n.args.map((a) => compileExpr(a, cc));
      return (env) => runNested(env, args, u, n.pos);
    }
    case 'switch': return compileSwitch(n, cc);
    case 'include': return compileInclude(n, cc);
    case 'import': {
      const path = compileExpr(n.path, cc);
      return (env) => {
        const p = reqStr(env, path(env), u, n.path);
        const name = templateName(p, env, u, n.pos);
        let ns = env.imports.get(name);
        if (!ns) {
          const unit = loadUnit(env, name, u, n.pos, false);
          if (!unit) throw fail(u, n.pos, `Template not found for name "${name}"`);
          ns = new Namespace(name);
          env.imports.set(name, ns);
          const save = { out: env.out, loops: env.loops, locals: env.locals, ns: env.ns, call: env.call, unit: env.unit, processed: env.processed };
          env.out = '';
          env.loops = null;
          env.locals = null;
          env.ns = ns;
          env.call = null;
          env.unit = unit;
          env.processed = unit;
          try {
            runUnit(env, unit);
          } finally {
            Object.assign(env, save);
          }
        }
        env.ns.vars.set(n.alias, ns);
        return SIG_NONE;
      };
    }
    case 'setting': return compileSetting(n, cc);
    case 'compress': {
      const body = compileNodes(n.body, cc);
      return (env) => {
        const save = env.out;
        env.out = '';
        let sig: number;
        try {
          sig = body(env);
        } catch (e) {
          env.out = save;
          throw e;
        }
        const captured = env.out;
        env.out = save + compress(captured);
        return sig;
      };
    }
    case 'attempt': {
      const body = compileNodes(n.body, cc);
      const recover = compileNodes(n.recover.body, cc);
      return (env) => {
        const save = {
          out: env.out, loops: env.loops, locals: env.locals, ns: env.ns, call: env.call, unit: env.unit, depth: env.depth,
          processed: env.processed, pendingList: env.pendingList,
        };
        try {
          return body(env);
        } catch (e) {
          if (!(e instanceof FtlRuntimeError)) throw e;
          Object.assign(env, save);
          const prevError = env.error;
          env.error = (e.details as { reason?: string } | undefined)?.reason ?? e.message;
          try {
            return recover(env);
          } finally {
            env.error = prevError;
          }
        }
      };
    }
    case 'outputformat': {
      const isMarkup = isMarkupFormat(n.format);
      return compileNodes(n.body, { ...cc, fmt: n.format, autoEsc: isMarkup });
    }
    case 'autoesc': {
      if (n.on && !isMarkupFormat(cc.fmt)) throw parseError(u, n.pos, `#autoesc can't be used with the output format "${cc.fmt}", which is not a markup format`);
      return compileNodes(n.body, { ...cc, autoEsc: n.on });
    }
    case 'text':
      return textExec(n.text, u, n.pos);
  }
}

function innermostLoop(env: Env): Frame | undefined {
  for (let f = env.loops; f !== null; f = f.parent) if (f.loop) return f;
  return undefined;
}

function compileIf(branches: Branch[], cc: CC): Exec {
  const u = cc.u;
  const compiled = branches.map((b) => ({ cond: b.cond ? compileCond(b.cond, cc, '#if') : undefined, body: compileNodes(b.body, cc) }));
  if (compiled.length === 1) {
    const { cond, body } = compiled[0]!;
    return (env) => (cond!(env) ? body(env) : SIG_NONE);
  }
  void u;
  return (env) => {
    for (const b of compiled) if (b.cond === undefined || b.cond(env)) return b.body(env);
    return SIG_NONE;
  };
}

function compileCond(e: Expr, cc: CC, what: string): (env: Env) => boolean {
  const f = compileExpr(e, cc);
  const u = cc.u;
  return (env) => {
    const v = f(env);
    if (v === true) return true;
    if (v === false) return false;
    const b = asBool(v);
    if (b !== undefined) return b;
    if (v === undefined) throw missing(u, e.pos, e.end);
    throw fail(u, e.pos, `For "${what}" condition: expected a boolean, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
  };
}

function quote(u: Unit, e: { pos: number; end: number }): string {
  return JSON.stringify(u.source.slice(e.pos, e.end));
}

interface ListSource {
  seq: unknown[] | FtlRange | undefined;
  hash: unknown;
  keys: string[] | undefined;
}

function listSource(_env: Env, v: unknown, vars: string[] | undefined, u: Unit, e: Expr): ListSource {
  if (v === undefined) throw missing(u, e.pos, e.end);
  const s = asSeq(v);
  if (s !== undefined) {
    if (s instanceof FtlRange && s.unbounded) throw fail(u, e.pos, "can't list a right-unbounded range");
    if (vars && vars.length === 2) throw fail(u, e.pos, `the value you try to list is a sequence, so you must specify only one loop variable after "as"`);
    return { seq: s, hash: undefined, keys: undefined };
  }
  if (isHash(v)) {
    if (vars && vars.length !== 2) throw fail(u, e.pos, `the value you try to list is a hash, so you must specify two loop variables after "as", like <#list h as k, v>`);
    return { seq: undefined, hash: v, keys: hashKeys(v) };
  }
  throw fail(u, e.pos, `For "#list" list source: expected a sequence or hash, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
}

function iterate(env: Env, src: ListSource, vars: string[], body: Exec, u: Unit, pos: number): number {
  const n = src.seq ? src.seq.length : src.keys!.length;
  const frame: Frame = { parent: env.loops, names: vars, values: vars.length === 2 ? [undefined, undefined] : [undefined], loop: { index: 0, hasNext: false } };
  const loop = frame.loop!;
  env.loops = frame;
  try {
    for (let i = 0; i < n; i++) {
      if (++env.iterations > env.opts.maxLoopIterations) env.tick(u, pos);
      if (src.seq) frame.values[0] = seqGet(src.seq, i);
      else {
        const k = src.keys![i]!;
        frame.values[0] = k;
        frame.values[1] = hashGet(src.hash, k);
      }
      loop.index = i;
      loop.hasNext = i + 1 < n;
      const sig = body(env);
      if (sig === SIG_BREAK) break;
      if (sig === SIG_RETURN) return sig;
    }
  } finally {
    env.loops = frame.parent;
  }
  return SIG_NONE;
}

function compileList(n: Extract<Node, { k: 'list' }>, cc: CC): Exec {
  const u = cc.u;
  const seqE = compileExpr(n.seq, cc);
  const body = compileNodes(n.body, cc);
  const elseBody = n.elseBody ? compileNodes(n.elseBody.body, cc) : undefined;
  const vars = n.vars;
  if (vars) {
    return (env) => {
      const src = listSource(env, seqE(env), vars, u, n.seq);
      const len = src.seq ? src.seq.length : src.keys!.length;
      if (len === 0) return elseBody ? elseBody(env) : SIG_NONE;
      return iterate(env, src, vars, body, u, n.pos);
    };
  }
  // The loop variables of the #items inside, checked against the listed value even when empty.
  const itemsVars = findItemsVars(n.body);
  return (env) => {
    const src = listSource(env, seqE(env), itemsVars, u, n.seq);
    const len = src.seq ? src.seq.length : src.keys!.length;
    if (len === 0) return elseBody ? elseBody(env) : SIG_NONE;
    const save = env.pendingList;
    env.pendingList = src;
    try {
      const sig = body(env);
      return sig === SIG_BREAK ? SIG_NONE : sig;
    } finally {
      env.pendingList = save;
    }
  };
}

function findItemsVars(nodes: Node[]): string[] | undefined {
  for (const n of nodes) {
    if (n.k === 'items') return n.vars;
    if (n.k === 'list' || n.k === 'macro') continue;
    for (const l of childListsOf(n)) {
      const v = findItemsVars(l);
      if (v) return v;
    }
  }
  return undefined;
}

function compileItems(n: Extract<Node, { k: 'items' }>, cc: CC): Exec {
  const u = cc.u;
  const body = compileNodes(n.body, cc);
  return (env) => {
    const src = env.pendingList as ListSource | undefined;
    if (!src) throw fail(u, n.pos, '#items must be inside a #list without "as"');
    if (src.seq && n.vars.length === 2) throw fail(u, n.pos, 'the listed value is a sequence, so #items needs one loop variable');
    if (!src.seq && n.vars.length !== 2) throw fail(u, n.pos, 'the listed value is a hash, so #items needs two loop variables');
    env.pendingList = undefined;
    try {
      return iterate(env, src, n.vars, body, u, n.pos);
    } finally {
      env.pendingList = src;
    }
  };
}

function compileSwitch(n: Extract<Node, { k: 'switch' }>, cc: CC): Exec {
  const u = cc.u;
  const e = compileExpr(n.e, cc);
  const cases = n.cases.map((c) => ({ cond: c.cond ? compileExpr(c.cond, cc) : undefined, expr: c.cond, body: compileNodes(c.body, cc) }));
  return (env) => {
    const v = e(env);
    if (v === undefined) throw missing(u, n.e.pos, n.e.end);
    let start = -1;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (!c.cond) continue;
      const cv = c.cond(env);
      if (cv === undefined) throw missing(u, c.expr!.pos, c.expr!.end);
      if (compareEq(env, v, cv, u, c.expr!, n.e, c.expr!)) {
        start = i;
        break;
      }
    }
    if (start < 0) start = cases.findIndex((c) => !c.cond);
    if (start < 0) return SIG_NONE;
    for (let i = start; i < cases.length; i++) {
      const sig = cases[i]!.body(env);
      if (sig === SIG_BREAK) return SIG_NONE;
      if (sig !== SIG_NONE) return sig;
    }
    return SIG_NONE;
  };
}

function compileAssign(n: Extract<Node, { k: 'assign' }>, cc: CC): Exec {
  const u = cc.u;
  const nsE = n.ns ? compileExpr(n.ns, cc) : undefined;
  const scope = n.scope;
  const target = (env: Env): { get: (k: string) => unknown; set: (k: string, v: unknown) => void } => {
    if (scope === 'global') return { get: (k) => env.globals.get(k), set: (k, v) => env.globals.set(k, v) };
    if (scope === 'local') {
      const l = env.locals;
      if (!l) throw fail(u, n.pos, '#local can only be used inside a macro or function');
      return { get: (k) => l.get(k), set: (k, v) => l.set(k, v) };
    }
    let ns = env.ns;
    if (nsE) {
      const v = nsE(env);
      if (!(v instanceof Namespace)) throw fail(u, n.ns!.pos, `the namespace after "in" must be a namespace (from #import), but it is ${describeType(v)}`);
      ns = v;
    }
    return { get: (k) => ns.vars.get(k), set: (k, v) => ns.vars.set(k, v) };
  };
  if (n.capture) {
    const body = compileNodes(n.capture, cc);
    const name = n.items[0]!.name;
    const markup = isMarkupFormat(cc.fmt) ? cc.fmt : undefined;
    return (env) => {
      const save = env.out;
      env.out = '';
      try {
        body(env);
      } catch (e) {
        env.out = save;
        throw e;
      }
      const captured = env.out;
      env.out = save;
      target(env).set(name, markup ? new Markup(markup, captured) : captured);
      return SIG_NONE;
    };
  }
  const items = n.items.map((it) => {
    const e = it.e ? compileExpr(it.e, cc) : undefined;
    return { ...it, ev: e };
  });
  return (env) => {
    const t = target(env);
    for (const it of items) {
      let v: unknown;
      if (it.op === '=') {
        v = it.ev!(env);
        if (v === undefined) throw missing(u, it.e!.pos, it.e!.end);
      } else {
        const cur = t.get(it.name);
        if (cur === undefined) throw fail(u, it.pos, `the variable "${it.name}" to change with ${it.op} is missing`);
        if (it.op === '++' || it.op === '--') {
          if (!(cur instanceof Num)) throw fail(u, it.pos, `${it.op} needs a number, but "${it.name}" is ${describeType(cur)}`);
          v = it.op === '++' ? add(cur, numInt(1)) : sub(cur, numInt(1));
        } else {
          const r = it.ev!(env);
          if (r === undefined) throw missing(u, it.e!.pos, it.e!.end);
          const op = it.op[0] as '+' | '-' | '*' | '/' | '%';
          v = arith(env, op, cur, r, u, { pos: it.pos, end: it.e!.end }, { pos: it.pos, end: it.pos + it.name.length }, it.e!);
        }
      }
      t.set(it.name, v);
    }
    return SIG_NONE;
  };
}

function compileCall(n: Extract<Node, { k: 'call' }>, cc: CC): Exec {
  const u = cc.u;
  const target = compileExpr(n.target, cc);
  const positional = n.positional?.map((a) => compileExpr(a, cc));
  const named = n.named?.map(([k, e]) => [k, compileExpr(e, cc)] as const);
  const nestedBody = n.body ? compileNodes(n.body, cc) : undefined;
  const loopVars = n.loopVars;
  const name = u.source.slice(n.target.pos, n.target.end);
  return (env) => {
    const m = target(env);
    if (m === undefined) throw fail(u, n.pos, `macro "${name}" is missing (not defined, or not imported)`);
    if (m instanceof TransformValue) return runTransform(env, m, n, named, nestedBody, u);
    if (!(m instanceof MacroValue)) throw fail(u, n.pos, `"${name}" is ${describeType(m)}, not a macro; it can't be called with <@...>`);
    if (m.kind === 'function') throw fail(u, n.pos, `"${name}" is a function; call it as ${name}(...) in an expression`);
    const pos = positional?.map((f) => f(env));
    const nm = named?.map(([k, f]) => [k, f(env)] as [string, unknown]);
    bindAndEnter(env, m, pos, nm, u, n.pos, nestedBody, loopVars);
    const call = env.call!;
    try {
      m.def.body(env);
    } finally {
      leave(env, call);
    }
    return SIG_NONE;
  };
}

function runTransform(env: Env, t: TransformValue, n: Extract<Node, { k: 'call' }>, named: ReadonlyArray<readonly [string, Eval]> | undefined, body: Exec | undefined, u: Unit): number {
  if (n.positional && n.positional.length > 0) throw fail(u, n.pos, `<@${t.name}> doesn't take positional parameters`);
  const params = new Map<string, unknown>();
  for (const [k, f] of named ?? []) {
    const v = f(env);
    if (k !== 'single_line' || typeof v !== 'boolean') throw fail(u, n.pos, `<@${t.name}> has no parameter "${k}"${k === 'single_line' ? ' (it must be a boolean)' : ''}`);
    params.set(k, v);
  }
  const save = env.out;
  env.out = '';
  try {
    if (body) body(env);
  } catch (e) {
    env.out = save;
    throw e;
  }
  const captured = env.out;
  env.out = save + t.apply(captured, params);
  return SIG_NONE;
}

function runNested(env: Env, args: Eval[], u: Unit, pos: number): number {
  const call: CallFrame | null = env.call;
  if (!call) throw fail(u, pos, '#nested can only be used inside a macro');
  const body = call.nestedBody;
  if (!body) return SIG_NONE;
  const values = args.map((a) => a(env));
  const save = { loops: env.loops, locals: env.locals, ns: env.ns, call: env.call, unit: env.unit };
  env.loops = call.callerLoops;
  env.locals = call.callerLocals;
  env.ns = call.callerNs;
  env.call = call.callerCall;
  env.unit = call.callerUnit;
  if (call.nestedVars.length > 0) {
    if (values.length > call.nestedVars.length) {
      Object.assign(env, save);
      throw fail(u, pos, `#nested passes ${values.length} loop variables, but the caller declared only ${call.nestedVars.length}`);
    }
    env.loops = { parent: env.loops, names: call.nestedVars, values, loop: undefined };
  }
  try {
    body(env);
  } finally {
    env.loops = save.loops;
    env.locals = save.locals;
    env.ns = save.ns;
    env.call = save.call;
    env.unit = save.unit;
  }
  return SIG_NONE;
}

function loadUnit(env: Env, name: string, u: Unit, pos: number, ignoreMissing: boolean): Unit | undefined {
  const resolver = env.opts.resolveInclude;
  const src = resolver ? resolver(name, env.unit.name) : undefined;
  if (src === undefined) {
    if (ignoreMissing) return undefined;
    throw fail(u, pos, `Template not found for name "${name}"${resolver ? '' : ' (no template store is configured)'}`);
  }
  try {
    return env.opts.loadUnit(name, src);
  } catch (e) {
    if (e instanceof TemplateError && e.code === 'TEMPLATE_INVALID') {
      throw fail(u, pos, `the included template "${name}" is invalid: ${e.message}`);
    }
    throw e;
  }
}

function templateName(p: string, env: Env, u: Unit, pos: number): string {
  try {
    return resolveName(p, env.unit.name);
  } catch (e) {
    if (e instanceof RangeError) throw fail(u, pos, e.message);
    throw e;
  }
}

export function runUnit(env: Env, unit: Unit): void {
  for (const def of unit.macros) env.ns.vars.set(def.name, new MacroValue(def, env.ns));
  unit.root(env);
}

function compileInclude(n: Extract<Node, { k: 'include' }>, cc: CC): Exec {
  const u = cc.u;
  const path = compileExpr(n.path, cc);
  const parseE = n.parse ? compileExpr(n.parse, cc) : undefined;
  const ignoreE = n.ignoreMissing ? compileExpr(n.ignoreMissing, cc) : undefined;
  return (env) => {
    const p = reqStr(env, path(env), u, n.path);
    const name = templateName(p, env, u, n.pos);
    const parse = parseE ? reqBool(parseE(env), u, n.parse!) : true;
    const ignore = ignoreE ? reqBool(ignoreE(env), u, n.ignoreMissing!) : false;
    if (!parse) {
      const resolver = env.opts.resolveInclude;
      const src = resolver ? resolver(name, env.unit.name) : undefined;
      if (src === undefined) {
        if (ignore) return SIG_NONE;
        throw fail(u, n.pos, `Template not found for name "${name}"`);
      }
      env.out += src;
      env.checkOutput(u, n.pos);
      return SIG_NONE;
    }
    const unit = loadUnit(env, name, u, n.pos, ignore);
    if (!unit) return SIG_NONE;
    if (env.depth >= env.opts.maxCallDepth) throw new LimitError(`#include nested deeper than ${env.opts.maxCallDepth} (recursive include?)`, positionOf(u.lineStarts, n.pos));
    const saveUnit = env.unit;
    const saveProcessed = env.processed;
    env.unit = unit;
    env.processed = unit;
    env.depth++;
    try {
      runUnit(env, unit);
    } finally {
      env.unit = saveUnit;
      env.processed = saveProcessed;
      env.depth--;
    }
    return SIG_NONE;
  };
}

function compileSetting(n: Extract<Node, { k: 'setting' }>, cc: CC): Exec {
  const u = cc.u;
  const e = compileExpr(n.e, cc);
  return (env) => {
    const v = e(env);
    const s = reqStr(env, v, u, n.e);
    switch (n.name) {
      case 'number_format':
        try {
          env.setNumberFormat(s);
        } catch (err) {
          if (!(err instanceof PatternError)) throw err;
          // Like FreeMarker, a malformed format fails where a number is first formatted with it.
          const msg = `malformed number format ${JSON.stringify(s)} (set at ${where(u, n.pos).line}:${where(u, n.pos).column}): ${err.message}`;
          env.numberFormat = s;
          env.fmtNum = () => {
            throw fail(u, n.e.pos, msg);
          };
        }
        break;
      case 'boolean_format':
        if (s !== 'c' && !s.includes(',')) throw fail(u, n.e.pos, `the boolean_format must be like "yes,no" (or "c"), but it was ${JSON.stringify(s)}`);
        env.booleanFormat = s;
        break;
      case 'locale': {
        if (!SUPPORTED_LOCALES.includes(s)) throw fail(u, n.e.pos, `locale "${s}" is not supported; use en_US or de_DE`);
        env.setLocale(s);
        break;
      }
      case 'url_escaping_charset':
        env.urlCharset = s;
        break;
      default:
        break; // settings without effect here (dates, encodings)
    }
    return SIG_NONE;
  };
}

/** #compress: collapse white-space runs (to one line break if the run has one, else one space); trim both ends. */
function compress(s: string): string {
  return compressText(s, false);
}

function reqStr(env: Env, v: unknown, u: Unit, e: Expr): string {
  if (v === undefined) throw missing(u, e.pos, e.end);
  const s = textOf(env, v);
  if (s === undefined) {
    if (typeof v === 'boolean') throw fail(u, e.pos, booleanError(env));
    throw fail(u, e.pos, `expected a string, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
  }
  return s;
}

function reqBool(v: unknown, u: Unit, e: Expr): boolean {
  if (v === undefined) throw missing(u, e.pos, e.end);
  const b = asBool(v);
  if (b === undefined) throw fail(u, e.pos, `expected a boolean, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Interpolations

/** `${...}` (escaped per output format when `top`) or `#{...}`; returns the text to output. */
function compilePart(part: InterpPart, cc: CC, top: boolean): (env: Env) => string {
  const u = cc.u;
  const e = part.expr;
  const f = compileExpr(e, cc);
  const escape = top && cc.autoEsc && isMarkupFormat(cc.fmt) ? cc.fmt : undefined;
  const outFmt = cc.fmt;
  if (part.legacy) {
    const { min, max } = part.legacy;
    const minF = min ?? 0;
    const maxF = Math.max(minF, max ?? (min !== undefined ? min : 16));
    const frac = '0'.repeat(minF) + '#'.repeat(maxF - minF);
    const pattern = parsePattern(frac === '' ? '0' : `0.${frac}`, SYMBOLS_EN);
    return (env) => {
      const v = f(env);
      if (v instanceof Num) return formatNumber(v, pattern);
      if (v === undefined) throw missing(u, e.pos, e.end);
      throw fail(u, e.pos, `#{...} needs a number, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
    };
  }
  return (env) => {
    const v = f(env);
    if (typeof v === 'string') return escape ? escapeFor(escape, v) : v;
    if (v instanceof Num) return env.fmtNum(v);
    return interpSlow(env, v, u, e, escape, outFmt);
  };
}

function interpSlow(env: Env, v: unknown, u: Unit, e: Expr, escape: string | undefined, outFmt: string): string {
  if (v === undefined) throw missing(u, e.pos, e.end);
  if (v instanceof Markup) {
    if (escape === undefined || v.format === outFmt) return v.text;
    throw fail(u, e.pos, `content of the output format ${v.format} can't be inserted into ${outFmt}`);
  }
  if (v instanceof MatchItem) return escape ? escapeFor(escape, v.text) : v.text;
  if (typeof v === 'boolean') {
    const s = scalarText(env, v);
    if (s === undefined) throw fail(u, e.pos, `${quote(u, e)}: ${booleanError(env)}`);
    return escape ? escapeFor(escape, s) : s;
  }
  throw fail(u, e.pos, `expected a string or something automatically convertible to string (number or boolean), but ${quote(u, e)} has evaluated to ${describeType(v)}`);
}

// ---------------------------------------------------------------------------------------------
// Expressions

function literalKind(e: Expr): string | undefined {
  switch (e.k) {
    case 'num': return 'number literal';
    case 'str': case 'strInterp': return 'string literal';
    case 'bool': return 'boolean literal';
    case 'seq': return 'sequence literal';
    case 'hash': return 'hash literal';
    default: return undefined;
  }
}

function expectBoolOperand(e: Expr, cc: CC): void {
  const k = literalKind(e);
  if (k && k !== 'boolean literal') throw parseError(cc.u, e.pos, `Found ${k}: ${cc.u.source.slice(e.pos, e.end)}. Expecting boolean (true/false)`);
}

function expectNumOperand(e: Expr, cc: CC): void {
  const k = literalKind(e);
  if (k && k !== 'number literal') throw parseError(cc.u, e.pos, `Found ${k}: ${cc.u.source.slice(e.pos, e.end)}. Expecting: number`);
}

function reqNum(v: unknown, u: Unit, e: Expr, what: string): Num {
  if (v instanceof Num) return v;
  if (v === undefined) throw missing(u, e.pos, e.end);
  throw fail(u, e.pos, `For "${what}": expected a number, but ${quote(u, e)} has evaluated to ${describeType(v)}`);
}

/** Evaluates the target of `!`, `??` and the existence built-ins; parenthesized targets swallow missing values. */
function maybeMissing(e: Expr, cc: CC): Eval {
  if (e.k !== 'paren') return compileExpr(e, cc);
  const inner = maybeMissingInner(e.e, cc);
  return inner;
}

function maybeMissingInner(e: Expr, cc: CC): Eval {
  const f = compileExpr(e, cc);
  return (env) => {
    try {
      return f(env);
    } catch (err) {
      if (err instanceof FtlRuntimeError && err.missing) return undefined;
      throw err;
    }
  };
}

export function compileExpr(e: Expr, cc: CC): Eval {
  const u = cc.u;
  switch (e.k) {
    case 'num': { const v = e.v; return () => v; }
    case 'str': { const v = e.v; return () => v; }
    case 'bool': { const v = e.v; return () => v; }
    case 'strInterp': {
      const parts = e.parts.map((p) => (typeof p === 'string' ? p : compilePart(p, cc, false)));
      return (env) => {
        let s = '';
        for (const p of parts) s += typeof p === 'string' ? p : p(env);
        return s;
      };
    }
    case 'var': {
      const name = e.name;
      return (env) => env.lookup(name);
    }
    case 'special': return compileSpecial(e, cc);
    case 'paren': return compileExpr(e.e, cc);
    case 'dot': {
      const t = compileExpr(e.target, cc);
      const name = e.name;
      const te = e.target;
      return (env) => {
        const h = t(env);
        if (h !== null && typeof h === 'object') {
          if (h instanceof Map) return wrap(h.get(name));
          if (isHash(h)) return hashGet(h, name);
        }
        if (h === undefined) throw missing(u, te.pos, te.end);
        throw fail(u, te.pos, `For "." left-hand operand: expected a hash, but ${quote(u, te)} has evaluated to ${describeType(h)}`);
      };
    }
    case 'index': return compileIndex(e, cc);
    case 'call': {
      const t = compileExpr(e.target, cc);
      const args = e.args.map((a) => compileExpr(a, cc));
      return (env) => {
        const f = t(env);
        if (f === undefined) throw missing(u, e.target.pos, e.target.end);
        const vals = args.map((a, i) => {
          const v = a(env);
          if (v === undefined) throw missing(u, e.args[i]!.pos, e.args[i]!.end);
          return v;
        });
        return invokeCallable(env, f, vals, u, e.target.pos);
      };
    }
    case 'bi': return compileBuiltin(e, cc);
    case 'default': {
      const t = maybeMissing(e.target, cc);
      const rhs = e.rhs ? compileExpr(e.rhs, cc) : undefined;
      return (env) => {
        const v = t(env);
        if (v !== undefined) return v;
        return rhs ? rhs(env) : '';
      };
    }
    case 'exists': {
      const t = maybeMissing(e.target, cc);
      return (env) => t(env) !== undefined;
    }
    case 'not': {
      const f = compileCond(e.e, cc, '!');
      return (env) => !f(env);
    }
    case 'and': case 'or': {
      expectBoolOperand(e.l, cc);
      expectBoolOperand(e.r, cc);
      const l = compileCond(e.l, cc, e.k === 'and' ? '&&' : '||');
      const r = compileCond(e.r, cc, e.k === 'and' ? '&&' : '||');
      return e.k === 'and' ? (env) => l(env) && r(env) : (env) => l(env) || r(env);
    }
    case 'neg': case 'pos': {
      // (unary operators don't check literal operands at parse time; binary ones do)
      const f = compileExpr(e.e, cc);
      const isNeg = e.k === 'neg';
      return (env) => {
        const v = reqNum(f(env), u, e.e, isNeg ? '-...' : '+...');
        return isNeg ? neg(v) : v;
      };
    }
    case 'arith': {
      if (e.op !== '+') {
        expectNumOperand(e.l, cc);
        expectNumOperand(e.r, cc);
      }
      const l = compileExpr(e.l, cc);
      const r = compileExpr(e.r, cc);
      const op = e.op;
      if (op === '+') {
        return (env) => {
          const a = l(env);
          const b = r(env);
          if (a instanceof Num && b instanceof Num) return add(a, b);
          return arith(env, op, a, b, u, e, e.l, e.r);
        };
      }
      return (env) => arith(env, op, l(env), r(env), u, e, e.l, e.r);
    }
    case 'cmp': {
      if (e.op !== '==' && e.op !== '!=') {
        expectNumOperand(e.l, cc);
        expectNumOperand(e.r, cc);
      }
      const l = compileExpr(e.l, cc);
      const r = compileExpr(e.r, cc);
      const op = e.op;
      return (env) => {
        const a = l(env);
        const b = r(env);
        if (a === undefined) throw missing(u, e.l.pos, e.l.end);
        if (b === undefined) throw missing(u, e.r.pos, e.r.end);
        if (op === '==') return compareEq(env, a, b, u, e, e.l, e.r);
        if (op === '!=') return !compareEq(env, a, b, u, e, e.l, e.r);
        if (!(a instanceof Num) || !(b instanceof Num)) {
          if (asStr(a) !== undefined && asStr(b) !== undefined) throw fail(u, e.pos, `can't use operator "${e.opText}" on string values`);
          throw fail(u, e.pos, `can't compare ${describeType(a)} with ${describeType(b)} using "${e.opText}"; only numbers can be compared that way`);
        }
        const c = cmp(a, b);
        switch (op) {
          case '<': return c < 0;
          case '<=': return c <= 0;
          case '>': return c > 0;
          default: return c >= 0;
        }
      };
    }
    case 'range': {
      expectNumOperand(e.l, cc);
      if (e.r) expectNumOperand(e.r, cc);
      const l = compileExpr(e.l, cc);
      const r = e.r ? compileExpr(e.r, cc) : undefined;
      const kind = e.kind;
      return (env) => {
        const a = rangeInt(reqNum(l(env), u, e.l, '..'), u, e.l);
        if (!r) return new FtlRange(a, 0, 1, true);
        const b = rangeInt(reqNum(r(env), u, e.r!, '..'), u, e.r!);
        if (kind === '..') return new FtlRange(a, Math.abs(b - a) + 1, b >= a ? 1 : -1, false, false, true);
        if (kind === '..<') return new FtlRange(a, Math.abs(b - a), b >= a ? 1 : -1, false);
        return new FtlRange(a, Math.abs(b), b >= 0 ? 1 : -1, false, true);
      };
    }
    case 'seq': {
      const items = e.items.map((i) => compileExpr(i, cc));
      return (env) => items.map((f, i) => {
        const v = f(env);
        if (v === undefined) throw missing(u, e.items[i]!.pos, e.items[i]!.end);
        return v;
      });
    }
    case 'hash': {
      for (const [k] of e.entries) {
        const lk = literalKind(k);
        if (lk && lk !== 'string literal') throw parseError(u, k.pos, `Found ${lk}: ${u.source.slice(k.pos, k.end)}. Expecting string`);
      }
      const entries = e.entries.map(([k, v]) => [compileExpr(k, cc), compileExpr(v, cc), k, v] as const);
      return (env) => {
        const m = new Map<string, unknown>();
        for (const [kf, vf, ke, ve] of entries) {
          const k = kf(env);
          const ks = asStr(k);
          if (ks === undefined) {
            if (k === undefined) throw missing(u, ke.pos, ke.end);
            throw fail(u, ke.pos, `hash literal keys must be strings, but ${quote(u, ke)} is ${describeType(k)}`);
          }
          const v = vf(env);
          if (v === undefined) throw missing(u, ve.pos, ve.end);
          m.set(ks, v);
        }
        return m;
      };
    }
    case 'lambda': {
      const body = compileExpr(e.body, cc);
      const names = [e.param];
      const method = new Method((env, args) => {
        const frame: Frame = { parent: env.loops, names, values: [args[0]], loop: undefined };
        env.loops = frame;
        try {
          return body(env);
        } finally {
          env.loops = frame.parent;
        }
      });
      return () => method;
    }
  }
}

function rangeInt(n: Num, u: Unit, e: Expr): number {
  const v = n.d.trunc().toNumber();
  if (!Number.isSafeInteger(v)) throw fail(u, e.pos, `range bound ${quote(u, e)} is out of range`);
  return v;
}

export function compareEq(env: Env, a: unknown, b: unknown, u: Unit, e: { pos: number }, le: Expr, re: Expr): boolean {
  if (a instanceof Num && b instanceof Num) return a.d.eq(b.d);
  const sa = asStr(a);
  const sb = asStr(b);
  if (sa !== undefined && sb !== undefined) return sa === sb;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  if (a instanceof Markup && b instanceof Markup) return a.text === b.text;
  void env; void re;
  throw fail(u, e.pos, `can't compare values of these types (${describeType(a)} and ${describeType(b)}); allowed comparisons are between two numbers, two strings, or two booleans (left side: ${quote(u, le)})`);
}

function arith(env: Env, op: '+' | '-' | '*' | '/' | '%', a: unknown, b: unknown, u: Unit, e: { pos: number; end: number }, le: Expr | { pos: number; end: number }, re: Expr | { pos: number; end: number }): unknown {
  if (a === undefined) throw missing(u, le.pos, le.end);
  if (b === undefined) throw missing(u, re.pos, re.end);
  if (a instanceof Num && b instanceof Num) {
    try {
      switch (op) {
        case '+': return add(a, b);
        case '-': return sub(a, b);
        case '*': return mul(a, b);
        case '/': return div(a, b);
        case '%': return mod(a, b);
      }
    } catch (err) {
      if (err instanceof RangeError) throw fail(u, e.pos, `arithmetic error: ${err.message}`);
      throw err;
    }
  }
  if (op === '+' && (a instanceof Markup || b instanceof Markup)) {
    const fmt = (a instanceof Markup ? a : (b as Markup)).format;
    const part = (x: unknown, xe: { pos: number; end: number }): string => {
      if (x instanceof Markup) {
        if (x.format !== fmt) throw fail(u, xe.pos, `can't concatenate markup of the output formats ${fmt} and ${x.format}`);
        return x.text;
      }
      const t = textOf(env, x);
      if (t === undefined) throw fail(u, xe.pos, typeof x === 'boolean' ? booleanError(env) : `For "+" operand: can't concatenate ${describeType(x)} with markup (${quote(u, xe)})`);
      return escapeFor(fmt, t);
    };
    return new Markup(fmt, part(a, le) + part(b, re));
  }
  if (op === '+') {
    const sa = asStr(a) ?? (a instanceof Num ? env.fmtNum(a) : undefined);
    const sb = asStr(b) ?? (b instanceof Num ? env.fmtNum(b) : undefined);
    if ((asStr(a) !== undefined || asStr(b) !== undefined || a instanceof Markup || b instanceof Markup)) {
      const ta = sa ?? (a instanceof Markup ? a.text : typeof a === 'boolean' ? scalarText(env, a) : undefined);
      const tb = sb ?? (b instanceof Markup ? b.text : typeof b === 'boolean' ? scalarText(env, b) : undefined);
      if (ta === undefined || tb === undefined) {
        const bad = ta === undefined ? a : b;
        const be = ta === undefined ? le : re;
        if (typeof bad === 'boolean') throw fail(u, be.pos, booleanError(env));
        throw fail(u, be.pos, `For "+" operand: can't concatenate ${describeType(bad)} with a string (${quote(u, be)})`);
      }
      const s = ta + tb;
      if (s.length > env.opts.maxOutputBytes) throw new LimitError(`a string grew beyond the output limit of ${env.opts.maxOutputBytes} bytes`, positionOf(u.lineStarts, e.pos));
      return s;
    }
    const sqa = asSeq(a);
    const sqb = asSeq(b);
    if (sqa !== undefined && sqb !== undefined) {
      if (sqa.length === Number.POSITIVE_INFINITY || sqb.length === Number.POSITIVE_INFINITY) throw fail(u, e.pos, "can't concatenate a right-unbounded range");
      env.spend(sqa.length + sqb.length, u, e.pos);
      const out: unknown[] = [];
      for (let i = 0; i < sqa.length; i++) out.push(seqGet(sqa, i));
      for (let i = 0; i < sqb.length; i++) out.push(seqGet(sqb, i));
      return out;
    }
    if (isHash(a) && isHash(b)) {
      const m = new Map<string, unknown>();
      for (const k of hashKeys(a)) m.set(k, hashGet(a, k));
      for (const k of hashKeys(b)) m.set(k, hashGet(b, k));
      return m;
    }
    throw fail(u, e.pos, `can't use "+" on ${describeType(a)} and ${describeType(b)}`);
  }
  const bad = a instanceof Num ? b : a;
  const be = a instanceof Num ? re : le;
  throw fail(u, be.pos, `For "${op}" operand: expected a number, but ${quote(u, be)} has evaluated to ${describeType(bad)}`);
}

function compileIndex(e: Extract<Expr, { k: 'index' }>, cc: CC): Eval {
  const u = cc.u;
  const t = compileExpr(e.target, cc);
  const ix = compileExpr(e.index, cc);
  return (env) => {
    const v = t(env);
    if (v === undefined) throw missing(u, e.target.pos, e.target.end);
    const i = ix(env);
    if (i === undefined) throw missing(u, e.index.pos, e.index.end);
    if (i instanceof Num) {
      const n = i.d.trunc().toNumber();
      const s = asSeq(v);
      if (s !== undefined) return n < 0 || n >= s.length ? undefined : seqGet(s, n);
      const str = textOf(env, v);
      if (str !== undefined && !isHash(v)) {
        if (n < 0 || n >= str.length) throw fail(u, e.index.pos, `string index out of range: the index was ${n} (0-based), but the length of the string is only ${str.length}`);
        return str[n];
      }
      throw fail(u, e.target.pos, `For "...[...]" left-hand operand: expected a sequence or string, but ${quote(u, e.target)} has evaluated to ${describeType(v)}`);
    }
    if (i instanceof FtlRange) return slice(env, v, i, u, e);
    const key = asStr(i);
    if (key !== undefined) {
      if (isHash(v)) return hashGet(v, key);
      throw fail(u, e.target.pos, `For "...[...]" left-hand operand: expected a hash, but ${quote(u, e.target)} has evaluated to ${describeType(v)}`);
    }
    throw fail(u, e.index.pos, `the index must be a number, a range or a string, but ${quote(u, e.index)} is ${describeType(i)}`);
  };
}

function slice(env: Env, v: unknown, r: FtlRange, u: Unit, e: Extract<Expr, { k: 'index' }>): unknown {
  const s = asSeq(v);
  const str = s === undefined ? textOf(env, v) : undefined;
  if (s === undefined && str === undefined) throw fail(u, e.target.pos, `can't slice ${describeType(v)}`);
  const what = s !== undefined ? 'sequence' : 'string';
  const len = s !== undefined ? s.length : str!.length;
  const start = r.start;
  if (start < 0) throw fail(u, e.index.pos, `negative range start index (${start}) isn't allowed for a range used for slicing`);
  let size: number;
  if (r.unbounded) size = Math.max(0, len - start);
  else if (r.limited && r.step > 0) size = Math.min(r.size, Math.max(0, len - start));
  else if (r.limited) size = Math.min(r.size, start + 1);
  else size = r.size;
  if (!r.unbounded && !r.limited && size > 0 && start + r.step * (size - 1) < 0) {
    throw fail(u, e.index.pos, `negative range end index (${start + r.step * (size - 1)}) isn't allowed for a range used for slicing`);
  }
  if (str !== undefined && r.step < 0 && size > 1) {
    // "abc"[2..1] is an empty string (a decreasing range of two counts as empty for strings)
    if (r.inclusive && size === 2) return '';
    throw fail(u, e.index.pos, `decreasing ranges aren't allowed for slicing strings (the range was ${start}..${start - size + 1})`);
  }
  if (start > len || (start === len && size > 0 && !r.unbounded)) throw fail(u, e.index.pos, `range start index ${start} is out of bounds, because the sliced ${what} has only ${len} ${s ? 'element(s)' : 'character(s)'}`);
  const last = start + r.step * (size - 1);
  if (size > 0 && (last >= len || last < 0)) {
    if (last < 0) throw fail(u, e.index.pos, `negative range end index (${last}) isn't allowed for a range used for slicing`);
    throw fail(u, e.index.pos, `range end index ${last} is out of bounds, because the sliced ${what} has only ${len} ${s ? 'element(s)' : 'character(s)'}`);
  }
  if (s !== undefined) {
    env.spend(size, u, e.pos);
    const out: unknown[] = [];
    for (let k = 0; k < size; k++) out.push(seqGet(s, start + r.step * k));
    return out;
  }
  return str!.slice(start, start + size);
}

function compileSpecial(e: Extract<Expr, { k: 'special' }>, cc: CC): Eval {
  const u = cc.u;
  switch (e.name) {
    case 'vars': case 'globals': case 'data_model': case 'main': case 'namespace': case 'locals': {
      const name = e.name;
      return (env) => specialHash(env, name);
    }
    case 'lang': return (env) => env.locale.split('_')[0];
    case 'locale': return (env) => env.locale;
    case 'version': return () => '2.3.31';
    case 'incompatible_improvements': return () => '2.3.31';
    case 'template_name': return (env) => env.processed.name;
    case 'current_template_name': return (env) => env.unit.name;
    case 'main_template_name': return (env) => env.mainUnit.name;
    case 'caller_template_name': return (env) => {
      if (!env.call) throw fail(u, e.pos, '.caller_template_name can only be used inside a macro or function');
      return env.call.callerUnit.name;
    };
    case 'output_encoding': return () => 'UTF-8';
    case 'url_escaping_charset': return (env) => env.urlCharset;
    case 'output_format': { const f = cc.fmt; return () => f; }
    case 'auto_esc': { const a = cc.autoEsc && isMarkupFormat(cc.fmt); return () => a; }
    case 'error': return (env) => {
      if (env.error === undefined) throw fail(u, e.pos, '.error can only be used inside #recover');
      return env.error;
    };
    case 'pass': {
      const m = new Method(() => undefined);
      return () => m;
    }
    default:
      throw parseError(u, e.pos, `.${e.name} is not supported`);
  }
}

// ---------------------------------------------------------------------------------------------
// Built-ins

const LOOP_BUILTINS = new Set(['index', 'counter', 'has_next', 'is_first', 'is_last', 'item_parity', 'item_parity_cap', 'item_cycle', 'is_odd_item', 'is_even_item']);
const ESCAPING_BUILTINS = new Set(['html', 'xml', 'xhtml', 'rtf', 'web_safe']);

function compileBuiltin(e: BiExpr, cc: CC): Eval {
  const u = cc.u;
  if (LOOP_BUILTINS.has(e.name)) return compileLoopBuiltin(e, cc);
  if ((e.name === 'no_esc' || e.name === 'esc') && !isMarkupFormat(cc.fmt)) {
    throw parseError(u, e.namePos, `?${e.name} can't be used here, as the current output format isn't a markup (escaping) format: ${cc.fmt}`);
  }
  if (ESCAPING_BUILTINS.has(e.name) && cc.autoEsc && isMarkupFormat(cc.fmt)) {
    throw parseError(u, e.namePos, `Using ?${e.name} here is not allowed, because the output format is "${cc.fmt}" with auto-escaping on, so the value would be escaped twice; remove ?${e.name}`);
  }
  if (e.name === 'then') {
    const t = compileExpr(e.target, cc);
    if (!e.args || e.args.length !== 2) throw parseError(u, e.namePos, '?then needs exactly 2 arguments: ?then(whenTrue, whenFalse)');
    const a = compileExpr(e.args[0]!, cc);
    const b = compileExpr(e.args[1]!, cc);
    return (env) => {
      const v = t(env);
      const c = asBool(v);
      if (c === undefined) {
        if (v === undefined) throw missing(u, e.target.pos, e.target.end);
        throw fail(u, e.target.pos, `For "?then" left-hand operand: expected a boolean, but ${quote(u, e.target)} has evaluated to ${describeType(v)}`);
      }
      return c ? a(env) : b(env);
    };
  }
  if (e.name === 'default') {
    const t = maybeMissing(e.target, cc);
    const args = (e.args ?? []).map((a) => compileExpr(a, cc));
    return (env) => {
      const v = t(env);
      if (v !== undefined) return v;
      for (const a of args) {
        const d = a(env);
        if (d !== undefined) return d;
      }
      return undefined;
    };
  }
  const site = { u, pos: e.pos, end: e.end, targetPos: e.target.pos, targetEnd: e.target.end, name: e.name, outputFormat: cc.fmt };
  const made = makeBuiltin(site);
  if (!made) throw parseError(u, e.namePos, `?${e.name} is not supported`);
  const { fn, allowMissing } = made;
  const [minArgs, maxArgs] = made.args;
  const t = allowMissing ? maybeMissing(e.target, cc) : compileExpr(e.target, cc);
  const argEs = e.args ?? [];
  const args = argEs.map((a) => compileExpr(a, cc));
  if (e.args === undefined && minArgs > 0) {
    // Used as a value (e.g. <#assign f = s?replace>): a method taking the arguments later.
    return (env) => {
      const v = t(env);
      if (v === undefined && !allowMissing) throw missing(u, e.target.pos, e.target.end);
      return new Method((env2, a) => {
        if (a.length < minArgs || a.length > maxArgs) throw fail(u, e.pos, `?${e.name}(...) expects ${minArgs === maxArgs ? minArgs : `${minArgs} to ${maxArgs}`} arguments but has received ${a.length}`);
        return fn(env2, v, a);
      });
    };
  }
  if (e.args !== undefined && maxArgs === 0) {
    // x?upper_case(...) : calling the string result is an error in FreeMarker too
    return () => {
      throw fail(u, e.pos, `?${e.name} doesn't take arguments`);
    };
  }
  const n = args.length;
  return (env) => {
    const v = t(env);
    if (v === undefined && !allowMissing) throw missing(u, e.target.pos, e.target.end);
    if (n < minArgs || n > maxArgs) {
      throw fail(u, e.pos, `?${e.name}(...) expects ${minArgs === maxArgs ? minArgs : `${minArgs} to ${maxArgs}`} argument${maxArgs === 1 ? '' : 's'} but has received ${n}`);
    }
    if (n === 0) return fn(env, v, []);
    const vals: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const a = args[i]!(env);
      if (a === undefined) throw missing(u, argEs[i]!.pos, argEs[i]!.end);
      vals.push(a);
    }
    return fn(env, v, vals);
  };
}

function compileLoopBuiltin(e: BiExpr, cc: CC): Eval {
  const u = cc.u;
  if (e.target.k !== 'var') throw parseError(u, e.pos, `?${e.name} can only be used on a loop variable name, like item?${e.name}`);
  const name = e.target.name;
  const args = (e.args ?? []).map((a) => compileExpr(a, cc));
  const find = (env: Env): { index: number; hasNext: boolean } => {
    for (let f = env.loops; f !== null; f = f.parent) {
      if (f.loop && f.names.includes(name)) return f.loop;
    }
    throw fail(u, e.pos, `?${e.name}: "${name}" is not a loop variable of an enclosing #list`);
  };
  switch (e.name) {
    case 'index': return (env) => numInt(find(env).index);
    case 'counter': return (env) => numInt(find(env).index + 1);
    case 'has_next': return (env) => find(env).hasNext;
    case 'is_first': return (env) => find(env).index === 0;
    case 'is_last': return (env) => !find(env).hasNext;
    case 'item_parity': return (env) => (find(env).index % 2 === 0 ? 'odd' : 'even');
    case 'item_parity_cap': return (env) => (find(env).index % 2 === 0 ? 'Odd' : 'Even');
    case 'is_odd_item': return (env) => find(env).index % 2 === 0;
    case 'is_even_item': return (env) => find(env).index % 2 === 1;
    case 'item_cycle':
      if (args.length === 0) throw parseError(u, e.pos, '?item_cycle needs at least one argument');
      return (env) => {
        const l = find(env);
        const v = args[l.index % args.length]!(env);
        if (v === undefined) throw missing(u, e.pos, e.end);
        return v;
      };
  }
  throw parseError(u, e.pos, `?${e.name} is not supported`);
}

