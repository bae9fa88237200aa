/**
 * Resident memory of a process from Linux's /proc/<pid>/status: VmRSS (now) and VmHWM (the peak
 * the kernel has seen since the process started). VmHWM catches a peak between two samples, so a
 * sampler only needs to be frequent enough to say *when* memory rose, not to catch the top.
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** Resident set size now, in bytes. */
  rss: number;
  /** High-water mark of the resident set since the process started, in bytes. */
  hwm: number;
}

/** VmRSS and VmHWM (reported in kB) from the text of /proc/<pid>/status; undefined when either is missing. */
export function parseProcStatus(text: string): ProcMemory | undefined {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  return rss === undefined || hwm === undefined ? undefined : { rss, hwm };
}

/** The memory of `pid` now; undefined when the process is gone or /proc is not Linux's. */
export function procMemory(pid: number | undefined): ProcMemory | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's VmRSS every `everyMs` until stopped; `stop()` returns the largest VmRSS seen
 * and the process's VmHWM at that moment (the true peak, whichever is larger is reported).
 */
export function sampleRss(pid: number | undefined, everyMs = 50): { stop(): { peakRss: number; hwm: number; samples: number } } {
  let peakRss = 0;
  let samples = 0;
  const take = (): ProcMemory | undefined => {
    const m = procMemory(pid);
    if (m) {
      samples++;
      peakRss = Math.max(peakRss, m.rss);
    }
    return m;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const last = take();
      return { peakRss, hwm: last?.hwm ?? NaN, samples };
    },
  };
}

export const MB = 1024 * 1024;
