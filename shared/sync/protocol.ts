/**
 * The hub ⇄ edge wire protocol (DESIGN §7): JSON text frames `{t, v: 1, …}` over one
 * edge-initiated WebSocket. Pure: types, encoding and validation only; no I/O.
 *
 * Edge → hub: `hello`, `ack`, `nack`, `events`, `digest`.
 * Hub → edge: `ready`, `batch`, `snap-begin`, `snap-page`, `snap-end`, `events-ack`, `digest-result`, `error`.
 *
 * A delta travels as `batch` frames of whole hub transactions. `more: true` means "stage this, the
 * catch-up continues": the edge commits everything it staged together with the frame that says
 * `more: false`, so an outage's worth of changes lands in one transaction. `prev` is the cursor a
 * frame continues from (Syncthing's prev_sequence): a frame whose `prev` is below the edge's
 * position is a replay (ignored), one above it is a gap (the edge reconnects rather than guess).
 */
import type { ChangeRow, SyncEntity } from './types.js';

/** The frame format version: the `v` of every frame. */
export const FRAME_VERSION = 1;
/** The sync protocol version an edge announces in `hello`; a different one gets a snapshot. */
export const SYNC_PROTO = 1;

/** Stable codes for sync failures (close reasons, nacks, the hub's `error` frame). */
export const SYNC_ERR = {
  BAD_FRAME: 'SYNC_ERR_BAD_FRAME',
  UNEXPECTED: 'SYNC_ERR_UNEXPECTED_FRAME',
  GAP: 'SYNC_ERR_GAP',
  APPLY: 'SYNC_ERR_APPLY_FAILED',
  TOKEN_REVOKED: 'SYNC_ERR_TOKEN_REVOKED',
  REPLACED: 'SYNC_ERR_REPLACED',
  SHUTDOWN: 'SYNC_ERR_SHUTDOWN',
} as const;
export type SyncErrorCode = (typeof SYNC_ERR)[keyof typeof SYNC_ERR];

/** WebSocket close codes (4000–4999 are for applications). */
export const CLOSE = {
  BAD_FRAME: 4400,
  TOKEN_REVOKED: 4401,
  REPLACED: 4409,
  GAP: 4412,
  NACK: 4422,
  SHUTDOWN: 1001,
} as const;

export interface OutboxPosition {
  /** Random id of the edge's database (a wiped edge shows a new one). */
  db_id: string;
  /** The id of the oldest event still in the outbox (0: empty). */
  first: number;
  /** The id of the newest event in the outbox (0: empty). */
  last: number;
}

export interface HelloFrame {
  t: 'hello';
  v: 1;
  proto: number;
  epoch: string | null;
  cursor: number;
  outbox: OutboxPosition;
  version: string;
}

export interface AckFrame {
  t: 'ack';
  v: 1;
  epoch: string;
  seq: number;
}

export interface NackFrame {
  t: 'nack';
  v: 1;
  epoch: string | null;
  seq: number;
  error: { code: string; message: string };
}

export interface EdgeEvent {
  /** The outbox id: this edge DB's event sequence. */
  id: number;
  kind: string;
  data: unknown;
  at: string;
}

export interface EventsFrame {
  t: 'events';
  v: 1;
  db_id: string;
  items: EdgeEvent[];
}

export interface Digest {
  count: number;
  hash: string;
}

export interface DigestFrame {
  t: 'digest';
  v: 1;
  epoch: string;
  cursor: number;
  digest: Digest;
}

export type ResumeMode = 'delta' | 'snapshot';

export interface ReadyFrame {
  t: 'ready';
  v: 1;
  site_id: number;
  epoch: string;
  hub_seq: number;
  mode: ResumeMode;
  reason: string;
  /** The highest outbox id the hub already stores for this edge DB (0: none): prune up to it. */
  events_up_to: number;
}

