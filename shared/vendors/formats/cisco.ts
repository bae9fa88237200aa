/**
 * Cisco SPA/MPP `<flat-profile>` (`cisco-flat`): one element per parameter, spaces as `_`,
 * per-line parameters suffixed `_N_`, optional `ua="na|ro|rw"` [W cp-phone.xml].
 * And the enterprise firmware's `<device>` (`cisco-sep-xml`, SEP<MAC>.cnf.xml) [W cisco_sip].
 */
import {
  ConfigFormatError, Settings, accountOf, hostPort, portOf, provisioningOf, result, transportOf, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { child, descendants, elements, leafText, type XmlElement } from './xml.js';

const TRANSPORT = { UDP: 'udp', TCP: 'tcp', TLS: 'tls' } as const;

/** `[--uid u --pwd p]url` → parts (the options prefix of a profile rule) [F fusionpbx-docs]. */
export function parseProfileRule(rule: string): { url: string; username?: string; password?: string } {
  const m = /^\s*(?:\[([^\]]*)\])?\s*(.*?)\s*$/.exec(rule)!;
  const out: { url: string; username?: string; password?: string } = { url: m[2]! };
  const opts = (m[1] ?? '').trim().split(/\s+/).filter((o) => o !== '');
  for (let k = 0; k < opts.length; k++) {
    if (opts[k] === '--uid') out.username = opts[++k];
    else if (opts[k] === '--pwd') out.password = opts[++k];
  }
  return out;
}

export const ciscoFlat: FormatChecker = {
  id: 'cisco-flat',
  // The line key label is Short_Name_N_ (best-known name, UNVERIFIED); the server port rides in Proxy_N_.
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('cisco-flat', text);
    const root = doc.root;
    if (root.name !== 'flat-profile') throw new ConfigFormatError('cisco-flat', `the root element must be <flat-profile>, not <${root.name}>`, root.line);
    const s = new Settings('cisco-flat');
    withXmlErrors('cisco-flat', () => {
      for (const c of root.children) {
        if (c.type === 'text') {
          if (c.text.trim() !== '') throw new ConfigFormatError('cisco-flat', `stray text "${c.text.trim().slice(0, 30)}" in <flat-profile>`);
          continue;
        }
        for (const [a, v] of c.attrs) {
          if (a !== 'ua') throw new ConfigFormatError('cisco-flat', `<${c.name}> has an unexpected attribute "${a}"`, c.line);
          if (!/^(?:na|ro|rw)$/.test(v)) throw new ConfigFormatError('cisco-flat', `<${c.name} ua="${v}">: ua is na, ro or rw`, c.line);
        }
        s.set(c.name, leafText(c).trim(), c.line);
      }
    });
    const indices = new Set<number>();
    for (const key of Object.keys(s.map)) {
      const m = /_([0-9]+)_$/.exec(key);
      if (m && /^(?:User_ID|Password|Proxy|Line_Enable|Display_Name|Auth_ID)_/.test(key)) indices.add(Number(m[1]));
    }
    const accounts = [...indices].map((i) => {
      const k = (name: string) => `${name}_${i}_`;
      const enable = s.get(k('Line_Enable'));
      if (enable !== undefined && !/^(?:Yes|No)$/i.test(enable)) throw new ConfigFormatError('cisco-flat', `${k('Line_Enable')} is Yes or No, not "${enable}"`);
      const useAuth = s.get(k('Use_Auth_ID'));
      const user = s.get(k('User_ID'));
      const proxy = hostPort('cisco-flat', s.get(k('Proxy')), k('Proxy'));
      return accountOf(i, {
        username: user,
        auth_username: useAuth !== undefined && /^yes$/i.test(useAuth) && s.get(k('Auth_ID')) ? s.get(k('Auth_ID')) : user,
        password: s.get(k('Password')),
        display_name: s.get(k('Display_Name')),
        label: s.get(k('Short_Name')),
        server: proxy.host,
        port: proxy.port,
        transport: transportOf('cisco-flat', s.get(k('SIP_Transport')), TRANSPORT, k('SIP_Transport')),
      });
    });
    const rule = s.get('Profile_Rule');
    const prov = rule ? parseProfileRule(rule) : undefined;
    const includes = ['Profile_Rule_B', 'Profile_Rule_C', 'Profile_Rule_D']
      .map((r) => s.get(r))
      .filter((r): r is string => r !== undefined && r !== '')
      .map((r) => parseProfileRule(r).url);
    return result('cisco-flat', s.map, accounts, {
      admin_password: s.get('Admin_Password'),
      ntp_server: s.get('Primary_NTP_Server'),
      timezone: s.get('Time_Zone'),
      provisioning: prov && provisioningOf(prov),
      ...(includes.length > 0 ? { includes } : {}),
    });
  },
};

function text(el: XmlElement | undefined): string | undefined {
  return el === undefined ? undefined : leafText(el).trim();
}

export const ciscoSepXml: FormatChecker = {
  id: 'cisco-sep-xml',
  // Transport is not a per-line setting of this format, so it is not read back.
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port'],
  parse(text_: string): ParsedConfig {
    const doc = xmlOf('cisco-sep-xml', text_);
    const root = doc.root;
    if (root.name !== 'device') throw new ConfigFormatError('cisco-sep-xml', `the root element must be <device>, not <${root.name}>`, root.line);
    return withXmlErrors('cisco-sep-xml', () => {
      const s = new Settings('cisco-sep-xml');
      const cm = descendants(root, 'processNodeName')[0];
      const cmHost = text(cm);
      if (cmHost) s.set('processNodeName', cmHost);
      const sipProfile = child(root, 'sipProfile');
      const sipLines = sipProfile && child(sipProfile, 'sipLines');
      const seen = new Set<number>();
      const accounts = (sipLines ? elements(sipLines) : []).map((line) => {
        if (line.name !== 'line') throw new ConfigFormatError('cisco-sep-xml', `unexpected <${line.name}> in <sipLines>`, line.line);
        const button = line.attrs.get('button') ?? '';
        if (!/^[1-9][0-9]{0,2}$/.test(button)) throw new ConfigFormatError('cisco-sep-xml', `<line button="${button}">: button is a number from 1`, line.line);
        const index = Number(button);
        if (seen.has(index)) throw new ConfigFormatError('cisco-sep-xml', `two <line button="${index}">`, line.line);
        seen.add(index);
        if (text(child(line, 'featureID')) !== '9') return undefined; // 9 = a SIP line; other features are speed dials etc.
        const proxy = text(child(line, 'proxy'));
        for (const f of ['name', 'displayName', 'authName', 'authPassword', 'featureLabel', 'proxy', 'port']) {
          const v = text(child(line, f));
          if (v !== undefined) s.set(`line.${index}.${f}`, v);
        }
        return accountOf(index, {
          username: text(child(line, 'name')),
          auth_username: text(child(line, 'authName')),
          password: text(child(line, 'authPassword')),
          display_name: text(child(line, 'displayName')),
          label: text(child(line, 'featureLabel')),
          server: proxy === 'USECALLMANAGER' ? cmHost : proxy,
          port: portOf('cisco-sep-xml', text(child(line, 'port')), `line ${index} <port>`),
        });
      });
      const ntp = descendants(root, 'ntp').map((n) => text(child(n, 'name'))).find((n) => n);
      return result('cisco-sep-xml', s.map, accounts, {
        admin_password: text(child(root, 'sshPassword')),
        ntp_server: ntp,
        timezone: text(descendants(root, 'timeZone')[0]),
      });
    });
  },
};
