import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testHub, makeSite, makeUser } from '../helpers/hub.js';

test('smoke: site, import, assign, config preview, openapi', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    const imp = await h.json('POST', '/devices/import', { body: { text: '00:15:65:aa:bb:01,T46S,Front\n00-15-65-aa-bb-02', site_id: site } });
    assert.equal(imp.applied, true);
    const u = await makeUser(h, '201', 2);
    await h.json('PUT', '/devices/001565aabb01/users', { body: { users: [u] } });
    const res = await h.request('GET', '/devices/001565aabb01/config', { token: h.adminToken });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(text, /account\.1\.user_name = 201/);
    const list = await h.json('GET', '/devices?filter=assigned');
    assert.equal(list.total, 1);
    const doc = await h.json('GET', '/openapi.json');
    assert.equal(doc.openapi, '3.1.0');
  } finally {
    h.close();
  }
});
