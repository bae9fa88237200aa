/**
 * Snom `<settings><phone-settings>` (`snom-xml`): one element per setting, `perm="R|RW|"`,
 * `idx="N"` on per-identity settings; and the setting-file container
 * `<setting-files><file url="…"/>` (`snom-container`) [SnomFiles, W, F].
 */
import {
  ConfigFormatError, Settings, accountOf, hostPort, provisioningOf, result, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { child, elements, leafText } from './xml.js';

const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

/** `host:port;transport=tcp` → parts. */
function outbound(value: string | undefined, what: string): { host?: string; port?: number; transport?: 'udp' | 'tcp' | 'tls' } {
  if (!value) return {};
  const [addr, ...params] = value.split(';');
  const out: { host?: string; port?: number; transport?: 'udp' | 'tcp' | 'tls' } = hostPort('snom-xml', addr, what);
  for (const p of params) {
    const m = /^transport=(.*)$/i.exec(p.trim());
    if (!m) continue;
    const t = m[1]!.trim().toLowerCase();
    if (t === '') continue; // an identity the device does not have renders "transport="
    if (!(TRANSPORTS as readonly string[]).includes(t)) throw new ConfigFormatError('snom-xml', `${what}: unknown transport "${m[1]}"`);
    out.transport = t as 'udp' | 'tcp' | 'tls';
  }
  return out;
}

export const snomXml: FormatChecker = {
  id: 'snom-xml',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('snom-xml', text);
    const root = doc.root;
    if (root.name !== 'settings') throw new ConfigFormatError('snom-xml', `the root element must be <settings>, not <${root.name}>`, root.line);
    return withXmlErrors('snom-xml', () => {
      const ps = child(root, 'phone-settings');
      if (!ps) throw new ConfigFormatError('snom-xml', '<settings> has no <phone-settings>', root.line);
      const s = new Settings('snom-xml');
      const indices = new Set<number>();
      for (const el of elements(ps)) {
        for (const [a, v] of el.attrs) {
          if (a === 'perm') {
            if (!/^(?:R|RW|)$/.test(v)) throw new ConfigFormatError('snom-xml', `<${el.name} perm="${v}">: perm is R, RW or empty`, el.line);
          } else if (a === 'idx') {
            if (!/^[0-9]{1,3}$/.test(v)) throw new ConfigFormatError('snom-xml', `<${el.name} idx="${v}">: idx is a number`, el.line);
          } else if (a !== 'e') {
            throw new ConfigFormatError('snom-xml', `<${el.name}> has an unexpected attribute "${a}"`, el.line);
          }
        }
        const idx = el.attrs.get('idx');
        if (idx !== undefined) indices.add(Number(idx));
        s.set(idx === undefined ? el.name : `${el.name}#${Number(idx)}`, leafText(el), el.line);
      }
      const accounts = [...indices].map((i) => {
        const g = (name: string) => s.get(`${name}#${i}`);
        const host = hostPort('snom-xml', g('user_host'), `user_host idx ${i}`);
        const ob = outbound(g('user_outbound'), `user_outbound idx ${i}`);
        return accountOf(i, {
          username: g('user_name'),
          auth_username: g('user_pname'),
          password: g('user_pass'),
          display_name: g('user_realname'),
          label: g('user_idle_text'),
          server: host.host,
          port: host.port,
          transport: ob.transport,
        });
      });
      const admin = s.get('admin_mode_password');
      const confirm = s.get('admin_mode_password_confirm');
      if (confirm !== undefined && confirm !== admin) {
        throw new ConfigFormatError('snom-xml', 'admin_mode_password_confirm differs from admin_mode_password');
      }
      return result('snom-xml', s.map, accounts, {
        admin_password: admin,
        ntp_server: s.get('ntp_server'),
        timezone: s.get('timezone'),
        provisioning: provisioningOf({
          url: s.get('setting_server'),
          username: s.get('http_client_user'),
          password: s.get('http_client_pass'),
        }),
      });
    });
  },
};

export const snomContainer: FormatChecker = {
  id: 'snom-container',
  accountFields: [],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('snom-container', text);
    const root = doc.root;
    if (root.name !== 'setting-files') {
      throw new ConfigFormatError('snom-container', `the root element must be <setting-files>, not <${root.name}>`, root.line);
    }
    const includes: string[] = [];
    for (const c of root.children) {
      if (c.type === 'text') {
        if (c.text.trim() !== '') throw new ConfigFormatError('snom-container', `stray text "${c.text.trim().slice(0, 30)}" in <setting-files>`);
        continue;
      }
      const url = c.attrs.get('url');
      if (c.name !== 'file' || !url) throw new ConfigFormatError('snom-container', `<setting-files> holds <file url="…"/> elements, not <${c.name}>`, c.line);
      includes.push(url);
    }
    return result('snom-container', {}, [], { includes });
  },
};
