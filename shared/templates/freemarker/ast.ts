/** The syntax tree of an FTL template. Offsets (`pos`, `end`) index the template source. */
import type { Num } from './numbers.js';

export type Expr =
  | { k: 'num'; pos: number; end: number; v: Num }
  | { k: 'str'; pos: number; end: number; v: string }
  | { k: 'strInterp'; pos: number; end: number; parts: Array<string | InterpPart> }
  | { k: 'bool'; pos: number; end: number; v: boolean }
  | { k: 'var'; pos: number; end: number; name: string }
  | { k: 'special'; pos: number; end: number; name: string }
  | { k: 'dot'; pos: number; end: number; target: Expr; name: string }
  | { k: 'index'; pos: number; end: number; target: Expr; index: Expr }
  | { k: 'call'; pos: number; end: number; target: Expr; args: Expr[] }
  | { k: 'bi'; pos: number; end: number; target: Expr; name: string; args: Expr[] | undefined; namePos: number }
  | { k: 'default'; pos: number; end: number; target: Expr; rhs: Expr | undefined }
  | { k: 'exists'; pos: number; end: number; target: Expr }
  | { k: 'not'; pos: number; end: number; e: Expr }
  | { k: 'neg'; pos: number; end: number; e: Expr }
  | { k: 'pos'; pos: number; end: number; e: Expr }
  | { k: 'arith'; pos: number; end: number; op: '+' | '-' | '*' | '/' | '%'; l: Expr; r: Expr }
  | { k: 'cmp'; pos: number; end: number; op: '==' | '!=' | '<' | '<=' | '>' | '>='; l: Expr; r: Expr; opText: string }
  | { k: 'and'; pos: number; end: number; l: Expr; r: Expr }
  | { k: 'or'; pos: number; end: number; l: Expr; r: Expr }
  | { k: 'range'; pos: number; end: number; l: Expr; r: Expr | undefined; kind: '..' | '..<' | '..*' }
  | { k: 'seq'; pos: number; end: number; items: Expr[] }
  | { k: 'hash'; pos: number; end: number; entries: Array<[Expr, Expr]> }
  | { k: 'paren'; pos: number; end: number; e: Expr }
  | { k: 'lambda'; pos: number; end: number; param: string; body: Expr };

export interface InterpPart {
  expr: Expr;
  /** `#{...}` with its optional `; mXMY` format. */
  legacy?: { min: number | undefined; max: number | undefined } | undefined;
  pos: number;
  end: number;
}

export interface Param {
  name: string;
  def: Expr | undefined;
}

/** Common fields of template elements; lines are 1-based and used by whitespace stripping. */
export interface Base {
  pos: number;
  end: number;
  beginLine: number;
  endLine: number;
}

export interface Branch extends Base {
  k: 'branch';
  cond: Expr | undefined;
  body: Node[];
}

export type Node =
  | (Base & { k: 'text'; text: string; raw?: boolean })
  | (Base & { k: 'interp'; part: InterpPart })
  | (Base & { k: 'comment' })
  | (Base & { k: 'trim'; left: boolean; right: boolean; none: boolean })
  | (Base & { k: 'if'; branches: Branch[] })
  | (Base & {
      k: 'list';
      seq: Expr;
      /** Loop variables when written `<#list xs as x>`; else `items` holds them. */
      vars: string[] | undefined;
      body: Node[];
      elseBody: Branch | undefined;
    })
  | (Base & { k: 'items'; vars: string[]; body: Node[] })
  | (Base & { k: 'sep'; body: Node[] })
  | (Base & { k: 'break' })
  | (Base & { k: 'continue' })
  | (Base & { k: 'stop'; e: Expr | undefined })
  | (Base & { k: 'flush' })
  | (Base & { k: 'return'; e: Expr | undefined })
  | (Base & {
      k: 'assign';
      scope: 'assign' | 'global' | 'local';
      items: Array<{ name: string; op: string; e: Expr | undefined; pos: number; namePos: number }>;
      ns: Expr | undefined;
      /** `<#assign x>...</#assign>` */
      capture: Node[] | undefined;
    })
  | (Base & { k: 'macro'; fn: boolean; name: string; params: Param[]; catchAll: string | undefined; body: Node[] })
  | (Base & { k: 'nested'; args: Expr[] })
  | (Base & { k: 'call'; target: Expr; positional: Expr[] | undefined; named: Array<[string, Expr]> | undefined; loopVars: string[]; body: Node[] | undefined })
  | (Base & { k: 'switch'; e: Expr; cases: Branch[] })
  | (Base & { k: 'include'; path: Expr; parse: Expr | undefined; ignoreMissing: Expr | undefined })
  | (Base & { k: 'import'; path: Expr; alias: string })
  | (Base & { k: 'setting'; name: string; e: Expr })
  | (Base & { k: 'compress'; body: Node[] })
  | (Base & { k: 'attempt'; body: Node[]; recover: Branch })
  | (Base & { k: 'outputformat'; format: string; body: Node[] })
  | (Base & { k: 'autoesc'; on: boolean; body: Node[] });

export type NodeKind = Node['k'];
