/**
 * @module Request path normalisation shared by the TFTP and HTTP servers: whatever a client sends,
 * the result is a relative path of printable ASCII segments with no `..`, so nothing downstream can
 * be tricked into naming something outside the served tree.
 */

/** Longest accepted request path, in characters, before and after decoding. */
export const MAX_REQUEST_PATH = 255;

/** Why a path was refused; stable codes for logs, metrics and tests. */
export type PathRefusal =
  | 'PATH_EMPTY'
  | 'PATH_TOO_LONG'
  | 'PATH_NUL'
  | 'PATH_CONTROL_CHAR'
  | 'PATH_NON_ASCII'
  | 'PATH_BAD_ESCAPE'
  | 'PATH_TRAVERSAL'
  | 'PATH_DRIVE'
  | 'PATH_SYSTEM';

export type NormalisedPath = { ok: true; path: string } | { ok: false; code: PathRefusal; message: string };

/**
 * Top-level directories of a Unix root. Phones do send absolute names (`/spa112.cfg`,
 * `/Cisco/CP-8851-3PCC/…cfg`), and those are read relative to the served tree; but an absolute name
 * into one of these is a probe (`/etc/passwd`), never a phone, and is refused outright so it shows
 * up as a refusal instead of an ordinary "not found".
 */
const SYSTEM_DIRS = new Set([
  'bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root',
  'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var',
]);

function refuse(code: PathRefusal, message: string): NormalisedPath {
  return { ok: false, code, message };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Decodes `%XX` escapes exactly once (so `%252e` stays `%2e`); null on a malformed escape. */
function percentDecodeOnce(s: string): string | null {
  if (!s.includes('%')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch !== 0x25) {
      out += s[i];
      continue;
    }
    const hi = hexValue(s.charCodeAt(i + 1));
    const lo = hexValue(s.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return null;
    out += String.fromCharCode(hi * 16 + lo);
    i += 2;
  }
  return out;
}

/**
 * Normalises a requested file name or URL path:
 * percent-decodes once, turns `\` into `/`, strips leading `/`, drops empty and `.` segments, and
 * refuses NUL, control and non-ASCII characters, `..` segments, drive letters (`C:`), absolute names
 * into system directories, empty results and anything longer than {@link MAX_REQUEST_PATH}.
 * Case is preserved (`SEP001122334455.cnf.xml`, `/001565aabbcc.cfg` → `001565aabbcc.cfg`).
 */
export function normaliseRequestPath(raw: string): NormalisedPath {
  if (raw.length > MAX_REQUEST_PATH) return refuse('PATH_TOO_LONG', `path longer than ${MAX_REQUEST_PATH} characters`);
  const decoded = percentDecodeOnce(raw);
  if (decoded === null) return refuse('PATH_BAD_ESCAPE', 'malformed percent escape');
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c === 0) return refuse('PATH_NUL', 'NUL byte in path');
    if (c < 0x20 || c === 0x7f) return refuse('PATH_CONTROL_CHAR', 'control character in path');
    if (c > 0x7f) return refuse('PATH_NON_ASCII', 'non-ASCII character in path');
  }
  const slashed = decoded.replace(/\\/g, '/');
  const absolute = slashed.startsWith('/');
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return refuse('PATH_TRAVERSAL', '".." segment in path');
  const first = segments[0];
  if (first === undefined) return refuse('PATH_EMPTY', 'empty path');
  if (/^[A-Za-z]:/.test(first)) return refuse('PATH_DRIVE', 'drive-letter path');
  if (absolute && SYSTEM_DIRS.has(first.toLowerCase())) return refuse('PATH_SYSTEM', 'absolute path into a system directory');
  return { ok: true, path: segments.join('/') };
}
