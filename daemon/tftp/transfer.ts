/**
 * @module One read transfer on its own UDP socket (the server's transfer ID). It owns a retransmission
 * timer and nothing else: it sends, it counts, it ends exactly once and reports how.
 *
 * The rules that the npm `tftp` package broke (reference/performance.md T1–T6) live here:
 * - every datagram is decoded without throwing, and one that is not a packet is dropped (T1);
 * - a datagram from any address/port other than the client's changes nothing and gets ERROR 5 (T2) —
 *   unless it comes from a former peer of this pooled socket, which is dropped unanswered;
 * - an ACK for a block already acknowledged is ignored; only the timer retransmits (T3, RFC 1123
 *   §4.2.3.1 "Sorcerer's Apprentice");
 * - when the retries are used up the transfer ends and closes its socket; nothing throws (T4, T6).
 */
import type { Socket, RemoteInfo } from 'node:dgram';
import type { Logger } from 'pino';
import { OPCODE, TFTP_ERROR, decodePacket, encodeDataHeader, encodeError, encodeOack, type MalformedReason } from './packet.js';

/** How a transfer ended; stable strings for logs, metrics and tests. */
export type TransferOutcome =
  | 'completed'
  /** Retries used up waiting for an ACK (a vanished client, or a lost final ACK). */
  | 'timeout'
  /** The client sent ERROR (e.g. 8 when it dislikes the OACK). */
  | 'client-error'
  /** The transfer socket failed. */
  | 'socket-error'
  /** The same client asked for another file before this one ended. */
  | 'superseded'
  /** The server was closed. */
  | 'aborted';

export interface Remote {
  address: string;
  port: number;
}

export interface TransferSummary {
  filename: string;
  remote: Remote;
  outcome: TransferOutcome;
  /** Total size in bytes as sent on the wire (after netascii conversion). */
  size: number;
  /** Bytes the client acknowledged. */
  bytes: number;
  /** Blocks the client acknowledged. */
  blocks: number;
  blksize: number;
  windowsize: number;
  retransmits: number;
  ms: number;
  clientError?: { code: number; message: string };
}

/** Counters the transfer shares with its server. */
export interface TransferCounters {
  retransmits: number;
  unknownTid: number;
  duplicateAcks: number;
  errorsSent: Record<number, number>;
}

export interface TransferParams {
  socket: Socket;
  remote: Remote;
  filename: string;
  data: Buffer;
  blksize: number;
  windowsize: number;
  /** Options to acknowledge with an OACK first; empty means DATA 1 straight away. */
  oack: ReadonlyMap<string, string>;
  timeoutMs: number;
  retries: number;
  log: Logger;
  counters: TransferCounters;
  onMalformed(reason: MalformedReason, rinfo: RemoteInfo, where: 'transfer'): void;
  onEnd(summary: TransferSummary): void;
  /** Offered the socket when the transfer ends well; true: the server keeps it for another transfer. */
  release?(socket: Socket, peer: Remote): boolean;
  /** True for a peer an earlier transfer on this (pooled) socket served: its late datagrams are dropped without ERROR 5. */
  formerPeer?(address: string, port: number): boolean;
}

export interface Transfer {
  readonly filename: string;
  /** Ends the transfer now (server shutdown, superseded); resolves once its socket is closed. */
  abort(outcome: 'aborted' | 'superseded'): Promise<void>;
  /** Resolves once the transfer has ended and its socket is closed. */
  readonly closed: Promise<void>;
}

