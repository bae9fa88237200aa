/**
 * @module The edge's read-only TFTP server. Protocol only: file contents come from an injected async
 * provider (the daemon's resolve → authorize → render pipeline), so this module never touches the
 * filesystem. One main socket takes requests; each accepted read gets its own ephemeral socket.
 *
 * Requests are answered on the main socket when refused (ERROR 1/2/4/0) and never with a socket of
 * their own, and datagrams that are not requests are dropped, so a flood of garbage costs no sockets
 * (reference/performance.md T5).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6, type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ProvError } from '../../shared/errors.js';
import { OPCODE, TFTP_ERROR, decodePacket, encodeError, type MalformedReason, type RequestPacket, type TransferMode } from './packet.js';
import { normaliseRequestPath } from './path.js';
import { MAX_BLKSIZE, MAX_WINDOWSIZE, MIN_BLKSIZE, negotiateOptions } from './options.js';
import { toNetascii } from './netascii.js';
import { startTransfer, type Remote, type Transfer, type TransferCounters, type TransferSummary } from './transfer.js';

/** What the provider is asked for one read request. */
export interface TftpFileRequest {
  /** Normalised path (see `normaliseRequestPath`): relative, no `..`, printable ASCII. */
  filename: string;
  /** The name exactly as the client sent it (latin1), for logs and evidence records. */
  rawFilename: string;
  mode: TransferMode;
  remote: Remote;
}

/**
 * Fields the provider wants on the request's one log line (who the file is for, what it decided),
 * written with the server's own fields when the request ends: one line per request, not two. The
 * server takes the object over and adds its own fields to it (they win over the provider's), so
 * give it a fresh one per request.
 */
export type TftpLogFields = Record<string, unknown>;

/**
 * The provider's answer: the file's bytes, an ERROR to send (code 1 file not found, 2 access
 * violation, …), or `null` (or `drop`, to carry log fields) to drop the request without any answer.
 */
export type TftpFileAnswer =
  | { data: Buffer; log?: TftpLogFields }
  | { error: { code: number; message: string }; log?: TftpLogFields }
  | { drop: true; log?: TftpLogFields }
  | null;

/** May answer at once (the daemon's pipeline does: SQLite is synchronous) or later. */
export type TftpProvider = (req: TftpFileRequest) => TftpFileAnswer | Promise<TftpFileAnswer>;

export interface TftpServerOptions {
  /** Largest block size agreed to (RFC 2348); a client offering more gets this. Default 1428. */
  maxBlksize?: number;
  /** Largest window agreed to (RFC 7440). Default 8. */
  maxWindowsize?: number;
  /** Largest client `timeout` option (s) acknowledged (RFC 2349); larger offers are ignored. Default 5. */
  maxClientTimeoutS?: number;
  /** Retransmission interval when the client sets none. Default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions of one block/window before the transfer is given up. Default 5. */
  retries?: number;
  /** Requests in progress (provider calls and transfers) at most. Default 2000. */
  maxTransfers?: number;
  /** Past `maxTransfers`: `drop` the request (the client retransmits it) or answer ERROR 0 "server busy". Default `drop`. */
  whenBusy?: 'drop' | 'error';
  /**
   * SO_RCVBUF of the main socket, so a boot storm's burst of requests is queued, not lost; 0 keeps the
   * system default. Linux caps it at net.core.rmem_max (the listening log line shows what was granted).
   * Default 4 MiB.
   */
  recvBufferSize?: number;
  /** A provider that has not answered by then gets the request ERROR 0 and its slot back. Default 5000 ms. */
  providerTimeoutMs?: number;
  /**
   * Transfer sockets kept open after a transfer ends, for the next one (each transfer still gets a
   * socket of its own while it runs; a stray datagram from the previous peer gets ERROR 5 like any
   * stranger's). Saves a socket's open, bind and close per transfer in a boot storm. Default 0.
   */
  socketPool?: number;
}

