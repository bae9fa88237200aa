/**
 * Mitel/Aastra `key: value` files (`mitel-cfg`): one setting per line, `#` comment lines
 * [W base.tpl, F aastra/686x]. Per-line keys `sip lineN …`; the per-line transport key and its
 * codes (1 UDP, 2 TCP, 4 TLS) are the best-known values, UNVERIFIED.
 */
import {
  ConfigFormatError, Settings, accountOf, portOf, provisioningOf, result, transportOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';

const TRANSPORT = { '1': 'udp', '2': 'tcp', '4': 'tls' } as const;
const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, tftp: 69, ftp: 21 };

export const mitelCfg: FormatChecker = {
  id: 'mitel-cfg',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const s = new Settings('mitel-cfg');
    const indices = new Set<number>();
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!.replace(/\r$/, '').trim();
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([A-Za-z0-9][A-Za-z0-9 _\-]*?)\s*:\s?(.*)$/.exec(line);
      if (!m) throw new ConfigFormatError('mitel-cfg', `expected "key: value", got "${line.slice(0, 60)}"`, n + 1);
      const key = m[1]!.toLowerCase().replace(/\s+/g, ' ');
      s.set(key, m[2]!.trim(), n + 1);
      const acc = /^sip line([0-9]+) /.exec(key);
      if (acc) indices.add(Number(acc[1]));
    }
    const accounts = [...indices].map((i) => {
      const g = (name: string) => s.get(`sip line${i} ${name}`) || undefined;
      return accountOf(i, {
        username: g('user name'),
        auth_username: g('auth name'),
        password: g('password'),
        display_name: g('display name'),
        label: g('screen name'),
        server: g('registrar ip') ?? g('proxy ip'),
        port: portOf('mitel-cfg', g('registrar port') ?? g('proxy port'), `sip line${i} registrar port`),
        transport: transportOf('mitel-cfg', g('transport protocol'), TRANSPORT, `sip line${i} transport protocol`),
      });
    });
    let url: string | undefined;
    const protocol = s.get('download protocol')?.toLowerCase();
    if (protocol) {
      if (!Object.hasOwn(DEFAULT_PORT, protocol)) throw new ConfigFormatError('mitel-cfg', `download protocol "${protocol}" is not HTTP, HTTPS, TFTP or FTP`);
      const server = s.get(`${protocol} server`);
      if (server) {
        const port = portOf('mitel-cfg', s.get(`${protocol} port`), `${protocol} port`);
        const path = (s.get(`${protocol} path`) ?? '').replace(/^\/+/, '');
        url = `${protocol}://${server}${port !== undefined && port !== DEFAULT_PORT[protocol] ? `:${port}` : ''}/${path}`;
      }
    }
    return result('mitel-cfg', s.map, accounts, {
      admin_password: s.get('admin password'),
      ntp_server: s.get('time server1'),
      timezone: s.get('time zone name'),
      provisioning: provisioningOf({ url }),
    });
  },
};
