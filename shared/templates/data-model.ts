/**
 * The data model both template engines see (DESIGN §6), built from the desired state of one
 * device. Hub previews and the edge's renders go through this one function so a phone gets
 * exactly what the admin previewed.
 */
import { macColon, macUpper } from '../mac.js';
import type { Line, Site, SipAccount, Transport } from '../domain.js';

export interface DataModel {
  device: {
    mac: string;
    mac_upper: string;
    mac_colon: string;
    name: string;
    vendor: string;
    model: string;
    login_password: string;
  };
  site: { name: string; timezone: string; ntp_server: string };
  server: { host: string; sip_port: number; sip_transport: Transport };
  provisioning: { url: string; username: string; password: string };
  lines: Line[];
}

export interface DataModelInput {
  device: {
    mac: string;
    name: string;
    vendor: string | null;
    model: string | null;
    login_password: string;
    prov_username: string;
    prov_password: string;
  };
  site: Pick<
    Site,
    'name' | 'timezone' | 'ntp_server' | 'provision_mode' | 'fqdn' | 'public_ip' | 'edge_lan_ip'
    | 'edge_http_port' | 'edge_https_port' | 'sip_port' | 'sip_transport'
  >;
  /** The device's extensions in assignment order, each with its SIP accounts in order. */
  extensions: Array<{ extension: string; display_name: string; accounts: SipAccount[] }>;
}

/** The host phones are told to use, per the site's provision mode. */
export function siteHost(site: DataModelInput['site']): string {
  const host = site.provision_mode === 'fqdn' ? site.fqdn : site.public_ip;
  return host ?? site.edge_lan_ip ?? '';
}

/** Path prefix of the authenticated provisioning URL the edge serves (DESIGN §4). */
export const AUTHENTICATED_PATH = '/secure/';

export function provisioningUrl(site: DataModelInput['site']): string {
  const host = siteHost(site);
  if (site.edge_https_port !== null) {
    const port = site.edge_https_port === 443 ? '' : `:${site.edge_https_port}`;
    return `https://${host}${port}${AUTHENTICATED_PATH}`;
  }
  const port = site.edge_http_port === 80 ? '' : `:${site.edge_http_port}`;
  return `http://${host}${port}${AUTHENTICATED_PATH}`;
}

export function buildDataModel(input: DataModelInput): DataModel {
  const { device, site } = input;
  const host = siteHost(site);
  const lines: Line[] = [];
  for (const ext of input.extensions) {
    for (const acc of ext.accounts) {
      lines.push({
        index: lines.length + 1,
        extension: ext.extension,
        display_name: ext.display_name,
        label: acc.label || ext.extension,
        username: acc.username,
        auth_username: acc.auth_username || acc.username,
        password: acc.password,
        server: acc.server ?? host,
        port: acc.port ?? site.sip_port,
        transport: acc.transport,
        outbound_proxy: acc.outbound_proxy ?? '',
      });
    }
  }
  return {
    device: {
      mac: device.mac,
      mac_upper: macUpper(device.mac),
      mac_colon: macColon(device.mac),
      name: device.name,
      vendor: device.vendor ?? '',
      model: device.model ?? '',
      login_password: device.login_password,
    },
    site: { name: site.name, timezone: site.timezone, ntp_server: site.ntp_server },
    server: { host, sip_port: site.sip_port, sip_transport: site.sip_transport },
    provisioning: { url: provisioningUrl(site), username: device.prov_username, password: device.prov_password },
    lines,
  };
}

/** Names a template may use, per object; `lines.N.<field>` uses LINE_FIELDS. */
export const MODEL_FIELDS = {
  device: ['mac', 'mac_upper', 'mac_colon', 'name', 'vendor', 'model', 'login_password'],
  site: ['name', 'timezone', 'ntp_server'],
  server: ['host', 'sip_port', 'sip_transport'],
  provisioning: ['url', 'username', 'password'],
} as const;

export const LINE_FIELDS = [
  'index', 'extension', 'display_name', 'label', 'username', 'auth_username', 'password',
  'server', 'port', 'transport', 'outbound_proxy',
] as const;
