/** IPv4 addresses as unsigned 32-bit integers (how leases are stored and pools are walked). */

const DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: string): boolean {
  return typeof s === 'string' && DOTTED.test(s);
}

/** `10.0.0.1` → 167772161; undefined for anything that is not a dotted quad. */
export function ipToInt(s: string): number | undefined {
  if (!isIpv4(s)) return undefined;
  const p = s.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
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
