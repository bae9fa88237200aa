/**
 * Fanvil new-firmware XML `<sysConf>` (`fanvil-xml`): `<sip><line index="N">` with PhoneNumber,
 * DisplayName, RegisterAddr, RegisterPort, RegisterUser, RegisterPswd, EnableReg, Transport
 * (0 UDP, 1 TCP, 3 TLS); `<web><account>`; `<date>`; `<ap>` [W base-new.tpl, F x4u].
 * No line-label key is in the reference, so labels are not written or read back.
 */
import {
  ConfigFormatError, Settings, accountOf, checkScheme, portOf, provisioningOf, result, transportOf, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { child, elements, leafText, type XmlElement } from './xml.js';

const TRANSPORT = { '0': 'udp', '1': 'tcp', '3': 'tls' } as const;

/** A section's leaf values into `s` under `prefix.`; repeated names are errors. */
function leaves(el: XmlElement, prefix: string, s: Settings): void {
  for (const c of elements(el)) s.set(`${prefix}.${c.name}`, leafText(c).trim(), c.line);
}

export const fanvilXml: FormatChecker = {
  id: 'fanvil-xml',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('fanvil-xml', text);
    const root = doc.root;
    if (root.name !== 'sysConf') throw new ConfigFormatError('fanvil-xml', `the root element must be <sysConf>, not <${root.name}>`, root.line);
    return withXmlErrors('fanvil-xml', () => {
      const s = new Settings('fanvil-xml');
      const version = child(root, 'Version');
      if (version) s.set('Version', leafText(version).trim());
      const indices: number[] = [];
      const sip = child(root, 'sip');
      for (const line of sip ? elements(sip, 'line') : []) {
        const idx = line.attrs.get('index') ?? '';
        if (!/^[1-9][0-9]{0,2}$/.test(idx)) throw new ConfigFormatError('fanvil-xml', `<line index="${idx}">: index is a number from 1`, line.line);
        if (indices.includes(Number(idx))) throw new ConfigFormatError('fanvil-xml', `two <line index="${idx}">`, line.line);
        indices.push(Number(idx));
        leaves(line, `line.${Number(idx)}`, s);
      }
      for (const section of ['date', 'ap']) {
        const el = child(root, section);
        if (el) leaves(el, section, s);
      }
      let admin: string | undefined;
      const web = child(root, 'web');
      for (const acc of web ? elements(web, 'account') : []) {
        const idx = acc.attrs.get('index') ?? '';
        leaves(acc, `web.account.${idx}`, s);
        if (s.get(`web.account.${idx}.Name`) === 'admin') admin = s.get(`web.account.${idx}.Password`);
      }
      const accounts = indices.map((i) => {
        const g = (name: string) => s.get(`line.${i}.${name}`);
        const enable = g('EnableReg');
        if (enable !== undefined && !/^[01]$/.test(enable)) throw new ConfigFormatError('fanvil-xml', `line ${i} EnableReg is 0 or 1, not "${enable}"`);
        return accountOf(i, {
          username: g('PhoneNumber'),
          auth_username: g('RegisterUser'),
          password: g('RegisterPswd'),
          display_name: g('DisplayName'),
          server: g('RegisterAddr'),
          port: portOf('fanvil-xml', g('RegisterPort'), `line ${i} RegisterPort`),
          transport: transportOf('fanvil-xml', g('Transport'), TRANSPORT, `line ${i} Transport`),
        });
      });
      // FlashProtocol 4 = HTTP [W], 5 with https [F].
      checkScheme('fanvil-xml', s.get('ap.FlashServerIP'), s.get('ap.FlashProtocol'), { '4': 'http', '5': 'https' }, 'FlashProtocol');
      return result('fanvil-xml', s.map, accounts, {
        admin_password: admin,
        ntp_server: s.get('date.SNTPServer'),
        timezone: s.get('date.TimeZoneName'),
        provisioning: provisioningOf({
          url: s.get('ap.FlashServerIP'),
          username: s.get('ap.DefaultUsername'),
          password: s.get('ap.DefaultPassword'),
        }),
      });
    });
  },
};
