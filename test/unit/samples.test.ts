/**
 * The shipped sample templates (templates/<vendor>/) and the vendor format checkers
 * (shared/vendors/formats): every sample renders, in the Default engine and in our FreeMarker
 * engine, for 1 line and for its maximum, and the vendor's checker reads every account back
 * equal to the input, with the admin password, NTP, time zone and next provisioning URL; the
 * checkers refuse malformed files.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TemplateError } from '../../shared/errors.js';
import { compileDefault, compileTemplate, type CompiledTemplate } from '../../shared/templates/index.js';
import { FILE_KINDS, VENDORS } from '../../shared/vendors/index.js';
import {
  ConfigFormatError, FORMATS, XmlError, checkConfig, parseProfileRule, parseXml, type FormatId,
} from '../../shared/vendors/formats/index.js';
import {
  EXT, SAMPLES, TEMPLATES_DIR, assertChainResolves, assertReadBack, lineCounts, sampleModel, sampleSource,
} from '../helpers/samples.js';

// ------------------------------------------------------------------------------------ catalogue

describe('sample catalogue', () => {
  test('every profile ships a device sample, and every sample exists in both engines', () => {
    for (const v of VENDORS) {
      assert.ok(v.templates.some((t) => t.name === 'device' && t.kind === 'device'), `${v.id} has a device sample`);
      for (const t of v.templates) {
        for (const ext of Object.values(EXT)) {
          assert.ok(existsSync(`${TEMPLATES_DIR}${v.id}/${t.name}.${ext}`), `templates/${v.id}/${t.name}.${ext} exists`);
        }
        assert.ok(FILE_KINDS.includes(t.kind));
        assert.ok(t.kind !== 'device' || t.defaultLines > 0, `${v.id}/${t.name}: a device sample writes lines`);
      }
    }
  });

  test('every file pattern names a sample of its own profile, or is a 404-optional file', () => {
    for (const v of VENDORS) {
      for (const f of v.files) {
        if (f.template) assert.ok(v.templates.some((t) => t.name === f.template), `${v.id} ${f.name} → ${f.template}`);
        else assert.equal(f.optional, true, `${v.id} ${f.name} has no template, so it must be optional (404)`);
        if (f.kind === 'upload' || f.kind === 'firmware') assert.equal(f.template, undefined, `${v.id} ${f.name}: never rendered`);
      }
      for (const t of v.templates) assert.ok(v.files.some((f) => f.template === t.name), `${v.id}/${t.name} answers some request`);
    }
  });
});

// ------------------------------------------------------------------------------------ Default engine

describe('samples in the Default engine', () => {
  for (const s of SAMPLES) {
    for (const n of lineCounts(s, 'default')) {
      test(`${s.vendor.id}/${s.template.name}.tpl, ${n} line(s): the ${s.template.format} checker reads everything back`, () => {
        const model = sampleModel(s.vendor.id, n, { specials: false, https: false });
        const text = compileDefault(sampleSource(s, 'default')).render(model);
        const parsed = assertReadBack(s, 'default', text, model);
        assertChainResolves(s, parsed, model);
      });
    }
  }

  test('a device with more lines than the Default sample writes out loses the extra ones (documented limit)', () => {
    const s = SAMPLES.find((x) => x.vendor.id === 'grandstream' && x.template.name === 'device')!;
    const model = sampleModel('grandstream', 7, { specials: false, https: false });
    const parsed = checkConfig('grandstream-xml', compileDefault(sampleSource(s, 'default')).render(model));
    assert.equal(parsed.accounts.length, 6);
  });

  for (const vendor of ['grandstream', 'fanvil']) {
    test(`${vendor}: the Default sample writes HTTP codes, so an https site needs the FreeMarker sample or an edit (the checker refuses the mix)`, () => {
      const s = SAMPLES.find((x) => x.vendor.id === vendor && x.template.name === 'device')!;
      const text = compileDefault(sampleSource(s, 'default')).render(sampleModel(vendor, 1, { specials: false, https: true }));
      assert.throws(() => checkConfig(s.template.format, text), /means http, but the URL is https/);
    });
  }

  test('the Default engine inserts values as they are: "&" in an XML sample makes the checker refuse the file', () => {
    const s = SAMPLES.find((x) => x.vendor.id === 'poly' && x.template.name === 'device')!;
    const model = sampleModel('poly', 1, { specials: true, https: false });
    assert.throws(() => checkConfig('poly-cfg', compileDefault(sampleSource(s, 'default')).render(model)), ConfigFormatError);
  });
});

// ------------------------------------------------------------------------------------ our FreeMarker engine

/** Compiles with our engine, or skips loudly while it cannot run this sample yet. */
function compileFtl(t: TestContext, source: string): CompiledTemplate | undefined {
  try {
    return compileTemplate('freemarker', source);
  } catch (err) {
    if (
      err instanceof TemplateError &&
      (err.code === 'ENGINE_UNAVAILABLE' || (err.code === 'TEMPLATE_INVALID' && /unsupported|not supported|not yet/i.test(err.message)))
    ) {
      const msg = `SKIPPED: FreeMarker engine not ready: ${err.message}`;
      console.error(`*** ${msg} ***`);
      t.skip(msg);
      return undefined;
    }
    throw err;
  }
}

