/** The page frame every console page shares, and the small pieces pages repeat. */
import type { Child } from 'hono/jsx';
import { vendorById } from '../../shared/vendors/index.js';
import type { ConsoleSession } from './types.js';

export interface NavItem {
  href: string;
  label: string;
  key: string;
}

export const ADMIN_NAV: readonly NavItem[] = [
  { key: 'devices', href: '/console/devices', label: 'Device Management' },
  { key: 'discovered', href: '/console/discovered', label: 'Discovered devices' },
  { key: 'sites', href: '/console/sites', label: 'Sites' },
  { key: 'users', href: '/console/users', label: 'Users & extensions' },
  { key: 'templates', href: '/console/templates', label: 'Templates' },
  { key: 'audit', href: '/console/audit', label: 'Audit log' },
];

export const USER_NAV: readonly NavItem[] = [{ key: 'my', href: '/console/my', label: 'My phones' }];

export interface LayoutProps {
  title: string;
  session: ConsoleSession | null;
  active?: string;
  assets: string;
  /** A heading other than the title (the title also names the page in the tab). */
  heading?: Child;
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const s = props.session;
  const nav = s ? (s.auth.actor.role === 'admin' ? ADMIN_NAV : USER_NAV) : [];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {s?.auth.csrf_token ? <meta name="csrf-token" content={s.auth.csrf_token} /> : null}
        <title>{`${props.title} · edgeprov`}</title>
        <link rel="icon" href={`/console/assets/favicon.svg?v=${props.assets}`} type="image/svg+xml" />
        <link rel="stylesheet" href={`/console/assets/app.css?v=${props.assets}`} />
        <script src={`/console/assets/app.js?v=${props.assets}`} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/console">
            edgeprov
          </a>
          {nav.length > 0 ? (
            <nav class="mainnav" aria-label="Main">
              <ul>
                {nav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={props.active === n.key ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {s ? (
            <div class="account">
              <span class="who">
                Signed in as <strong>{s.auth.actor.username}</strong>
                <span class="role"> ({s.auth.actor.role === 'admin' ? 'administrator' : 'end user'})</span>
              </span>
              <form method="post" action="/console/logout" class="inline">
                <input type="hidden" name="_csrf" value={s.auth.csrf_token ?? ''} />
                <button type="submit" class="link-button">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.heading ?? props.title}</h1>
          <div id="flash" class="flash" role="status" aria-live="polite"></div>
          <div id="page-error" class="alert" role="alert" hidden></div>
          {props.children}
        </main>
        <ConfirmDialog />
      </body>
    </html>
  );
}

/** One confirmation dialog for the whole page; app.js fills its text ("Remove 25 IP phones?"). */
function ConfirmDialog() {
  return (
    <dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
      <form method="dialog">
        <h2 id="confirm-title">Are you sure?</h2>
        <p id="confirm-text"></p>
        <div class="dialog-actions">
          <button type="submit" value="cancel" class="secondary">
            Cancel
          </button>
          <button type="submit" value="ok" id="confirm-ok" class="danger">
            OK
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** "2026-01-01 12:00 UTC" in a <time> element; "—" when never. */
export function When(props: { at: string | null | undefined; never?: string }) {
  if (!props.at) return <span class="muted">{props.never ?? '—'}</span>;
  const d = new Date(props.at);
  const text = Number.isNaN(d.getTime()) ? props.at : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return <time datetime={props.at}>{text}</time>;
}

export function macColon(mac: string): string {
  return (mac.match(/../g) ?? [mac]).join(':').toUpperCase();
}

export function YesNo(props: { value: boolean; yes?: string; no?: string }) {
  return props.value ? <span class="badge ok">{props.yes ?? 'Yes'}</span> : <span class="badge">{props.no ?? 'No'}</span>;
}

/** Pending: the phone has not fetched its current config yet. */
export function Pending(props: { value: boolean }) {
  return props.value ? <span class="badge warn">Pending</span> : <span class="badge ok">Up to date</span>;
}

/** "Yealink T46S" from the stored vendor id and model. */
export function modelName(vendor: string | null, model: string | null): string {
  const v = vendor ? (vendorById(vendor)?.name ?? vendor) : null;
  return [v, model].filter(Boolean).join(' ');
}

/** Page links: ‹ Previous · 1 2 3 · Next ›, keeping the other query parameters. */
export function Pager(props: { page: number; perPage: number; total: number; href: (page: number) => string; label: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.perPage));
  if (props.total === 0) return null;
  const first = (props.page - 1) * props.perPage + 1;
  const last = Math.min(props.total, props.page * props.perPage);
  const numbers: number[] = [];
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - props.page) <= 2) numbers.push(p);
  }
  return (
    <nav class="pager" aria-label={props.label}>
      <p class="pager-summary">
        Showing {first}–{last} of {props.total}
      </p>
      <ul>
        <li>
          {props.page > 1 ? (
            <a href={props.href(props.page - 1)} rel="prev">
              ‹ Previous
            </a>
          ) : (
            <span class="disabled" aria-disabled="true">
              ‹ Previous
            </span>
          )}
        </li>
        {numbers.map((p, i) => (
          <>
            {i > 0 && p - (numbers[i - 1] ?? p) > 1 ? <li class="gap">…</li> : null}
            <li>
              <a href={props.href(p)} aria-current={p === props.page ? 'page' : undefined} aria-label={`Page ${p}`}>
                {p}
              </a>
            </li>
          </>
        ))}
        <li>
          {props.page < pages ? (
            <a href={props.href(props.page + 1)} rel="next">
              Next ›
            </a>
          ) : (
            <span class="disabled" aria-disabled="true">
              Next ›
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}

/** A labelled input with a place for its error (app.js fills `#<id>-error`). */
/** A dialog form's error line (filled by app.js) and its Cancel / Save buttons. */
export function DialogActions() {
  return (
    <>
      <p class="form-error" data-form-error role="alert"></p>
      <div class="dialog-actions">
        <button type="button" class="secondary" data-close>
          Cancel
        </button>
        <button type="submit" class="primary">
          Save
        </button>
      </div>
    </>
  );
}

export function Field(props: {
  id: string;
  label: string;
  name: string;
  value?: string | number | null | undefined;
  type?: string;
  required?: boolean;
  hint?: string;
  dataType?: 'number' | 'string';
  empty?: 'null' | 'omit';
  autocomplete?: string;
  placeholder?: string;
  inputmode?: 'numeric' | 'text' | 'decimal';
  class?: string;
  autofocus?: boolean;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>
        {props.label}
        {props.required ? <span class="req"> (required)</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value === null || props.value === undefined ? '' : String(props.value)}
        required={props.required}
        aria-describedby={hintId}
        data-type={props.dataType}
        data-empty={props.empty}
        autocomplete={props.autocomplete ?? 'off'}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        autofocus={props.autofocus}
      />
    </div>
  );
}

export function Select(props: {
  id: string;
  label: string;
  name: string;
  value?: string | number | null;
  options: ReadonlyArray<readonly [string, string]>;
  dataType?: 'number' | 'string';
  hint?: string;
  class?: string;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <select id={props.id} name={props.name} data-type={props.dataType} aria-describedby={hintId}>
        {props.options.map(([v, label]) => (
          <option value={v} selected={String(props.value ?? '') === v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A menu button (keyboard: Enter/Space/↓ open, ↑↓ move, Esc closes) built by app.js from this markup. */
export function Menu(props: { id: string; label: Child; ariaLabel?: string; items: ReadonlyArray<{ command: string; label: string; danger?: boolean; data?: Record<string, string> }>; class?: string }) {
  return (
    <div class={`menu ${props.class ?? ''}`} data-menu>
      <button type="button" class="menu-button" id={`${props.id}-button`} aria-haspopup="menu" aria-expanded="false" aria-controls={`${props.id}-list`} aria-label={props.ariaLabel}>
        {props.label}
      </button>
      <ul role="menu" id={`${props.id}-list`} aria-labelledby={`${props.id}-button`} hidden>
        {props.items.map((it) => (
          <li role="none">
            <button type="button" role="menuitem" tabindex={-1} data-command={it.command} class={it.danger ? 'danger-text' : undefined} {...(it.data ?? {})}>
              {it.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
