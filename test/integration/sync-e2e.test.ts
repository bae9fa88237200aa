/**
 * End to end (acceptance 11): an admin assigns a user on the hub, the change travels over the
 * real sync WebSocket into the edge daemon's cache, and the config the phone fetches from the
 * edge's HTTP server changes. The daemon is the real `startDaemon`; the sync client shares its
 * cache, as the daemon's wiring will.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DaemonConfig } from '../../daemon/config.js';
import { startDaemon } from '../../daemon/main.js';
import { createSyncClient, type AppliedEvent } from '../../daemon/sync/index.js';
import { systemClock } from '../../shared/clock.js';
import { hubSeq, once, silentLog, startInProcessHub, tempDir } from '../helpers/sync.js';

test('11. an admin assigns a user on the hub → the config the phone fetches from the edge changes', async () => {
  const t = tempDir();
  const h = await startInProcessHub(join(t.dir, 'hub.db'), ['Branch']);
  const site = h.sites[0]!;
  const daemon = await startDaemon(
    DaemonConfig.parse({ db_path: join(t.dir, 'edge.db'), http_host: '127.0.0.1', http_port: 0, tftp_host: '127.0.0.1', tftp_port: 0, log_level: 'silent' }),
    { log: silentLog },
  );
  const client = createSyncClient({ hubUrl: h.url, token: site.token, version: 'e2e', backoffMinMs: 20, backoffMaxMs: 200, digestIntervalMs: 0 }, { cache: daemon.cache, log: silentLog, clock: systemClock });
  const caughtUp = () => {
    const target = hubSeq(h.db);
    return daemon.cache.state().cursor >= target ? Promise.resolve() : once<AppliedEvent>(client, 'applied', (a) => a.cursor >= target, `applied ${target}`);
  };
  const mac = '001565e2e001';
  const fetchConfig = async () => {
    const res = await fetch(`http://127.0.0.1:${daemon.httpPort}/${mac}.cfg`, { headers: { 'user-agent': `Yealink SIP-T46S 66.86.0.15 ${mac}` } });
    return { status: res.status, body: await res.text() };
  };
  try {
    client.start();
    await h.api('POST', '/devices/import', { text: `${mac},T46S,Front desk`, site_id: site.id });
    await caughtUp();
    const before = await fetchConfig();
    assert.equal(before.status, 200, before.body);
    assert.doesNotMatch(before.body, /e2e-sip-4711/);
    const user = await h.api('POST', '/users', { extension: '4711', display_name: 'Erika E2E', sip_accounts: [{ username: 'e2e-sip-4711', password: 'e2e-secret' }] });
    await h.api('PUT', `/devices/${mac}/users`, { users: [user.id] });
    await caughtUp();
    const after = await fetchConfig();
    assert.equal(after.status, 200, after.body);
    assert.match(after.body, /e2e-sip-4711/);
    assert.match(after.body, /Erika E2E/);
    // The bootstrap the phone did travels back: the hub sees the device provisioned.
    const left = () => (daemon.cache.db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n;
    const drained = left() === 0 ? Promise.resolve() : once(client, 'events-acked', () => left() === 0, 'outbox drained');
    client.notifyOutbox();
    await drained;
    const dev = await h.api('GET', `/devices/${mac}`);
    assert.equal(dev.status.provisioned, true);
  } finally {
    await client.stop();
    await daemon.close();
    await h.close();
    t.remove();
  }
});
