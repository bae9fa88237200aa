/**
 * Device Management, the product guide's page: import, filter, search, pages, selection (rows, or
 * all rows matching the filter across pages), the Provision menu, the menu beside it, actions on
 * the selection, and per-row menus. The table is rendered here from GET /api/v1/devices; app.js
 * drives the dialogs and sends the writes to the API.
 */
import { MAX_USERS_PER_DEVICE } from '../../../shared/domain.js';
import { VENDORS } from '../../../shared/vendors/index.js';
import { query } from '../api.js';
import { Field, Menu, Pager, Pending, When, YesNo, macColon, modelName, DialogActions } from '../layout.js';
import type { Device, DevicePage, Site } from '../types.js';
import { intParam, withParams, type PageContext } from './context.js';

const FILTERS = [
  ['all', 'All'],
  ['assigned', 'Assigned'],
  ['unassigned', 'Unassigned'],
] as const;
type Filter = (typeof FILTERS)[number][0];

const PER_PAGE = [10, 20, 50, 100] as const;

export async function devicesPage(ctx: PageContext) {
  const { api, url } = ctx;
  const rawFilter = url.searchParams.get('filter');
  const filter: Filter = rawFilter === 'assigned' || rawFilter === 'unassigned' ? rawFilter : 'all';
  const q = (url.searchParams.get('q') ?? '').slice(0, 100);
  const siteParam = url.searchParams.get('site_id');
  const siteId = siteParam && /^\d+$/.test(siteParam) ? Number(siteParam) : undefined;
  const perPage = intParam(url, 'per_page', 20, 500);
  const page = intParam(url, 'page', 1);
  const sites = (await api.get<{ items: Site[] }>('/sites')).items;
  const base = { q, site_id: siteId };
  const [list, counts] = await Promise.all([
    api.get<DevicePage>(`/devices${query({ ...base, filter, page, per_page: perPage, sort: 'mac' })}`),
    Promise.all(FILTERS.map(([f]) => api.get<DevicePage>(`/devices${query({ ...base, filter: f, per_page: 1 })}`).then((p) => p.total))),
  ]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const pages = Math.max(1, Math.ceil(list.total / perPage));
  const filterJson = JSON.stringify({ filter, ...(q ? { q } : {}), ...(siteId !== undefined ? { site_id: siteId } : {}) });

  return (
    <div id="devices-page" data-total={String(list.total)} data-filter={filterJson} data-page-count={String(list.items.length)}>
      {sites.length === 0 ? (
        <p class="notice">
          There is no site yet. <a href="/console/sites">Add a site</a> first: every phone belongs to one.
        </p>
      ) : null}

      <div class="toolbar">
        <div class="toolbar-actions">
          <button type="button" class="primary" data-command="import" disabled={sites.length === 0}>
            Import device
          </button>
          <Menu
            id="provision"
            label="Provision ▾"
            items={[
              { command: 'auto-provision', label: 'Auto Provision' },
              { command: 'bulk-provision', label: 'Bulk Provision' },
              { command: 'provision-mode', label: 'Provision Mode' },
            ]}
          />
          <Menu
            id="more"
            class="icon-menu"
            label="⋯"
            ariaLabel="More actions"
            items={[
              { command: 'export', label: 'Export' },
              { command: 'firewall', label: 'View Firewall Information' },
            ]}
          />
        </div>
        <nav class="filters" aria-label="Filter devices">
          <ul>
            {FILTERS.map(([f, label], i) => (
              <li>
                <a href={withParams(url, { filter: f === 'all' ? undefined : f, page: undefined })} aria-current={f === filter ? 'page' : undefined}>
                  {label} <span class="count">{counts[i]}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form class="search" method="get" action="/console/devices" role="search">
          {filter !== 'all' ? <input type="hidden" name="filter" value={filter} /> : null}
          <div class="field">
            <label for="device-search">Search</label>
            <input id="device-search" type="search" name="q" value={q} placeholder="MAC, name, model, extension" />
          </div>
          {sites.length > 1 ? (
            <div class="field">
              <label for="device-site">Site</label>
              <select id="device-site" name="site_id">
                <option value="">All sites</option>
                {sites.map((s) => (
                  <option value={String(s.id)} selected={s.id === siteId}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div class="field">
            <label for="device-per-page">Rows per page</label>
            <select id="device-per-page" name="per_page" data-autosubmit>
              {PER_PAGE.map((n) => (
                <option value={String(n)} selected={n === perPage}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
      </div>

      <section class="selection-bar" aria-label="Selection" id="selection-bar">
        <p id="selection-status" aria-live="polite">
          No devices selected.
        </p>
        <div class="selection-actions">
          {list.total > list.items.length ? (
            <button type="button" class="link-button" data-command="select-all-pages" id="select-all-pages">
              Select all {list.total} matching devices (all pages)
            </button>
          ) : null}
          <button type="button" class="link-button" data-command="clear-selection" id="clear-selection" hidden>
            Clear selection
          </button>
          <button type="button" class="secondary" data-command="export-selection" data-needs-selection disabled>
            Export
          </button>
          <button type="button" class="secondary" data-command="reset-selection" data-needs-selection disabled>
            Reset provision counter
          </button>
          <button type="button" class="danger" data-command="remove-selection" data-needs-selection disabled>
            Remove IP phone
          </button>
        </div>
      </section>

      {list.items.length === 0 ? (
        <p class="empty">{list.total === 0 && filter === 'all' && !q ? 'No devices yet. Use Import device to add MAC addresses.' : 'No devices match this filter.'}</p>
      ) : (
        <div class="table-wrap">
          <table class="devices responsive">
            <caption class="vh">
              Devices ({FILTERS.find(([f]) => f === filter)?.[1]}), page {page} of {pages}, {list.total} matching
            </caption>
            <thead>
              <tr>
                <th scope="col" class="check">
                  <input type="checkbox" id="select-page" aria-label="Select every device on this page" />
                </th>
                <th scope="col">MAC</th>
                <th scope="col">Name</th>
                <th scope="col">Model</th>
                {sites.length > 1 ? <th scope="col">Site</th> : null}
                <th scope="col">Assigned users</th>
                <th scope="col">Provisioned</th>
                <th scope="col">Last provisioned</th>
                <th scope="col">Pending</th>
                <th scope="col">Counter</th>
                <th scope="col">
                  <span class="vh">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <DeviceRow d={d} siteName={sites.length > 1 ? (siteName.get(d.site_id) ?? String(d.site_id)) : undefined} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} perPage={perPage} total={list.total} href={(p) => withParams(url, { page: p === 1 ? undefined : p })} label="Device pages" />

      <ImportDialog sites={sites} />
      <AutoProvisionDialog />
      <BulkProvisionDialog />
      <ProvisionModeDialog sites={sites} />
      <FirewallDialog sites={sites} />
      <DeviceSettingsDialog />
      <BasicSettingsDialog />
      <ManageUsersDialog />
    </div>
  );
}

function DeviceRow(props: { d: Device; siteName: string | undefined }) {
  const d = props.d;
  const mac = macColon(d.mac);
  const data = JSON.stringify({
    mac: d.mac, name: d.name, vendor: d.vendor, model: d.model, engine: d.engine, template_id: d.template_id,
    users: d.users.map((u) => u.id),
  });
  const c = d.status.counter;
  return (
    <tr data-mac={d.mac} data-device={data}>
      <td class="check">
        <input type="checkbox" class="row-select" value={d.mac} aria-label={`Select ${mac}`} />
      </td>
      <th scope="row" data-label="MAC">
        <code>{mac}</code>
      </th>
      <td data-label="Name">{d.name || <span class="muted">—</span>}</td>
      <td data-label="Model">{modelName(d.vendor, d.model) || <span class="muted">unknown</span>}</td>
      {props.siteName !== undefined ? <td data-label="Site">{props.siteName}</td> : null}
      <td data-label="Assigned users" class="users-cell">
        {d.users.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="plain">
            {d.users.map((u) => (
              <li>
                {u.extension} <span class="muted">{u.display_name}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Provisioned">
        <YesNo value={d.status.provisioned} />
      </td>
      <td data-label="Last provisioned">
        <When at={d.status.last_provisioned_at} never="never" />
      </td>
      <td data-label="Pending">
        <Pending value={d.status.pending} />
      </td>
      <td data-label="Counter" class="counter">
        <span title={`limit from the ${c.limit_source}`}>
          {c.count} / {c.limit === 0 ? '∞' : c.limit}
        </span>
      </td>
      <td class="row-actions">
        <Menu
          id={`row-${d.mac}`}
          class="icon-menu align-end"
          label="⋯"
          ariaLabel={`Actions for ${mac}`}
          items={[
            { command: 'device-settings', label: 'Device settings', data: { 'data-mac': d.mac } },
            { command: 'basic-settings', label: 'Basic settings', data: { 'data-mac': d.mac } },
            { command: 'manage-users', label: 'Manage users', data: { 'data-mac': d.mac } },
            { command: 'reset-one', label: 'Reset provision counter', data: { 'data-mac': d.mac } },
            { command: 'remove-one', label: 'Remove IP phone', danger: true, data: { 'data-mac': d.mac } },
          ]}
        />
      </td>
    </tr>
  );
}

function DialogHead(props: { id: string; title: string }) {
  return (
    <div class="dialog-head">
      <h2 id={`${props.id}-title`} data-dialog-title>
        {props.title}
      </h2>
      <button type="button" class="icon-button" data-close aria-label="Close">
        ×
      </button>
    </div>
  );
}

function ImportDialog(props: { sites: Site[] }) {
  return (
    <dialog id="import-dialog" aria-labelledby="import-dialog-title" class="wide">
      <form data-no-submit>
        <DialogHead id="import-dialog" title="Import devices" />
        <p class="hint" id="import-help">
          One phone per line: <code>mac[,model][,name][,site][,vendor]</code>, e.g. <code>00:15:65:AA:BB:CC,T46S,Reception</code>. A header row naming the columns is
          allowed; <code>vendor</code> (a profile id such as <code>cisco-sep</code>) is needed only where the MAC cannot tell. MACs may be written <code>00:15:65:AA:BB:CC</code>, <code>00-15-65-AA-BB-CC</code>, <code>001565aabbcc</code> or <code>0015.65aa.bbcc</code>. Nothing is
          imported until every line is valid.
        </p>
        {props.sites.length > 1 ? (
          <div class="field">
            <label for="import-site">Site for lines without a site column</label>
            <select id="import-site" name="site_id">
              {props.sites.map((s) => (
                <option value={String(s.id)}>{s.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="field">
          <label for="import-text">MAC addresses (paste here)</label>
          <textarea id="import-text" name="text" rows={10} spellcheck={false} aria-describedby="import-help import-source"></textarea>
        </div>
        <div class="field">
          <label for="import-file">Or choose a CSV file</label>
          <input id="import-file" type="file" accept=".csv,.txt,text/csv,text/plain" />
          <p class="hint" id="import-source"></p>
        </div>
        <div id="import-result" class="check-result" aria-live="polite"></div>
        <div class="progress-line" id="import-progress-line" hidden>
          <label for="import-progress">Importing</label>
          <progress id="import-progress" max={100}></progress>
          <span id="import-progress-text"></span>
        </div>
        <div class="dialog-actions">
          <button type="button" class="secondary" data-close>
            Cancel
          </button>
          <button type="button" class="secondary" data-command="import-preview">
            Preview
          </button>
          <button type="button" class="primary" data-command="import-apply" disabled>
            Import
          </button>
        </div>
      </form>
    </dialog>
  );
}

function AutoProvisionDialog() {
  return (
    <dialog id="auto-dialog" aria-labelledby="auto-dialog-title">
      <form data-no-submit>
        <DialogHead id="auto-dialog" title="Auto Provision" />
        <p id="auto-text">Select the unassigned phones to provision first.</p>
        <p class="hint">
          Each selected phone without users gets the next licensed user who has no phone yet and has a SIP account, in extension order. Phones that already carry
          users are skipped.
        </p>
        <div id="auto-result" class="check-result" aria-live="polite"></div>
        <div class="dialog-actions">
          <button type="button" class="secondary" data-close>
            Close
          </button>
          <button type="button" class="primary" data-command="auto-apply">
            Auto Provision
          </button>
        </div>
      </form>
    </dialog>
  );
}

function BulkProvisionDialog() {
  return (
    <dialog id="bulk-dialog" aria-labelledby="bulk-dialog-title" class="wide">
      <form data-no-submit>
        <DialogHead id="bulk-dialog" title="Bulk Provision" />
        <p class="hint" id="bulk-help">
          A CSV file with one phone per line: <code>mac,extension[,extension…]</code> (at most {MAX_USERS_PER_DEVICE} extensions). Each line replaces the phone's users.
          The whole file is checked before anything changes.
        </p>
        <div class="field">
          <label for="bulk-file">CSV file</label>
          <input id="bulk-file" type="file" accept=".csv,.txt,text/csv,text/plain" />
        </div>
        <div class="field">
          <label for="bulk-text">Or paste the CSV</label>
          <textarea id="bulk-text" rows={8} spellcheck={false} aria-describedby="bulk-help"></textarea>
        </div>
        <div id="bulk-result" class="check-result" aria-live="polite"></div>
        <div class="dialog-actions">
          <button type="button" class="secondary" data-close>
            Cancel
          </button>
          <button type="button" class="secondary" data-command="bulk-preview">
            Preview
          </button>
          <button type="button" class="primary" data-command="bulk-apply" disabled>
            Provision
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ProvisionModeDialog(props: { sites: Site[] }) {
  return (
    <dialog id="mode-dialog" aria-labelledby="mode-dialog-title" class="wide">
      <DialogHead id="mode-dialog" title="Provision Mode" />
      <p class="hint">Which address phones at each site are given for the SIP server and their next provisioning URL.</p>
      {props.sites.length === 0 ? <p>No sites yet.</p> : null}
      {props.sites.map((s) => (
        <form data-api-form data-method="PATCH" data-action={`/api/v1/sites/${s.id}`} data-flash={`Provision mode of ${s.name} saved.`} class="mode-form" id={`mode-form-${s.id}`}>
          <fieldset>
            <legend>{s.name}</legend>
            <div class="radios" role="radiogroup" aria-label={`Provision mode for ${s.name}`}>
              <label>
                <input type="radio" name="provision_mode" value="fqdn" checked={s.provision_mode === 'fqdn'} /> Domain Name (FQDN)
              </label>
              <label>
                <input type="radio" name="provision_mode" value="public_ip" checked={s.provision_mode === 'public_ip'} /> Public IP Address
              </label>
            </div>
            <div class="grid2">
              <Field id={`mode-fqdn-${s.id}`} label="Domain name (FQDN)" name="fqdn" value={s.fqdn} empty="null" placeholder="pbx.example.com" />
              <Field id={`mode-ip-${s.id}`} label="Public IP address" name="public_ip" value={s.public_ip} empty="null" placeholder="203.0.113.10" />
            </div>
            <p class="form-error" data-form-error role="alert"></p>
            <button type="submit" class="primary">
              Save {s.name}
            </button>
          </fieldset>
        </form>
      ))}
      <div class="dialog-actions">
        <button type="button" class="secondary" data-close>
          Close
        </button>
      </div>
    </dialog>
  );
}

function FirewallDialog(props: { sites: Site[] }) {
  return (
    <dialog id="firewall-dialog" aria-labelledby="firewall-dialog-title" class="wide">
      <DialogHead id="firewall-dialog" title="Firewall information" />
      <p class="hint">What must be open, from where to where, for phones at the site to provision and register.</p>
      {props.sites.length > 1 ? (
        <div class="field">
          <label for="firewall-site">Site</label>
          <select id="firewall-site">
            {props.sites.map((s) => (
              <option value={String(s.id)}>{s.name}</option>
            ))}
          </select>
        </div>
      ) : props.sites[0] ? (
        <input type="hidden" id="firewall-site" value={String(props.sites[0].id)} />
      ) : (
        <p>No sites yet.</p>
      )}
      <div id="firewall-rules" aria-live="polite"></div>
      <div class="dialog-actions">
        <button type="button" class="secondary" data-close>
          Close
        </button>
      </div>
    </dialog>
  );
}

function DeviceSettingsDialog() {
  return (
    <dialog id="settings-dialog" aria-labelledby="settings-dialog-title">
      <form data-api-form data-method="PATCH" data-flash="Device settings saved.">
        <DialogHead id="settings-dialog" title="Device settings" />
        <Field id="settings-name" label="Device name" name="name" hint="Shown in the list and to the phone's user." autofocus />
        <div class="field">
          <label for="settings-vendor">Vendor</label>
          <p class="hint" id="settings-vendor-hint">
            Found from the MAC address at import. Change it where one vendor's phones run another firmware family, e.g. Cisco enterprise (SEP) phones on Cisco
            hardware.
          </p>
          <select id="settings-vendor" name="vendor" data-empty="omit" aria-describedby="settings-vendor-hint">
            <option value="">Unknown</option>
            {VENDORS.map((v) => (
              <option value={v.id}>{v.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="settings-password">Login password</label>
          <p class="hint" id="settings-password-hint">
            The phone's own web admin password, written into its config. Leave empty to keep the current one.
          </p>
          <div class="input-row">
            <input id="settings-password" name="login_password" type="text" autocomplete="off" data-empty="omit" aria-describedby="settings-password-hint" spellcheck={false} />
            <button type="button" class="secondary" data-command="reveal-password">
              Show current
            </button>
          </div>
        </div>
        <DialogActions />
      </form>
    </dialog>
  );
}

function BasicSettingsDialog() {
  return (
    <dialog id="basic-dialog" aria-labelledby="basic-dialog-title" class="wide">
      <form data-no-submit>
        <DialogHead id="basic-dialog" title="Basic settings" />
        <fieldset>
          <legend>Template engine</legend>
          <div class="radios">
            <label>
              <input type="radio" name="engine" value="default" /> Default
            </label>
            <label>
              <input type="radio" name="engine" value="freemarker" /> FreeMarker
            </label>
          </div>
        </fieldset>
        <p id="basic-current" class="hint"></p>
        <p>
          <a id="basic-sample" href="#" download>
            Download the sample
          </a>
        </p>
        <div class="field">
          <label for="basic-file">Upload a customised template</label>
          <input id="basic-file" type="file" accept=".tpl,.ftl,.cfg,.txt,.xml,text/plain" />
        </div>
        <div class="field">
          <label for="basic-body">Template text</label>
          <textarea id="basic-body" rows={12} spellcheck={false} class="code" aria-describedby="basic-error"></textarea>
        </div>
        <div id="basic-error" class="check-result" role="alert"></div>
        <div class="dialog-actions">
          <button type="button" class="secondary" data-close>
            Close
          </button>
          <button type="button" class="secondary" data-command="basic-clear" id="basic-clear" hidden>
            Use the standard template
          </button>
          <button type="button" class="secondary" data-command="basic-engine">
            Save engine
          </button>
          <button type="button" class="primary" data-command="basic-upload">
            Upload template
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ManageUsersDialog() {
  return (
    <dialog id="users-dialog" aria-labelledby="users-dialog-title" class="wide" data-max-users={String(MAX_USERS_PER_DEVICE)}>
      <form data-no-submit>
        <DialogHead id="users-dialog" title="Manage users" />
        <p id="users-limit" class="limit" aria-live="polite"></p>
        <div class="field">
          <label for="users-search">Find a user</label>
          <input id="users-search" type="search" placeholder="extension or name" autocomplete="off" />
        </div>
        <div class="picker">
          <fieldset class="picker-options">
            <legend>Users</legend>
            <ul id="users-options" class="plain"></ul>
          </fieldset>
          <div class="picker-order">
            <h3 id="users-order-title">Line order</h3>
            <ol id="users-order" aria-labelledby="users-order-title"></ol>
          </div>
        </div>
        <p class="form-error" id="users-error" role="alert"></p>
        <div class="dialog-actions">
          <button type="button" class="secondary" data-close>
            Cancel
          </button>
          <button type="button" class="primary" data-command="users-save">
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}
