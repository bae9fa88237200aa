/** The demo site `edgeprov demo` starts with: enough inventory to try every admin flow. */
import { randomBytes } from 'node:crypto';
import type { HubStore } from './db/store.js';
import { SYSTEM_ACTOR } from './db/store.js';
import { SiteCreate, UserCreate } from './api/schemas.js';
import { createSite, findSiteByName } from './domain/sites.js';
import { createUser } from './domain/users.js';
import { applyImport, planImport } from './domain/import.js';
import { setDeviceUsers } from './domain/devices.js';
import { createAccount, hashPassword } from './domain/auth.js';

export const DEMO_SITE = 'Demo Branch';

/**
 * Idempotent: seeds once; on later starts only applies EDGEPROV_ADMIN_PASSWORD if given.
 * Returns the admin password when it was set now (to be printed once).
 */
export async function seedDemo(
  store: HubStore,
  opts: { httpPort: number; tftpPort: number; adminPassword: string | undefined },
): Promise<{ adminPassword: string | null }> {
  if (opts.adminPassword !== undefined && opts.adminPassword.length < 8) throw new Error('EDGEPROV_ADMIN_PASSWORD must be at least 8 characters');
  const admin = store.db.prepare(`SELECT id FROM accounts WHERE username = 'admin'`).get() as { id: number } | undefined;
  const password = admin && opts.adminPassword === undefined ? null : (opts.adminPassword ?? randomBytes(12).toString('base64url'));
  const hash = password === null ? null : await hashPassword(password);
  store.write(SYSTEM_ACTOR, (w) => {
    if (hash !== null) {
      if (admin) {
        w.db.prepare(`UPDATE accounts SET password_hash = ? WHERE id = ?`).run(hash, admin.id);
        w.audit({ action: 'account.password', target_type: 'account', target_id: 'admin' });
      } else {
        createAccount(w, { username: 'admin', password_hash: hash, role: 'admin' });
      }
    }
    if (findSiteByName(w.db, DEMO_SITE)) return;
    const site = createSite(
      w,
      SiteCreate.parse({
        name: DEMO_SITE, timezone: 'Europe/Berlin', provision_mode: 'fqdn', fqdn: 'pbx.example.com',
        edge_lan_ip: '127.0.0.1', edge_http_port: opts.httpPort, edge_tftp_port: opts.tftpPort,
      }),
    );
    const users = Array.from({ length: 10 }, (_, i) =>
      createUser(
        w,
        UserCreate.parse({
          extension: String(101 + i), display_name: `Demo User ${101 + i}`,
          sip_accounts: [{ username: String(101 + i), password: randomBytes(9).toString('base64url'), label: String(101 + i) }],
        }),
        null,
      ),
    );
    const macs = Array.from({ length: 8 }, (_, i) => `00:15:65:de:00:${String(i + 1).padStart(2, '0')},T46S,Desk ${i + 1}`);
    const plan = planImport(w.db, { text: macs.join('\n'), site_id: site.id });
    applyImport(w, plan);
    for (let i = 0; i < 3; i++) setDeviceUsers(w, plan.created[i]!.mac, [users[i]!.id]);
  });
  return { adminPassword: password };
}
