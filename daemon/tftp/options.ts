/**
 * @module Option negotiation for read requests: RFC 2347 (OACK), 2348 `blksize`, 2349 `timeout` and
 * `tsize`, 7440 `windowsize`. Pure functions; the server owns the limits.
 */

export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
export const DEFAULT_BLKSIZE = 512;
export const MAX_WINDOWSIZE = 65535;

export interface NegotiationLimits {
  /** Largest block size the server agrees to (a client offering more gets this). */
  maxBlksize: number;
  /** Largest window the server agrees to. */
  maxWindowsize: number;
  /** Largest client `timeout` (seconds) the server acknowledges; larger offers are not acknowledged. */
  maxClientTimeoutS: number;
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  /** Retransmission interval the client asked for (ms), if acknowledged. */
  timeoutMs: number | undefined;
  /** Options to put in the OACK, in the client's order; empty means no OACK (plain DATA 1). */
  oack: Map<string, string>;
}

/** A decimal integer as an option value: digits only, no sign, no spaces, no exponent. */
function parseOptionInt(value: string): number | null {
  if (!/^[0-9]{1,10}$/.test(value)) return null;
  return Number(value);
}

/**
 * Decides which of the client's options to acknowledge. Unknown options and unusable values are
 * ignored rather than refused (RFC 2347 lets the server omit what it will not honour), so a
 * client never loses its file over an option.
 * @param size the size the client will receive (after netascii conversion), for `tsize`.
 */
export function negotiateOptions(requested: ReadonlyMap<string, string>, size: number, limits: NegotiationLimits): Negotiated {
  const out: Negotiated = { blksize: DEFAULT_BLKSIZE, windowsize: 1, timeoutMs: undefined, oack: new Map() };
  for (const [name, value] of requested) {
    const n = parseOptionInt(value);
    if (n === null) continue;
    switch (name) {
      case 'blksize':
        if (n < MIN_BLKSIZE) break;
        out.blksize = Math.min(n, MAX_BLKSIZE, limits.maxBlksize);
        out.oack.set(name, String(out.blksize));
        break;
      case 'windowsize':
        if (n < 1 || n > MAX_WINDOWSIZE) break;
        out.windowsize = Math.min(n, limits.maxWindowsize);
        out.oack.set(name, String(out.windowsize));
        break;
      case 'timeout':
        // RFC 2349: 1..255 s, and the server may not change it, only accept or ignore it.
        if (n < 1 || n > 255 || n > limits.maxClientTimeoutS) break;
        out.timeoutMs = n * 1000;
        out.oack.set(name, String(n));
        break;
      case 'tsize':
        out.oack.set(name, String(size));
        break;
      default:
        break;
    }
  }
  return out;
}