/** Starts sending on an already bound socket. Never throws; every end goes through `onEnd`. */
export function startTransfer(p: TransferParams): Transfer {
  const { socket, remote, data, blksize, windowsize, counters, log } = p;
  const debug = log.isLevelEnabled('debug');
  const started = performance.now();
  // Block n (1-based, never wrapped here) carries bytes [(n-1)*blksize, n*blksize); the last block is
  // shorter than blksize, possibly empty, which is how the client knows the file ended.
  const lastBlock = Math.floor(data.length / blksize) + 1;
  let phase: 'oack' | 'data' | 'ended' = p.oack.size > 0 ? 'oack' : 'data';
  /** Lowest block not yet acknowledged. */
  let base = 1;
  /** Next block to put on the wire. */
  let next = 1;
  /** Highest block sent so far. */
  let sentHigh = 0;
  let retriesLeft = p.retries;
  let retransmits = 0;
  let clientError: { code: number; message: string } | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  // A send that fails is resent by the timer like a lost one. The callback is only there to log it at
  // debug: each one costs a tick per datagram, which a boot storm has thousands of.
  const onSendError = debug
    ? (err: Error | null): void => {
        if (err) log.debug({ err: err.message }, 'tftp send failed');
      }
    : undefined;

  const sendBlock = (n: number): void => {
    const from = (n - 1) * blksize;
    const payload = data.subarray(from, Math.min(from + blksize, data.length));
    socket.send([encodeDataHeader(n), payload], remote.port, remote.address, onSendError);
    if (n > sentHigh) sentHigh = n;
  };

  /** Sends every block the window allows, starting at `next`. */
  const fillWindow = (): void => {
    while (next <= lastBlock && next < base + windowsize) sendBlock(next++);
  };

  const oackPacket = p.oack.size > 0 ? encodeOack(p.oack) : null;

  const end = (outcome: TransferOutcome): void => {
    if (phase === 'ended') return;
    phase = 'ended';
    clearTimeout(timer);
    socket.removeAllListeners('message');
    if (outcome !== 'socket-error' && outcome !== 'aborted' && p.release?.(socket, remote)) {
      resolveClosed();
    } else {
      try {
        socket.close(() => resolveClosed());
      } catch {
        // Already closed by a socket error: nothing left to free.
        resolveClosed();
      }
    }
    const acked = base - 1;
    const summary: TransferSummary = {
      filename: p.filename,
      remote,
      outcome,
      size: data.length,
      bytes: Math.min(acked * blksize, data.length),
      blocks: acked,
      blksize,
      windowsize,
      retransmits,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (clientError) summary.clientError = clientError;
    p.onEnd(summary);
  };

  const onTimeout = (): void => {
    try {
      if (phase === 'ended') return;
      if (retriesLeft <= 0) {
        end('timeout');
        return;
      }
      retriesLeft--;
      retransmits++;
      counters.retransmits++;
      if (phase === 'oack') {
        socket.send(oackPacket!, remote.port, remote.address, onSendError);
        if (debug) log.debug({ remote }, 'tftp OACK retransmitted');
      } else {
        // Go back to the oldest unacknowledged block and resend the whole window from there.
        next = base;
        if (debug) log.debug({ remote, block: base }, 'tftp window retransmitted');
        fillWindow();
      }
      timer.refresh();
    } catch (err) {
      log.error({ err }, 'tftp retransmission failed');
      end('socket-error');
    }
  };
  const timer = setTimeout(onTimeout, p.timeoutMs);
  timer.unref();

  const onAck = (wire: number): void => {
    if (phase === 'oack') {
      if (wire !== 0) return;
      phase = 'data';
      fillWindow();
      retriesLeft = p.retries;
      timer.refresh();
      return;
    }
    // Map the 16-bit block number onto the blocks in flight: it names `base - 1` (already
    // acknowledged: a duplicate), a block in [base, sentHigh] (progress), or nothing we sent.
    const ref = base - 1;
    const delta = (wire - ref) & 0xffff;
    if (delta === 0) {
      // Duplicate ACK: answering it is the Sorcerer's Apprentice bug. Only the timer resends.
      counters.duplicateAcks++;
      return;
    }
    const k = ref + delta;
    if (k > sentHigh) return;
    base = k + 1;
    if (k >= lastBlock) {
      end('completed');
      return;
    }
    // RFC 7440: an ACK inside the window means the client lost what follows it; resume from there.
    if (next > base) next = base;
    fillWindow();
    retriesLeft = p.retries;
    timer.refresh();
  };

  const onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    try {
      if (phase === 'ended') return;
      if (rinfo.port !== remote.port || rinfo.address !== remote.address) {
        counters.unknownTid++;
        // A former peer of this pooled socket is not told (see the server's formerPeers).
        if (p.formerPeer?.(rinfo.address, rinfo.port)) {
          if (debug) log.debug({ former: { address: rinfo.address, port: rinfo.port }, remote }, 'tftp late datagram from a former peer dropped');
          return;
        }
        // RFC 1350 §4: tell the stranger, leave the transfer alone.
        counters.errorsSent[TFTP_ERROR.UNKNOWN_TID] = (counters.errorsSent[TFTP_ERROR.UNKNOWN_TID] ?? 0) + 1;
        socket.send(encodeError(TFTP_ERROR.UNKNOWN_TID, 'unknown transfer ID'), rinfo.port, rinfo.address, onSendError);
        if (debug) log.debug({ stranger: { address: rinfo.address, port: rinfo.port }, remote }, 'tftp datagram from unknown TID');
        return;
      }
      const r = decodePacket(msg);
      if (!r.ok) {
        p.onMalformed(r.reason, rinfo, 'transfer');
        return;
      }
      const pkt = r.packet;
      if (pkt.opcode === OPCODE.ACK) {
        onAck(pkt.block);
      } else if (pkt.opcode === OPCODE.ERROR) {
        clientError = { code: pkt.code, message: pkt.message };
        end('client-error');
      } else {
        p.onMalformed('BAD_OPCODE', rinfo, 'transfer');
      }
    } catch (err) {
      log.error({ err, remote }, 'tftp transfer handler failed');
      end('socket-error');
    }
  };

  socket.on('message', onMessage);
  socket.on('error', (err) => {
    log.warn({ err, remote }, 'tftp transfer socket error');
    end('socket-error');
  });

  try {
    if (oackPacket) socket.send(oackPacket, remote.port, remote.address, onSendError);
    else fillWindow();
  } catch (err) {
    log.error({ err, remote }, 'tftp transfer could not start');
    end('socket-error');
  }

  return {
    filename: p.filename,
    closed,
    abort(outcome) {
      end(outcome);
      return closed;
    },
  };
}
