/**
 * @module netascii (RFC 764 as used by RFC 1350) for outgoing files: LF becomes CR LF and a bare
 * CR becomes CR NUL, which is what tftp-hpa and atftp do, so a client's reverse conversion gives
 * back the exact bytes (a CR LF in the source survives as CR LF).
 */

/** Converts local bytes to netascii; returns the input itself when there is nothing to convert. */
export function toNetascii(data: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x0a || c === 0x0d) extra++;
  }
  if (extra === 0) return data;
  const out = Buffer.allocUnsafe(data.length + extra);
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x0a) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else if (c === 0x0d) {
      out[j++] = 0x0d;
      out[j++] = 0x00;
    } else {
      out[j++] = c;
    }
  }
  return out;
}
