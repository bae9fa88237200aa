/**
 * Grandstream `<gs_provision>` and Htek `<hl_provision>` files: numbered P-values inside
 * `<config version="1">` [GSProv, W, F]. Htek uses Grandstream-like codes with a `para` name.
 *
 * Account codes: account 1 from the reference (P271 active, P270 name, P47 server `host:port`,
 * P35 user, P36 auth ID, P34 password, P3 display name, P130 transport — number unverified);
 * accounts 2–4 under P4xx/P5xx/P6xx and 5–6 under P17xx/P18xx with the same suffixes (01 active,
 * 02 server, 04 user, 05 auth, 06 password, 07 display name) [F gxp21xx]. The account-name
 * (x17) and transport (x48) codes of accounts 2–6 are the best-known values, UNVERIFIED.
 * Htek: only the passwords of accounts 2–6 are in the reference (P734, P506, P606, P1706,
 * P1806); its other codes for accounts 2–6 follow Grandstream's, UNVERIFIED.
 */
import type { FormatId } from '../types.js';
import {
  ConfigFormatError, Settings, accountOf, checkScheme, hostPort, provisioningOf, result, transportOf, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { child, elements, leafText } from './xml.js';

export interface AccountCodes {
  active: string;
  label: string;
  server: string;
  user: string;
  auth: string;
  password: string;
  display: string;
  transport: string;
}

function block(base: number): AccountCodes {
  const p = (n: number) => `P${base + n}`;
  return { active: p(1), label: p(17), server: p(2), user: p(4), auth: p(5), password: p(6), display: p(7), transport: p(48) };
}

const ACCOUNT_1: AccountCodes = {
  active: 'P271', label: 'P270', server: 'P47', user: 'P35', auth: 'P36', password: 'P34', display: 'P3', transport: 'P130',
};

export const GRANDSTREAM_ACCOUNTS: readonly AccountCodes[] = [ACCOUNT_1, block(400), block(500), block(600), block(1700), block(1800)];
export const HTEK_ACCOUNTS: readonly AccountCodes[] = GRANDSTREAM_ACCOUNTS.map((c, i) => (i === 1 ? { ...c, password: 'P734' } : c));

/** P130 and friends: 0 UDP, 1 TCP, 2 TLS (UNVERIFIED numbering). */
const TRANSPORT = { '0': 'udp', '1': 'tcp', '2': 'tls' } as const;

/** Grandstream v2 named items [W base_v2.tpl]. */
function v2Accounts(format: FormatId, s: Settings) {
  const indices = new Set<number>();
  for (const key of Object.keys(s.map)) {
    const m = /^account\.([0-9]+)\./.exec(key);
    if (m) indices.add(Number(m[1]));
  }
  return [...indices].map((i) => {
    const p = `account.${i}.`;
    const server = hostPort(format, s.get(`${p}sip.server.1.address`), `${p}sip.server.1.address`);
    return accountOf(i, {
      username: s.get(`${p}sip.userid`),
      auth_username: s.get(`${p}sip.subscriber.userid`),
      password: s.get(`${p}sip.subscriber.password`),
      label: s.get(`${p}name`),
      server: server.host,
      port: server.port,
    });
  });
}

function parsePcodes(format: 'grandstream-xml' | 'htek-xml', text: string, rootName: string, codes: readonly AccountCodes[]): ParsedConfig {
  const doc = xmlOf(format, text);
  const root = doc.root;
  if (root.name !== rootName) throw new ConfigFormatError(format, `the root element must be <${rootName}>, not <${root.name}>`, root.line);
  if (!root.attrs.has('version')) throw new ConfigFormatError(format, `<${rootName}> needs a version attribute`, root.line);
  const s = new Settings(format);
  return withXmlErrors(format, () => {
    for (const c of elements(root)) {
      if (c.name !== 'mac' && c.name !== 'config') throw new ConfigFormatError(format, `unexpected <${c.name}> in <${rootName}>`, c.line);
    }
    const mac = child(root, 'mac');
    if (mac) {
      const m = leafText(mac).trim();
      if (m !== '' && !/^[0-9a-fA-F]{12}$/.test(m)) throw new ConfigFormatError(format, `<mac> must be 12 hex digits, not "${m}"`, mac.line);
      if (m !== '') s.set('mac', m.toLowerCase());
    }
    const config = child(root, 'config');
    if (!config) throw new ConfigFormatError(format, `<${rootName}> has no <config>`, root.line);
    const version = config.attrs.get('version');
    if (version !== '1' && !(format === 'grandstream-xml' && version === '2')) {
      throw new ConfigFormatError(format, `<config version="${version ?? ''}"> is not a version we read (1${format === 'grandstream-xml' ? ' or 2' : ''})`, config.line);
    }
    for (const c of config.children) {
      if (c.type === 'text') {
        if (c.text.trim() !== '') throw new ConfigFormatError(format, `stray text "${c.text.trim().slice(0, 30)}" in <config>`, config.line);
        continue;
      }
      if (version === '2') {
        const name = c.attrs.get('name');
        if (c.name !== 'item' || !name) throw new ConfigFormatError(format, `<config version="2"> holds <item name="…"> elements, not <${c.name}>`, c.line);
        s.set(name, leafText(c), c.line);
        continue;
      }
      if (!/^P[0-9]{1,5}$/.test(c.name)) throw new ConfigFormatError(format, `<${c.name}> is not a P-value (P followed by digits)`, c.line);
      for (const a of c.attrs.keys()) {
        if (a !== 'para') throw new ConfigFormatError(format, `<${c.name}> has an unexpected attribute "${a}"`, c.line);
      }
      s.set(c.name, leafText(c), c.line);
    }
    const accounts =
      version === '2'
        ? v2Accounts(format, s)
        : codes.map((k, i) => {
            const server = hostPort(format, s.get(k.server), k.server);
            return accountOf(i + 1, {
              username: s.get(k.user),
              auth_username: s.get(k.auth),
              password: s.get(k.password),
              display_name: s.get(k.display),
              label: s.get(k.label),
              server: server.host,
              port: server.port,
              transport: transportOf(format, s.get(k.transport), TRANSPORT, k.transport),
            });
          });
    const v2 = version === '2';
    if (!v2) checkScheme(format, s.get('P237'), s.get('P212'), { '0': 'tftp', '1': 'http', '2': 'https' }, 'P212');
    return result(format, s.map, accounts, {
      admin_password: s.get(v2 ? 'users.admin.password' : 'P2'),
      ntp_server: s.get(v2 ? 'dateTime.ntp.server.1' : 'P30'),
      timezone: s.get(v2 ? 'dateTime.timezone' : 'P64'),
      provisioning: v2 ? undefined : provisioningOf({ url: s.get('P237'), username: s.get('P1360'), password: s.get('P1361') }),
    });
  });
}

export const grandstreamXml: FormatChecker = {
  id: 'grandstream-xml',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse: (text) => parsePcodes('grandstream-xml', text, 'gs_provision', GRANDSTREAM_ACCOUNTS),
};

export const htekXml: FormatChecker = {
  id: 'htek-xml',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse: (text) => parsePcodes('htek-xml', text, 'hl_provision', HTEK_ACCOUNTS),
};
