/**
 * What the admin previews is what the phone gets: the hub's `GET /devices/{mac}/config?reveal=true`
 * and the bytes the edge daemon serves over HTTP are identical (and the ETag is their sha256), for
 * every way a template is chosen — the shipped sample in the Default and the FreeMarker engine, an
 * org template for vendor + model, an org template for the vendor, and the device's own template —
 * and again after the hub changes a template and the change is synced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../hub/domain/render.js';
import { httpGet } from '../sim/transport.js';
import { edgeFixture, startDaemonInProcess } from '../helpers/edge.js';
import { phoneSpec } from '../sim/phones.js';

test('hub preview (reveal) = edge bytes, for Default and FreeMarker devices and every template source', async () => {
  const specs = [
    phoneSpec('yealink', 0, 12), // T46S, Default: the sample (the T46S org template is FreeMarker)
    phoneSpec('yealink', 1, 12), // T54W, FreeMarker: the sample (the org template is for the T46S)
    phoneSpec('yealink', 2, 12), // T46S, FreeMarker: the org template for yealink T46S
    phoneSpec('fanvil', 0, 12), // org template for fanvil, any model (Default)
    phoneSpec('poly', 0, 12), // its own uploaded template (FreeMarker)
    phoneSpec('gigaset', 0, 12), // sample, FreeMarker
  ];
  const f = await edgeFixture({ specs, lines: 2 });
  try {
    const [defaultSample, ftlSample, orgModel, orgVendor, own, gigaset] = specs.map((s) => s.mac) as [string, string, string, string, string, string];
    for (const mac of [ftlSample, orgModel, own, gigaset]) await f.h.json('PATCH', `/devices/${mac}`, { body: { engine: 'freemarker' } });
    const yealinkFtl = readFileSync(join(TEMPLATES_DIR, 'yealink', 'device.ftl'), 'utf8');
    const org = await f.h.json('POST', '/templates', {
      body: { name: 'T46S house', engine: 'freemarker', vendor: 'yealink', model: 'T46S', body: `${yealinkFtl}\n# house rules for \${device.model}\nfeatures.dnd.enable = 1\n` },
    });
    await f.h.json('POST', '/templates', { body: { name: 'Fanvil house', engine: 'default', vendor: 'fanvil', model: null, body: readFileSync(join(TEMPLATES_DIR, 'fanvil', 'device.tpl'), 'utf8').replace('</sysConf>', '<!-- house {{device.mac_upper}} -->\n</sysConf>') } });
    const polyFtl = readFileSync(join(TEMPLATES_DIR, 'poly', 'device.ftl'), 'utf8');
    await f.h.json('PUT', `/devices/${own}/template`, { body: { engine: 'freemarker', body: polyFtl.replace('<polycomConfig', '<!-- own ${device.mac} -->\n<polycomConfig'), name: 'own' } });
    f.sync();

    const d = await startDaemonInProcess(f.dbPath);
    try {
      const http = { host: '127.0.0.1', port: d.httpPort };
      const edgePath: Record<string, string> = {
        [defaultSample]: `/secure/${defaultSample}.cfg`,
        [ftlSample]: `/secure/${ftlSample}.cfg`,
        [orgModel]: `/secure/${orgModel}.cfg`,
        [orgVendor]: `/secure/${orgVendor}.cfg`,
        [own]: `/secure/${own}-user.cfg`,
        [gigaset]: `/secure/${gigaset}.xml`,
      };
      const expectTemplate: Record<string, RegExp> = {
        [defaultSample]: /^sample:yealink\/device\.tpl$/,
        [ftlSample]: /^sample:yealink\/device\.ftl$/,
        [orgModel]: new RegExp(`^t:${org.id}$`),
        [orgVendor]: /^t:\d+$/,
        [own]: /^t:\d+$/,
        [gigaset]: /^sample:gigaset\/device\.ftl$/,
      };
      const check = async (mac: string): Promise<string> => {
        const preview = await f.h.request('GET', `/devices/${mac}/config?reveal=true`, { token: f.h.adminToken });
        assert.equal(preview.status, 200, mac);
        assert.match(preview.headers.get('x-template') ?? '', expectTemplate[mac]!, `${mac}: the template the hub chose`);
        const expected = Buffer.from(await preview.text(), 'utf8');
        const phone = f.phones.find((p) => p.spec.mac === mac)!;
        const basic = `Basic ${Buffer.from(`${phone.prov.username}:${phone.prov.password}`).toString('base64')}`;
        const served = await httpGet(http, edgePath[mac]!, { headers: { authorization: basic } });
        assert.equal(served.status, 200, `${mac}: ${served.body.toString()}`);
        assert.ok(served.body.equals(expected), `${mac}: the edge served other bytes than the hub previewed`);
        assert.equal(served.headers.etag, `"${createHash('sha256').update(expected).digest('hex')}"`);
        return expected.toString();
      };
      for (const mac of specs.map((s) => s.mac)) await check(mac);
      assert.match(await check(orgModel), /features\.dnd\.enable = 1/);
      assert.match(await check(orgVendor), /<!-- house [0-9A-F]{12} -->/);
      assert.match(await check(own), /<!-- own [0-9a-f]{12} -->/);

      // A new version of the org template reaches the edge by sync and both sides move together.
      await f.h.json('PATCH', `/templates/${org.id}`, { body: { body: `${yealinkFtl}\nfeatures.dnd.enable = 0\n` } });
      f.sync();
      assert.match(await check(orgModel), /features\.dnd\.enable = 0/);
    } finally {
      await d.close();
    }
  } finally {
    f.close();
  }
});
