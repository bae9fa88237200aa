/**
 * The API's schemas: the same zod objects validate requests and generate /api/v1/openapi.json,
 * so the document cannot drift from what the server accepts.
 */
import { z } from '@hono/zod-openapi';
import { parseDhcpOptionValue } from '../../shared/dhcp.js';
import { MAX_USERS_PER_DEVICE } from '../../shared/domain.js';
import { tryParseMac } from '../../shared/mac.js';
import { VENDOR_IDS, type VendorId } from '../../shared/vendors/index.js';

const port = z.number().int().min(1).max(65535);
const host = z.string().min(1).max(253).regex(/^[A-Za-z0-9.:\-\[\]]+$/, 'a host name or IP address');
const ipv4 = z.ipv4();
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'TOO_MANY_USERS' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

/** Option values by code, refused here exactly when the edge could not send them (shared/dhcp.ts). */
const DhcpOptionValues = z
  .record(z.string(), z.string().max(2100))
  .superRefine((values, ctx) => {
    for (const [code, text] of Object.entries(values)) {
      if (!/^\d{1,3}$/.test(code)) {
        ctx.addIssue({ code: 'custom', message: `"${code}" is not an option code (1..254)`, path: [code] });
        continue;
      }
      const parsed = parseDhcpOptionValue(Number(code), text);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed, path: [code] });
    }
  })
  .openapi({ example: { '66': 'http://10.1.0.2/', '42': '10.1.0.1' } });

export const DhcpReservation = z
  .object({
    mac: z.string().refine((m) => tryParseMac(m) !== null, 'a MAC address such as 00:15:65:AA:BB:CC'),
    ip: ipv4,
    hostname: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'a host name label').nullable().optional(),
  })
  .strict()
  .openapi('DhcpReservation');

export const DhcpRelayPool = z
  .object({ pool_start: ipv4, pool_end: ipv4, subnet_mask: ipv4.nullable().optional(), router: ipv4.nullable().optional() })
  .strict()
  .openapi('DhcpRelayPool');

export const DhcpSettings = z
  .object({
    mode: z.enum(['off', 'full', 'known-only']).default('off'),
    pool_start: ipv4.nullable().default(null),
    pool_end: ipv4.nullable().default(null),
    router: ipv4.nullable().default(null),
    dns: z.array(ipv4).max(8).default([]),
    lease_time_s: z.number().int().min(60).max(30 * 86400).default(86400),
    // Optional (absent = the edge's default) so sites stored before them stay valid.
    subnet_mask: ipv4.nullable().optional().openapi({ description: 'Default: the network holding the pool, router and edge, at most a /24.' }),
    domain_name: host.nullable().optional().openapi({ description: 'Option 15.' }),
    reservations: z.array(DhcpReservation).max(4096).optional(),
    relay_pools: z.array(DhcpRelayPool).max(64).optional().openapi({ description: 'Pools for phones behind a DHCP relay, chosen by the relay address (giaddr).' }),
    options: DhcpOptionValues.optional().openapi({
      description: 'Option values by code for every client that asks for them (option 55) or whose vendor profile sends them. Addresses comma-separated, "hex:…" for raw bytes, "" to send nothing.',
    }),
    vendor_options: z
      .record(z.string(), DhcpOptionValues)
      .superRefine((values, ctx) => {
        for (const vendor of Object.keys(values)) {
          if (!(VENDOR_IDS as readonly string[]).includes(vendor)) {
            ctx.addIssue({ code: 'custom', message: `"${vendor}" is not a vendor profile id (${VENDOR_IDS.join(', ')})`, path: [vendor] });
          }
        }
      })
      .optional()
      .openapi({ description: 'Per vendor profile id: option values by code, always sent to that vendor\'s phones.' }),
  })
  .openapi('DhcpSettings');

