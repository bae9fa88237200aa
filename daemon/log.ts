/**
 * The daemon's loggers: pino NDJSON on stdout through one non-blocking destination. Lines collect
 * up to 12 KiB (about 40 request lines) and go out in one write, and at the latest after
 * 100 ms, so a boot storm's one line per request costs a few µs each and a quiet daemon's lines
 * still show up promptly. Two loggers share it:
 * - `log`, for everything, with the full redaction list (shared/log.ts);
 * - `requestLog`, for the one line per phone request only. Its fields are fixed and carry no
 *   secret by construction (protocol, ip, path, mac, vendor, kind, access, outcome, status), so it
 *   redacts top-level keys only: the wildcard paths of the full list cost ~30 µs per line.
 * `flush()` before exiting; a SIGKILL loses at most the unflushed tail of the lines.
 */
import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../shared/log.js';

export interface DaemonLoggers {
  log: Logger;
  requestLog: Logger;
  /** Resolves once everything logged so far is written (bounded: 2 s). */
  flush(): Promise<void>;
  /** Sets both loggers' level; their children follow (pino children inherit a level they did not set). */
  setLevel(level: string): void;
}

/** Top-level keys the request line could never carry, redacted anyway. */
const REQUEST_LINE_REDACT = ['password', 'login_password', 'prov_password', 'authorization', 'token', 'cookie'];

export function createDaemonLoggers(level: string, name = 'edgeprov-daemon'): DaemonLoggers {
  // Non-blocking: a slow reader of stdout (journald backed up) must not stall phones. Each write
  // is a hand-off to libuv's thread pool, which on a busy core costs the event loop its turn: so
  // lines go out in 12 KiB batches (about 40 request lines), under sonic-boom's 16 KiB write cap.
  const dest = pino.destination({ dest: 1, sync: false, minLength: 12 * 1024, maxWrite: 16 * 1024 });
  const timer = setInterval(() => dest.flush(), 100);
  timer.unref();
  const log = pino({ name, level, redact: { paths: REDACT_PATHS, censor: '***' } }, dest);
  const requestLog = pino({ name, level, redact: { paths: REQUEST_LINE_REDACT, censor: '***' } }, dest);
  return {
    log,
    requestLog,
    setLevel(level) {
      log.level = level;
      requestLog.level = level;
    },
    flush: () =>
      new Promise<void>((resolve) => {
        const bound = setTimeout(resolve, 2000);
        dest.flush(() => {
          clearTimeout(bound);
          resolve();
        });
      }),
  };
}