export interface BatchFrame {
  t: 'batch';
  v: 1;
  epoch: string;
  prev: number;
  cursor: number;
  /** More frames of this catch-up follow: stage, do not commit yet. */
  more: boolean;
  changes: ChangeRow[];
}

export interface SnapBeginFrame {
  t: 'snap-begin';
  v: 1;
  epoch: string;
  until: number;
  pages: number;
  rows: number;
  reason: string;
}

export interface SnapPageFrame {
  t: 'snap-page';
  v: 1;
  epoch: string;
  until: number;
  page: number;
  changes: ChangeRow[];
}

export interface SnapEndFrame {
  t: 'snap-end';
  v: 1;
  epoch: string;
  until: number;
  pages: number;
}

export interface EventsAckFrame {
  t: 'events-ack';
  v: 1;
  db_id: string;
  up_to: number;
}

export interface DigestResultFrame {
  t: 'digest-result';
  v: 1;
  cursor: number;
  /** 'match', 'mismatch' (a snapshot follows) or 'skipped' (the hub moved on; try later). */
  result: 'match' | 'mismatch' | 'skipped';
}

export interface ErrorFrame {
  t: 'error';
  v: 1;
  code: string;
  message: string;
}

export type EdgeFrame = HelloFrame | AckFrame | NackFrame | EventsFrame | DigestFrame;
export type HubFrame = ReadyFrame | BatchFrame | SnapBeginFrame | SnapPageFrame | SnapEndFrame | EventsAckFrame | DigestResultFrame | ErrorFrame;
export type SyncFrame = EdgeFrame | HubFrame;

/** Thrown for a frame that is not valid JSON or not a valid frame; `code` is SYNC_ERR.BAD_FRAME. */
export class SyncFrameError extends Error {
  readonly code = SYNC_ERR.BAD_FRAME;
  constructor(message: string) {
    super(message);
    this.name = 'SyncFrameError';
  }
}

type Distribute<F> = F extends SyncFrame ? Omit<F, 'v'> : never;
/** A frame as written by its sender: `v` is added by `encodeFrame`. */
export type FrameInput = Distribute<SyncFrame>;

export function encodeFrame(frame: FrameInput): string {
  return JSON.stringify({ ...frame, v: FRAME_VERSION });
}

const ENTITIES: ReadonlySet<string> = new Set<SyncEntity>(['site', 'device', 'template', 'setting', 'counter_reset']);

function fail(what: string): never {
  throw new SyncFrameError(what);
}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isSeq = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';

function seq(f: Record<string, unknown>, k: string): void {
  if (!isSeq(f[k])) fail(`${String(f.t)}.${k} must be a non-negative integer`);
}

function str(f: Record<string, unknown>, k: string, max = 200): void {
  const v = f[k];
  if (!isStr(v) || v.length === 0 || v.length > max) fail(`${String(f.t)}.${k} must be a non-empty string of at most ${max} characters`);
}

function changes(f: Record<string, unknown>, upTo: number): void {
  const rows = f.changes;
  if (!Array.isArray(rows)) fail(`${String(f.t)}.changes must be an array`);
  for (const r of rows as unknown[]) {
    if (!isObj(r) || !isSeq(r.seq) || !isSeq(r.txid) || !(r.site_id === null || isSeq(r.site_id)) || !isStr(r.entity) || !ENTITIES.has(r.entity)) {
      fail(`${String(f.t)} holds a malformed change row`);
    }
    if (!isStr(r.key) || typeof r.deleted !== 'boolean' || r.seq > upTo) fail(`${String(f.t)} holds a malformed change row (${String(r.entity)}/${String(r.key)})`);
    if (r.deleted ? r.data !== null : !isObj(r.data)) fail(`${String(f.t)} change ${String(r.entity)}/${String(r.key)}: data must be an object for an upsert and null for a tombstone`);
  }
}

