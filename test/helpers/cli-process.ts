/**
 * Real child processes of the `edgeprov` CLI for integration tests: run one to completion, or start a
 * long-running one and await lines on its stdout. Every wait is an event (a line, 'exit') bounded by a
 * timeout that fails the test; only processes started here are ever killed, by their own handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** <outDir>/hub/cli.js, relative to this compiled file (<outDir>/test/helpers/). */
export const CLI = fileURLToPath(new URL('../../hub/cli.js', import.meta.url));

/** process.env without any EDGEPROV_* variable (hermetic), plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGEPROV_')) env[k] = v;
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs `edgeprov ...args` to completion; a process still running after `timeoutMs` is killed and the test fails. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? cliEnv(), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`edgeprov ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'close' fires after the process exited and its stdio streams ended: the output is complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
}

interface Waiter {
  match: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A long-running `edgeprov` child whose stdout lines are kept and can be awaited. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  private waiters: Waiter[] = [];
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? cliEnv(), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => (this.stderr += s));
    const rl = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    rl.on('line', (line) => {
      this.lines.push(line);
      for (const w of [...this.waiters]) {
        if (w.match(line)) {
          this.drop(w);
          w.resolve(line);
        }
      }
    });
    this.exited = new Promise((resolve) => {
      // 'close': the process is gone and every stdout line has been read.
      this.child.once('close', (code, signal) => {
        for (const w of [...this.waiters]) {
          this.drop(w);
          w.reject(new Error(`edgeprov ${args.join(' ')} exited (code ${code}, signal ${signal}) before the awaited line; stderr:\n${this.stderr}\nstdout:\n${this.lines.join('\n')}`));
        }
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private drop(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
  }

  /** The first stdout line (already seen or still to come) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    if (!this.running) return Promise.reject(new Error(`process already exited; never printed ${what}; stderr:\n${this.stderr}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match, resolve, reject,
        timer: setTimeout(() => {
          this.drop(w);
          reject(new Error(`no ${what} on stdout within ${timeoutMs} ms; stderr:\n${this.stderr}\nstdout:\n${this.lines.join('\n')}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Resolves when the process has exited; rejects (and SIGKILLs it) after `timeoutMs`. */
  waitExit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`process ${this.pid} did not exit within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /** SIGTERM, then the exit status. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill('SIGTERM');
    return this.waitExit(timeoutMs);
  }

  /** Cleanup for after()/finally: SIGKILL this very child if it is still running. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** Parses a pino NDJSON line; throws naming the line when it is not JSON. */
export function logLine(line: string): Record<string, unknown> {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new Error(`log line is not a JSON object (${(err as Error).message}): ${line}`);
  }
}