describe('samples in our FreeMarker engine', () => {
  for (const s of SAMPLES) {
    for (const n of lineCounts(s, 'freemarker')) {
      test(`${s.vendor.id}/${s.template.name}.ftl, ${n} line(s): the ${s.template.format} checker reads everything back`, (t) => {
        const compiled = compileFtl(t, sampleSource(s, 'freemarker'));
        if (!compiled) return;
        const model = sampleModel(s.vendor.id, n, { specials: true, https: n > 1 });
        const parsed = assertReadBack(s, 'freemarker', compiled.render(model), model);
        assertChainResolves(s, parsed, model);
      });
    }
  }
});

// ------------------------------------------------------------------------------------ XML parser

describe('strict XML parser', () => {
  const good: Array<[string, string]> = [
    ['declaration, comment, attributes, entities', '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a x="1" y=\'&amp;&lt;&#65;&#x42;\'>t &gt; <b/></a>\n'],
    ['CDATA and a processing instruction inside', '<a><![CDATA[<raw & text>]]><?pi data?></a>'],
    ['a BOM before the declaration', '\uFEFF<?xml version="1.0"?><a/>'],
  ];
  for (const [name, xml] of good) {
    test(`accepts: ${name}`, () => {
      assert.equal(parseXml(xml).root.name, 'a');
    });
  }
  test('decodes entities in text and attributes', () => {
    const doc = parseXml('<a v="&quot;&apos;&amp;">&lt;x&gt;&#x26;</a>');
    assert.equal(doc.root.attrs.get('v'), `"'&`);
    assert.deepEqual(doc.root.children, [{ type: 'text', text: '<x>&' }]);
  });
  const bad: Array<[string, string, number, number]> = [
    ['unclosed element', '<a><b></a>', 1, 7],
    ['crossed tags', '<a><b></a></b>', 1, 7],
    ['never closed', '<a>\n<b/>\n', 3, 1],
    ['duplicate attribute', '<a x="1" x="2"/>', 1, 10],
    ['unquoted attribute', '<a x=1/>', 1, 6],
    ['bare & in text', '<a>R&D</a>', 1, 5],
    ['bare & in an attribute', '<a p="x&y"/>', 1, 8],
    ['< in an attribute', '<a p="<"/>', 1, 7],
    ['unknown entity', '<a>&nbsp;</a>', 1, 4],
    ['declaration not first', '\n<?xml version="1.0"?><a/>', 2, 1],
    ['two roots', '<a/><b/>', 1, 5],
    ['text after the root', '<a/>x', 1, 5],
    ['-- in a comment', '<a><!-- x -- y --></a>', 1, 11],
    ['a NUL character', '<a>\u0000</a>', 1, 4],
    ['no whitespace between attributes', '<a x="1"y="2"/>', 1, 9],
    ['DOCTYPE', '<!DOCTYPE a><a/>', 1, 1],
    ['empty document', '  ', 1, 3],
    [']]> in text', '<a>]]></a>', 1, 4],
  ];
  for (const [name, xml, line, column] of bad) {
    test(`refuses with line:column: ${name}`, () => {
      assert.throws(() => parseXml(xml), (err: unknown) => {
        assert.ok(err instanceof XmlError, String(err));
        assert.deepEqual([err.line, err.column], [line, column], err.message);
        return true;
      });
    });
  }
});