export interface TftpServerDeps {
  log: Logger;
  provider: TftpProvider;
}

/** How a read request ended, as logged (`outcome`) and counted. */
export type RequestOutcome =
  | TransferSummary['outcome']
  | 'not-found'
  | 'refused'
  | 'refused-path'
  | 'bad-mode'
  | 'dropped'
  | 'busy'
  | 'provider-error'
  | 'provider-timeout';

export interface TftpStats {
  /** Requests in progress: provider calls awaited plus transfers running. */
  active: number;
  completed: number;
  /** Transfers that started and did not complete (timeout, client error, socket error, superseded, aborted). */
  failed: number;
  /** Requests answered with an ERROR before any transfer (unknown file, refused path, write request…). */
  refused: number;
  /** Requests the provider asked to drop. */
  dropped: number;
  /** Requests dropped or refused because `maxTransfers` were in progress. */
  busy: number;
  /** Datagrams that were not valid packets (main and transfer sockets). */
  malformed: number;
  /** Datagrams to a transfer socket from a stranger (answered with ERROR 5). */
  unknownTid: number;
  /** Retransmitted RRQs for a request already in progress (ignored). */
  duplicateRequests: number;
  /** ACKs for a block already acknowledged (ignored). */
  duplicateAcks: number;
  /** Blocks/windows/OACKs resent after a timeout. */
  retransmits: number;
  /** Ephemeral transfer sockets opened since start. */
  socketsOpened: number;
  /** ERROR packets sent, by TFTP error code. */
  errorsSent: Record<number, number>;
}

export interface TftpServer {
  /** Binds the main socket; resolves with its address. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops taking requests (closes the main socket) and waits for the requests in progress to end,
   * for at most `boundMs`; `close()` then ends whatever is left. Resolves with how many remain.
   */
  drain(boundMs: number): Promise<{ remaining: number }>;
  /** Stops taking requests, ends every transfer (`aborted`) and closes every socket. */
  close(): Promise<void>;
  stats(): TftpStats;
}

const DEFAULTS: Required<TftpServerOptions> = {
  maxBlksize: 1428,
  maxWindowsize: 8,
  maxClientTimeoutS: 5,
  timeoutMs: 1000,
  retries: 5,
  maxTransfers: 2000,
  whenBusy: 'drop',
  recvBufferSize: 4 * 1024 * 1024,
  providerTimeoutMs: 5000,
  socketPool: 0,
};

/** Malformed datagrams are logged at warn at most once per this period; the rest are counted. */
const MALFORMED_LOG_PERIOD_MS = 10_000;

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProvError('CONFIG_INVALID', `tftp option ${name} must be an integer in ${min}..${max}, got ${String(value)}`, { option: name });
  }
}

function resolveOptions(options: TftpServerOptions): Required<TftpServerOptions> {
  const o = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  checkInt('maxBlksize', o.maxBlksize, MIN_BLKSIZE, MAX_BLKSIZE);
  checkInt('maxWindowsize', o.maxWindowsize, 1, MAX_WINDOWSIZE);
  checkInt('maxClientTimeoutS', o.maxClientTimeoutS, 1, 255);
  checkInt('timeoutMs', o.timeoutMs, 1, 255_000);
  checkInt('retries', o.retries, 0, 100);
  checkInt('maxTransfers', o.maxTransfers, 1, 1_000_000);
  checkInt('recvBufferSize', o.recvBufferSize, 0, 1 << 30);
  checkInt('providerTimeoutMs', o.providerTimeoutMs, 1, 600_000);
  checkInt('socketPool', o.socketPool, 0, 10_000);
  if (o.whenBusy !== 'drop' && o.whenBusy !== 'error') {
    throw new ProvError('CONFIG_INVALID', `tftp option whenBusy must be "drop" or "error", got ${String(o.whenBusy)}`, { option: 'whenBusy' });
  }
  return o;
}

