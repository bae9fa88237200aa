/** IPv4 addresses as unsigned 32-bit integers (how leases are stored and pools are walked). */

const DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: string): boolean {
  return typeof s === 'string' && DOTTED.test(s);
}

/**
 * `10.0.0.1` → 167772161; undefined for anything that is not a dotted quad (the same strings as
 * isIpv4: no leading zeros, no signs or spaces). Hand-parsed, as it runs several times per datagram.
 */
export function ipToInt(s: string): number | undefined {
  if (typeof s !== 'string' || s.length < 7 || s.length > 15) return undefined;
  let n = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255) return undefined;
      n = n * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else return undefined;
  }
  return parts === 4 ? n : undefined;
}

export function intToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The mask of a prefix length: 24 → 0xffffff00. */
export function prefixMask(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous mask, or undefined (255.0.255.0 is no mask). */
export function maskPrefix(mask: number): number | undefined {
  for (let p = 0; p <= 32; p++) if (prefixMask(p) === mask >>> 0) return p;
  return undefined;
}

/** The longest prefix (at least /8) whose network holds every address given. */
export function commonPrefix(addrs: readonly number[]): number {
  for (let p = 30; p >= 8; p--) {
    const m = prefixMask(p);
    const first = addrs[0]!;
    if (addrs.every((a) => ((a & m) >>> 0) === ((first & m) >>> 0))) return p;
  }
  return 8;
}

export function sameNetwork(a: number, b: number, mask: number): boolean {
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** Four bytes in network order. */
export function ipBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
