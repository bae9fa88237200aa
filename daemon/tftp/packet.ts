/**
 * @module TFTP wire format (RFC 1350, option extension RFC 2347): decoding that never throws and
 * encoders for the packets a read-only server sends. Every decoder takes bytes straight off the wire,
 * so a runt, truncated or mutated datagram yields `{ ok: false, reason }` and is dropped by the caller.
 */

export const OPCODE = {
  RRQ: 1,
  WRQ: 2,
  DATA: 3,
  ACK: 4,
  ERROR: 5,
  OACK: 6,
} as const;

/** RFC 1350 (and RFC 2347 for 8) error codes; the numbers are the protocol's, the names are ours. */
export const TFTP_ERROR = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;

export type TransferMode = 'octet' | 'netascii';

/** A read or write request. `options` keeps the client's order; names are lower-cased, first occurrence wins. */
export interface RequestPacket {
  opcode: typeof OPCODE.RRQ | typeof OPCODE.WRQ;
  /** The file name as sent, bytes mapped 1:1 to characters (latin1); not yet normalised. */
  filename: string;
  /** Lower-cased mode string as sent (`octet`, `netascii`, `mail` or anything else). */
  mode: string;
  options: Map<string, string>;
}

export type Packet =
  | RequestPacket
  | { opcode: typeof OPCODE.DATA; block: number; data: Buffer }
  | { opcode: typeof OPCODE.ACK; block: number }
  | { opcode: typeof OPCODE.ERROR; code: number; message: string }
  | { opcode: typeof OPCODE.OACK; options: Map<string, string> };

/** Why a datagram was not a packet; stable strings for logs and tests. */
export type MalformedReason =
  | 'RUNT'
  | 'BAD_OPCODE'
  | 'BAD_LENGTH'
  | 'MISSING_NUL'
  | 'EMPTY_FILENAME'
  | 'EMPTY_MODE'
  | 'BAD_OPTION';

export type DecodeResult = { ok: true; packet: Packet } | { ok: false; reason: MalformedReason };

/**
 * Splits `buf[start..]` into NUL-terminated latin1 strings. Returns null if the last string is not
 * terminated, so a truncated request is always malformed rather than silently shortened.
 */
function splitStrings(buf: Buffer, start: number): string[] | null {
  const out: string[] = [];
  let from = start;
  while (from < buf.length) {
    const nul = buf.indexOf(0, from);
    if (nul === -1) return null;
    out.push(buf.toString('latin1', from, nul));
    from = nul + 1;
  }
  return out;
}

function decodeRequest(opcode: typeof OPCODE.RRQ | typeof OPCODE.WRQ, buf: Buffer): DecodeResult {
  const parts = splitStrings(buf, 2);
  if (parts === null) return { ok: false, reason: 'MISSING_NUL' };
  const [filename, mode, ...rest] = parts;
  if (filename === undefined || mode === undefined) return { ok: false, reason: 'MISSING_NUL' };
  if (filename === '') return { ok: false, reason: 'EMPTY_FILENAME' };
  if (mode === '') return { ok: false, reason: 'EMPTY_MODE' };
  // Some boot ROMs pad requests with NULs; trailing empty strings carry nothing and are dropped.
  while (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  if (rest.length % 2 !== 0) return { ok: false, reason: 'BAD_OPTION' };
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i]!.toLowerCase();
    if (name === '') return { ok: false, reason: 'BAD_OPTION' };
    if (!options.has(name)) options.set(name, rest[i + 1]!);
  }
  return { ok: true, packet: { opcode, filename, mode: mode.toLowerCase(), options } };
}

