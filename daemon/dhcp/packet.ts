/**
 * DHCP wire format (RFC 2131 §2, RFC 2132, RFC 3396): a strict but tolerant decoder that never
 * throws, and the encoder the server (and the tests' raw client) uses.
 *
 * Tolerated, as real clients send them: pad bytes anywhere in the options, a missing END, zero
 * bytes after END, a datagram longer than the options need, a split option (RFC 3396: instances of
 * one code are concatenated in order), options spilled into `file`/`sname` (option 52 overload).
 * Refused (the datagram is dropped and counted): anything shorter than the fixed header and cookie,
 * a wrong magic cookie (plain BOOTP is not served), an option whose length runs past its area, a
 * hardware address longer than chaddr, and a DHCP message without exactly one valid type.
 */
import { intToIp, ipToInt } from './ip.js';

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

/** Option 53 values. */
export const DHCP_MESSAGE = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type DhcpMessageType = (typeof DHCP_MESSAGE)[keyof typeof DHCP_MESSAGE];

export const MESSAGE_NAMES: Readonly<Record<number, string>> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
};

/** Option codes the server reads or writes. */
export const OPT = {
  PAD: 0,
  SUBNET_MASK: 1,
  TIME_OFFSET: 2,
  ROUTER: 3,
  DNS: 6,
  HOSTNAME: 12,
  DOMAIN_NAME: 15,
  NTP: 42,
  VENDOR_SPECIFIC: 43,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  TFTP_SERVER: 66,
  BOOTFILE: 67,
  RELAY_AGENT: 82,
  PCODE: 100,
  TCODE: 101,
  END: 255,
} as const;

export const MAGIC_COOKIE = 0x63825363;
/** op … file: the fixed BOOTP header. */
export const HEADER_LENGTH = 236;
const COOKIE_OFFSET = 236;
const OPTIONS_OFFSET = 240;
const SNAME_OFFSET = 44;
const SNAME_LENGTH = 64;
const FILE_OFFSET = 108;
const FILE_LENGTH = 128;
/** RFC 1542 §2.1: relays and old clients may drop BOOTP messages under 300 octets; replies are padded to it. */
export const MIN_BOOTP_LENGTH = 300;
/** RFC 2131: every client accepts a 576-octet IP datagram, i.e. 548 octets of DHCP message. */
export const DEFAULT_MAX_MESSAGE = 576 - 28;

export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** All 16 bytes of chaddr. */
  chaddr: Buffer;
  /** Raw 64-byte server name field (meaningless when it carried options). */
  sname: Buffer;
  /** Raw 128-byte boot file field (meaningless when it carried options). */
  file: Buffer;
  /** Option 52's value, 0 without overload. */
  overload: number;
  /** Every option but pad/end/overload, split instances concatenated (RFC 3396). */
  options: Map<number, Buffer>;
  /** Option 53. */
  type: number;
}

export type MalformedReason =
  | 'TOO_SHORT'
  | 'BAD_COOKIE'
  | 'BAD_HLEN'
  | 'OPTION_OVERRUN'
  | 'NO_MESSAGE_TYPE'
  | 'BAD_MESSAGE_TYPE'
  | 'BAD_OPTION_LENGTH';

export type DecodeResult = { ok: true; packet: DhcpPacket } | { ok: false; reason: MalformedReason };

/** Options the decoder checks the length of: a wrong length there changes what the message means. */
const FIXED_LENGTH: Readonly<Record<number, number>> = {
  [OPT.MESSAGE_TYPE]: 1,
  [OPT.REQUESTED_IP]: 4,
  [OPT.SERVER_ID]: 4,
  [OPT.OVERLOAD]: 1,
};

/**
 * Walks one option area, appending to `out` (RFC 3396 concatenation). Returns false when an
 * option's length byte or value runs past the area.
 */
