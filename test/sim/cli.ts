/**
 * `npm run sim -- --phones N --vendor V [--http URL] [--tftp HOST:PORT] [--protocol http|tftp]
 *  [--salt S] [--concurrency C] [--from 127.0.0.x] [--secure --user U --password P]`
 *
 * Boots N simulated phones of vendor V (or of every vendor, round robin) against a running edge
 * daemon, replaying the vendor's real boot sequence, and prints what each phone read back. MACs are
 * `phoneSpec(vendor, i, salt)`: the vendor's first OUI, then the salt byte, then i + 1 — `--salt 222`
 * with `--vendor yealink` gives 00:15:65:de:00:01…, the phones `edgeprov demo` creates. Loopback
 * only: this is a test tool, not a scanner.
 */
import { parseArgs } from 'node:util';
import type { VendorId } from '../../shared/vendors/index.js';
import { bootMany, phoneSpec, SIM_VENDORS, TFTP_VENDORS, type BootOptions, type PhoneSpec } from './phones.js';

const USAGE = `usage: npm run sim -- --phones N [--vendor ${SIM_VENDORS.join('|')}] [--http URL] [--tftp HOST:PORT]
       [--protocol http|tftp] [--salt 0-255] [--concurrency 1-256] [--from 127.0.0.x] [--secure --user U --password P]`;

function loopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localhost' || host === '::1' || host === '[::1]';
}

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phones: { type: 'string', default: '1' },
      vendor: { type: 'string' },
      http: { type: 'string', default: 'http://127.0.0.1:8081' },
      tftp: { type: 'string', default: '127.0.0.1:6969' },
      protocol: { type: 'string', default: 'http' },
      salt: { type: 'string', default: '0' },
      concurrency: { type: 'string', default: '16' },
      from: { type: 'string' },
      secure: { type: 'boolean', default: false },
      user: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const phones = Number(values.phones);
  if (!Number.isInteger(phones) || phones < 1 || phones > 10_000) fail('--phones must be an integer from 1 to 10000');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) fail('--concurrency must be an integer from 1 to 256');
  const salt = Number(values.salt);
  if (!Number.isInteger(salt) || salt < 0 || salt > 255) fail('--salt must be an integer from 0 to 255');
  const protocol = values.protocol;
  if (protocol !== 'http' && protocol !== 'tftp') fail('--protocol must be http or tftp');
  const vendors: readonly VendorId[] = values.vendor ? [values.vendor as VendorId] : protocol === 'tftp' ? TFTP_VENDORS : SIM_VENDORS;
  if (values.vendor && !SIM_VENDORS.includes(values.vendor as VendorId)) fail(`unknown vendor "${values.vendor}"`);
  if (values.from !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(values.from)) fail('--from must be a 127.x.x.x address');

  const opts: BootOptions = { protocol, ...(values.from ? { localAddress: values.from } : {}) };
  if (protocol === 'http') {
    let url: URL;
    try {
      url = new URL(values.http!);
    } catch {
      fail(`--http ${values.http} is not a URL`);
    }
    if (!loopback(url.hostname)) fail('--http must point at a loopback address');
    opts.http = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), tls: url.protocol === 'https:' };
  } else {
    const m = /^(.+):(\d+)$/.exec(values.tftp!);
    if (!m || !loopback(m[1]!)) fail('--tftp must be HOST:PORT on a loopback address');
    opts.tftp = { host: m[1]!, port: Number(m[2]) };
  }
  if (values.secure) {
    if (!values.user || !values.password) fail('--secure needs --user and --password (the device\'s provisioning credentials)');
    opts.prefix = '/secure/';
    opts.credentials = { username: values.user, password: values.password };
  }

  const counts = new Map<VendorId, number>();
  const specs: PhoneSpec[] = Array.from({ length: phones }, (_, i) => {
    const v = vendors[i % vendors.length]!;
    const k = counts.get(v) ?? 0;
    counts.set(v, k + 1);
    return phoneSpec(v, k, salt);
  });
  const t0 = performance.now();
  const results = await bootMany(specs, opts, concurrency);
  const seconds = (performance.now() - t0) / 1000;
  for (const r of results) {
    const accounts = (r.config?.accounts ?? []).map((a) => `${a.index}:${a.username}@${a.server ?? '?'}${a.port ? `:${a.port}` : ''}`).join(' ');
    const files = r.files.map((x) => `${x.method === 'PUT' ? 'PUT ' : ''}${x.path} ${x.status}`).join(', ');
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.spec.vendor.padEnd(11)} ${r.spec.variant.padEnd(11)} ${r.spec.mac} ${r.ms.toFixed(0).padStart(5)} ms  ${r.ok ? `accounts [${accounts}]` : r.error}\n      ${files}\n`);
  }
  const ok = results.filter((r) => r.ok).length;
  process.stdout.write(`\n${ok}/${results.length} phones provisioned over ${protocol} in ${seconds.toFixed(2)} s (${(ok / seconds).toFixed(0)} phones/s)\n`);
  process.exit(ok === results.length ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
