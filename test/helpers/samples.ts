/**
 * Shared by the sample tests (Default engine, our FreeMarker engine, real FreeMarker): the
 * sample catalogue, data models with distinct values per line, and the read-back assertion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Transport } from '../../shared/domain.js';
import type { DataModel } from '../../shared/templates/index.js';
import { VENDORS, resolveRequest, vendorById, type SampleTemplate, type VendorProfile } from '../../shared/vendors/index.js';
import { FORMATS, type Account, type AccountField, type ParsedConfig } from '../../shared/vendors/formats/index.js';

/** The repository's templates/ folder (compiled to <out>/test/helpers → ../../../templates). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export type EngineName = 'default' | 'freemarker';
export const EXT: Record<EngineName, string> = { default: 'tpl', freemarker: 'ftl' };

export interface Sample {
  vendor: VendorProfile;
  template: SampleTemplate;
}

export const SAMPLES: readonly Sample[] = VENDORS.flatMap((vendor) => vendor.templates.map((template) => ({ vendor, template })));

export function sampleSource(s: Sample, engine: EngineName): string {
  return readFileSync(`${TEMPLATES_DIR}${s.vendor.id}/${s.template.name}.${EXT[engine]}`, 'utf8');
}

/**
 * Lines to render: 1 and the most the sample is meant for — the Default sample's documented
 * number of blocks; for FreeMarker (which loops) the largest model the profile knows, else the
 * Default number. Files without accounts are rendered with 1 and 3 lines.
 */
export function lineCounts(s: Sample, engine: EngineName): number[] {
  if (s.template.defaultLines === 0) return [1, 3];
  if (engine === 'default') return [1, s.template.defaultLines];
  const models = s.vendor.models.map((m) => m.lines);
  return [1, models.length > 0 ? Math.max(...models) : s.template.defaultLines];
}

const TRANSPORTS: readonly Transport[] = ['udp', 'tcp', 'tls'];

/**
 * A data model with `lines` lines whose every value differs from line to line. With `specials`,
 * secrets and names carry `& < > " '` (the FreeMarker samples must escape them in XML formats;
 * the Default engine inserts values as they are, so its tests use plain values). With `https`
 * the provisioning URL is https with a port, else plain http on port 80 (the Default samples
 * write HTTP protocol codes, documented).
 */
export function sampleModel(vendorId: string, lines: number, opts: { specials: boolean; https: boolean }): DataModel {
  const { specials } = opts;
  const v = vendorById(vendorId)!;
  const oui = v.ouis[0] ?? vendorById(v.ouiFamily ?? '')?.ouis[0] ?? '001122';
  const mac = `${oui}a1b2c3`;
  const x = specials ? `&<>"'` : '';
  return {
    device: {
      mac,
      mac_upper: mac.toUpperCase(),
      mac_colon: mac.match(/../g)!.join(':'),
      name: `Front Desk${specials ? ' & Co' : ''}`,
      vendor: vendorId,
      model: v.models[0]?.name ?? 'X1',
      login_password: `Adm1n-pw.42${x}`,
    },
    site: { name: 'Berlin Branch', timezone: 'Europe/Berlin', ntp_server: 'ntp1.example.net' },
    server: { host: 'pbx.example.net', sip_port: 5060, sip_transport: 'udp' },
    provisioning: { url: opts.https ? 'https://prov.example.net:8443/secure/' : 'http://prov.example.net/secure/', username: mac, password: `pv-Secret_9${x}` },
    lines: Array.from({ length: lines }, (_, k) => {
      const i = k + 1;
      return {
        index: i,
        extension: String(100 + i),
        display_name: specials ? `O'Neil "${i}" & <Co>` : `Person ${i}`,
        label: `Key ${i}${specials ? ' &' : ''}`,
        username: `user${i}x`,
        auth_username: `auth${i}y`,
        password: `pw${i}-Zq${x}`,
        server: `sip${i}.example.net`,
        port: 5060 + i,
        transport: TRANSPORTS[k % 3]!,
        outbound_proxy: i % 2 === 0 ? `proxy${i}.example.net` : '',
      };
    }),
  };
}

/** What a rendered sample must carry besides accounts, per vendor and sample. */
interface Carries {
  admin?: boolean;
  ntp?: boolean;
  timezone?: boolean;
  /** `exact`: the provisioning URL as given; `prefix`: the URL plus the phone's file name. */
  prov?: 'exact' | 'prefix';
  provAuth?: boolean;
  includes?: (m: DataModel) => string[];
}

const FULL: Carries = { admin: true, ntp: true, timezone: true, prov: 'exact', provAuth: true };

