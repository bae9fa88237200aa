/**
 * Network namespaces for tests that need real broadcast traffic (DHCP): a server namespace and a
 * client namespace joined by a veth pair created inside them (it never exists in the host's
 * namespace), addressed 10.99.x.y only there. Child processes run in them with `ip netns exec`;
 * every wait is an event bounded by a timeout, and only processes started here are killed, by PID.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`). Never rejects: the exit code says. */
export function run(cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      // A number: the exit code; 'ENOENT': no such command (127, as a shell says); else killed (-1).
      const raw = (err as { code?: unknown } | null)?.code;
      const code = !err ? 0 : typeof raw === 'number' ? raw : raw === 'ENOENT' ? 127 : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export async function mustRun(cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** True when this process may create network namespaces (root, iproute2 with netns support). */
export async function netnsAvailable(): Promise<boolean> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  const probe = `epd-probe-${process.pid}`;
  const added = await run('ip', ['netns', 'add', probe]);
  if (added.code !== 0) return false;
  await run('ip', ['netns', 'del', probe]);
  return true;
}

/** True when `cmd` exists (whatever it answers to `args`). */
export async function hasCommand(cmd: string, args: readonly string[] = ['--help']): Promise<boolean> {
  return (await run(cmd, args, 5000)).code !== 127;
}

export interface NsPair {
  server: string;
  client: string;
  /** Interface names inside each namespace. */
  serverIf: string;
  clientIf: string;
  /** Removes both namespaces (and with them the veth pair). Safe to call twice. */
  destroy(): Promise<void>;
  /** The same, synchronously: for a signal handler that must finish before the process exits. */
  destroySync(): void;
}

/**
 * Two namespaces joined by veth: the server side gets `serverCidr`, the client side `clientCidr`
 * (optional), loopback is up in both, and the client namespace routes everything out its veth (so
 * a socket on 0.0.0.0 can broadcast, as a DHCP client does).
 */
export async function createPair(tag: string, serverCidr: string, clientCidr?: string): Promise<NsPair> {
  const server = `epd-${tag}-s-${process.pid}`;
  const client = `epd-${tag}-c-${process.pid}`;
  const pair: NsPair = {
    server, client, serverIf: 'veth-s', clientIf: 'veth-c',
    async destroy() {
      await run('ip', ['netns', 'del', server]);
      await run('ip', ['netns', 'del', client]);
    },
    destroySync() {
      for (const ns of [server, client]) spawnSync('ip', ['netns', 'del', ns]);
    },
  };
  try {
    await mustRun('ip', ['netns', 'add', server]);
    await mustRun('ip', ['netns', 'add', client]);
    await mustRun('ip', ['-n', server, 'link', 'add', 'veth-s', 'type', 'veth', 'peer', 'name', 'veth-c', 'netns', client]);
    await mustRun('ip', ['-n', server, 'addr', 'add', serverCidr, 'dev', 'veth-s']);
    await mustRun('ip', ['-n', server, 'link', 'set', 'veth-s', 'up']);
    await mustRun('ip', ['-n', server, 'link', 'set', 'lo', 'up']);
    if (clientCidr) await mustRun('ip', ['-n', client, 'addr', 'add', clientCidr, 'dev', 'veth-c']);
    await mustRun('ip', ['-n', client, 'link', 'set', 'veth-c', 'up']);
    await mustRun('ip', ['-n', client, 'link', 'set', 'lo', 'up']);
    await mustRun('ip', ['-n', client, 'route', 'add', 'default', 'dev', 'veth-c']);
  } catch (err) {
    await pair.destroy();
    throw err;
  }
  return pair;
}

/** `ip netns exec NS cmd args…` as an argument list for spawn/execFile. */
export function inNs(ns: string, cmd: string, args: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, cmd, ...args]];
}

export type JsonLine = Record<string, unknown>;

/**
 * A child process speaking JSON lines on stdout (events and answers to `{id, op}` commands on
 * stdin). `ip netns exec` execs the command, so the PID is the command's own.
 */
export class LineProcess {
  readonly child: ChildProcess;
  readonly events: JsonLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private nextId = 1;
  private waiters: Array<{ pred: (e: JsonLine) => boolean; resolve: (e: JsonLine) => void }> = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(cmd: string, args: readonly string[]) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let e: JsonLine;
      try {
        e = JSON.parse(line) as JsonLine;
      } catch {
        e = { event: 'text', line };
      }
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(e)) return true;
        w.resolve(e);
        return false;
      });
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 2000) this.stderr.shift();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The first event (already received or still to come) matching `pred`. */
  waitFor(pred: (e: JsonLine) => boolean, what: string, timeoutMs = 10_000, fromIndex = 0): Promise<JsonLine> {
    const seen = this.events.slice(fromIndex).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; exit ${JSON.stringify(this.exitInfo)}; stderr tail:\n${this.stderr.slice(-15).join('\n')}`));
      }, timeoutMs);
      const waiter = {
        pred,
        resolve: (e: JsonLine) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        reject(new Error(`process exited (${JSON.stringify(this.exitInfo)}) while waiting for ${what}; stderr tail:\n${this.stderr.slice(-15).join('\n')}`));
      });
    });
  }

  /** Sends `{id, ...cmd}` and resolves with the answer carrying that id. */
  async request(cmd: JsonLine, timeoutMs = 10_000): Promise<JsonLine> {
    const id = this.nextId++;
    const answer = this.waitFor((e) => e.id === id, `answer to ${String(cmd.op)}`, timeoutMs, this.events.length);
    this.child.stdin!.write(`${JSON.stringify({ id, ...cmd })}\n`);
    const a = await answer;
    if (a.ok !== true) throw new Error(`${String(cmd.op)} failed: ${String(a.error)}`);
    return a;
  }

  /** SIGTERM (or `signal`), then SIGKILL if it has not exited within `graceMs`. Only this process. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    this.child.kill(signal);
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
