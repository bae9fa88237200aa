/**
 * A site's DHCP settings beyond the pool (reservations, relay pools, subnet mask, option values per
 * site and per vendor profile): accepted, merged by PATCH, sent to the edge in the site row, and
 * refused exactly when the edge could not send them (shared/dhcp.ts). Sites stored without these
 * fields stay valid: they are optional and the edge applies the defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDhcpOptionValue } from '../../shared/dhcp.js';
import { withHub, changesSince, lastSeq, makeSite, testHub, type TestHub } from '../helpers/hub.js';

async function refused(h: TestHub, body: unknown, pattern: RegExp): Promise<void> {
  const res = await h.request('POST', '/sites', { token: h.adminToken, body });
  const text = await res.text();
  assert.equal(res.status, 400, text);
  assert.match(text, pattern);
}

const base = { fqdn: 'pbx.example.com', edge_lan_ip: '10.1.0.2' };
const pool = { mode: 'full', pool_start: '10.1.0.100', pool_end: '10.1.0.199' };

test('reservations, relay pools, mask and option values are kept, merged by PATCH and sent to the edge', async () => {
  await withHub(async (h) => {
    const dhcp = {
      ...pool, subnet_mask: '255.255.255.0', domain_name: 'voice.lan',
      reservations: [{ mac: '00:15:65:AA:BB:CC', ip: '10.1.0.50', hostname: 'lobby' }],
      relay_pools: [{ pool_start: '10.2.0.100', pool_end: '10.2.0.200', router: '10.2.0.1' }],
      options: { '42': '10.1.0.1', '66': 'http://10.1.0.2/' },
      vendor_options: { yealink: { '161': 'hex:0a0b' }, cisco: { '150': '10.1.0.2, 10.1.0.3' } },
    };
    const id = await makeSite(h, { ...base, name: 'A', dhcp });
    const site = await h.json('GET', `/sites/${id}`);
    assert.deepEqual(site.dhcp, { ...dhcp, router: null, dns: [], lease_time_s: 86400 });
    const seq = lastSeq(h.db);
    await h.json('PATCH', `/sites/${id}`, { body: { dhcp: { reservations: [] } } });
    const row = changesSince(h.db, seq).find((c) => c.entity === 'site')!;
    assert.deepEqual((row.data as { dhcp: { reservations: unknown[]; options: unknown } }).dhcp.reservations, []);
    assert.deepEqual((row.data as { dhcp: { options: unknown } }).dhcp.options, dhcp.options, 'PATCH merges: the rest is kept');
  });
});

test('a site without the new fields keeps its old shape', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, { ...base, name: 'B', dhcp: pool });
    const site = await h.json('GET', `/sites/${id}`);
    assert.deepEqual(Object.keys(site.dhcp).sort(), ['dns', 'lease_time_s', 'mode', 'pool_end', 'pool_start', 'router']);
  });
});

test('option values the edge could not send, bad reservations and reversed pools are refused', async () => {
  await withHub(async (h) => {
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, options: { '53': '1' } } }, /set by the server itself/);
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, options: { '150': '10.1.0.300' } } }, /not an IPv4 address/);
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, options: { '43': 'hex:abc' } } }, /pairs of hex digits/);
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, options: { x66: 'a' } } }, /not an option code/);
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, vendor_options: { acme: { '66': 'a' } } } }, /vendor profile id/);
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, reservations: [{ mac: 'nope', ip: '10.1.0.5' }] } }, /MAC address/);
    await refused(
      h,
      { ...base, name: 'C', dhcp: { ...pool, reservations: [{ mac: '001565aabbcc', ip: '10.1.0.5' }, { mac: '00-15-65-AA-BB-CC', ip: '10.1.0.6' }] } },
      /reserved twice/,
    );
    await refused(h, { ...base, name: 'C', dhcp: { ...pool, pool_start: '10.1.0.200', pool_end: '10.1.0.100' } }, /above pool_end/);
  });
});

test('parseDhcpOptionValue: the forms an admin writes', () => {
  assert.deepEqual(parseDhcpOptionValue(150, '10.0.0.1,10.0.0.2'), Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]));
  assert.deepEqual(parseDhcpOptionValue(2, '-3600'), Buffer.from([0xff, 0xff, 0xf1, 0xf0]));
  assert.deepEqual(parseDhcpOptionValue(66, 'tftp.lan'), Buffer.from('tftp.lan'));
  assert.deepEqual(parseDhcpOptionValue(43, 'hex:01 02:03'), Buffer.from([1, 2, 3]));
  assert.equal(parseDhcpOptionValue(66, ''), null);
  assert.match(String(parseDhcpOptionValue(1, '10.0.0.1,10.0.0.2')), /one IPv4 address/);
  assert.match(String(parseDhcpOptionValue(255, 'x')), /1\.\.254/);
  assert.match(String(parseDhcpOptionValue(66, 'x'.repeat(256))), /longer than 255/);
});
