/**
 * Sites: settings, firewall information, sync tokens (shown once), and — when the hub serves the
 * sync routes of issue [5/7] — each edge's online/offline state, lag, version, resync and token revocation.
 */
import { ApiCallError } from '../api.js';
import { Field, Select } from '../layout.js';
import type { FirewallRule, Site } from '../types.js';
import type { PageContext } from './context.js';

/** The sync API of issue [5/7], if this hub has it. The console shows what these answer. */
export const SYNC_ROUTES = {
  status: ['GET', '/api/v1/sites/:id/sync'],
  resync: ['POST', '/api/v1/sites/:id/resync'],
  tokens: ['GET', '/api/v1/sites/:id/tokens'],
  revoke: ['DELETE', '/api/v1/sites/:id/tokens/:tokenId'],
} as const;

type SyncStatus = Record<string, unknown>;

const TRANSPORTS = [
  ['udp', 'UDP'],
  ['tcp', 'TCP'],
  ['tls', 'TLS'],
] as const;

export async function sitesPage(ctx: PageContext) {
  const sites = (await ctx.api.get<{ items: Site[] }>('/sites')).items;
  const has = (r: readonly [string, string]) => ctx.hasRoute(r[0], r[1]);
  const sync = { status: has(SYNC_ROUTES.status), resync: has(SYNC_ROUTES.resync), tokens: has(SYNC_ROUTES.tokens), revoke: has(SYNC_ROUTES.revoke) };
  const details = await Promise.all(
    sites.map(async (s) => {
      const firewall = await ctx.api.get<{ rules: FirewallRule[] }>(`/sites/${s.id}/firewall`);
      let status: SyncStatus | string | null = null;
      if (sync.status) {
        try {
          status = await ctx.api.get<SyncStatus>(`/sites/${s.id}/sync`);
        } catch (err) {
          status = err instanceof ApiCallError ? err.message : 'unavailable';
        }
      }
      let tokens: Array<Record<string, unknown>> | null = null;
      if (sync.tokens) {
        try {
          const t = await ctx.api.get<{ items?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>>(`/sites/${s.id}/tokens`);
          tokens = Array.isArray(t) ? t : (t.items ?? []);
        } catch {
          tokens = null;
        }
      }
      return { site: s, rules: firewall.rules, status, tokens };
    }),
  );

  return (
    <div id="sites-page">
      <details class="card" open={sites.length === 0}>
        <summary>Add a site</summary>
        <form data-api-form data-method="POST" data-action="/api/v1/sites" data-flash="Site added." id="site-new">
          <SiteFields prefix="new" />
          <p class="form-error" data-form-error role="alert"></p>
          <button type="submit" class="primary">
            Add site
          </button>
        </form>
      </details>
      {sites.length === 0 ? <p class="empty">No sites yet.</p> : null}
      {details.map(({ site: s, rules, status, tokens }) => (
        <section class="card site" aria-labelledby={`site-${s.id}-name`} id={`site-${s.id}`}>
          <div class="card-head">
            <h2 id={`site-${s.id}-name`}>{s.name}</h2>
            <SyncBadge status={status} available={sync.status} />
          </div>
          <dl class="facts">
            <div>
              <dt>Provision mode</dt>
              <dd>{s.provision_mode === 'fqdn' ? `Domain Name (FQDN): ${s.fqdn ?? '—'}` : `Public IP Address: ${s.public_ip ?? '—'}`}</dd>
            </div>
            <div>
              <dt>Edge</dt>
              <dd>
                {s.edge_lan_ip ?? 'LAN address not set'} · HTTP {s.edge_http_port}
                {s.edge_https_port !== null ? ` · HTTPS ${s.edge_https_port}` : ''} · TFTP {s.edge_tftp_port}
              </dd>
            </div>
            <div>
              <dt>SIP</dt>
              <dd>
                {s.sip_transport.toUpperCase()} {s.sip_port} · RTP {s.rtp_port_min}–{s.rtp_port_max}
              </dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>
                {s.timezone} · NTP {s.ntp_server}
              </dd>
            </div>
            <div>
              <dt>Provision limit</dt>
              <dd>{s.provision_limit === 0 ? 'unlimited' : `${s.provision_limit} bootstrap session${s.provision_limit === 1 ? '' : 's'} per phone`}</dd>
            </div>
            <div>
              <dt>DHCP</dt>
              <dd>{s.dhcp.mode === 'off' ? 'off' : `${s.dhcp.mode}, ${s.dhcp.pool_start ?? '?'}–${s.dhcp.pool_end ?? '?'}`}</dd>
            </div>
          </dl>
          <SyncPanel site={s} status={status} sync={sync} tokens={tokens} />
          <details>
            <summary>Settings</summary>
            <form data-api-form data-method="PATCH" data-action={`/api/v1/sites/${s.id}`} data-flash={`Site ${s.name} saved.`} id={`site-form-${s.id}`}>
              <SiteFields prefix={`s${s.id}`} site={s} />
              <p class="form-error" data-form-error role="alert"></p>
              <button type="submit" class="primary">
                Save settings
              </button>
            </form>
          </details>
          <details>
            <summary>Firewall information</summary>
            <FirewallTable rules={rules} caption={`Firewall rules for ${s.name}`} />
          </details>
          <div class="card-actions">
            <button type="button" class="secondary" data-command="create-token" data-site={String(s.id)} data-site-name={s.name}>
              Create sync token
            </button>
            <button
              type="button"
              class="quiet-danger"
              data-api-delete={`/api/v1/sites/${s.id}`}
              data-confirm={`Delete the site "${s.name}"? A site that still has phones cannot be deleted.`}
              data-confirm-ok="Delete site"
              data-flash={`Site ${s.name} deleted.`}
            >
              Delete site
            </button>
          </div>
          <div class="token-output" data-token-output={String(s.id)} aria-live="polite"></div>
        </section>
      ))}
    </div>
  );
}

function SyncBadge(props: { status: SyncStatus | string | null; available: boolean }) {
  if (!props.available) return <span class="badge">sync status: not in this build</span>;
  if (props.status === null || typeof props.status === 'string') return <span class="badge warn">sync status unavailable</span>;
  const online = props.status.online === true || props.status.connected === true;
  return <span class={`badge ${online ? 'ok' : 'warn'}`}>{online ? 'online' : 'offline'}</span>;
}

/** The fields of GET /sites/{id}/sync an admin reads first, in order. */
const STATUS_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['last_seen', 'Last seen'],
  ['daemon_version', 'Daemon version'],
  ['lag_seq', 'Lag (changes behind)'],
  ['pending_changes', 'Changes not yet acknowledged'],
  ['acked_seq', 'Acknowledged up to'],
  ['hub_seq', 'Hub change log at'],
  ['last_mode', 'Last sync'],
  ['resync_pending', 'Resync pending'],
  ['remote', 'Edge address'],
];

function statusValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Hook for issue [5/7]: when the hub serves GET /api/v1/sites/{id}/sync, its answer is shown here
 * (online/offline, last seen, acked seq and lag, daemon version); POST …/resync and token revocation
 * appear when those routes exist. Until then the panel says so.
 */
function SyncPanel(props: {
  site: Site;
  status: SyncStatus | string | null;
  sync: { status: boolean; resync: boolean; tokens: boolean; revoke: boolean };
  tokens: Array<Record<string, unknown>> | null;
}) {
  const { site: s, status, sync } = props;
  return (
    <div class="sync-panel" data-sync-panel={String(s.id)}>
      <h3>Edge sync</h3>
      {!sync.status ? (
        <p class="muted">
          The edge's online/offline state, lag and version appear here once this hub runs the sync service (issue [5/7]). Until then, create a sync token for the
          edge below.
        </p>
      ) : typeof status === 'string' || status === null ? (
        <p class="muted">Sync status unavailable: {status ?? 'no answer'}</p>
      ) : (
        <>
          <dl class="facts">
            <div>
              <dt>State</dt>
              <dd>{status.online === true ? 'online' : 'offline'}</dd>
            </div>
            {STATUS_FIELDS.filter(([k]) => k in status).map(([k, label]) => (
              <div>
                <dt>{label}</dt>
                <dd>{statusValue(status[k])}</dd>
              </div>
            ))}
          </dl>
          {status.last_nack ? <p class="alert-inline">Last refusal by the edge: {statusValue(status.last_nack)}</p> : null}
        </>
      )}
      {sync.resync ? (
        <button
          type="button"
          class="secondary"
          data-api-post={`/api/v1/sites/${s.id}/resync`}
          data-confirm={`Resync the edge of ${s.name}? It receives a full snapshot at its next connection.`}
          data-confirm-ok="Resync"
          data-flash={`Resync of ${s.name} requested.`}
        >
          Resync
        </button>
      ) : null}
      {props.tokens ? (
        <ul class="plain tokens">
          {props.tokens.map((t) => {
            const id = String(t.id ?? t.token_id ?? '');
            return (
              <li>
                Sync token {id} {t.created_at ? <span class="muted">created {String(t.created_at)}</span> : null}{' '}
                {t.revoked_at ? <span class="badge">revoked {String(t.revoked_at)}</span> : null}
                {sync.revoke && id && !t.revoked_at ? (
                  <button
                    type="button"
                    class="link-button danger-text"
                    data-api-delete={`/api/v1/sites/${s.id}/tokens/${id}`}
                    data-confirm={`Revoke token ${id} of ${s.name}? An edge using it is disconnected.`}
                    data-confirm-ok="Revoke"
                    data-flash={`Token ${id} revoked.`}
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

export function FirewallTable(props: { rules: FirewallRule[]; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="responsive firewall">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Purpose</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Protocol / ports</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((r) => (
            <tr>
              <th scope="row" data-label="Purpose">
                {r.purpose}
              </th>
              <td data-label="From">{r.from}</td>
              <td data-label="To">{r.to}</td>
              <td data-label="Protocol / ports">
                {r.protocol.toUpperCase()} {r.ports}
              </td>
              <td data-label="Note">{r.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SiteFields(props: { prefix: string; site?: Site }) {
  const s = props.site;
  const p = props.prefix;
  return (
    <div class="grid3">
      <Field id={`${p}-name`} label="Name" name="name" value={s?.name} required />
      <Field id={`${p}-tz`} label="Time zone" name="timezone" value={s?.timezone ?? 'UTC'} hint="IANA name, e.g. Europe/Berlin" />
      <Field id={`${p}-ntp`} label="NTP server" name="ntp_server" value={s?.ntp_server ?? 'pool.ntp.org'} />
      <Select
        id={`${p}-mode`}
        label="Provision mode"
        name="provision_mode"
        value={s?.provision_mode ?? 'fqdn'}
        options={[
          ['fqdn', 'Domain Name (FQDN)'],
          ['public_ip', 'Public IP Address'],
        ]}
      />
      <Field id={`${p}-fqdn`} label="Domain name (FQDN)" name="fqdn" value={s?.fqdn} empty="null" placeholder="pbx.example.com" />
      <Field id={`${p}-public-ip`} label="Public IP address" name="public_ip" value={s?.public_ip} empty="null" />
      <Field id={`${p}-lan-ip`} label="Edge LAN IP" name="edge_lan_ip" value={s?.edge_lan_ip} empty="null" hint="The address phones fetch from" />
      <Field id={`${p}-http`} label="Edge HTTP port" name="edge_http_port" value={s?.edge_http_port ?? 80} dataType="number" inputmode="numeric" />
      <Field id={`${p}-https`} label="Edge HTTPS port" name="edge_https_port" value={s?.edge_https_port} dataType="number" empty="null" inputmode="numeric" />
      <Field id={`${p}-tftp`} label="Edge TFTP port" name="edge_tftp_port" value={s?.edge_tftp_port ?? 69} dataType="number" inputmode="numeric" />
      <Field id={`${p}-sip-port`} label="SIP port" name="sip_port" value={s?.sip_port ?? 5060} dataType="number" inputmode="numeric" />
      <Select id={`${p}-sip-transport`} label="SIP transport" name="sip_transport" value={s?.sip_transport ?? 'udp'} options={TRANSPORTS} />
      <Field id={`${p}-rtp-min`} label="RTP ports from" name="rtp_port_min" value={s?.rtp_port_min ?? 10000} dataType="number" inputmode="numeric" />
      <Field id={`${p}-rtp-max`} label="RTP ports to" name="rtp_port_max" value={s?.rtp_port_max ?? 20000} dataType="number" inputmode="numeric" />
      <Field
        id={`${p}-limit`}
        label="Provision limit"
        name="provision_limit"
        value={s?.provision_limit ?? 1}
        dataType="number"
        inputmode="numeric"
        hint="Bootstrap sessions per phone before Reset provision counter is needed; 0 = unlimited"
      />
    </div>
  );
}
