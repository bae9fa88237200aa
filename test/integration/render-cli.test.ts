/**
 * `edgeprov render` as a real child process: exact bytes on stdout, `file:line:col: message` on stderr
 * with exit 1 for template errors, exit 2 for usage errors and missing files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli-process.js';
import { compileTemplate, EXAMPLE_MODEL, type DataModel } from '../../shared/templates/index.js';
import { TemplateError } from '../../shared/errors.js';

const YEALINK = fileURLToPath(new URL('../../../templates/yealink/device.tpl', import.meta.url));

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgeprov-render-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const p = join(dir, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** The reason text the engine gives for `source`, computed in-process. */
function reasonFor(source: string): string {
  try {
    compileTemplate('default', source);
  } catch (err) {
    assert.ok(err instanceof TemplateError);
    return (err.details as { reason: string }).reason;
  }
  assert.fail('expected the template to be invalid');
}

describe('edgeprov render: success', () => {
  test('the Yealink sample with the built-in example model: exact bytes', async () => {
    const r = await runCli(['render', '--engine', 'default', YEALINK]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const expected = compileTemplate('default', readFileSync(YEALINK, 'utf8')).render(EXAMPLE_MODEL);
    assert.deepEqual(r.stdoutBytes, Buffer.from(expected, 'utf8'));
    // Literal lines, so the comparison cannot pass by both sides being wrong the same way.
    const lines = r.stdout.split('\n');
    for (const literal of [
      '#!version:1.0.0.1',
      'static.security.user_password = admin:admin-pw-123',
      'local_time.ntp_server1 = pool.ntp.org',
      'local_time.time_zone_name = Europe/Berlin',
      'static.auto_provision.server.url = http://pbx.example.com/secure/',
      'static.auto_provision.server.username = 001565aabbcc',
      'account.1.label = 101',
      'account.1.display_name = Alice Example',
      'account.1.auth_name = 101',
      'account.1.user_name = 101',
      'account.1.password = sip-secret-101',
      'account.1.sip_server.1.address = pbx.example.com',
      'account.1.sip_server.1.port = 5060',
      'account.1.outbound_proxy.1.address = ',
      'account.2.label = Sales',
      'account.2.auth_name = auth102',
      'account.2.user_name = 102',
      'account.2.outbound_proxy.1.address = proxy.example.com',
    ]) {
      assert.ok(lines.includes(literal), `missing line ${JSON.stringify(literal)}`);
    }
    assert.ok(!r.stdout.includes('{{'), 'no tag left unrendered');
  });

  test('--data FILE.json: the given model, a missing line renders empty', async () => {
    const model: DataModel = {
      ...EXAMPLE_MODEL,
      device: { ...EXAMPLE_MODEL.device, login_password: 'x-phone-pw' },
      site: { name: 'North', timezone: 'America/New_York', ntp_server: 'ntp.north.example' },
      lines: [{ ...EXAMPLE_MODEL.lines[0]!, username: '555', auth_username: '555', display_name: 'Dana' }],
    };
    const data = file('model.json', JSON.stringify(model));
    const r = await runCli(['render', '--engine', 'default', YEALINK, '--data', data]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdoutBytes, Buffer.from(compileTemplate('default', readFileSync(YEALINK, 'utf8')).render(model)));
    const lines = r.stdout.split('\n');
    for (const literal of [
      'static.security.user_password = admin:x-phone-pw',
      'local_time.time_zone_name = America/New_York',
      'account.1.user_name = 555',
      'account.1.display_name = Dana',
      'account.2.user_name = ',
      'account.2.password = ',
    ]) {
      assert.ok(lines.includes(literal), `missing line ${JSON.stringify(literal)}`);
    }
  });

  test('--data with a partial hand-written model: absent values render empty, no crash', async () => {
    const data = file('partial.json', JSON.stringify({ device: { mac: 'aabbccddeeff' } }));
    const tpl = file('partial.tpl', 'mac={{device.mac}}\nname={{device.name}}\ntz={{site.timezone}}\nuser={{lines.1.username}}\n');
    const r = await runCli(['render', '--engine', 'default', '--data', data, tpl]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'mac=aabbccddeeff\nname=\ntz=\nuser=\n');
  });

  test('CRLF and non-ASCII bytes pass through unchanged', async () => {
    const tpl = file('crlf.tpl', 'a=\u00e9\u2713\r\nmac={{device.mac_colon}}\r\n');
    const r = await runCli(['render', '--engine', 'default', tpl]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdoutBytes, Buffer.from('a=\u00e9\u2713\r\nmac=00:15:65:aa:bb:cc\r\n', 'utf8'));
  });
});

describe('edgeprov render: template errors → exit 1, "FILE:line:col: message"', () => {
  test('an unknown name at line 3, column 5', async () => {
    const source = 'a = 1\nb = 2\n  {{devise.mac}}\n';
    const tpl = file('unknown.tpl', source);
    const r = await runCli(['render', '--engine', 'default', tpl]);
    const reason = reasonFor(source);
    assert.match(reason, /devise\.mac/);
    assert.equal(r.stderr, `${tpl}:3:5: ${reason}\n`);
    assert.equal(r.stdout, '', 'nothing rendered on error');
    assert.equal(r.code, 1);
  });

  test('an unknown field reports the field\'s position', async () => {
    const source = 'x\n\taccount = {{ lines.1.pasword }}\n';
    const tpl = file('field.tpl', source);
    const r = await runCli(['render', '--engine', 'default', tpl]);
    assert.equal(r.stderr, `${tpl}:2:15: ${reasonFor(source)}\n`);
    assert.match(r.stderr, /unknown line field "pasword"/);
    assert.equal(r.code, 1);
  });

  test('an unclosed "{{" reports where it opens', async () => {
    const source = 'ok = 1\nmac = {{device.mac\nnext = 2\n';
    const tpl = file('unclosed.tpl', source);
    const r = await runCli(['render', '--engine', 'default', tpl]);
    assert.equal(r.stderr, `${tpl}:2:7: ${reasonFor(source)}\n`);
    assert.match(r.stderr, /unclosed/);
    assert.equal(r.stdout, '');
    assert.equal(r.code, 1);
  });

  test('the path is printed as given (relative stays relative)', async () => {
    file('rel.tpl', '{{nope}}');
    const r = await runCli(['render', '--engine', 'default', 'rel.tpl'], { cwd: dir });
    assert.equal(r.stderr, `rel.tpl:1:3: ${reasonFor('{{nope}}')}\n`);
    assert.equal(r.code, 1);
  });

  test('--engine freemarker renders with our engine, bytes equal to an in-process render', async () => {
    const ftl = YEALINK.replace(/device\.tpl$/, 'device.ftl');
    const r = await runCli(['render', '--engine', 'freemarker', ftl]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, compileTemplate('freemarker', readFileSync(ftl, 'utf8')).render(EXAMPLE_MODEL));
    assert.match(r.stdout, /^#!version:1\.0\.0\.1/);
    assert.match(r.stdout, /account\.1\.user_name = 101/);
  });

  test('--engine freemarker: --data read as the reference runner reads it; #include relative to the template, never above it', async () => {
    file('lib/acct.ftl', 'user=${u}');
    const main = file('main.ftl', '<#assign u = "101"><#include "lib/acct.ftl">\n${big?c} ${(n + 0.2)?c} ${z!"missing"} <#list m?keys as k>${k}</#list>\n');
    const data = file('data.json', '{"big": 12345678901234567890, "n": 0.1, "z": null, "m": {"b": 1, "a": 2}}');
    const r = await runCli(['render', '--engine', 'freemarker', main, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    // The include line holds only directives, so FreeMarker strips its newline.
    assert.equal(r.stdout, 'user=10112345678901234567890 0.3 missing ba\n');
    const escape = file('escape.ftl', '<#include "../../etc/passwd">');
    const e = await runCli(['render', '--engine', 'freemarker', escape]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /escape\.ftl:1:1: /);
  });

  test('--engine freemarker: a template error → exit 1, "FILE:line:col: message" on one line', async () => {
    const bad = file('bad.ftl', 'a\nb\n${device.mac}\n<#if>\n');
    const r = await runCli(['render', '--engine', 'freemarker', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: .+\n$`));
    const missing = file('missing.ftl', 'x\n  ${nothing.here}\n');
    const m = await runCli(['render', '--engine', 'freemarker', missing]);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /missing\.ftl:2:\d+: /);
  });

  test('--data that is not JSON: exit 1 naming the data file', async () => {
    const data = file('bad.json', '{ not json');
    const r = await runCli(['render', '--engine', 'default', YEALINK, '--data', data]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(data), r.stderr);
    assert.equal(r.stdout, '');
  });
});

describe('edgeprov render: usage errors and missing files → exit 2', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['missing template file', () => ['render', '--engine', 'default', join(dir, 'nope.tpl')], /cannot read .*nope\.tpl/],
    ['missing --data file', () => ['render', '--engine', 'default', YEALINK, '--data', join(dir, 'nope.json')], /cannot read .*nope\.json/],
    ['no --engine', () => ['render', YEALINK], /--engine must be default or freemarker/],
    ['unknown engine', () => ['render', '--engine', 'velocity', YEALINK], /--engine must be default or freemarker/],
    ['no template', () => ['render', '--engine', 'default'], /exactly one TEMPLATE/],
    ['two templates', () => ['render', '--engine', 'default', YEALINK, YEALINK], /exactly one TEMPLATE/],
    ['unknown option', () => ['render', '--engine', 'default', '--colour', YEALINK], /colour/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const r = await runCli(args());
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }
});