/** Parses and validates one frame; throws SyncFrameError (code SYNC_ERR_BAD_FRAME). */
export function decodeFrame(text: string): SyncFrame {
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch {
    fail('frame is not JSON');
  }
  if (!isObj(f)) fail('frame is not a JSON object');
  if (f.v !== FRAME_VERSION) fail(`frame version ${String(f.v)} is not ${FRAME_VERSION}`);
  switch (f.t) {
    case 'hello': {
      if (!isSeq(f.proto)) fail('hello.proto must be a non-negative integer');
      if (!(f.epoch === null || (isStr(f.epoch) && f.epoch.length > 0 && f.epoch.length <= 100))) fail('hello.epoch must be null or a string');
      seq(f, 'cursor');
      const o = f.outbox;
      if (!isObj(o) || !isStr(o.db_id) || o.db_id.length === 0 || o.db_id.length > 100 || !isSeq(o.first) || !isSeq(o.last)) fail('hello.outbox must be {db_id, first, last}');
      if (!isStr(f.version) || f.version.length > 100) fail('hello.version must be a string');
      break;
    }
    case 'ack':
      str(f, 'epoch', 100);
      seq(f, 'seq');
      break;
    case 'nack': {
      if (!(f.epoch === null || isStr(f.epoch))) fail('nack.epoch must be null or a string');
      seq(f, 'seq');
      const e = f.error;
      if (!isObj(e) || !isStr(e.code) || !isStr(e.message)) fail('nack.error must be {code, message}');
      break;
    }
    case 'events': {
      str(f, 'db_id', 100);
      if (!Array.isArray(f.items)) fail('events.items must be an array');
      let last = 0;
      for (const it of f.items as unknown[]) {
        if (!isObj(it) || !isSeq(it.id) || it.id <= last || !isStr(it.kind) || it.kind.length === 0 || !isStr(it.at)) {
          fail('events.items must be {id, kind, data, at} in increasing id order');
        }
        last = it.id;
      }
      break;
    }
    case 'digest': {
      str(f, 'epoch', 100);
      seq(f, 'cursor');
      const d = f.digest;
      if (!isObj(d) || !isSeq(d.count) || !isStr(d.hash)) fail('digest.digest must be {count, hash}');
      break;
    }
    case 'ready':
      seq(f, 'site_id');
      str(f, 'epoch', 100);
      seq(f, 'hub_seq');
      if (f.mode !== 'delta' && f.mode !== 'snapshot') fail('ready.mode must be delta or snapshot');
      if (!isStr(f.reason)) fail('ready.reason must be a string');
      seq(f, 'events_up_to');
      break;
    case 'batch':
      str(f, 'epoch', 100);
      seq(f, 'prev');
      seq(f, 'cursor');
      if ((f.cursor as number) < (f.prev as number)) fail('batch.cursor is below batch.prev');
      if (typeof f.more !== 'boolean') fail('batch.more must be a boolean');
      changes(f, f.cursor as number);
      break;
    case 'snap-begin':
      str(f, 'epoch', 100);
      seq(f, 'until');
      seq(f, 'pages');
      seq(f, 'rows');
      if (!isStr(f.reason)) fail('snap-begin.reason must be a string');
      break;
    case 'snap-page':
      str(f, 'epoch', 100);
      seq(f, 'until');
      seq(f, 'page');
      changes(f, f.until as number);
      break;
    case 'snap-end':
      str(f, 'epoch', 100);
      seq(f, 'until');
      seq(f, 'pages');
      break;
    case 'events-ack':
      str(f, 'db_id', 100);
      seq(f, 'up_to');
      break;
    case 'digest-result':
      seq(f, 'cursor');
      if (f.result !== 'match' && f.result !== 'mismatch' && f.result !== 'skipped') fail('digest-result.result is unknown');
      break;
    case 'error':
      if (!isStr(f.code) || !isStr(f.message)) fail('error must be {code, message}');
      break;
    default:
      fail(`unknown frame type ${JSON.stringify(f.t)}`);
  }
  return f as unknown as SyncFrame;
}