type InFlight = { kind: 'pending'; filename: string } | { kind: 'transfer'; transfer: Transfer };

/** Requests in progress, telling `drain` the moment the last one ends. */
class InFlightMap extends Map<string, InFlight> {
  onEmpty: (() => void) | undefined;
  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had && this.size === 0) this.onEmpty?.();
    return had;
  }
}

const PROVIDER_TIMEOUT = Symbol('provider timeout');

/**
 * Creates the server. Options are validated here (ProvError `CONFIG_INVALID`); nothing is bound
 * until `listen`.
 */
export function createTftpServer(options: TftpServerOptions, deps: TftpServerDeps): TftpServer {
  const opts = resolveOptions(options);
  const log = deps.log.child({ component: 'tftp' });
  // Read per use, not once: a SIGHUP may change the level while the server runs.
  const debug = (): boolean => log.isLevelEnabled('debug');
  const limits = { maxBlksize: opts.maxBlksize, maxWindowsize: opts.maxWindowsize, maxClientTimeoutS: opts.maxClientTimeoutS };

  const counters: TransferCounters & Omit<TftpStats, 'active' | keyof TransferCounters> = {
    completed: 0,
    failed: 0,
    refused: 0,
    dropped: 0,
    busy: 0,
    malformed: 0,
    unknownTid: 0,
    duplicateRequests: 0,
    duplicateAcks: 0,
    retransmits: 0,
    socketsOpened: 0,
    errorsSent: {},
  };
  /** Requests in progress by client `address|port`: the client's retransmitted RRQ must not start a second transfer. */
  const inFlight = new InFlightMap();
  let main: Socket | undefined;
  let host = '';
  let closing = false;
  let draining = false;
  let malformedLoggedAt = -Infinity;
  let malformedSuppressed = 0;

  const onSendError = (err: Error | null): void => {
    if (err && debug()) log.debug({ err: err.message }, 'tftp send failed');
  };

  function onMalformed(reason: MalformedReason, rinfo: RemoteInfo, where: 'main' | 'transfer'): void {
    counters.malformed++;
    const now = performance.now();
    if (now - malformedLoggedAt >= MALFORMED_LOG_PERIOD_MS) {
      log.warn({ reason, where, remote: { address: rinfo.address, port: rinfo.port }, length: rinfo.size, suppressed: malformedSuppressed }, 'tftp malformed datagram dropped');
      malformedLoggedAt = now;
      malformedSuppressed = 0;
    } else {
      malformedSuppressed++;
      if (debug()) log.debug({ reason, where, remote: { address: rinfo.address, port: rinfo.port }, length: rinfo.size }, 'tftp malformed datagram dropped');
    }
  }

  function sendMainError(code: number, message: string, remote: Remote): void {
    counters.errorsSent[code] = (counters.errorsSent[code] ?? 0) + 1;
    // While draining the main socket is closed: a late refusal is not sent (the phone retries elsewhere or later).
    if (!draining) main?.send(encodeError(code, message), remote.port, remote.address, onSendError);
  }

  /** The one log line per read request. */
  function logRequest(fields: Record<string, unknown> & { outcome: RequestOutcome }, level: 'info' | 'warn' | 'error' = 'info'): void {
    log[level](fields, 'tftp transfer');
  }

  /**
   * The line: the server's fields in one literal, added to the provider's object. Spreading the two
   * into a third object made a storm's line cost half as much again to serialise.
   */
  function line<T extends { outcome: RequestOutcome }>(extra: TftpLogFields | undefined, own: T): T {
    return extra ? Object.assign(extra, own) : own;
  }

  function onTransferEnd(s: TransferSummary, extra: TftpLogFields | undefined): void {
    if (s.outcome === 'completed') counters.completed++;
    else counters.failed++;
    const level = s.outcome === 'completed' || s.outcome === 'aborted' || s.outcome === 'superseded' ? 'info' : 'warn';
    const own = {
      filename: s.filename, remote: `${s.remote.address}:${s.remote.port}`, outcome: s.outcome, size: s.size, bytes: s.bytes,
      blocks: s.blocks, blksize: s.blksize, windowsize: s.windowsize, retransmits: s.retransmits, ms: s.ms, clientError: s.clientError,
    };
    logRequest(line(extra, own), level);
  }

  function refuse(remote: Remote, rawFilename: string, outcome: RequestOutcome, code: number, message: string, extra?: TftpLogFields): void {
    counters.refused++;
    sendMainError(code, message, remote);
    logRequest(line(extra, { filename: rawFilename, remote: `${remote.address}:${remote.port}`, outcome, errorCode: code }), outcome === 'not-found' ? 'info' : 'warn');
  }

  async function askProvider(req: TftpFileRequest): Promise<TftpFileAnswer | typeof PROVIDER_TIMEOUT> {
    // A synchronous answer needs no timeout race (no timer, no extra promises per request).
    const direct = deps.provider(req);
    if (!(direct instanceof Promise)) return direct;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof PROVIDER_TIMEOUT>((resolve) => {
      timer = setTimeout(() => resolve(PROVIDER_TIMEOUT), opts.providerTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([direct, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Idle transfer sockets (see `socketPool`). */
  const pool: Socket[] = [];
  const ignore = (): void => undefined;
  /**
   * The last peers each pooled socket served. A late datagram from one of them is not a stranger's
   * to answer with ERROR 5: the peer may be a phone whose next request reuses the same port, still
   * waiting for its first answer from any port — it would take the ERROR as its answer and fail the
   * file (seen in boot storms: client ports are reused within seconds).
   */
  const formerPeers = new WeakMap<Socket, string[]>();
  const FORMER_PEERS_KEPT = 4;

  /** Takes back a socket whose transfer ended; false when it must be closed instead. */
  function releaseSocket(socket: Socket, peer: Remote): boolean {
    if (closing || pool.length >= opts.socketPool) return false;
    socket.removeAllListeners('message');
    socket.removeAllListeners('error');
    socket.on('error', ignore);
    const peers = formerPeers.get(socket) ?? [];
    peers.unshift(`${peer.address}|${peer.port}`);
    if (peers.length > FORMER_PEERS_KEPT) peers.pop();
    formerPeers.set(socket, peers);
    pool.push(socket);
    return true;
  }

  function openTransferSocket(remote: Remote): Promise<Socket> | Socket {
    const pooled = pool.pop();
    if (pooled) {
      pooled.removeListener('error', ignore);
      return pooled;
    }
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      counters.socketsOpened++;
      const onError = (err: Error): void => {
        try {
          s.close();
        } catch {
          // Never bound: nothing to close.
        }
        reject(err);
      };
      s.once('error', onError);
      s.bind({ address: host, port: 0 }, () => {
        s.removeListener('error', onError);
        resolve(s);
      });
      if (debug()) log.debug({ remote }, 'tftp transfer socket opening');
    });
  }

  async function serveRead(key: string, entry: InFlight, req: RequestPacket, filename: string, mode: TransferMode, remote: Remote): Promise<void> {
    const remoteText = `${remote.address}:${remote.port}`;
    /** False once the server closed or the same client asked for something else meanwhile. */
    const current = (): boolean => !closing && inFlight.get(key) === entry;
    const release = (): void => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    };
    const abandoned = (): void => {
      release();
      if (!closing) logRequest({ filename, remote: remoteText, outcome: 'superseded' });
    };
    let answer: TftpFileAnswer | typeof PROVIDER_TIMEOUT;
    try {
      answer = await askProvider({ filename, rawFilename: req.filename, mode, remote });
    } catch (err) {
      if (!current()) return abandoned();
      release();
      log.error({ err, filename, remote: remoteText }, 'tftp provider failed');
      counters.refused++;
      sendMainError(TFTP_ERROR.NOT_DEFINED, 'internal error', remote);
      logRequest({ filename, remote: remoteText, outcome: 'provider-error', errorCode: TFTP_ERROR.NOT_DEFINED }, 'error');
      return;
    }
    if (!current()) return abandoned();
    if (answer === PROVIDER_TIMEOUT) {
      release();
      counters.refused++;
      sendMainError(TFTP_ERROR.NOT_DEFINED, 'server timeout', remote);
      logRequest({ filename, remote: remoteText, outcome: 'provider-timeout', errorCode: TFTP_ERROR.NOT_DEFINED }, 'error');
      return;
    }
    if (answer === null || 'drop' in answer) {
      release();
      counters.dropped++;
      logRequest(line(answer?.log, { filename, remote: remoteText, outcome: 'dropped' as const }));
      return;
    }
    if ('error' in answer) {
      release();
      const code = answer.error.code;
      refuse(remote, filename, code === TFTP_ERROR.FILE_NOT_FOUND ? 'not-found' : 'refused', code, answer.error.message, answer.log);
      return;
    }
    const logFields = answer.log;
    const data = mode === 'netascii' ? toNetascii(answer.data) : answer.data;
    const negotiated = negotiateOptions(req.options, data.length, limits);
    let socket: Socket;
    try {
      socket = await openTransferSocket(remote);
    } catch (err) {
      if (!current()) return abandoned();
      release();
      log.error({ err, filename, remote: remoteText }, 'tftp transfer socket failed');
      counters.failed++;
      sendMainError(TFTP_ERROR.NOT_DEFINED, 'server error', remote);
      logRequest({ filename, remote: remoteText, outcome: 'socket-error' }, 'error');
      return;
    }
    if (!current()) {
      socket.close();
      return abandoned();
    }
    let transferEntry: InFlight | undefined;
    const transfer = startTransfer({
      socket,
      remote,
      filename,
      data,
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      oack: negotiated.oack,
      timeoutMs: negotiated.timeoutMs ?? opts.timeoutMs,
      retries: opts.retries,
      log,
      counters,
      onMalformed,
      ...(opts.socketPool > 0 ? { release: releaseSocket, formerPeer: (address: string, port: number) => formerPeers.get(socket)?.includes(`${address}|${port}`) === true } : {}),
      onEnd: (summary) => {
        if (transferEntry !== undefined && inFlight.get(key) === transferEntry) inFlight.delete(key);
        onTransferEnd(summary, logFields);
      },
    });
    transferEntry = { kind: 'transfer', transfer };
    inFlight.set(key, transferEntry);
  }

  function onRequest(req: RequestPacket, rinfo: RemoteInfo): void {
    const remote: Remote = { address: rinfo.address, port: rinfo.port };
    if (req.opcode === OPCODE.WRQ) {
      refuse(remote, req.filename, 'refused', TFTP_ERROR.ACCESS_VIOLATION, 'read-only server', { write: true });
      return;
    }
    const key = `${rinfo.address}|${rinfo.port}`;
    const normalised = normaliseRequestPath(req.filename);
    const current = inFlight.get(key);
    if (current !== undefined) {
      const currentName = current.kind === 'pending' ? current.filename : current.transfer.filename;
      if (normalised.ok && normalised.path === currentName) {
        // The client retransmitted its request; our answer is on its way or the timer will resend it.
        counters.duplicateRequests++;
        return;
      }
      // The client moved on to another file from the same port: the old request is over for it.
      // A pending one notices it was replaced when its provider answers; a transfer ends now.
      inFlight.delete(key);
      if (current.kind === 'transfer') void current.transfer.abort('superseded');
    }
    if (req.mode !== 'octet' && req.mode !== 'netascii') {
      refuse(remote, req.filename, 'bad-mode', TFTP_ERROR.ILLEGAL_OPERATION, `unsupported mode ${req.mode.slice(0, 20)}`);
      return;
    }
    if (!normalised.ok) {
      refuse(remote, req.filename, 'refused-path', TFTP_ERROR.ACCESS_VIOLATION, 'access violation', { reason: normalised.code });
      return;
    }
    if (inFlight.size >= opts.maxTransfers) {
      counters.busy++;
      if (opts.whenBusy === 'error') sendMainError(TFTP_ERROR.NOT_DEFINED, 'server busy', remote);
      logRequest({ filename: normalised.path, remote: `${remote.address}:${remote.port}`, outcome: 'busy' }, 'warn');
      return;
    }
    const entry: InFlight = { kind: 'pending', filename: normalised.path };
    inFlight.set(key, entry);
    serveRead(key, entry, req, normalised.path, req.mode, remote).catch((err: unknown) => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
      log.error({ err }, 'tftp request failed');
    });
  }

  function onMainMessage(msg: Buffer, rinfo: RemoteInfo): void {
    try {
      if (closing) return;
      const r = decodePacket(msg);
      if (!r.ok) {
        onMalformed(r.reason, rinfo, 'main');
        return;
      }
      const pkt = r.packet;
      if (pkt.opcode === OPCODE.RRQ || pkt.opcode === OPCODE.WRQ) onRequest(pkt, rinfo);
      else onMalformed('BAD_OPCODE', rinfo, 'main');
    } catch (err) {
      log.error({ err }, 'tftp request handler failed');
    }
  }

  return {
    listen(port, bindHost) {
      if (main) return Promise.reject(new Error('tftp server already listening'));
      host = bindHost;
      const socket = createSocket({
        type: isIPv6(bindHost) ? 'udp6' : 'udp4',
        ...(opts.recvBufferSize > 0 ? { recvBufferSize: opts.recvBufferSize } : {}),
      });
      main = socket;
      return new Promise<AddressInfo>((resolve, reject) => {
        const onBindError = (err: Error): void => {
          main = undefined;
          reject(err);
        };
        socket.once('error', onBindError);
        socket.bind({ port, address: bindHost }, () => {
          socket.removeListener('error', onBindError);
          socket.on('error', (err) => log.error({ err }, 'tftp main socket error'));
          socket.on('message', onMainMessage);
          const address = socket.address();
          let recvBufferSize: number | undefined;
          try {
            recvBufferSize = socket.getRecvBufferSize();
          } catch {
            recvBufferSize = undefined;
          }
          log.info({ address: address.address, port: address.port, recvBufferSize }, 'tftp listening');
          resolve(address);
        });
      });
    },

    async drain(boundMs) {
      if (closing || draining) return { remaining: inFlight.size };
      draining = true;
      const socket = main;
      if (socket) {
        socket.removeListener('message', onMainMessage);
        await new Promise<void>((resolve) => socket.close(() => resolve()));
      }
      log.info({ active: inFlight.size, boundMs }, 'tftp draining');
      if (inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            inFlight.onEmpty = undefined;
            resolve();
          };
          const timer = setTimeout(done, boundMs);
          inFlight.onEmpty = done;
        });
      }
      return { remaining: inFlight.size };
    },

    async close() {
      if (closing) return;
      closing = true;
      const waits: Promise<void>[] = [];
      for (const entry of inFlight.values()) if (entry.kind === 'transfer') waits.push(entry.transfer.abort('aborted'));
      inFlight.clear();
      const socket = main;
      if (socket && !draining) waits.push(new Promise<void>((resolve) => socket.close(() => resolve())));
      for (const idle of pool.splice(0)) waits.push(new Promise<void>((resolve) => idle.close(() => resolve())));
      await Promise.all(waits);
    },

    stats() {
      return { ...counters, errorsSent: { ...counters.errorsSent }, active: inFlight.size };
    },
  };
}