function readArea(buf: Buffer, start: number, end: number, out: Map<number, Buffer[]>): boolean {
  let i = start;
  while (i < end) {
    const code = buf[i]!;
    if (code === OPT.PAD) {
      i++;
      continue;
    }
    if (code === OPT.END) return true;
    if (i + 1 >= end) return false;
    const len = buf[i + 1]!;
    if (i + 2 + len > end) return false;
    const list = out.get(code);
    const value = buf.subarray(i + 2, i + 2 + len);
    if (list) list.push(value);
    else out.set(code, [value]);
    i += 2 + len;
  }
  // No END: tolerated (the area simply ran out).
  return true;
}

/** Decodes one datagram. Never throws: anything unusable is `{ ok: false, reason }`. */
export function decodePacket(buf: Buffer): DecodeResult {
  if (buf.length < OPTIONS_OFFSET) return { ok: false, reason: 'TOO_SHORT' };
  if (buf.readUInt32BE(COOKIE_OFFSET) !== MAGIC_COOKIE) return { ok: false, reason: 'BAD_COOKIE' };
  const hlen = buf[2]!;
  if (hlen > 16) return { ok: false, reason: 'BAD_HLEN' };
  const raw = new Map<number, Buffer[]>();
  if (!readArea(buf, OPTIONS_OFFSET, buf.length, raw)) return { ok: false, reason: 'OPTION_OVERRUN' };
  let overload = 0;
  const ov = raw.get(OPT.OVERLOAD);
  if (ov) {
    if (ov.length !== 1 || ov[0]!.length !== 1) return { ok: false, reason: 'BAD_OPTION_LENGTH' };
    overload = ov[0]![0]!;
    raw.delete(OPT.OVERLOAD);
    // RFC 2131 §4.1: options, then `file`, then `sname`. Values other than 1..3 are ignored.
    if (overload === 1 || overload === 3) {
      if (!readArea(buf, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, raw)) return { ok: false, reason: 'OPTION_OVERRUN' };
    }
    if (overload === 2 || overload === 3) {
      if (!readArea(buf, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, raw)) return { ok: false, reason: 'OPTION_OVERRUN' };
    }
    // An overload option inside file/sname means nothing.
    raw.delete(OPT.OVERLOAD);
    if (overload < 1 || overload > 3) overload = 0;
  }
  const options = new Map<number, Buffer>();
  for (const [code, parts] of raw) {
    const value = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const fixed = FIXED_LENGTH[code];
    if (fixed !== undefined && value.length !== fixed) return { ok: false, reason: 'BAD_OPTION_LENGTH' };
    options.set(code, value);
  }
  const typeOpt = options.get(OPT.MESSAGE_TYPE);
  if (!typeOpt) return { ok: false, reason: 'NO_MESSAGE_TYPE' };
  const type = typeOpt[0]!;
  if (type < 1 || type > 8) return { ok: false, reason: 'BAD_MESSAGE_TYPE' };
  return {
    ok: true,
    packet: {
      op: buf[0]!,
      htype: buf[1]!,
      hlen,
      hops: buf[3]!,
      xid: buf.readUInt32BE(4),
      secs: buf.readUInt16BE(8),
      flags: buf.readUInt16BE(10),
      ciaddr: intToIp(buf.readUInt32BE(12)),
      yiaddr: intToIp(buf.readUInt32BE(16)),
      siaddr: intToIp(buf.readUInt32BE(20)),
      giaddr: intToIp(buf.readUInt32BE(24)),
      // Views, not copies: the option values are views of the datagram too.
      chaddr: buf.subarray(28, 44),
      sname: buf.subarray(SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH),
      file: buf.subarray(FILE_OFFSET, FILE_OFFSET + FILE_LENGTH),
      overload,
      options,
      type,
    },
  };
}

/** The BROADCAST bit of `flags` (RFC 2131 §2, figure 2). */
export const BROADCAST_FLAG = 0x8000;

