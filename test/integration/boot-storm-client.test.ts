// The storm benchmark's full-boot client (test/fixtures/boot-storm-client.ts) against a real
// `edgeprov daemon` doing DHCP, HTTP and TFTP, between two network namespaces this test creates
// (10.99.x.y only there) and removes even on failure. The bench's figures are only as good as this
// client: every phone must get its own lease before its files, its files must be the daemon's (the
// anchors serve what the client saved), and a second storm of the same phones (a reboot) must find
// the leases the daemon kept. Needs root; without it the test is skipped, loudly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edgeFixture } from '../helpers/edge.js';
import { createPair, netnsAvailable, type LineProcess, type NsPair } from '../helpers/netns.js';
import { POOL_END, POOL_START, stormCidrs } from '../helpers/dhcp-storm.js';
import { ipToInt } from '../../daemon/dhcp/index.js';
import { phoneSpec, type PhoneSpec, type Protocol } from '../sim/phones.js';
import { BOOT_SITE, runBootClient, startDaemonInNs } from '../bench/storm-boot.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

test('boot-storm client: DHCP first, then the files, from a daemon in a namespace; a reboot storm keeps each lease', async (t) => {
  if (!(await netnsAvailable())) return t.skip('SKIPPED: needs root and ip netns');
  const phones: Array<{ spec: PhoneSpec; protocol: Protocol }> = [
    { spec: phoneSpec('yealink', 0, 9), protocol: 'http' },
    { spec: phoneSpec('snom', 0, 9), protocol: 'http' },
    { spec: phoneSpec('cisco', 0, 9), protocol: 'tftp' },
    { spec: phoneSpec('grandstream', 0, 9), protocol: 'tftp' },
  ];
  const fixture = await edgeFixture({ specs: phones.map((p) => p.spec), lines: 1, site: BOOT_SITE });
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-boot-client-'));
  const procs = new Set<LineProcess>();
  let pair: NsPair | undefined;
  try {
    const [s, c] = stormCidrs();
    pair = await createPair('tboot', s, c);
    await startDaemonInNs(pair, dir, fixture.dbPath, procs);
    const tree = join(dir, 'files');
    const first = await runBootClient(pair, dir, 'first', phones, procs, tree);
    assert.equal(first.results.length, phones.length);
    for (const r of first.results) {
      assert.ok(r.ok, `${r.mac} over ${r.protocol}: ${r.error}`);
      assert.ok(r.startMs! >= 0 && r.dhcpMs! >= 0 && r.dhcpMs! <= r.ms!, JSON.stringify(r));
      const ip = ipToInt(r.ip!)!;
      assert.ok(ip >= ipToInt(POOL_START)! && ip <= ipToInt(POOL_END)!, `${r.ip} is in the pool`);
    }
    assert.equal(new Set(first.results.map((r) => r.ip)).size, phones.length, 'one address per phone');
    const saved = files(tree);
    assert.ok(saved.length >= phones.length, `at least one file per phone saved, got ${saved.length}`);
    assert.ok(saved.every((f) => statSync(f).size > 0));
    for (const p of phones) assert.ok(saved.some((f) => f.toLowerCase().includes(p.spec.mac.slice(-6))), `a file of ${p.spec.mac} was saved`);

    const again = await runBootClient(pair, dir, 'again', phones, procs);
    const before = new Map(first.results.map((r) => [r.mac, r.ip]));
    for (const r of again.results) {
      assert.ok(r.ok, `${r.mac} again: ${r.error}`);
      assert.equal(r.ip, before.get(r.mac), `${r.mac} keeps its address across a reboot`);
    }
  } finally {
    for (const p of procs) await p.stop('SIGKILL', 2000);
    await pair?.destroy();
    rmSync(dir, { recursive: true, force: true });
    fixture.close();
  }
});
