/**
 * Raw UDP on 127.0.0.1 for protocol tests: a peer whose every wait is a datagram bounded by a timeout
 * that fails the test, a scriptable TFTP read client built on it, and a pino sink to await log records.
 * Nothing here sleeps; absence of a datagram is shown with a barrier (a request whose answer must
 * arrive after anything sent before it on the same socket pair).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { pino, type Logger } from 'pino';

export const LOOPBACK = '127.0.0.1';

export interface Datagram {
  msg: Buffer;
  rinfo: RemoteInfo;
}

/** A UDP socket on 127.0.0.1 with an inbox. */
export class UdpPeer {
  readonly socket: Socket;
  private inbox: Datagram[] = [];
  private waiter: ((d: Datagram) => void) | undefined;
  private closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        w({ msg, rinfo });
      } else {
        this.inbox.push({ msg, rinfo });
      }
    });
  }

  static open(): Promise<UdpPeer> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, LOOPBACK, () => {
        s.removeListener('error', reject);
        resolve(new UdpPeer(s));
      });
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(buf: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(buf, port, LOOPBACK, (err) => (err ? reject(err) : resolve())));
  }

  /** The next datagram; rejects (failing the test) when none arrives within `timeoutMs`. */
  recv(timeoutMs = 3000, what = 'a datagram'): Promise<Datagram> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.waiter) return Promise.reject(new Error('UdpPeer.recv: already waiting'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no ${what} on port ${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (d) => {
        clearTimeout(timer);
        resolve(d);
      };
    });
  }

  /** Everything received and not yet taken. */
  drain(): Datagram[] {
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

// --- TFTP wire helpers (written independently of daemon/tftp so the tests do not trust its encoder) ---

export function rrq(filename: string | Buffer, mode = 'octet', options: Record<string, string> = {}, opcode = 1): Buffer {
  const parts: Buffer[] = [Buffer.from([0, opcode])];
  const name = typeof filename === 'string' ? Buffer.from(filename, 'latin1') : filename;
  parts.push(name, Buffer.from([0]), Buffer.from(mode, 'latin1'), Buffer.from([0]));
  for (const [k, v] of Object.entries(options)) parts.push(Buffer.from(k), Buffer.from([0]), Buffer.from(v), Buffer.from([0]));
  return Buffer.concat(parts);
}

export function ack(block: number): Buffer {
  return Buffer.from([0, 4, (block >> 8) & 0xff, block & 0xff]);
}

export function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([Buffer.from([0, 5, code >> 8, code & 0xff]), Buffer.from(message, 'latin1'), Buffer.from([0])]);
}

export function opcodeOf(msg: Buffer): number {
  return msg.length >= 2 ? msg.readUInt16BE(0) : -1;
}

export function blockOf(msg: Buffer): number {
  return msg.readUInt16BE(2);
}

export function parseError(msg: Buffer): { code: number; message: string } | null {
  if (opcodeOf(msg) !== 5 || msg.length < 4) return null;
  const end = msg.indexOf(0, 4);
  return { code: msg.readUInt16BE(2), message: msg.toString('latin1', 4, end === -1 ? msg.length : end) };
}