/** The client's Ethernet MAC (12 lower-case hex digits), or undefined for other hardware types. */
export function packetMac(p: DhcpPacket): string | undefined {
  if (p.htype !== 1 || p.hlen !== 6) return undefined;
  return p.chaddr.subarray(0, 6).toString('hex');
}

/** An option holding one IPv4 address (50, 54), as text. */
export function optionIp(p: DhcpPacket, code: number): string | undefined {
  const v = p.options.get(code);
  return v && v.length === 4 ? intToIp(v.readUInt32BE(0)) : undefined;
}

/** Option 55: the codes the client asks for, in its order, duplicates and pad/end removed. */
export function parameterList(p: DhcpPacket): number[] {
  const v = p.options.get(OPT.PARAMETER_LIST);
  if (!v) return [];
  const seen = new Set<number>();
  const out: number[] = [];
  for (const c of v) {
    if (c === OPT.PAD || c === OPT.END || seen.has(c)) continue;
    seen.add(c);
    out.push(c);
  }
  return out;
}

/** Option 57 (at least 576 − 28 = 548 octets of DHCP message, whatever a client claims). */
export function maxMessageSize(p: DhcpPacket): number {
  const v = p.options.get(OPT.MAX_MESSAGE_SIZE);
  const claimed = v && v.length === 2 ? v.readUInt16BE(0) - 28 : 0;
  return Math.max(DEFAULT_MAX_MESSAGE, claimed);
}

/** A text option (12, 15, 60, 66…) as latin1, trailing NULs removed. */
export function optionText(p: DhcpPacket, code: number): string | undefined {
  const v = p.options.get(code);
  return v ? v.toString('latin1').replace(/\0+$/, '') : undefined;
}

// ------------------------------------------------------------------------------------ encoding

export interface DhcpMessage {
  op: number;
  htype?: number;
  hlen?: number;
  hops?: number;
  xid: number;
  secs?: number;
  flags?: number;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  /** The client hardware address: 16 raw bytes (copied as given) or a canonical MAC. */
  chaddr: Buffer | string;
  /** Options in the order to write them; never pad, end or overload (the encoder adds those). */
  options: ReadonlyArray<readonly [number, Buffer]>;
}

export interface EncodeOptions {
  /** Largest DHCP message (UDP payload) allowed. Default 548 (RFC 2131's 576-octet datagram). */
  maxLength?: number;
  /** `auto` spills into `file`/`sname` only when needed; `never` refuses to; `always` forces it (tests). */
  overload?: 'auto' | 'never' | 'always';
}

/** One option as wire bytes, split into 255-octet instances when longer (RFC 3396). */
function optionPieces(code: number, value: Buffer): Buffer[] {
  if (value.length === 0) return [Buffer.from([code, 0])];
  const out: Buffer[] = [];
  for (let i = 0; i < value.length; i += 255) {
    const part = value.subarray(i, Math.min(value.length, i + 255));
    out.push(Buffer.concat([Buffer.from([code, part.length]), part]));
  }
  return out;
}

function writeIp(buf: Buffer, offset: number, ip: string | undefined): void {
  buf.writeUInt32BE(ip === undefined ? 0 : ipToInt(ip) ?? 0, offset);
}

/** Octets `value` takes on the wire as option instances of at most 255 octets each (RFC 3396). */
function optionSize(value: Buffer): number {
  return value.length === 0 ? 2 : value.length + 2 * Math.ceil(value.length / 255);
}

/** Writes `code`/`value` at `at` (split as optionSize counts); returns where the next option goes. */
function writeOption(buf: Buffer, at: number, code: number, value: Buffer): number {
  if (value.length === 0) {
    buf[at] = code;
    buf[at + 1] = 0;
    return at + 2;
  }
  for (let i = 0; i < value.length; i += 255) {
    const n = Math.min(255, value.length - i);
    buf[at++] = code;
    buf[at++] = n;
    value.copy(buf, at, i, i + n);
    at += n;
  }
  return at;
}

