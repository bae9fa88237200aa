/**
 * MAC addresses. The canonical form is 12 lower-case hex digits; every notation an admin
 * or a phone uses is accepted on the way in and rejected with a clear message otherwise.
 */
import { ProvError } from './errors.js';

const NOTATIONS: readonly RegExp[] = [
  /^[0-9a-f]{12}$/i, // 001565aabbcc
  /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, // 00:15:65:aa:bb:cc
  /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/i, // 00-15-65-aa-bb-cc
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){2}$/i, // 0015.65aa.bbcc (Cisco)
];

/** The canonical form of `input`, or null when it is not a MAC in a notation we accept. */
export function tryParseMac(input: string): string | null {
  const s = input.trim();
  if (!NOTATIONS.some((re) => re.test(s))) return null;
  return s.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** The canonical form of `input`; throws INVALID_MAC naming the accepted notations. */
export function parseMac(input: string): string {
  const mac = tryParseMac(input);
  if (mac === null) {
    throw new ProvError(
      'INVALID_MAC',
      `"${input}" is not a MAC address; use 12 hex digits, e.g. 00:15:65:AA:BB:CC, 00-15-65-AA-BB-CC, 001565aabbcc or 0015.65aa.bbcc`,
      { value: input },
    );
  }
  return mac;
}

export function macUpper(mac: string): string {
  return mac.toUpperCase();
}

export function macColon(mac: string): string {
  return mac.match(/../g)!.join(':');
}

/** The OUI (first three bytes) as 6 lower-case hex digits. */
export function macOui(mac: string): string {
  return mac.slice(0, 6);
}