export function parseOack(msg: Buffer): Record<string, string> | null {
  if (opcodeOf(msg) !== 6) return null;
  const parts = msg.toString('latin1', 2).split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

export interface GetOptions {
  mode?: string;
  options?: Record<string, string>;
  /** Send every ACK twice (a client or network duplicating ACKs). */
  ackTwice?: boolean;
  /** Never ACK the last block (the final ACK is lost). */
  skipFinalAck?: boolean;
  /** Stop (no more ACKs, resolve) after receiving this many distinct blocks. */
  vanishAfterBlocks?: number;
  /** Called after each new in-order block, before it is acknowledged. */
  onBlock?: (block: number, tidPort: number) => Promise<void> | void;
  /** Per-datagram wait. Default 3000 ms. */
  timeoutMs?: number;
}

export interface GetResult {
  /** Set when the server refused with ERROR. */
  error: { code: number; message: string; fromPort: number } | null;
  oack: Record<string, string> | null;
  data: Buffer;
  /** Distinct blocks received in order. */
  blocks: number;
  /** Every DATA packet received, duplicates included. */
  dataPackets: number;
  /** DATA packets per block sequence number (1-based, unwrapped). */
  perBlock: Map<number, number>;
  /** The server's transfer port. */
  tid: number;
  /** Datagrams that came from neither the server's main port nor the TID. */
  strays: Datagram[];
}

/**
 * Reads a file the way a phone does: RRQ to the main port, then lock-step (or windowed, if the
 * server acknowledges `windowsize`) ACKs to the transfer port. Handles block-number rollover.
 */
export async function tftpGet(peer: UdpPeer, serverPort: number, filename: string, o: GetOptions = {}): Promise<GetResult> {
  const timeoutMs = o.timeoutMs ?? 3000;
  await peer.send(rrq(filename, o.mode ?? 'octet', o.options ?? {}), serverPort);
  const res: GetResult = { error: null, oack: null, data: Buffer.alloc(0), blocks: 0, dataPackets: 0, perBlock: new Map(), tid: 0, strays: [] };
  const chunks: Buffer[] = [];
  let blksize = 512;
  let windowsize = 1;
  let expected = 1;
  let inWindow = 0;
  for (let guard = 0; guard < 10_000_000; guard++) {
    const d = await peer.recv(timeoutMs, `TFTP reply for ${filename} (block ${expected})`);
    const op = opcodeOf(d.msg);
    if (res.tid === 0) {
      if (op === 5) {
        const e = parseError(d.msg)!;
        res.error = { ...e, fromPort: d.rinfo.port };
        return res;
      }
      res.tid = d.rinfo.port;
      if (op === 6) {
        res.oack = parseOack(d.msg);
        if (res.oack?.blksize) blksize = Number(res.oack.blksize);
        if (res.oack?.windowsize) windowsize = Number(res.oack.windowsize);
        await peer.send(ack(0), res.tid);
        if (o.ackTwice) await peer.send(ack(0), res.tid);
        continue;
      }
    }
    if (d.rinfo.port !== res.tid) {
      res.strays.push(d);
      continue;
    }
    if (op === 5) {
      const e = parseError(d.msg)!;
      res.error = { ...e, fromPort: d.rinfo.port };
      break;
    }
    if (op !== 3) throw new Error(`unexpected opcode ${op} from the transfer port`);
    res.dataPackets++;
    const b = blockOf(d.msg);
    const fwd = (b - (expected & 0xffff)) & 0xffff;
    const seq = fwd < 0x8000 ? expected + fwd : expected - (0x10000 - fwd);
    res.perBlock.set(seq, (res.perBlock.get(seq) ?? 0) + 1);
    if (seq !== expected) continue;
    const payload = d.msg.subarray(4);
    chunks.push(Buffer.from(payload));
    res.blocks++;
    expected++;
    inWindow++;
    const last = payload.length < blksize;
    if (o.onBlock) await o.onBlock(seq, res.tid);
    if (o.vanishAfterBlocks !== undefined && res.blocks >= o.vanishAfterBlocks) break;
    if (last && o.skipFinalAck) break;
    if (last || inWindow >= windowsize) {
      inWindow = 0;
      await peer.send(ack(seq), res.tid);
      if (o.ackTwice) await peer.send(ack(seq), res.tid);
    }
    if (last) break;
  }
  res.data = Buffer.concat(chunks);
  return res;
}

/**
 * Sends an RRQ for `missing` (a name the provider answers with ERROR 1) from `peer` and returns every
 * datagram that arrived on `peer` before that ERROR. Loopback UDP between two sockets is FIFO, so
 * anything the server sent earlier from its main socket is in the returned list.
 */
export async function barrier(peer: UdpPeer, serverPort: number, missing = '__barrier__.cfg'): Promise<Datagram[]> {
  const before = peer.drain();
  await peer.send(rrq(missing), serverPort);
  for (let i = 0; i < 100_000; i++) {
    const d = await peer.recv(3000, 'the barrier ERROR 1');
    const e = parseError(d.msg);
    if (e && e.code === 1 && d.rinfo.port === serverPort) return before;
    before.push(d);
  }
  throw new Error('barrier: too many datagrams');
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose records are parsed into `records`; `waitFor` awaits one matching a predicate. */
export function logSink(level = 'info'): { log: Logger; records: LogRecord[]; waitFor(pred: (r: LogRecord) => boolean, timeoutMs?: number, what?: string): Promise<LogRecord> } {
  const records: LogRecord[] = [];
  const waiters: { pred: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  const stream = {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        const rec = JSON.parse(line) as LogRecord;
        records.push(rec);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i]!;
          if (w.pred(rec)) {
            waiters.splice(i, 1);
            w.resolve(rec);
          }
        }
      }
    },
  };
  const log = pino({ level }, stream);
  return {
    log,
    records,
    waitFor(pred, timeoutMs = 5000, what = 'a log record') {
      const found = records.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (r: LogRecord) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
  };
}

/** mulberry32: a tiny seeded PRNG, so fuzz runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