/** Decodes one datagram. Never throws. */
export function decodePacket(buf: Buffer): DecodeResult {
  if (buf.length < 2) return { ok: false, reason: 'RUNT' };
  const opcode = buf.readUInt16BE(0);
  switch (opcode) {
    case OPCODE.RRQ:
    case OPCODE.WRQ:
      return decodeRequest(opcode, buf);
    case OPCODE.DATA:
      if (buf.length < 4) return { ok: false, reason: 'RUNT' };
      return { ok: true, packet: { opcode, block: buf.readUInt16BE(2), data: buf.subarray(4) } };
    case OPCODE.ACK:
      // An ACK is exactly 4 bytes; a longer one is not something a sane client sends.
      if (buf.length !== 4) return { ok: false, reason: buf.length < 4 ? 'RUNT' : 'BAD_LENGTH' };
      return { ok: true, packet: { opcode, block: buf.readUInt16BE(2) } };
    case OPCODE.ERROR: {
      if (buf.length < 4) return { ok: false, reason: 'RUNT' };
      // The message should be NUL-terminated; clients that forget the NUL still mean ERROR.
      const end = buf.indexOf(0, 4);
      const message = buf.toString('latin1', 4, end === -1 ? buf.length : end);
      return { ok: true, packet: { opcode, code: buf.readUInt16BE(2), message } };
    }
    case OPCODE.OACK: {
      const parts = splitStrings(buf, 2);
      if (parts === null) return { ok: false, reason: 'MISSING_NUL' };
      if (parts.length % 2 !== 0) return { ok: false, reason: 'BAD_OPTION' };
      const options = new Map<string, string>();
      for (let i = 0; i < parts.length; i += 2) options.set(parts[i]!.toLowerCase(), parts[i + 1]!);
      return { ok: true, packet: { opcode, options } };
    }
    default:
      return { ok: false, reason: 'BAD_OPCODE' };
  }
}

/** DATA header for `block` (wrapped to 16 bits); the payload is sent alongside it without a copy. */
export function encodeDataHeader(block: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt16BE(OPCODE.DATA, 0);
  b.writeUInt16BE(block & 0xffff, 2);
  return b;
}

/** A whole DATA packet (header and payload in one buffer). */
export function encodeData(block: number, data: Buffer): Buffer {
  return Buffer.concat([encodeDataHeader(block), data]);
}

export function encodeAck(block: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt16BE(OPCODE.ACK, 0);
  b.writeUInt16BE(block & 0xffff, 2);
  return b;
}

/** Encoded ERROR packets by code and message: a boot storm sends the same few (file not found) thousands of times. */
const errorPackets = new Map<string, Buffer>();
const ERROR_PACKETS_KEPT = 64;

/**
 * ERROR packet; the message is reduced to printable ASCII and capped so it always fits 512 bytes.
 * The buffer may be shared between sends: never write to it.
 */
export function encodeError(code: number, message: string): Buffer {
  const key = `${code}\u0000${message}`;
  const known = errorPackets.get(key);
  if (known) return known;
  const text = message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  const b = Buffer.alloc(4 + text.length + 1);
  b.writeUInt16BE(OPCODE.ERROR, 0);
  b.writeUInt16BE(code & 0xffff, 2);
  b.write(text, 4, 'latin1');
  if (errorPackets.size >= ERROR_PACKETS_KEPT) errorPackets.clear();
  errorPackets.set(key, b);
  return b;
}

/** Opcode, then each string NUL-terminated, in one buffer. */
function encodeStrings(opcode: number, strings: readonly string[]): Buffer {
  let length = 2;
  for (const s of strings) length += s.length + 1;
  const b = Buffer.allocUnsafe(length);
  b.writeUInt16BE(opcode, 0);
  let at = 2;
  for (const s of strings) {
    at += b.write(s, at, 'latin1');
    b[at++] = 0;
  }
  return b;
}

export function encodeOack(options: ReadonlyMap<string, string>): Buffer {
  return encodeStrings(OPCODE.OACK, [...options].flat());
}

/** Encodes a request; the server never sends one, but tests and tools do. */
export function encodeRequest(
  opcode: typeof OPCODE.RRQ | typeof OPCODE.WRQ,
  filename: string,
  mode: string,
  options: Iterable<readonly [string, string]> = [],
): Buffer {
  return encodeStrings(opcode, [filename, mode, ...[...options].flat()]);
}