const siteFields = {
  name: z.string().trim().min(1).max(100),
  timezone: z.string().min(1).max(64).refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin'),
  ntp_server: host,
  provision_mode: z.enum(['fqdn', 'public_ip']),
  fqdn: host.nullable(),
  public_ip: ipAddress.nullable(),
  edge_lan_ip: ipAddress.nullable(),
  edge_http_port: port,
  edge_https_port: port.nullable(),
  edge_tftp_port: port,
  sip_port: port,
  sip_transport: z.enum(['udp', 'tcp', 'tls']),
  rtp_port_min: port,
  rtp_port_max: port,
  provision_limit: z.number().int().min(0).max(1000),
  dhcp: DhcpSettings,
};

export const SiteCreate = z
  .object({
    name: siteFields.name,
    timezone: siteFields.timezone.default('UTC'),
    ntp_server: siteFields.ntp_server.default('pool.ntp.org'),
    provision_mode: siteFields.provision_mode.default('fqdn'),
    fqdn: siteFields.fqdn.default(null),
    public_ip: siteFields.public_ip.default(null),
    edge_lan_ip: siteFields.edge_lan_ip.default(null),
    edge_http_port: siteFields.edge_http_port.default(80),
    edge_https_port: siteFields.edge_https_port.default(null),
    edge_tftp_port: siteFields.edge_tftp_port.default(69),
    sip_port: siteFields.sip_port.default(5060),
    sip_transport: siteFields.sip_transport.default('udp'),
    rtp_port_min: siteFields.rtp_port_min.default(10000),
    rtp_port_max: siteFields.rtp_port_max.default(20000),
    provision_limit: siteFields.provision_limit.default(1),
    dhcp: DhcpSettings.default({ mode: 'off', pool_start: null, pool_end: null, router: null, dns: [], lease_time_s: 86400 }),
  })
  .strict()
  .openapi('SiteCreate');
export type SiteCreate = z.infer<typeof SiteCreate>;

export const SitePatch = z
  .object({ ...siteFields, dhcp: DhcpSettings.partial() })
  .partial()
  .strict()
  .openapi('SitePatch');
export type SitePatch = z.infer<typeof SitePatch>;

export const Site = z.object({ id: z.number().int(), ...siteFields }).openapi('Site');

export const FirewallRule = z
  .object({
    purpose: z.string(),
    from: z.string(),
    to: z.string(),
    protocol: z.enum(['udp', 'tcp']),
    ports: z.string(),
    note: z.string().optional(),
  })
  .openapi('FirewallRule');

export const Transport = z.enum(['udp', 'tcp', 'tls']);

export const SipAccountInput = z
  .object({
    username: z.string().trim().min(1).max(128),
    auth_username: z.string().trim().max(128).default(''),
    password: z.string().min(1).max(128),
    server: host.nullable().default(null),
    port: port.nullable().default(null),
    transport: Transport.default('udp'),
    outbound_proxy: host.nullable().default(null),
    label: z.string().max(64).default(''),
  })
  .strict()
  .openapi('SipAccountInput');
export type SipAccountInput = z.infer<typeof SipAccountInput>;

export const SipAccountPatch = z
  .object({
    username: z.string().trim().min(1).max(128),
    auth_username: z.string().trim().max(128),
    password: z.string().min(1).max(128),
    server: host.nullable(),
    port: port.nullable(),
    transport: Transport,
    outbound_proxy: host.nullable(),
    label: z.string().max(64),
  })
  .partial()
  .strict()
  .openapi('SipAccountPatch');
export type SipAccountPatch = z.infer<typeof SipAccountPatch>;

export const SipAccount = z
  .object({
    id: z.number().int(),
    username: z.string(),
    auth_username: z.string(),
    password: z.string().openapi({ description: 'masked as *** unless ?reveal=true by an admin' }),
    server: z.string().nullable(),
    port: z.number().int().nullable(),
    transport: Transport,
    outbound_proxy: z.string().nullable(),
    label: z.string(),
  })
  .openapi('SipAccount');

