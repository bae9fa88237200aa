/**
 * Pure logic in shared/: MAC notations, vendor profiles, the Default template engine, the data-model
 * builder, and config resolution. No I/O, no fakes: these functions take values and return values.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { macColon, macOui, macUpper, parseMac, tryParseMac } from '../../shared/mac.js';
import { ProvError, TemplateError } from '../../shared/errors.js';
import { VENDORS, matchModel, vendorById, vendorFromMac, type VendorProfile } from '../../shared/vendors/index.js';
import {
  EXAMPLE_MODEL, LINE_FIELDS, MODEL_FIELDS, buildDataModel, compileDefault, compileTemplate, provisioningUrl, siteHost,
  type DataModel, type DataModelInput,
} from '../../shared/templates/index.js';
import { envName, resolveConfig } from '../../shared/config.js';
import type { SipAccount } from '../../shared/domain.js';

// ---------------------------------------------------------------------------------------------- MAC

describe('MAC parsing', () => {
  const accepted: Array<[string, string]> = [
    ['001565aabbcc', 'plain lower'],
    ['001565AABBCC', 'plain upper'],
    ['001565AaBbCc', 'plain mixed case'],
    ['00:15:65:aa:bb:cc', 'colons lower'],
    ['00:15:65:AA:BB:CC', 'colons upper'],
    ['00:15:65:Aa:bB:cc', 'colons mixed case'],
    ['00-15-65-aa-bb-cc', 'dashes lower'],
    ['00-15-65-AA-BB-CC', 'dashes upper'],
    ['0015.65aa.bbcc', 'Cisco dots lower'],
    ['0015.65AA.BBCC', 'Cisco dots upper'],
    ['  00:15:65:aa:bb:cc  ', 'surrounding spaces'],
    ['\t001565aabbcc\r\n', 'tab and CRLF around'],
  ];
  for (const [input, what] of accepted) {
    test(`accepts ${what}: ${JSON.stringify(input)}`, () => {
      assert.equal(parseMac(input), '001565aabbcc');
      assert.equal(tryParseMac(input), '001565aabbcc');
    });
  }

  const rejected: Array<[string, string]> = [
    ['00:15:65:aa:bb', 'five octets'],
    ['00155aabbccdd', '13 hex digits'],
    ['00155aabbcc', '11 hex digits'],
    ['00:15-65:aa:bb:cc', 'mixed separators'],
    ['00-15-65:aa-bb-cc', 'mixed separators (dash first)'],
    ['00:15:65:aa:bb:gg', 'non-hex digit'],
    ['001565aabbcz', 'non-hex in plain form'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['0015:65aa:bbcc', 'dots notation with colons'],
    ['00 15 65 aa bb cc', 'spaces as separators'],
    ['00:15:65:aa:bb:cc:dd', 'seven octets'],
    ['0:15:65:aa:bb:cc', 'one-digit octet'],
    ['00:15:65:aa:bb:cc\nx', 'trailing garbage on a second line'],
  ];
  for (const [input, what] of rejected) {
    test(`rejects ${what}: ${JSON.stringify(input)}`, () => {
      assert.equal(tryParseMac(input), null);
      assert.throws(
        () => parseMac(input),
        (err: unknown) => {
          assert.ok(err instanceof ProvError, 'a ProvError');
          assert.equal(err.code, 'INVALID_MAC');
          assert.equal(err.status, 400);
          // The message quotes the input and names every accepted notation.
          assert.ok(err.message.startsWith(`"${input}" is not a MAC address`), err.message);
          for (const notation of ['00:15:65:AA:BB:CC', '00-15-65-AA-BB-CC', '001565aabbcc', '0015.65aa.bbcc']) {
            assert.ok(err.message.includes(notation), `message names ${notation}: ${err.message}`);
          }
          assert.deepEqual(err.details, { value: input });
          return true;
        },
      );
    });
  }

  test('macColon, macUpper and macOui format the canonical form', () => {
    assert.equal(macColon('001565aabbcc'), '00:15:65:aa:bb:cc');
    assert.equal(macUpper('001565aabbcc'), '001565AABBCC');
    assert.equal(macOui('001565aabbcc'), '001565');
    assert.equal(macColon(parseMac('0015.65AA.BBCC')), '00:15:65:aa:bb:cc');
  });
});

// ------------------------------------------------------------------------------------------ vendors

describe('vendor profiles', () => {
  // One well-known OUI per vendor, from the IEEE registry, independent of the table under test.
  const known: Array<[string, string]> = [
    ['001565aabbcc', 'yealink'],
    ['805ec0123456', 'yealink'],
    ['0004f2123456', 'poly'],
    ['64167f123456', 'poly'],
    ['000b82123456', 'grandstream'],
    ['0002fd123456', 'cisco'],
    ['000413123456', 'snom'],
    ['0c383e123456', 'fanvil'],
    ['00085d123456', 'mitel'],
    ['001fc1123456', 'htek'],
    ['7c2f80123456', 'gigaset'],
  ];
  for (const [mac, vendor] of known) {
    test(`OUI ${mac.slice(0, 6)} is ${vendor}`, () => {
      assert.equal(vendorFromMac(mac)?.id, vendor);
    });
  }

  test('every OUI of every vendor maps back to that vendor, and no OUI belongs to two vendors', () => {
    const seen = new Map<string, string>();
    for (const v of VENDORS) {
      // cisco-sep (enterprise firmware) runs on Cisco hardware: it shares the cisco profile's OUIs.
      assert.ok(v.ouis.length > 0 || (v.ouiFamily !== undefined && vendorById(v.ouiFamily)?.ouis.length), `${v.id} has OUIs`);
      for (const oui of v.ouis) {
        assert.match(oui, /^[0-9a-f]{6}$/, `${v.id} OUI ${oui} is 6 lower-case hex digits`);
        assert.equal(seen.get(oui), undefined, `OUI ${oui} in ${seen.get(oui)} and ${v.id}`);
        seen.set(oui, v.id);
        assert.equal(vendorFromMac(`${oui}000001`)?.id, v.id);
      }
    }
    for (const id of ['yealink', 'poly', 'grandstream', 'cisco', 'cisco-sep', 'snom', 'fanvil', 'mitel', 'htek', 'gigaset']) {
      assert.ok(vendorById(id), `vendor ${id}`);
    }
  });

  test('an unknown OUI has no vendor', () => {
    assert.equal(vendorFromMac('aabbcc001122'), undefined);
    assert.equal(vendorFromMac('000000000000'), undefined);
  });

  const yealink = vendorById('yealink') as VendorProfile;
  const poly = vendorById('poly') as VendorProfile;

  for (const input of ['SIP-T46S', 'T46S', 'Yealink T46S', 't46s', 'sip-t46s', 'SIP T46S', 'Yealink SIP-T46S', ' T46S ', 'T46-S', 'T46_S']) {
    test(`Yealink model ${JSON.stringify(input)} is T46S`, () => {
      const m = matchModel(yealink, input);
      assert.equal(m?.name, 'T46S');
      assert.equal(m?.lines, 16);
    });
  }
  for (const input of ['VVX 411', 'VVX_411', 'vvx411', 'VVX-411', 'Polycom VVX 411', 'Poly VVX411', 'vvx  411']) {
    test(`Poly model ${JSON.stringify(input)} is VVX 411`, () => {
      const m = matchModel(poly, input);
      assert.equal(m?.name, 'VVX 411');
      assert.equal(m?.lines, 12);
    });
  }
  test('model line limits come from the profile (T30 has 1, VVX 101 has 2)', () => {
    assert.equal(matchModel(yealink, 'T30')?.lines, 1);
    assert.equal(matchModel(poly, 'VVX 101')?.lines, 2);
  });
  for (const [vendor, input] of [
    [yealink, 'T99X'], [yealink, 'VVX 411'], [yealink, 'Yealink'], [yealink, ''], [yealink, 'T46'],
    [poly, 'T46S'], [poly, 'VVX 999'], [poly, 'Polycom'],
  ] as Array<[VendorProfile, string]>) {
    test(`${vendor.id}: unknown model ${JSON.stringify(input)} is undefined`, () => {
      assert.equal(matchModel(vendor, input), undefined);
    });
  }
});

// ------------------------------------------------------------------------------------ Default engine

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TemplateError, `a TemplateError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a TemplateError');
}

function render(source: string, model: DataModel = EXAMPLE_MODEL): string {
  return compileDefault(source).render(model);
}

describe('Default engine', () => {
  // DESIGN §6, written out here so the test fails if the engine's name list drifts from the design.
  const expected: Record<string, string> = {
    'device.mac': '001565aabbcc',
    'device.mac_upper': '001565AABBCC',
    'device.mac_colon': '00:15:65:aa:bb:cc',
    'device.name': 'Reception',
    'device.vendor': 'yealink',
    'device.model': 'T46S',
    'device.login_password': 'admin-pw-123',
    'site.name': 'Demo Branch',
    'site.timezone': 'Europe/Berlin',
    'site.ntp_server': 'pool.ntp.org',
    'server.host': 'pbx.example.com',
    'server.sip_port': '5060',
    'server.sip_transport': 'udp',
    'provisioning.url': 'http://pbx.example.com/secure/',
    'provisioning.username': '001565aabbcc',
    'provisioning.password': 'prov-secret',
    'lines.1.index': '1',
    'lines.1.extension': '101',
    'lines.1.display_name': 'Alice Example',
    'lines.1.label': '101',
    'lines.1.username': '101',
    'lines.1.auth_username': '101',
    'lines.1.password': 'sip-secret-101',
    'lines.1.server': 'pbx.example.com',
    'lines.1.port': '5060',
    'lines.1.transport': 'udp',
    'lines.1.outbound_proxy': '',
    'lines.2.index': '2',
    'lines.2.extension': '102',
    'lines.2.display_name': 'Bob Example',
    'lines.2.label': 'Sales',
    'lines.2.username': '102',
    'lines.2.auth_username': 'auth102',
    'lines.2.password': 'sip-secret-102',
    'lines.2.server': 'pbx.example.com',
    'lines.2.port': '5060',
    'lines.2.transport': 'tcp',
    'lines.2.outbound_proxy': 'proxy.example.com',
  };

  test('every name of the data model renders its value', () => {
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(render(`<{{${name}}}>`), `<${value}>`, name);
    }
    // All in one template, one per line, too.
    const names = Object.keys(expected);
    assert.equal(render(names.map((n) => `${n}={{${n}}}`).join('\n')), names.map((n) => `${n}=${expected[n]}`).join('\n'));
  });

  test('the engine knows exactly the names of DESIGN §6', () => {
    const design = {
      device: ['mac', 'mac_upper', 'mac_colon', 'name', 'vendor', 'model', 'login_password'],
      site: ['name', 'timezone', 'ntp_server'],
      server: ['host', 'sip_port', 'sip_transport'],
      provisioning: ['url', 'username', 'password'],
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(MODEL_FIELDS).map(([k, v]) => [k, [...v].sort()])),
      Object.fromEntries(Object.entries(design).map(([k, v]) => [k, [...v].sort()])),
    );
    assert.deepEqual(
      [...LINE_FIELDS].sort(),
      ['index', 'extension', 'display_name', 'label', 'username', 'auth_username', 'password', 'server', 'port', 'transport', 'outbound_proxy'].sort(),
    );
  });

  test('spaces inside the braces are allowed: {{ device.mac }}', () => {
    assert.equal(render('a {{ device.mac }} b {{  lines.2.label\t}}'), 'a 001565aabbcc b Sales');
  });

  test('lines beyond the model render empty', () => {
    assert.equal(render('[{{lines.3.username}}][{{lines.16.password}}][{{lines.9999.port}}]'), '[][][]');
    const noLines: DataModel = { ...EXAMPLE_MODEL, lines: [] };
    assert.equal(render('[{{lines.1.username}}]', noLines), '[]');
  });

  test('text without tags is unchanged, including lone braces', () => {
    for (const s of ['', 'plain text\n', 'a } b { c }} d', 'no\ttags\r\nhere', '{ {device.mac} }', 'ünïcødé ✓ 📞']) {
      assert.equal(render(s), s);
    }
  });

  test('CRLF input is kept byte for byte', () => {
    const src = '#!version:1.0.0.1\r\naccount.1.user_name = {{lines.1.username}}\r\n\r\nmac = {{device.mac}}\r\n';
    const out = render(src);
    assert.equal(out, '#!version:1.0.0.1\r\naccount.1.user_name = 101\r\n\r\nmac = 001565aabbcc\r\n');
    assert.deepEqual(Buffer.from(out), Buffer.from(src.replace('{{lines.1.username}}', '101').replace('{{device.mac}}', '001565aabbcc')));
  });

  test('compileTemplate picks the engine: {{}} for Default, ${} for FreeMarker', () => {
    assert.equal(compileTemplate('default', 'x={{device.mac}}').render(EXAMPLE_MODEL), 'x=001565aabbcc');
    assert.equal(compileTemplate('freemarker', 'x=${device.mac}').render(EXAMPLE_MODEL), 'x=001565aabbcc');
    assert.equal(compileTemplate('default', 'x=${device.mac}').render(EXAMPLE_MODEL), 'x=${device.mac}');
  });

  const errors: Array<{ what: string; source: string; line: number; column: number; message: RegExp }> = [
    { what: 'unknown root', source: 'a = 1\nb = {{nope.mac}}\n', line: 2, column: 7, message: /unknown name "nope\.mac"/ },
    { what: 'unknown root, bare word', source: '{{mac}}', line: 1, column: 3, message: /unknown name "mac".*device, site, server, provisioning and lines/ },
    { what: 'unknown field', source: 'x\ny\n  {{device.colour}}', line: 3, column: 5, message: /unknown name "device\.colour"; device has: mac, mac_upper/ },
    { what: 'too deep a device path', source: '{{device.mac.x}}', line: 1, column: 3, message: /unknown name "device\.mac\.x"/ },
    { what: 'root without field', source: '{{site}}', line: 1, column: 3, message: /unknown name "site"/ },
    { what: 'lines.0.x', source: 'ok\n{{ lines.0.username }}', line: 2, column: 4, message: /"lines\.0\.username" is not a line value; write lines\.N\.field with N from 1/ },
    { what: 'lines.x', source: '{{lines.x}}', line: 1, column: 3, message: /"lines\.x" is not a line value/ },
    { what: 'lines.1 without a field', source: '{{lines.1}}', line: 1, column: 3, message: /"lines\.1" is not a line value/ },
    { what: 'unknown line field', source: '\n\n\n\t{{lines.2.secret}}', line: 4, column: 4, message: /unknown line field "secret"; known: index, extension/ },
    { what: 'unclosed before a newline', source: 'abc {{device.mac\n}}', line: 1, column: 5, message: /unclosed "\{\{"/ },
    { what: 'unclosed at end of input', source: 'a\nbc {{device.mac', line: 2, column: 4, message: /unclosed "\{\{"/ },
    { what: 'unclosed after a good tag', source: '{{device.mac}} {{site.name', line: 1, column: 16, message: /unclosed/ },
    { what: 'empty {{}}', source: 'a\n  {{}}', line: 2, column: 3, message: /^empty "\{\{\}\}"$/ },
    { what: 'blank {{   }}', source: '{{   }}', line: 1, column: 1, message: /^empty/ },
    { what: 'CRLF lines count like LF lines', source: 'a\r\nb\r\n{{nope.x}}\r\n', line: 3, column: 3, message: /unknown name "nope\.x"/ },
  ];
  for (const e of errors) {
    test(`error at exact line:column — ${e.what}`, () => {
      const err = templateError(() => compileDefault(e.source));
      assert.equal(err.code, 'TEMPLATE_INVALID');
      assert.equal(err.status, 400);
      assert.deepEqual({ line: err.line, column: err.column }, { line: e.line, column: e.column });
      const reason = (err.details as { reason: string }).reason;
      assert.match(reason, e.message);
      assert.equal(err.message, `${e.line}:${e.column}: ${reason}`);
    });
  }
});

// ----------------------------------------------------------------------------------- buildDataModel

type SiteIn = DataModelInput['site'];

function site(over: Partial<SiteIn> = {}): SiteIn {
  return {
    name: 'North', timezone: 'Europe/Berlin', ntp_server: 'ntp.north.example', provision_mode: 'fqdn',
    fqdn: 'pbx.north.example', public_ip: '203.0.113.7', edge_lan_ip: '10.1.0.2',
    edge_http_port: 80, edge_https_port: null, sip_port: 5062, sip_transport: 'tcp', ...over,
  };
}

let accountId = 0;
function account(username: string, over: Partial<SipAccount> = {}): SipAccount {
  return {
    id: ++accountId, user_id: 1, username, auth_username: '', password: `pw-${username}`, server: null, port: null,
    transport: 'udp', outbound_proxy: null, label: '', ...over,
  };
}

const device: DataModelInput['device'] = {
  mac: '001565aabbcc', name: 'Front desk', vendor: 'yealink', model: 'T46S', login_password: 'phone-admin', prov_username: 'p-user', prov_password: 'p-pass',
};

describe('buildDataModel', () => {
  test('lines are numbered across extensions in assignment order, each extension with several accounts', () => {
    const m = buildDataModel({
      device,
      site: site(),
      extensions: [
        { extension: '201', display_name: 'Alice', accounts: [account('201'), account('201b', { label: 'Alice 2' })] },
        { extension: '305', display_name: 'Bob', accounts: [account('305')] },
        { extension: '410', display_name: 'Carol', accounts: [account('410'), account('410b'), account('410c')] },
      ],
    });
    assert.deepEqual(m.lines.map((l) => [l.index, l.extension, l.display_name, l.username, l.label]), [
      [1, '201', 'Alice', '201', '201'],
      [2, '201', 'Alice', '201b', 'Alice 2'],
      [3, '305', 'Bob', '305', '305'],
      [4, '410', 'Carol', '410', '410'],
      [5, '410', 'Carol', '410b', '410'],
      [6, '410', 'Carol', '410c', '410'],
    ]);
    // And the engine addresses them 1-based.
    assert.equal(compileDefault('{{lines.1.username}} {{lines.3.username}} {{lines.6.username}} [{{lines.7.username}}]').render(m), '201 305 410c []');
  });

  test('no extensions: no lines', () => {
    assert.deepEqual(buildDataModel({ device, site: site(), extensions: [] }).lines, []);
  });

  test('server and port fall back to the site: FQDN in fqdn mode, public IP in public_ip mode', () => {
    const ext = [{ extension: '201', display_name: 'Alice', accounts: [account('201')] }];
    const fq = buildDataModel({ device, site: site({ provision_mode: 'fqdn' }), extensions: ext });
    assert.equal(fq.lines[0]?.server, 'pbx.north.example');
    assert.equal(fq.lines[0]?.port, 5062);
    assert.deepEqual(fq.server, { host: 'pbx.north.example', sip_port: 5062, sip_transport: 'tcp' });
    const ip = buildDataModel({ device, site: site({ provision_mode: 'public_ip' }), extensions: ext });
    assert.equal(ip.lines[0]?.server, '203.0.113.7');
    assert.equal(ip.lines[0]?.port, 5062);
    assert.equal(ip.server.host, '203.0.113.7');
    assert.equal(ip.provisioning.url, 'http://203.0.113.7/secure/');
  });

  test('an account\'s own server, port, transport, outbound proxy and label win over the site', () => {
    const m = buildDataModel({
      device,
      site: site(),
      extensions: [{
        extension: '201', display_name: 'Alice',
        accounts: [account('201', { server: 'sip.other.example', port: 5070, transport: 'tls', outbound_proxy: 'proxy.example', label: 'Desk' })],
      }],
    });
    assert.deepEqual(m.lines[0], {
      index: 1, extension: '201', display_name: 'Alice', label: 'Desk', username: '201', auth_username: '201', password: 'pw-201',
      server: 'sip.other.example', port: 5070, transport: 'tls', outbound_proxy: 'proxy.example',
    });
  });

  test('auth_username falls back to username; a given one is kept', () => {
    const m = buildDataModel({
      device,
      site: site(),
      extensions: [{ extension: '201', display_name: 'A', accounts: [account('201'), account('202', { auth_username: 'auth-202' })] }],
    });
    assert.equal(m.lines[0]?.auth_username, '201');
    assert.equal(m.lines[1]?.auth_username, 'auth-202');
    assert.equal(m.lines[0]?.outbound_proxy, '');
  });

  test('device fields: MAC in three forms, missing vendor/model render as empty strings', () => {
    const m = buildDataModel({ device: { ...device, vendor: null, model: null }, site: site(), extensions: [] });
    assert.deepEqual(m.device, {
      mac: '001565aabbcc', mac_upper: '001565AABBCC', mac_colon: '00:15:65:aa:bb:cc', name: 'Front desk',
      vendor: '', model: '', login_password: 'phone-admin',
    });
    assert.deepEqual(m.site, { name: 'North', timezone: 'Europe/Berlin', ntp_server: 'ntp.north.example' });
    assert.deepEqual({ username: m.provisioning.username, password: m.provisioning.password }, { username: 'p-user', password: 'p-pass' });
  });

  test('provisioning URL: http vs https, default ports omitted, others kept', () => {
    assert.equal(provisioningUrl(site({ edge_http_port: 80 })), 'http://pbx.north.example/secure/');
    assert.equal(provisioningUrl(site({ edge_http_port: 8081 })), 'http://pbx.north.example:8081/secure/');
    assert.equal(provisioningUrl(site({ edge_https_port: 443 })), 'https://pbx.north.example/secure/');
    assert.equal(provisioningUrl(site({ edge_https_port: 8443, edge_http_port: 8081 })), 'https://pbx.north.example:8443/secure/');
    assert.equal(provisioningUrl(site({ provision_mode: 'public_ip', edge_http_port: 8080 })), 'http://203.0.113.7:8080/secure/');
    assert.equal(buildDataModel({ device, site: site({ edge_https_port: 443 }), extensions: [] }).provisioning.url, 'https://pbx.north.example/secure/');
  });

  test('siteHost falls back to the edge LAN address when the mode\'s address is unset', () => {
    assert.equal(siteHost(site({ provision_mode: 'fqdn', fqdn: null })), '10.1.0.2');
    assert.equal(siteHost(site({ provision_mode: 'public_ip', public_ip: null })), '10.1.0.2');
    assert.equal(siteHost(site({ provision_mode: 'fqdn', fqdn: null, edge_lan_ip: null })), '');
  });
});

// ------------------------------------------------------------------------------------ resolveConfig

const TestConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    db_path: z.string().min(1).default('./db.sqlite'),
    secure: z.boolean().default(false),
    level: z.enum(['info', 'debug']).default('info'),
    url: z.string().url().optional(),
  })
  .strict();
const PREFIX = 'EDGEPROV_TEST_';

function configError(fn: () => unknown): ProvError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProvError, `a ProvError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  assert.fail('expected CONFIG_INVALID');
}

describe('resolveConfig', () => {
  test('envName upper-cases the key after the prefix', () => {
    assert.equal(envName('EDGEPROV_HUB_', 'db_path'), 'EDGEPROV_HUB_DB_PATH');
    assert.equal(envName('EDGEPROV_HUB_', 'max_body_bytes'), 'EDGEPROV_HUB_MAX_BODY_BYTES');
  });

  test('defaults when there is neither file nor env', () => {
    assert.deepEqual(resolveConfig(TestConfig, undefined, {}, PREFIX), { host: '127.0.0.1', port: 8080, db_path: './db.sqlite', secure: false, level: 'info' });
  });

  test('precedence: default < file < env', () => {
    const file = { path: '/etc/edgeprov/test.json', json: { port: 9000, host: '0.0.0.0', level: 'debug' } };
    const fromFile = resolveConfig(TestConfig, file, {}, PREFIX);
    assert.deepEqual(fromFile, { host: '0.0.0.0', port: 9000, db_path: './db.sqlite', secure: false, level: 'debug' });
    const withEnv = resolveConfig(TestConfig, file, { EDGEPROV_TEST_PORT: '9100', EDGEPROV_TEST_DB_PATH: '/var/lib/x.db' }, PREFIX);
    assert.deepEqual(withEnv, { host: '0.0.0.0', port: 9100, db_path: '/var/lib/x.db', secure: false, level: 'debug' });
  });

  test('env values are coerced: integers to numbers, true/false to booleans; empty env is ignored', () => {
    const c = resolveConfig(TestConfig, { path: 'f.json', json: { port: 1 } }, { EDGEPROV_TEST_PORT: '0', EDGEPROV_TEST_SECURE: 'true', EDGEPROV_TEST_HOST: '' }, PREFIX);
    assert.equal(c.port, 0);
    assert.equal(c.secure, true);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(resolveConfig(TestConfig, undefined, { EDGEPROV_TEST_SECURE: 'false' }, PREFIX).secure, false);
    assert.equal(resolveConfig(TestConfig, undefined, { EDGEPROV_TEST_URL: 'https://hub.example.com' }, PREFIX).url, 'https://hub.example.com');
  });

  test('env variables of other prefixes or unknown names are not read', () => {
    const c = resolveConfig(TestConfig, undefined, { EDGEPROV_OTHER_PORT: 'x', EDGEPROV_TEST_NOPE: 'x', PORT: '1' }, PREFIX);
    assert.equal(c.port, 8080);
  });

  test('a bad env value is named with its variable', () => {
    const err = configError(() => resolveConfig(TestConfig, undefined, { EDGEPROV_TEST_PORT: 'abc' }, PREFIX));
    assert.match(err.message, /^invalid configuration:\n {2}port: .*\(from environment EDGEPROV_TEST_PORT\)$/);
    const bool = configError(() => resolveConfig(TestConfig, undefined, { EDGEPROV_TEST_SECURE: 'yes' }, PREFIX));
    assert.match(bool.message, /secure: .*\(from environment EDGEPROV_TEST_SECURE\)/);
  });

  test('a bad file value is named with the file; env wins even over a bad file value', () => {
    const file = { path: '/etc/edgeprov/test.json', json: { port: 70000 } };
    const err = configError(() => resolveConfig(TestConfig, file, {}, PREFIX));
    assert.match(err.message, /port: .*65535.*\(from \/etc\/edgeprov\/test\.json\)/);
    assert.equal(resolveConfig(TestConfig, file, { EDGEPROV_TEST_PORT: '8081' }, PREFIX).port, 8081);
  });

  test('an unknown key in the file is named, with the file', () => {
    const err = configError(() => resolveConfig(TestConfig, { path: 'hub.json', json: { port: 1, listen_port: 2, colour: 'red' } }, {}, PREFIX));
    assert.match(err.message, /listen_port: unknown key \(from hub\.json\)/);
    assert.match(err.message, /colour: unknown key \(from hub\.json\)/);
    assert.deepEqual((err.details as { problems: string[] }).problems, ['listen_port: unknown key (from hub.json)', 'colour: unknown key (from hub.json)']);
  });

  test('several problems are all reported, each with its source', () => {
    const err = configError(() =>
      resolveConfig(TestConfig, { path: 'hub.json', json: { level: 'loud', host: '' } }, { EDGEPROV_TEST_PORT: '-1' }, PREFIX),
    );
    const problems = (err.details as { problems: string[] }).problems;
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('level:') && p.endsWith('(from hub.json)')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('host:') && p.endsWith('(from hub.json)')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('port:') && p.endsWith('(from environment EDGEPROV_TEST_PORT)')), problems.join('\n'));
  });

  test('a file that is not a JSON object is refused, naming the file', () => {
    for (const json of [[1, 2], 'text', 42]) {
      const err = configError(() => resolveConfig(TestConfig, { path: 'odd.json', json }, {}, PREFIX));
      assert.match(err.message, /^odd\.json: the config file must hold a JSON object$/);
    }
  });
});
