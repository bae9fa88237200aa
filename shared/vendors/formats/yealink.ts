/**
 * Yealink `key = value` files: the device and common CFG (`yealink-cfg`) and the boot file
 * (`yealink-boot`). The first line must be exactly `#!version:1.0.0.1` [YeaBoot].
 */
import {
  ConfigFormatError, Settings, accountOf, hostPort, portOf, provisioningOf, result, transportOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';

export const YEALINK_HEADER = '#!version:1.0.0.1';
const TRANSPORT = { '0': 'udp', '1': 'tcp', '2': 'tls' } as const;

/** The lines of `text` without their line ends; the header checked. */
function bodyLines(format: 'yealink-cfg' | 'yealink-boot', text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[0] !== YEALINK_HEADER) {
    const got = (lines[0] ?? '').slice(0, 40);
    throw new ConfigFormatError(format, `the first line must be exactly "${YEALINK_HEADER}", not "${got}"`, 1);
  }
  return lines;
}

/** `%NULL%` resets a key to its default: no value. */
function val(s: Settings, key: string): string | undefined {
  const v = s.get(key);
  return v === '%NULL%' ? undefined : v;
}

export const yealinkCfg: FormatChecker = {
  id: 'yealink-cfg',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const lines = bodyLines('yealink-cfg', text);
    const s = new Settings('yealink-cfg');
    const indices = new Set<number>();
    let adminPassword: string | undefined;
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([A-Za-z0-9_.\-]+)\s*=(.*)$/.exec(line);
      if (!m) throw new ConfigFormatError('yealink-cfg', `expected "key = value", got "${line.slice(0, 60)}"`, n + 1);
      const key = m[1]!;
      const value = m[2]!.trim();
      // The web login key is written once per account ("admin:<pw>", "user:<pw>").
      const login = /^(?:static\.)?security\.user_password$/.test(key) ? /^([^:]*):(.*)$/.exec(value) : null;
      if (login) {
        s.set(`${key}#${login[1]}`, login[2]!, n + 1);
        if (login[1] === 'admin') adminPassword = login[2];
      } else {
        s.set(key, value, n + 1);
      }
      const acc = /^account\.([0-9]+)\./.exec(key);
      if (acc) indices.add(Number(acc[1]));
    }
    const accounts = [...indices].map((i) => {
      const p = `account.${i}.`;
      const server = hostPort('yealink-cfg', val(s, `${p}sip_server.1.address`), `${p}sip_server.1.address`);
      return accountOf(i, {
        username: val(s, `${p}user_name`),
        auth_username: val(s, `${p}auth_name`),
        password: val(s, `${p}password`),
        display_name: val(s, `${p}display_name`),
        label: val(s, `${p}label`),
        server: server.host,
        port: portOf('yealink-cfg', val(s, `${p}sip_server.1.port`), `${p}sip_server.1.port`) ?? server.port,
        transport: transportOf('yealink-cfg', val(s, `${p}sip_server.1.transport_type`), TRANSPORT, `${p}sip_server.1.transport_type`),
      });
    });
    return result('yealink-cfg', s.map, accounts, {
      admin_password: adminPassword,
      ntp_server: val(s, 'local_time.ntp_server1'),
      timezone: val(s, 'local_time.time_zone_name'),
      provisioning: provisioningOf({
        url: val(s, 'static.auto_provision.server.url'),
        username: val(s, 'static.auto_provision.server.username'),
        password: val(s, 'static.auto_provision.server.password'),
      }),
    });
  },
};

export const yealinkBoot: FormatChecker = {
  id: 'yealink-boot',
  accountFields: [],
  parse(text: string): ParsedConfig {
    const lines = bodyLines('yealink-boot', text);
    const s = new Settings('yealink-boot');
    const includes: string[] = [];
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const inc = /^include:config\s+"([^"]+)"$/.exec(line) ?? /^include:config\s+<([^>]+)>$/.exec(line);
      if (inc) {
        if (includes.includes(inc[1]!)) throw new ConfigFormatError('yealink-boot', `"${inc[1]}" is included twice`, n + 1);
        includes.push(inc[1]!);
        continue;
      }
      const m = /^(overwrite_mode|specific_model\.excluded)\s*=\s*(.*)$/.exec(line);
      if (!m) throw new ConfigFormatError('yealink-boot', `expected include:config "<file>" or overwrite_mode = 0|1, got "${line.slice(0, 60)}"`, n + 1);
      if (m[1] === 'overwrite_mode' && !/^[01]$/.test(m[2]!)) {
        throw new ConfigFormatError('yealink-boot', `overwrite_mode must be 0 or 1, not "${m[2]}"`, n + 1);
      }
      s.set(m[1]!, m[2]!, n + 1);
    }
    if (includes.length === 0) throw new ConfigFormatError('yealink-boot', 'a boot file must include at least one config file');
    return result('yealink-boot', s.map, [], { includes });
  },
};