const extension = z.string().trim().regex(/^[0-9A-Za-z*#+_.-]{1,32}$/, 'an extension: 1–32 of 0-9 A-Z * # + _ . -');
const username = z.string().trim().regex(/^[A-Za-z0-9_.@-]{2,64}$/, '2–64 of A-Z 0-9 _ . @ -');
const password = z.string().min(8, 'at least 8 characters').max(256);

export const UserCreate = z
  .object({
    extension,
    display_name: z.string().trim().min(1).max(100),
    ip_phone_license: z.boolean().default(true),
    username: username.optional(),
    password: password.optional(),
    sip_accounts: z.array(SipAccountInput).max(16).optional(),
  })
  .strict()
  .openapi('UserCreate');
export type UserCreate = z.infer<typeof UserCreate>;

export const UserPatch = z
  .object({
    extension,
    display_name: z.string().trim().min(1).max(100),
    ip_phone_license: z.boolean(),
    username: username.nullable(),
    password,
  })
  .partial()
  .strict()
  .openapi('UserPatch');
export type UserPatch = z.infer<typeof UserPatch>;

export const User = z
  .object({
    id: z.number().int(),
    extension: z.string(),
    display_name: z.string(),
    ip_phone_license: z.boolean(),
    username: z.string().nullable(),
    sip_accounts: z.array(SipAccount),
    devices: z.array(z.string()),
  })
  .openapi('User');

export const Engine = z.enum(['default', 'freemarker']);

/** A vendor profile id (shared/vendors), refused with the list of ids otherwise. */
const VendorIdSchema = z.enum(VENDOR_IDS as [VendorId, ...VendorId[]], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a vendor profile id (${VENDOR_IDS.join(', ')})`,
});

export const DeviceStatus = z
  .object({
    provisioned: z.boolean(),
    last_provisioned_at: z.string().nullable(),
    last_provisioned_ip: z.string().nullable(),
    last_user_agent: z.string().nullable(),
    first_seen: z.string().nullable(),
    last_seen: z.string().nullable(),
    firmware: z.string().nullable(),
    counter: z.object({ count: z.number().int(), limit: z.number().int(), limit_source: z.enum(['device', 'site']) }),
    pending: z.boolean(),
  })
  .openapi('DeviceStatus');

export const DeviceUserRef = z.object({ id: z.number().int(), extension: z.string(), display_name: z.string() });

export const Device = z
  .object({
    mac: z.string().openapi({ example: '001565aabbcc' }),
    site_id: z.number().int(),
    vendor: z.string().nullable(),
    model: z.string().nullable(),
    name: z.string(),
    login_password: z.string(),
    engine: Engine,
    template_id: z.number().int().nullable(),
    provision_limit: z.number().int().nullable(),
    users: z.array(DeviceUserRef),
    status: DeviceStatus,
  })
  .openapi('Device');

export const DevicePatch = z
  .object({
    name: z.string().trim().max(100),
    login_password: z.string().min(1).max(64),
    engine: Engine,
    site_id: z.number().int(),
    model: z.string().trim().max(64).nullable(),
    vendor: VendorIdSchema.openapi({
      description: 'The vendor profile. Set by the OUI at import; say it where families share OUIs (cisco-sep on Cisco hardware).',
    }),
    provision_limit: z.number().int().min(0).max(1000).nullable(),
  })
  .partial()
  .strict()
  .openapi('DevicePatch');
export type DevicePatch = z.infer<typeof DevicePatch>;

export const MePatch = z
  .object({ name: z.string().trim().max(100), login_password: z.string().min(1).max(64) })
  .partial()
  .strict()
  .openapi('MyDevicePatch');

export const DeviceFilter = z
  .object({
    filter: z.enum(['all', 'assigned', 'unassigned']).default('all'),
    q: z.string().max(100).optional(),
    site_id: z.coerce.number().int().optional(),
  })
  .openapi('DeviceFilter');
export type DeviceFilter = z.infer<typeof DeviceFilter>;

export const DeviceListQuery = DeviceFilter.extend({
  sort: z.enum(['mac', '-mac', 'name', '-name', 'created_at', '-created_at', 'last_provisioned_at', '-last_provisioned_at']).default('mac'),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
});

export const Selection = z
  .union([
    z.object({ macs: z.array(z.string()).min(1).max(100000) }).strict(),
    z.object({ filter: DeviceFilter }).strict(),
  ])
  .openapi('Selection', { description: 'either the listed MACs, or all rows matching the filter across all pages' });
export type Selection = z.infer<typeof Selection>;

export const ExportRequest = z
  .union([
    z.object({ macs: z.array(z.string()).min(1).max(100000), include_secrets: z.boolean().default(false) }).strict(),
    z.object({ filter: DeviceFilter, include_secrets: z.boolean().default(false) }).strict(),
  ])
  .openapi('ExportRequest');

export const ImportRequest = z
  .object({
    text: z.string().max(10_000_000).optional(),
    csv: z.string().max(10_000_000).optional(),
    site_id: z.number().int().optional(),
    preview: z.boolean().default(false),
  })
  .strict()
  .refine((r) => (r.text === undefined) !== (r.csv === undefined), 'give exactly one of text or csv')
  .openapi('ImportRequest');
export type ImportRequest = z.infer<typeof ImportRequest>;

export const RowError = z.object({ line: z.number().int(), column: z.number().int(), field: z.string(), message: z.string() });

export const ImportResult = z
  .object({
    applied: z.boolean(),
    total: z.number().int(),
    created: z.array(z.object({ line: z.number().int(), mac: z.string(), vendor: z.string().nullable(), model: z.string().nullable(), name: z.string(), site_id: z.number().int() })),
    errors: z.array(RowError),
    warnings: z.array(RowError),
  })
  .openapi('ImportResult');

export const Assignment = z
  .object({ users: z.array(z.number().int()).max(MAX_USERS_PER_DEVICE + 100) })
  .strict()
  .openapi('Assignment');

export const AutoProvisionRequest = z
  .object({ macs: z.array(z.string()).min(1).max(10000), users: z.array(z.number().int()).optional() })
  .strict()
  .openapi('AutoProvisionRequest');

export const BulkProvisionRequest = z
  .object({ csv: z.string().max(10_000_000), preview: z.boolean().default(false) })
  .strict()
  .openapi('BulkProvisionRequest');

export const TemplateUpload = z
  .object({ engine: Engine, body: z.string().min(1).max(1_000_000), name: z.string().max(100).optional() })
  .strict()
  .openapi('TemplateUpload');

export const TemplateCreate = z
  .object({
    name: z.string().trim().min(1).max(100),
    engine: Engine,
    vendor: z.string().max(32).nullable().default(null),
    model: z.string().max(64).nullable().default(null),
    body: z.string().min(1).max(1_000_000),
  })
  .strict()
  .openapi('TemplateCreate');

export const TemplatePatch = z
  .object({ name: z.string().trim().min(1).max(100), body: z.string().min(1).max(1_000_000), engine: Engine })
  .partial()
  .strict()
  .openapi('TemplatePatch');

export const Template = z
  .object({
    id: z.number().int(),
    name: z.string(),
    engine: Engine,
    vendor: z.string().nullable(),
    model: z.string().nullable(),
    version: z.number().int(),
    body: z.string(),
    devices: z.array(z.string()),
  })
  .openapi('Template');

export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict().openapi('Login');

export const Settings = z
  .object({
    session_window_s: z.number().int().min(10).max(86400),
    default_provision_limit: z.number().int().min(0).max(1000),
    scan_threshold_per_min: z.number().int().min(1).max(10000),
  })
  .openapi('Settings');
export type Settings = z.infer<typeof Settings>;

export const AdoptRequest = z
  .object({
    name: z.string().trim().max(100).optional(),
    model: z.string().trim().max(64).optional(),
    vendor: VendorIdSchema.optional().openapi({ description: 'The vendor profile, when the OUI alone cannot say it (default: the OUI\'s owner).' }),
    users: z.array(z.number().int()).max(MAX_USERS_PER_DEVICE + 100).optional(),
  })
  .strict()
  .openapi('AdoptRequest');
