/**
 * TEST ONLY: a daemon process whose clock a test can move. The house rule is that only the clock
 * may be faked, never a sleep waiting for time to pass; an in-process test injects a clock, and this
 * is the same for a real `edgeprov daemon` child process. `EDGEPROV_TEST_CLOCK_FILE=<file>` makes
 * the daemon's clock the system clock plus the whole milliseconds written in that file, re-read at
 * every reading of the clock, so a test writes the file and its very next request sees the new time
 * (no signal, no watcher, nothing to wait for). An empty file is an offset of 0.
 *
 * It is refused under NODE_ENV=production and announced with a warning at start otherwise: a moved
 * clock changes which bootstrap sessions a phone gets, so it must never slip into an edge in service.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ProvError } from '../shared/errors.js';
import { systemClock, type Clock } from '../shared/clock.js';

export const TEST_CLOCK_ENV = 'EDGEPROV_TEST_CLOCK_FILE';

export interface TestClock extends Clock {
  readonly file: string;
  /** The offset in force (ms), as last read. */
  offsetMs(): number;
}

/** The offset the file holds, or its content when that is not a whole number of milliseconds. */
function readOffset(file: string): { offset: number } | { bad: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { offset: 0 };
    throw err;
  }
  if (text === '') return { offset: 0 };
  return /^[+-]?\d{1,15}$/.test(text) ? { offset: Number(text) } : { bad: text.slice(0, 100) };
}

/**
 * The clock for `file`, which must exist at start (a mistyped path would otherwise move nothing,
 * silently). Content that is not a whole number (a typo, a half-written file) keeps the previous
 * offset and is reported through `onBadContent`, once per distinct content.
 */
export function createTestClock(file: string, onBadContent: (content: string) => void): TestClock {
  const invalid = (why: string) => new ProvError('CONFIG_INVALID', `invalid configuration:\n  ${TEST_CLOCK_ENV}: ${file} ${why}`);
  if (!existsSync(file)) throw invalid('does not exist (write the clock\'s offset in milliseconds into it, e.g. 0)');
  const first = readOffset(file);
  if ('bad' in first) throw invalid(`must hold a whole number of milliseconds (the clock's offset), not "${first.bad}"`);
  let offset = first.offset;
  let lastBad: string | undefined;
  const refresh = (): number => {
    const read = readOffset(file);
    if ('offset' in read) offset = read.offset;
    else if (read.bad !== lastBad) onBadContent((lastBad = read.bad));
    return offset;
  };
  return {
    file,
    now: () => new Date(systemClock.now().getTime() + refresh()),
    offsetMs: () => offset,
  };
}

/**
 * The test clock `env` asks for, or undefined. Throws CONFIG_INVALID under NODE_ENV=production:
 * an edge in service keeps the system's time.
 */
export function testClockFromEnv(env: Record<string, string | undefined>, onBadContent: (content: string) => void): TestClock | undefined {
  const file = env[TEST_CLOCK_ENV];
  if (file === undefined || file === '') return undefined;
  if (env.NODE_ENV === 'production') {
    throw new ProvError('CONFIG_INVALID', `invalid configuration:\n  ${TEST_CLOCK_ENV} is for tests only and is refused with NODE_ENV=production`);
  }
  return createTestClock(file, onBadContent);
}