// ------------------------------------------------------------------------------------ malformed files

/** A valid rendered device file of each format, to break in the cases below. */
function rendered(vendor: string, name = 'device'): string {
  const s = SAMPLES.find((x) => x.vendor.id === vendor && x.template.name === name)!;
  return compileDefault(sampleSource(s, 'default')).render(sampleModel(vendor, 2, { specials: false, https: false }));
}

describe('format checkers refuse malformed files', () => {
  const cases: Array<[FormatId, string, () => string, RegExp]> = [
    ['yealink-cfg', 'no header', () => rendered('yealink').split('\n').slice(1).join('\n'), /first line must be exactly "#!version:1\.0\.0\.1"/],
    ['yealink-cfg', 'a wrong header version', () => rendered('yealink').replace('#!version:1.0.0.1', '#!version:1.0.0.2'), /first line/],
    ['yealink-cfg', 'a header after a blank line', () => `\n${rendered('yealink')}`, /first line/],
    ['yealink-cfg', 'a duplicate key', () => `${rendered('yealink')}account.1.user_name = again\n`, /duplicate setting "account\.1\.user_name"/],
    ['yealink-cfg', 'a line that is not key = value', () => `${rendered('yealink')}account.1.password\n`, /expected "key = value"/],
    ['yealink-cfg', 'an unknown transport code', () => `${rendered('yealink')}account.1.sip_server.1.transport_type = 7\n`, /unknown transport "7"/],
    ['yealink-cfg', 'a port out of range', () => rendered('yealink').replace('account.1.sip_server.1.port = 5061', 'account.1.sip_server.1.port = 70000'), /not a port number/],
    ['yealink-boot', 'no include', () => '#!version:1.0.0.1\noverwrite_mode = 1\n', /at least one config file/],
    ['yealink-boot', 'a stray line', () => `${rendered('yealink', 'boot')}include config x.cfg\n`, /expected include:config/],
    ['poly-cfg', 'truncated XML', () => rendered('poly').slice(0, 1500), /malformed XML/],
    ['poly-cfg', 'a device.* setting without its .set companion', () => rendered('poly').replace('device.prov.user.set="1" ', ''), /device\.prov\.user needs device\.prov\.user\.set="1"/],
    ['poly-cfg', 'a setting written twice', () => rendered('poly').replace('<tcpIpApp ', '<tcpIpApp reg.1.address="x" '), /duplicate setting "reg\.1\.address"/],
    ['poly-cfg', 'an unknown transport', () => rendered('poly').replace('reg.1.server.1.port="5061"', 'reg.1.server.1.port="5061" reg.1.server.1.transport="Carrier-pigeon"'), /unknown transport/],
    ['poly-cfg', 'a server type that contradicts the URL', () => rendered('poly').replace('device.prov.user.set="1"', 'device.prov.serverType.set="1" device.prov.serverType="HTTPS" device.prov.user.set="1"'), /serverType "HTTPS" means https, but the URL is http/],
    ['poly-master', 'no CONFIG_FILES', () => rendered('poly', 'boot').replace(/CONFIG_FILES="[^"]*"/, ''), /needs CONFIG_FILES/],
    ['grandstream-xml', 'a P-value written twice', () => rendered('grandstream').replace('<P2>', '<P30>x</P30><P2>'), /duplicate setting "P30"/],
    ['grandstream-xml', 'a wrong root', () => rendered('grandstream').replace(/gs_provision/g, 'provision'), /root element must be <gs_provision>/],
    ['grandstream-xml', 'a bad <mac>', () => rendered('grandstream').replace(/<mac>[^<]*<\/mac>/, '<mac>zz</mac>'), /<mac> must be 12 hex digits/],
    ['grandstream-xml', 'an element that is not a P-value', () => rendered('grandstream').replace('<P2>', '<Password>x</Password><P2>'), /not a P-value/],
    ['cisco-flat', 'unbalanced tags', () => rendered('cisco').replace('</Admin_Password>', '</Admin_Passwd>'), /malformed XML/],
    ['cisco-flat', 'a bad ua attribute', () => rendered('cisco').replace('<Station_Name ua="na">', '<Station_Name ua="yes">'), /ua is na, ro or rw/],
    ['cisco-flat', 'a parameter written twice', () => rendered('cisco').replace('</flat-profile>', '<User_ID_1_>x</User_ID_1_></flat-profile>'), /duplicate setting "User_ID_1_"/],
    ['cisco-sep-xml', 'two lines on one button', () => rendered('cisco-sep').replace('<line button="2">', '<line button="1">'), /two <line button="1">/],
    ['cisco-sep-xml', 'a wrong root', () => rendered('cisco-sep').replace(/<(\/?)device>/g, '<$1phone>'), /root element must be <device>/],
    ['snom-xml', 'a confirm password that differs', () => rendered('snom').replace(/(<admin_mode_password_confirm perm="R">)[^<]*/, '$1other'), /differs/],
    ['snom-xml', 'an identity setting written twice', () => rendered('snom').replace('</phone-settings>', '<user_name idx="1" perm="R">x</user_name></phone-settings>'), /duplicate setting "user_name#1"/],
    ['snom-xml', 'a bad perm', () => rendered('snom').replace('<ntp_server perm="R">', '<ntp_server perm="X">'), /perm is R, RW or empty/],
    ['snom-container', 'a file without url', () => '<setting-files><file/></setting-files>', /<file url=/],
    ['fanvil-xml', 'two lines with one index', () => rendered('fanvil').replace('<line index="2">', '<line index="1">'), /two <line index="1">/],
    ['fanvil-xml', 'an unclosed element', () => rendered('fanvil').replace('</RegisterPswd>', ''), /malformed XML/],
    ['fanvil-xml', 'a value written twice in a line', () => rendered('fanvil').replace('<EnableReg>1</EnableReg>', '<EnableReg>1</EnableReg><EnableReg>0</EnableReg>'), /duplicate setting "line\.1\.EnableReg"/],
    ['mitel-cfg', 'a line without a colon', () => `${rendered('mitel')}sip line1 password secret\n`, /expected "key: value"/],
    ['mitel-cfg', 'a duplicate key', () => `${rendered('mitel')}time server1: x\n`, /duplicate setting "time server1"/],
    ['htek-xml', 'an unexpected attribute', () => rendered('htek').replace('<P30 para="NTPServer">', '<P30 name="NTPServer">'), /unexpected attribute "name"/],
    ['htek-xml', 'a missing <config>', () => rendered('htek').replace(/<\/?config[^>]*>/g, ''), /not a (?:P-value|version)|unexpected <P|has no <config>/],
    ['gigaset-xml', 'an account naming a missing provider', () => rendered('gigaset').replace('name="SipAccount.00001.ProviderId" value="0"', 'name="SipAccount.00001.ProviderId" value="9"'), /provider 9, which is not defined/],
    ['gigaset-xml', 'a param without value', () => rendered('gigaset').replace(/value="[^"]*"\/>/, '/>'), /name and value/],
    ['gigaset-xml', 'a param written twice', () => rendered('gigaset').replace('</nvm>', '<param name="DmGlobal.0.NtpServer" value="x"/></nvm>'), /duplicate setting/],
  ];
  for (const [format, name, make, message] of cases) {
    test(`${format}: ${name}`, () => {
      const text = make();
      assert.throws(() => FORMATS[format].parse(text), (err: unknown) => {
        assert.ok(err instanceof ConfigFormatError, String(err));
        assert.equal(err.format, format);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test('every format refuses an empty file', () => {
    for (const format of Object.keys(FORMATS) as FormatId[]) {
      if (format === 'mitel-cfg') continue; // an empty key: value file is a valid, empty config
      assert.throws(() => checkConfig(format, ''), ConfigFormatError, format);
    }
    assert.deepEqual(checkConfig('mitel-cfg', '').accounts, []);
  });

  test('Cisco profile rules: options prefix and plain URL', () => {
    assert.deepEqual(parseProfileRule('[--uid u1 --pwd p w]https://h/x.cfg'), { url: 'https://h/x.cfg', username: 'u1', password: 'p' });
    assert.deepEqual(parseProfileRule('/$PSN.xml'), { url: '/$PSN.xml' });
  });
});
