/**
 * A TCP proxy on loopback that puts WAN faults between an edge and the hub (DESIGN §10):
 *
 * - `pass`: bytes flow both ways; a close on one side closes the other.
 * - `blackhole`: every byte is dropped silently and closes are NOT passed on (no FIN, no RST):
 *   the link is dead but neither end is told, exactly what a heartbeat must catch. New
 *   connections are accepted and then hear nothing (their handshake times out).
 * - `stall`: the proxy stops reading from the hub (the edge "stops reading"): TCP backpressure
 *   fills the kernel buffers and the hub's socket `bufferedAmount` grows.
 * - `reset()`: every live connection is reset (RST) on both sides.
 * - `delayMs`: every chunk is held that long (order kept).
 * - `duplicate`: every complete WebSocket data frame (text or binary, FIN set) is written twice.
 *   This is done at the TCP level, honestly: the proxy skips the HTTP upgrade header, then parses
 *   RFC 6455 frame headers (length, mask) in each direction and writes a frame's exact bytes a
 *   second time. Client frames stay masked with their own key; control frames are not
 *   duplicated; it needs permessage-deflate off (a compressed frame cannot be replayed), which
 *   both ends of our sync are.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'blackhole' | 'stall';

export interface FaultProxyStats {
  accepted: number;
  duplicatedToEdge: number;
  duplicatedToHub: number;
  framesToEdge: number;
  framesToHub: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: give this to the edge as its hub URL. */
  readonly url: string;
  readonly stats: FaultProxyStats;
  mode: FaultMode;
  setMode(mode: FaultMode): void;
  delayMs: number;
  duplicate: { toEdge: boolean; toHub: boolean };
  /** New connections go to this port from now on (a hub restarted elsewhere). */
  setTarget(port: number): void;
  /** Resets (RST) every live connection. */
  reset(): void;
  /** Live proxied connections. */
  connections(): number;
  close(): Promise<void>;
}

/** Splits a byte stream into WebSocket frames after an HTTP header; calls `frame(bytes, opcode, fin)` per frame. */
class FrameSplitter {
  #buf: Buffer = Buffer.alloc(0);
  #headerDone = false;

  constructor(private readonly emit: (bytes: Buffer, ws: { opcode: number; fin: boolean } | null) => void) {}

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    if (!this.#headerDone) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.emit(this.#buf.subarray(0, end + 4), null);
      this.#buf = this.#buf.subarray(end + 4);
      this.#headerDone = true;
    }
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (masked) off += 4;
      if (b.length < off + len) return;
      this.emit(b.subarray(0, off + len), { opcode, fin });
      this.#buf = b.subarray(off + len);
    }
  }
}

interface Conn {
  edge: Socket;
  hub: Socket;
  dead: boolean;
}

export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const host = target.host ?? '127.0.0.1';
  let targetPort = target.port;
  const conns = new Set<Conn>();
  const stats: FaultProxyStats = { accepted: 0, duplicatedToEdge: 0, duplicatedToHub: 0, framesToEdge: 0, framesToHub: 0 };
  let mode: FaultMode = 'pass';

  const proxy: FaultProxy = {
    port: 0,
    url: '',
    stats,
    get mode() {
      return mode;
    },
    set mode(m: FaultMode) {
      proxy.setMode(m);
    },
    setMode(m) {
      mode = m;
      for (const c of conns) {
        if (m === 'blackhole') c.dead = true;
        if (m === 'stall') c.hub.pause();
        else if (!c.hub.destroyed) c.hub.resume();
      }
    },
    delayMs: 0,
    duplicate: { toEdge: false, toHub: false },
    setTarget(port) {
      targetPort = port;
    },
    reset() {
      for (const c of conns) {
        c.edge.resetAndDestroy();
        c.hub.resetAndDestroy();
      }
      conns.clear();
    },
    connections: () => conns.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) {
          c.edge.destroy();
          c.hub.destroy();
        }
        conns.clear();
        server.close(() => resolve());
      }),
  };

  /** Writes to `to` after the configured delay, keeping order. */
  function writer(to: Socket): (bytes: Buffer) => void {
    let chain = Promise.resolve();
    return (bytes) => {
      if (proxy.delayMs <= 0) {
        if (!to.destroyed) to.write(bytes);
        return;
      }
      const copy = Buffer.from(bytes);
      const ms = proxy.delayMs;
      chain = chain.then(() => new Promise<void>((r) => setTimeout(r, ms))).then(() => {
        if (!to.destroyed) to.write(copy);
      });
    };
  }

  const server: Server = createServer((edge) => {
    stats.accepted++;
    const hub = createConnection({ host, port: targetPort });
    const c: Conn = { edge, hub, dead: mode === 'blackhole' };
    conns.add(c);
    if (mode === 'stall') hub.pause();
    const toHub = writer(hub);
    const toEdge = writer(edge);
    const upstream = new FrameSplitter((bytes, ws) => {
      if (c.dead) return;
      toHub(bytes);
      if (ws) stats.framesToHub++;
      if (ws && proxy.duplicate.toHub && ws.fin && (ws.opcode === 1 || ws.opcode === 2)) {
        stats.duplicatedToHub++;
        toHub(bytes);
      }
    });
    const downstream = new FrameSplitter((bytes, ws) => {
      if (c.dead) return;
      toEdge(bytes);
      if (ws) stats.framesToEdge++;
      if (ws && proxy.duplicate.toEdge && ws.fin && (ws.opcode === 1 || ws.opcode === 2)) {
        stats.duplicatedToEdge++;
        toEdge(bytes);
      }
    });
    edge.on('data', (b: Buffer) => upstream.push(b));
    hub.on('data', (b: Buffer) => downstream.push(b));
    // A blackholed link passes no close either: the other end must find out by itself.
    const closeBoth = (): void => {
      if (c.dead) {
        // Keep the other side open and silent; only forget the connection once both are gone.
        if (edge.destroyed && hub.destroyed) conns.delete(c);
        return;
      }
      conns.delete(c);
      edge.destroy();
      hub.destroy();
    };
    edge.on('close', closeBoth);
    hub.on('close', closeBoth);
    edge.on('error', () => {});
    hub.on('error', () => {});
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  Object.assign(proxy, { port, url: `http://127.0.0.1:${port}` });
  return proxy;
}
