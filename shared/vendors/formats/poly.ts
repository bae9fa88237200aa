/**
 * Poly UC Software XML: every setting is an attribute of some element (`poly-cfg`), and the
 * master config `<APPLICATION CONFIG_FILES="…"/>` (`poly-master`) [W, PolyBoot].
 */
import {
  ConfigFormatError, Settings, accountOf, checkScheme, portOf, provisioningOf, result, transportOf, withXmlErrors, xmlOf,
  type FormatChecker, type ParsedConfig,
} from './common.js';
import { elements, type XmlElement } from './xml.js';

const TRANSPORT = { UDPOnly: 'udp', TCPOnly: 'tcp', TLS: 'tls' } as const;

function collect(el: XmlElement, s: Settings): void {
  for (const c of el.children) {
    if (c.type === 'text' && c.text.trim() !== '') {
      throw new ConfigFormatError('poly-cfg', `text "${c.text.trim().slice(0, 30)}" inside <${el.name}>: Poly settings are attributes`, el.line);
    }
  }
  for (const [k, v] of el.attrs) s.set(k, v, el.line);
  for (const c of elements(el)) collect(c, s);
}

export const polyCfg: FormatChecker = {
  id: 'poly-cfg',
  accountFields: ['username', 'auth_username', 'password', 'display_name', 'label', 'server', 'port', 'transport'],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('poly-cfg', text);
    const s = new Settings('poly-cfg');
    withXmlErrors('poly-cfg', () => collect(doc.root, s));
    // device.* parameters are ignored by the phone unless their ".set" companion is "1".
    for (const key of Object.keys(s.map)) {
      if (key.startsWith('device.') && !key.endsWith('.set') && key !== 'device.set' && s.get(`${key}.set`) !== '1') {
        throw new ConfigFormatError('poly-cfg', `${key} needs ${key}.set="1", or the phone ignores it`);
      }
    }
    const indices = new Set<number>();
    for (const key of Object.keys(s.map)) {
      const m = /^reg\.([0-9]+)\./.exec(key);
      if (m) indices.add(Number(m[1]));
    }
    const accounts = [...indices].map((i) => {
      const p = `reg.${i}.`;
      return accountOf(i, {
        username: s.get(`${p}address`),
        auth_username: s.get(`${p}auth.userId`),
        password: s.get(`${p}auth.password`),
        display_name: s.get(`${p}displayName`),
        label: s.get(`${p}label`),
        server: s.get(`${p}server.1.address`),
        port: portOf('poly-cfg', s.get(`${p}server.1.port`), `${p}server.1.port`),
        transport: transportOf('poly-cfg', s.get(`${p}server.1.transport`), TRANSPORT, `${p}server.1.transport`),
      });
    });
    checkScheme('poly-cfg', s.get('device.prov.serverName'), s.get('device.prov.serverType'),
      { TFTP: 'tftp', FTP: 'ftp', HTTP: 'http', HTTPS: 'https', FTPS: 'ftps' }, 'device.prov.serverType');
    return result('poly-cfg', s.map, accounts, {
      admin_password: s.get('device.auth.localAdminPassword'),
      ntp_server: s.get('tcpIpApp.sntp.address'),
      provisioning: provisioningOf({
        url: s.get('device.prov.serverName'),
        username: s.get('device.prov.user'),
        password: s.get('device.prov.password'),
      }),
    });
  },
};

export const polyMaster: FormatChecker = {
  id: 'poly-master',
  accountFields: [],
  parse(text: string): ParsedConfig {
    const doc = xmlOf('poly-master', text);
    const app = doc.root;
    if (app.name !== 'APPLICATION') throw new ConfigFormatError('poly-master', `the root element must be <APPLICATION>, not <${app.name}>`, app.line);
    for (const required of ['APP_FILE_PATH', 'CONFIG_FILES']) {
      if (!app.attrs.has(required)) throw new ConfigFormatError('poly-master', `<APPLICATION> needs ${required}`, app.line);
    }
    for (const c of elements(app)) {
      if (!c.name.startsWith('APPLICATION_')) {
        throw new ConfigFormatError('poly-master', `unexpected <${c.name}> in <APPLICATION> (only APPLICATION_<MODEL>)`, c.line);
      }
    }
    const includes = app.attrs.get('CONFIG_FILES')!.split(',').map((f) => f.trim()).filter((f) => f !== '');
    if (includes.length === 0) throw new ConfigFormatError('poly-master', 'CONFIG_FILES names no file', app.line);
    const settings: Record<string, string> = Object.fromEntries(app.attrs);
    return result('poly-master', settings, [], { includes });
  },
};
