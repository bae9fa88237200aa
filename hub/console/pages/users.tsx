/** Users & extensions: each extension with its SIP accounts, the IP Phone licence and self-service sign-in. */
import { query } from '../api.js';
import { Field, Select, macColon, DialogActions } from '../layout.js';
import type { User } from '../types.js';
import type { PageContext } from './context.js';

const TRANSPORTS = [
  ['udp', 'UDP'],
  ['tcp', 'TCP'],
  ['tls', 'TLS'],
] as const;

export async function usersPage(ctx: PageContext) {
  const q = (ctx.url.searchParams.get('q') ?? '').slice(0, 100);
  const users = (await ctx.api.get<{ items: User[] }>(`/users${query({ q })}`)).items;
  return (
    <div id="users-page">
      <details class="card">
        <summary>Add a user</summary>
        <form data-api-form data-method="POST" data-action="/api/v1/users" data-flash="User added." id="user-new">
          <div class="grid3">
            <Field id="new-ext" label="Extension" name="extension" required />
            <Field id="new-display" label="Display name" name="display_name" required />
            <div class="field checkbox">
              <input type="checkbox" id="new-licence" name="ip_phone_license" data-type="bool" checked />
              <label for="new-licence">IP Phone licence</label>
            </div>
          </div>
          <fieldset data-optional-group>
            <legend>Self-service sign-in (optional)</legend>
            <div class="grid2">
              <Field id="new-username" label="Username" name="username" empty="omit" />
              <Field id="new-password" label="Password" name="password" type="password" empty="omit" autocomplete="new-password" hint="At least 8 characters" />
            </div>
          </fieldset>
          <fieldset data-optional-group>
            <legend>First SIP account (optional)</legend>
            <div class="grid3">
              <Field id="new-sip-user" label="SIP username" name="sip_accounts.0.username" />
              <Field id="new-sip-password" label="SIP password" name="sip_accounts.0.password" type="password" autocomplete="new-password" />
              <Field id="new-sip-label" label="Label" name="sip_accounts.0.label" empty="omit" />
            </div>
          </fieldset>
          <p class="form-error" data-form-error role="alert"></p>
          <button type="submit" class="primary">
            Add user
          </button>
        </form>
      </details>

      <form class="search" method="get" action="/console/users" role="search">
        <div class="field">
          <label for="user-search">Search users</label>
          <input id="user-search" type="search" name="q" value={q} placeholder="extension, name or username" />
        </div>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>

      {users.length === 0 ? (
        <p class="empty">{q ? 'No user matches.' : 'No users yet.'}</p>
      ) : (
        <div class="table-wrap">
          <table class="responsive users">
            <caption class="vh">Users and extensions</caption>
            <thead>
              <tr>
                <th scope="col">Extension</th>
                <th scope="col">Display name</th>
                <th scope="col">IP Phone licence</th>
                <th scope="col">Sign-in</th>
                <th scope="col">SIP accounts</th>
                <th scope="col">Phones</th>
                <th scope="col">
                  <span class="vh">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRow u={u} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UserDialog />
      <SipDialog />
    </div>
  );
}

function UserRow(props: { u: User }) {
  const u = props.u;
  const values = JSON.stringify({ extension: u.extension, display_name: u.display_name, ip_phone_license: u.ip_phone_license, username: u.username ?? '' });
  return (
    <tr>
      <th scope="row" data-label="Extension">
        {u.extension}
      </th>
      <td data-label="Display name">{u.display_name}</td>
      <td data-label="IP Phone licence">{u.ip_phone_license ? <span class="badge ok">Licensed</span> : <span class="badge">No licence</span>}</td>
      <td data-label="Sign-in">{u.username ?? <span class="muted">none</span>}</td>
      <td data-label="SIP accounts">
        {u.sip_accounts.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="plain sip-list">
            {u.sip_accounts.map((a) => (
              <li>
                <code>{a.username}</code>
                {a.server ? `@${a.server}` : ''}
                {a.port ? `:${a.port}` : ''} <span class="muted">{a.transport.toUpperCase()}</span>
                {a.label ? <span class="muted"> · {a.label}</span> : null} <span class="muted">· password {a.password}</span>{' '}
                <button
                  type="button"
                  class="link-button"
                  data-open-form="sip-dialog"
                  data-form-method="PATCH"
                  data-form-action={`/api/v1/users/${u.id}/sip-accounts/${a.id}`}
                  data-form-title={`SIP account ${a.username} of ${u.extension}`}
                  data-values={JSON.stringify({ username: a.username, auth_username: a.auth_username, password: '', server: a.server ?? '', port: a.port ?? '', transport: a.transport, outbound_proxy: a.outbound_proxy ?? '', label: a.label })}
                  data-password-optional
                  aria-label={`Edit SIP account ${a.username}`}
                >
                  Edit
                </button>{' '}
                <button
                  type="button"
                  class="link-button danger-text"
                  data-api-delete={`/api/v1/users/${u.id}/sip-accounts/${a.id}`}
                  data-confirm={`Delete the SIP account ${a.username} of extension ${u.extension}?`}
                  data-confirm-ok="Delete"
                  data-flash={`SIP account ${a.username} deleted.`}
                  aria-label={`Delete SIP account ${a.username}`}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Phones">
        {u.devices.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="plain">
            {u.devices.map((m) => (
              <li>
                <a href={`/console/devices?q=${m}`}>
                  <code>{macColon(m)}</code>
                </a>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td class="row-actions">
        <div class="button-row">
          <button
            type="button"
            class="secondary"
            data-open-form="user-dialog"
            data-form-method="PATCH"
            data-form-action={`/api/v1/users/${u.id}`}
            data-form-title={`Edit user ${u.extension}`}
            data-values={values}
            aria-label={`Edit user ${u.extension}`}
          >
            Edit
          </button>
          <button
            type="button"
            class="secondary"
            data-open-form="sip-dialog"
            data-form-method="POST"
            data-form-action={`/api/v1/users/${u.id}/sip-accounts`}
            data-form-title={`Add a SIP account to ${u.extension}`}
            data-values={JSON.stringify({ username: u.extension, transport: 'udp' })}
            aria-label={`Add a SIP account to ${u.extension}`}
          >
            Add SIP account
          </button>
          <button
            type="button"
            class="quiet-danger"
            data-api-delete={`/api/v1/users/${u.id}`}
            data-confirm={`Delete user ${u.extension} (${u.display_name})?`}
            data-confirm-ok="Delete user"
            data-flash={`User ${u.extension} deleted.`}
            aria-label={`Delete user ${u.extension}`}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

function UserDialog() {
  return (
    <dialog id="user-dialog" aria-labelledby="user-dialog-title">
      <form data-api-form data-method="PATCH" data-flash="User saved.">
        <div class="dialog-head">
          <h2 id="user-dialog-title" data-dialog-title>
            Edit user
          </h2>
          <button type="button" class="icon-button" data-close aria-label="Close">
            ×
          </button>
        </div>
        <Field id="user-ext" label="Extension" name="extension" />
        <Field id="user-display" label="Display name" name="display_name" />
        <div class="field checkbox">
          <input type="checkbox" id="user-licence" name="ip_phone_license" data-type="bool" />
          <label for="user-licence">IP Phone licence</label>
        </div>
        <Field id="user-username" label="Sign-in username" name="username" empty="omit" hint="Leave empty to keep as is." />
        <Field id="user-password" label="New sign-in password" name="password" type="password" empty="omit" autocomplete="new-password" hint="Leave empty to keep the current one." />
        <DialogActions />
      </form>
    </dialog>
  );
}

function SipDialog() {
  return (
    <dialog id="sip-dialog" aria-labelledby="sip-dialog-title">
      <form data-api-form data-method="POST" data-flash="SIP account saved.">
        <div class="dialog-head">
          <h2 id="sip-dialog-title" data-dialog-title>
            SIP account
          </h2>
          <button type="button" class="icon-button" data-close aria-label="Close">
            ×
          </button>
        </div>
        <div class="grid2">
          <Field id="sip-username" label="Username" name="username" />
          <Field id="sip-auth" label="Auth username" name="auth_username" empty="omit" hint="Empty: the username" />
          <Field id="sip-password" label="Password" name="password" type="password" empty="omit" autocomplete="new-password" hint="When editing, leave empty to keep it." />
          <Field id="sip-label" label="Label" name="label" empty="omit" />
          <Field id="sip-server" label="Server" name="server" empty="null" hint="Empty: the site's SIP host" />
          <Field id="sip-port" label="Port" name="port" dataType="number" empty="null" inputmode="numeric" hint="Empty: the site's SIP port" />
          <Select id="sip-transport" label="Transport" name="transport" options={TRANSPORTS} />
          <Field id="sip-proxy" label="Outbound proxy" name="outbound_proxy" empty="null" />
        </div>
        <DialogActions />
      </form>
    </dialog>
  );
}
