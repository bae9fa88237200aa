/**
 * DHCP option values as an admin writes them in a site's settings (`dhcp.options`,
 * `dhcp.vendor_options`), turned into wire bytes. Shared so the hub refuses exactly what the edge
 * could not send. Pure, no I/O.
 */

/** Options holding a list of IPv4 addresses (RFC 2132, and Cisco's 150). */
export const DHCP_IP_LIST_OPTIONS: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 41, 42, 44, 45, 48, 49, 65, 69, 70, 71, 72, 73, 74, 75, 76, 150]);
/** Options holding one IPv4 address. */
export const DHCP_IP_OPTIONS: ReadonlySet<number> = new Set([1, 16, 28, 32]);

/**
 * Codes an admin may not set: the server owns them (message type, server id, lease times,
 * overload, what the client sends).
 */
export const DHCP_RESERVED_OPTIONS: ReadonlySet<number> = new Set([0, 50, 51, 52, 53, 54, 55, 57, 58, 59, 61, 82, 255]);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ip4(s: string): number[] | undefined {
  if (!IPV4.test(s)) return undefined;
  return s.split('.').map(Number);
}

/**
 * The wire value of option `code` written as `text`: `null` means "send nothing" (an empty
 * string); a string result is the reason the text is refused.
 */
export function parseDhcpOptionValue(code: number, text: string): Buffer | null | string {
  if (!Number.isInteger(code) || code < 1 || code > 254) return `option code ${code} is not 1..254`;
  if (DHCP_RESERVED_OPTIONS.has(code)) return `option ${code} is set by the server itself`;
  if (typeof text !== 'string') return `option ${code}: the value must be a string`;
  if (text === '') return null;
  if (text.startsWith('hex:')) {
    const hex = text.slice(4).replace(/[\s:]/g, '');
    if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(hex)) return `option ${code}: "hex:" must be followed by pairs of hex digits`;
    if (hex.length / 2 > 1020) return `option ${code}: longer than 1020 bytes`;
    return Buffer.from(hex, 'hex');
  }
  if (DHCP_IP_LIST_OPTIONS.has(code) || DHCP_IP_OPTIONS.has(code)) {
    const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
    if (DHCP_IP_OPTIONS.has(code) && parts.length !== 1) return `option ${code} holds one IPv4 address`;
    if (parts.length === 0 || parts.length > 16) return `option ${code} holds 1 to 16 IPv4 addresses`;
    const bytes: number[] = [];
    for (const p of parts) {
      const b = ip4(p);
      if (!b) return `option ${code}: "${p}" is not an IPv4 address`;
      bytes.push(...b);
    }
    return Buffer.from(bytes);
  }
  if (code === 2) {
    if (!/^-?\d{1,6}$/.test(text.trim()) || Math.abs(Number(text)) > 86_400) return 'option 2 is a time offset in seconds (-86400..86400)';
    const b = Buffer.alloc(4);
    b.writeInt32BE(Number(text), 0);
    return b;
  }
  const value = Buffer.from(text, 'utf8');
  if (value.length > 255) return `option ${code}: longer than 255 bytes (use hex: for longer values)`;
  return value;
}