/** A zeroed message of `length` octets with the fixed header and the magic cookie written. */
function header(m: DhcpMessage, length: number): Buffer {
  // From Node's pool (small buffers), zeroed by hand: cheaper than Buffer.alloc per reply.
  const buf = Buffer.allocUnsafe(length).fill(0);
  buf[0] = m.op;
  buf[1] = m.htype ?? 1;
  buf[2] = m.hlen ?? 6;
  buf[3] = m.hops ?? 0;
  buf.writeUInt32BE(m.xid >>> 0, 4);
  buf.writeUInt16BE(m.secs ?? 0, 8);
  buf.writeUInt16BE(m.flags ?? 0, 10);
  writeIp(buf, 12, m.ciaddr);
  writeIp(buf, 16, m.yiaddr);
  writeIp(buf, 20, m.siaddr);
  writeIp(buf, 24, m.giaddr);
  if (typeof m.chaddr === 'string') Buffer.from(m.chaddr, 'hex').copy(buf, 28, 0, 16);
  else m.chaddr.copy(buf, 28, 0, 16);
  buf.writeUInt32BE(MAGIC_COOKIE, COOKIE_OFFSET);
  return buf;
}

/**
 * Encodes a message. Options go into the options area in order; when they do not fit within
 * `maxLength` the rest spill into `file`, then `sname` (option 52). Returns undefined when even
 * that is not enough: the caller drops options and tries again.
 */
export function encodePacket(m: DhcpMessage, opts: EncodeOptions = {}): Buffer | undefined {
  const maxLength = Math.max(OPTIONS_OFFSET + 4, opts.maxLength ?? DEFAULT_MAX_MESSAGE);
  const mode = opts.overload ?? 'auto';
  let total = 0;
  for (const [, value] of m.options) total += optionSize(value);
  // Areas: main (room for END, and for option 52 when spilling), file, sname.
  const mainRoom = maxLength - OPTIONS_OFFSET - 1;
  const spill = mode === 'always' || (mode === 'auto' && total > mainRoom);
  if (!spill) {
    // Every reply a phone gets: one buffer, options written straight into it.
    if (total > mainRoom) return undefined;
    const buf = header(m, Math.max(MIN_BOOTP_LENGTH, OPTIONS_OFFSET + total + 1));
    let at = OPTIONS_OFFSET;
    for (const [code, value] of m.options) at = writeOption(buf, at, code, value);
    buf[at] = OPT.END;
    return buf;
  }
  const pieces: Buffer[] = [];
  for (const [code, value] of m.options) pieces.push(...optionPieces(code, value));
  const main: Buffer[] = [];
  const file: Buffer[] = [];
  const sname: Buffer[] = [];
  const areas: Array<{ list: Buffer[]; room: number }> = [
    { list: main, room: mainRoom - 3 },
    { list: file, room: FILE_LENGTH - 1 },
    { list: sname, room: SNAME_LENGTH - 1 },
  ];
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    // `always` (tests of the decoder): everything after the first option goes to file/sname.
    if (mode === 'always' && i === 1 && at === 0) at = 1;
    while (piece.length > areas[at]!.room) if (++at >= areas.length) return undefined;
    areas[at]!.list.push(piece);
    areas[at]!.room -= piece.length;
  }
  const overload = (file.length > 0 ? 1 : 0) | (sname.length > 0 ? 2 : 0);
  const mainBytes = Buffer.concat([...(overload ? [Buffer.from([OPT.OVERLOAD, 1, overload])] : []), ...main, Buffer.from([OPT.END])]);
  const buf = header(m, Math.max(MIN_BOOTP_LENGTH, OPTIONS_OFFSET + mainBytes.length));
  if (file.length > 0) Buffer.concat([...file, Buffer.from([OPT.END])]).copy(buf, FILE_OFFSET);
  if (sname.length > 0) Buffer.concat([...sname, Buffer.from([OPT.END])]).copy(buf, SNAME_OFFSET);
  mainBytes.copy(buf, OPTIONS_OFFSET);
  return buf;
}