function carries(vendor: string, name: string, engine: EngineName): Carries {
  const key = `${vendor}/${name}`;
  switch (key) {
    case 'yealink/device':
    case 'grandstream/device':
    case 'fanvil/device':
    case 'htek/device':
      return FULL;
    case 'yealink/common':
    case 'fanvil/common':
    case 'htek/common':
    case 'mitel/common':
      return { ntp: true, timezone: true };
    case 'yealink/boot':
      return { includes: (m) => [`${m.device.mac}.cfg`] };
    case 'poly/device':
      return { admin: true, ntp: true, prov: 'exact', provAuth: true };
    case 'poly/common':
      return { ntp: true };
    case 'poly/boot':
      return { includes: () => ['[PHONE_MAC_ADDRESS]-user.cfg', 'common.cfg'] };
    case 'cisco/device':
    case 'snom/device':
      return { ...FULL, prov: 'prefix' };
    case 'cisco/boot':
      return { includes: () => ['/Cisco/$PN/$MA.cfg'] };
    case 'cisco-sep/device':
      return { admin: true, ntp: true, timezone: true };
    case 'snom/boot':
      return { includes: (m) => [`${m.provisioning.url}${m.device.mac_upper}.xml`] };
    case 'snom/common':
      return { includes: () => [] };
    case 'mitel/device':
      // The Default engine cannot cut provisioning.url into Mitel's protocol/server/port/path.
      return { admin: true, ntp: true, timezone: true, ...(engine === 'freemarker' ? { prov: 'exact' as const } : {}) };
    case 'gigaset/device':
      return { admin: true, ntp: true, timezone: true, prov: 'exact' };
    default:
      throw new Error(`no expectations written for sample ${key}`);
  }
}

function pick(a: Partial<Account>, fields: readonly AccountField[]): Record<string, unknown> {
  const out: Record<string, unknown> = { index: a.index };
  for (const f of fields) out[f] = a[f];
  return out;
}

/** Account fields a sample writes in `engine`. */
export function expectedFields(s: Sample, engine: EngineName): AccountField[] {
  const omit: readonly string[] = engine === 'default' ? s.template.defaultOmits ?? [] : [];
  return FORMATS[s.template.format].accountFields.filter((f) => !omit.includes(f));
}

/**
 * Parses `text` with the sample's format checker and asserts that every account, the admin
 * password, NTP, time zone, provisioning URL/credentials and included files read back equal the
 * model's; files without accounts must not leak a secret. Returns the parsed file.
 */
export function assertReadBack(s: Sample, engine: EngineName, text: string, model: DataModel): ParsedConfig {
  const where = `${s.vendor.id}/${s.template.name}.${EXT[engine]} with ${model.lines.length} line(s)`;
  const parsed = FORMATS[s.template.format].parse(text);
  if (s.template.kind === 'device') {
    const fields = expectedFields(s, engine);
    assert.deepEqual(
      parsed.accounts.map((a) => pick(a, fields)),
      model.lines.map((l) => pick(l, fields)),
      `${where}: accounts read back`,
    );
  } else {
    assert.deepEqual(parsed.accounts, [], `${where}: a ${s.template.kind} file carries no account`);
    const secrets = [model.device.login_password, model.provisioning.password, ...model.lines.map((l) => l.password)];
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where}: a shared file must not hold the secret ${secret}`);
  }
  const c = carries(s.vendor.id, s.template.name, engine);
  assert.equal(parsed.admin_password, c.admin ? model.device.login_password : undefined, `${where}: admin password`);
  assert.equal(parsed.ntp_server, c.ntp ? model.site.ntp_server : undefined, `${where}: NTP server`);
  assert.equal(parsed.timezone, c.timezone ? model.site.timezone : undefined, `${where}: time zone`);
  const url = parsed.provisioning?.url;
  if (c.prov === 'exact') assert.equal(url, model.provisioning.url, `${where}: provisioning URL`);
  else if (c.prov === 'prefix') assert.ok(url?.startsWith(model.provisioning.url), `${where}: provisioning URL ${url} starts with ${model.provisioning.url}`);
  else assert.equal(url, undefined, `${where}: no provisioning URL`);
  assert.equal(parsed.provisioning?.username, c.provAuth ? model.provisioning.username : undefined, `${where}: provisioning user`);
  assert.equal(parsed.provisioning?.password, c.provAuth ? model.provisioning.password : undefined, `${where}: provisioning password`);
  assert.deepEqual(parsed.includes, c.includes?.(model), `${where}: included files`);
  return parsed;
}

/**
 * Follows what a rendered file points the phone at (includes, next provisioning URL) back
 * through resolveRequest, the way the phone would ask: each must be a file of the same vendor
 * that the profile answers with a template.
 */
export function assertChainResolves(s: Sample, parsed: ParsedConfig, model: DataModel): void {
  const mac = model.device.mac;
  const expand = (ref: string) =>
    ref
      .replace('[PHONE_MAC_ADDRESS]', mac)
      .replace('$PN', 'CP-8851-3PCC')
      .replace('$MA', mac)
      .replace('{mac}', mac.toUpperCase())
      .replace(/^[a-z]+:\/\/[^/]*/, '');
  const refs = [...(parsed.includes ?? [])];
  const next = parsed.provisioning?.url;
  if (next && next !== model.provisioning.url) refs.push(next);
  for (const ref of refs) {
    const path = expand(ref);
    const r = resolveRequest({ path, clientMac: mac });
    assert.ok(r, `${s.vendor.id}/${s.template.name}: "${ref}" (${path}) resolves`);
    assert.equal(r.vendor, s.vendor.id, `${s.vendor.id}/${s.template.name}: "${path}" is a ${s.vendor.id} file`);
    assert.ok(r.template, `${s.vendor.id}/${s.template.name}: "${path}" is answered with a sample (${r.file})`);
  }
}
