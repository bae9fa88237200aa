/**
 * Gigaset Nx70 `<provisioning><nvm><param name value/>` (`gigaset-xml`) [W Nx70 base.tpl].
 * Accounts `SipAccount.<handset>.*` (the handset number zero-padded to 5 digits, as wazo
 * writes it) point at `SipProvider.<id>.*` through ProviderId. Port keys and the transport codes
 * (1 UDP, 2 TCP, 3 TLS) are the best-known values, UNVERIFIED. No line label exists.
 */
import {
  ConfigFormatError, Settings, accountOf, portOf, provisioningOf, result, transportOf, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { child, elements } from './xml.js';

const TRANSPORT = { '1': 'udp', '2': 'tcp', '3': 'tls' } as const;

export const gigasetXml: FormatChecker = {
  id: 'gigaset-xml',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('gigaset-xml', text);
    const root = doc.root;
    if (root.name !== 'provisioning') throw new ConfigFormatError('gigaset-xml', `the root element must be <provisioning>, not <${root.name}>`, root.line);
    for (const a of ['version', 'productID']) {
      if (!root.attrs.has(a)) throw new ConfigFormatError('gigaset-xml', `<provisioning> needs a ${a} attribute`, root.line);
    }
    return withXmlErrors('gigaset-xml', () => {
      const nvm = child(root, 'nvm');
      if (!nvm) throw new ConfigFormatError('gigaset-xml', '<provisioning> has no <nvm>', root.line);
      const s = new Settings('gigaset-xml');
      for (const el of elements(nvm)) {
        if (el.name === 'oper') continue; // operations (add handset, update_dm) carry their own params
        if (el.name !== 'param') throw new ConfigFormatError('gigaset-xml', `unexpected <${el.name}> in <nvm>`, el.line);
        const name = el.attrs.get('name');
        const value = el.attrs.get('value');
        if (!name || value === undefined) throw new ConfigFormatError('gigaset-xml', '<param> needs name and value attributes', el.line);
        s.set(name, value, el.line);
      }
      const ids = new Set<string>();
      for (const key of Object.keys(s.map)) {
        const m = /^SipAccount\.([0-9]+)\./.exec(key);
        if (m) ids.add(m[1]!);
      }
      const accounts = [...ids].map((id) => {
        const g = (name: string) => s.get(`SipAccount.${id}.${name}`) || undefined;
        const user = g('UserName');
        const provider = g('ProviderId');
        const p = (name: string) => (provider === undefined ? undefined : s.get(`SipProvider.${provider}.${name}`) || undefined);
        if (user && provider !== undefined && !Object.keys(s.map).some((k) => k.startsWith(`SipProvider.${provider}.`))) {
          throw new ConfigFormatError('gigaset-xml', `SipAccount.${id} uses provider ${provider}, which is not defined`);
        }
        return accountOf(Number(id), {
          username: user,
          auth_username: g('AuthName'),
          password: g('AuthPassword'),
          display_name: g('DisplayName'),
          server: p('RegServerAddress') ?? p('Domain'),
          port: portOf('gigaset-xml', p('RegServerPort') ?? p('ProxyServerPort'), `SipProvider.${provider ?? '?'}.RegServerPort`),
          transport: transportOf('gigaset-xml', p('TransportProtocol'), TRANSPORT, `SipProvider.${provider ?? '?'}.TransportProtocol`),
        });
      });
      return result('gigaset-xml', s.map, accounts, {
        admin_password: s.get('WebUIAccounts.1.Password'),
        ntp_server: s.get('DmGlobal.0.NtpServer'),
        timezone: s.get('DmGlobal.0.TimeZone'),
        provisioning: provisioningOf({ url: s.get('Provisioning.global.ProvisioningServer') }),
      });
    });
  },
};
