// edgeprov console: progressive enhancement for the server-rendered pages. No framework, no build
// step, nothing from another origin. Writes go to the hub's REST API (/api/v1) with the session
// cookie and the X-CSRF-Token header; the pages themselves are rendered by the hub.
'use strict';
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const macColon = (mac) => (mac.match(/../g) || [mac]).join(':').toUpperCase();

  /** Creates an element: el('p', {class: 'x'}, 'text', child…). Text is always text, never HTML. */
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  // ---- talking to the API -------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message, details) {
      super(message);
      this.status = status;
      this.code = code;
      this.details = details;
    }
  }

  function errorFrom(status, data) {
    const e = data && typeof data === 'object' ? data.error : undefined;
    if (e && e.code) return new ApiError(status, e.code, e.message || e.code, e.details);
    return new ApiError(status, 'HTTP_' + status, typeof data === 'string' && data ? data.slice(0, 200) : `The hub answered ${status}.`);
  }

  async function request(method, path, body, opts = {}) {
    const headers = { accept: opts.accept || 'application/json' };
    if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf();
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The hub cannot be reached. Check the connection and try again.');
    }
    if (res.status === 401) {
      location.assign('/console/login?next=' + encodeURIComponent(location.pathname + location.search));
      throw new ApiError(401, 'UNAUTHENTICATED', 'Your session has ended; sign in again.');
    }
    return res;
  }

  /** JSON in, JSON out; a non-2xx answer throws ApiError with the API's code, message and details. */
  async function api(method, path, body) {
    const res = await request(method, path, body);
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    if (!res.ok) throw errorFrom(res.status, data);
    return data;
  }

  /** A JSON POST/PUT with upload progress (XHR: fetch cannot report it). */
  function apiWithProgress(method, path, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.setRequestHeader('content-type', 'application/json');
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('x-csrf-token', csrf());
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.upload.onload = () => onProgress(1);
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The hub cannot be reached. Check the connection and try again.'));
      xhr.onload = () => {
        let data = null;
        try {
          data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          data = xhr.responseText;
        }
        if (xhr.status === 401) location.assign('/console/login');
        if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, data });
        else resolve({ status: xhr.status, data, error: errorFrom(xhr.status, data) });
      };
      xhr.send(JSON.stringify(body));
    });
  }

  // ---- messages -----------------------------------------------------------------------------

  const FLASH_KEY = 'edgeprov.flash';

  function showFlash(message) {
    const f = $('#flash');
    if (!f) return;
    f.textContent = message;
    f.classList.toggle('shown', !!message);
  }

  function showPageError(message) {
    const p = $('#page-error');
    if (!p) return;
    p.textContent = message;
    p.hidden = !message;
  }

  /** An error where the admin is looking: in the open dialog, else at the top of the page. */
  function showError(near, message) {
    const d = near.closest('dialog') || document.querySelector('dialog[open]');
    if (!d) return showPageError(message);
    let p = $('[data-dialog-error]', d);
    if (!p) {
      p = el('p', { class: 'form-error', role: 'alert', 'data-dialog-error': true });
      const actions = $('.dialog-actions', d);
      if (actions) actions.before(p);
      else d.append(p);
    }
    p.textContent = message;
  }

  /** Reloads the page (it is rendered from the hub's current state) and says what happened. */
  function reloadWith(message) {
    if (message) sessionStorage.setItem(FLASH_KEY, message);
    location.reload();
  }

  function setBusy(root, busy) {
    root.setAttribute('aria-busy', busy ? 'true' : 'false');
    for (const b of $$('button', root)) {
      if (busy) {
        if (!b.disabled) {
          b.disabled = true;
          b.dataset.busyDisabled = '1';
        }
      } else if (b.dataset.busyDisabled) {
        b.disabled = false;
        delete b.dataset.busyDisabled;
      }
    }
  }

  // ---- field errors: next to the field they concern ----------------------------------------

  function clearErrors(root) {
    for (const p of $$('[data-generated-error]', root)) p.remove();
    for (const f of $$('[aria-invalid="true"]', root)) {
      f.removeAttribute('aria-invalid');
      if (f.dataset.describedbyOrig !== undefined) {
        if (f.dataset.describedbyOrig) f.setAttribute('aria-describedby', f.dataset.describedbyOrig);
        else f.removeAttribute('aria-describedby');
        delete f.dataset.describedbyOrig;
      }
    }
    for (const p of $$('[data-form-error], [data-dialog-error]', root)) p.textContent = '';
  }

  function fieldError(field, message) {
    const id = (field.id || field.name.replace(/\W/g, '-')) + '-error';
    let p = document.getElementById(id);
    if (!p) {
      p = el('p', { class: 'field-error', id, 'data-generated-error': true });
      const anchor = field.closest('.field, fieldset') || field.parentElement;
      anchor.append(p);
    }
    p.textContent = message;
    field.setAttribute('aria-invalid', 'true');
    if (field.dataset.describedbyOrig === undefined) field.dataset.describedbyOrig = field.getAttribute('aria-describedby') || '';
    field.setAttribute('aria-describedby', [field.dataset.describedbyOrig, id].filter(Boolean).join(' '));
  }

  function formError(form, message) {
    let p = $('[data-form-error]', form);
    if (!p) {
      p = el('p', { class: 'form-error', role: 'alert', 'data-form-error': true, 'data-generated-error': true });
      form.append(p);
    }
    p.textContent = message;
  }

  /** Places an API error at the fields it names (validation issues, site problems, clashes). */
  function showApiError(form, err) {
    const fields = new Map();
    for (const f of form.elements) if (f.name && !fields.has(f.name)) fields.set(f.name, f);
    const placed = [];
    const rest = [];
    const d = err.details && typeof err.details === 'object' ? err.details : {};
    if (Array.isArray(d.issues)) {
      for (const i of d.issues) {
        const f = fields.get(i.path);
        if (f) {
          fieldError(f, i.message);
          placed.push(f);
        } else rest.push(i.path ? `${i.path}: ${i.message}` : i.message);
      }
    } else if (Array.isArray(d.problems)) {
      for (const problem of d.problems) {
        // "provision_mode "fqdn" needs fqdn": the field named last is the one to fill in.
        let best;
        let at = -1;
        for (const name of fields.keys()) {
          const m = [...problem.matchAll(new RegExp(`(^|[^a-z_])${name.replace(/[.]/g, '\\.')}($|[^a-z_])`, 'g'))].pop();
          if (m && m.index > at) {
            at = m.index;
            best = name;
          }
        }
        if (best) {
          fieldError(fields.get(best), problem);
          placed.push(fields.get(best));
        } else rest.push(problem);
      }
    } else {
      const key = Object.keys(d).find((k) => fields.has(k));
      if (key) {
        fieldError(fields.get(key), err.message);
        placed.push(fields.get(key));
      } else rest.push(err.message);
    }
    if (rest.length) formError(form, rest.join(' '));
    if (placed[0]) placed[0].focus();
  }

  // ---- forms that send JSON to the API ------------------------------------------------------

  function setPath(obj, path, value) {
    const keys = path.split('.');
    let o = obj;
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      const key = /^\d+$/.test(k) ? Number(k) : k;
      if (last) o[key] = value;
      else {
        if (o[key] === undefined) o[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
        o = o[key];
      }
    });
  }

  function groupHasValue(group) {
    return $$('input, select, textarea', group).some((f) => (f.type === 'checkbox' || f.type === 'radio' ? false : f.value.trim() !== ''));
  }

  function formToJson(form) {
    const out = {};
    for (const f of form.elements) {
      if (!f.name || f.disabled || f.name.startsWith('_') || ['file', 'submit', 'button', 'reset'].includes(f.type)) continue;
      const group = f.closest('[data-optional-group]');
      if (group && !groupHasValue(group)) continue;
      let v;
      if (f.type === 'checkbox') v = f.dataset.type === 'bool' ? f.checked : f.checked ? f.value : undefined;
      else if (f.type === 'radio') {
        if (!f.checked) continue;
        v = f.value;
      } else {
        v = f.value;
        if (v.trim() === '') {
          if (f.dataset.empty === 'null') v = null;
          else if (f.dataset.empty === 'omit') continue;
        } else if (f.dataset.type === 'number' && /^-?\d+$/.test(v.trim())) v = Number(v.trim());
      }
      if (v !== undefined) setPath(out, f.name, v);
    }
    return out;
  }

  /** Line-by-line listing of `text` with the error's line marked and a caret under its column. */
  function sourceError(container, text, err) {
    container.replaceChildren();
    const where = err.line ? `Line ${err.line}, column ${err.column}: ` : '';
    container.append(el('p', { class: 'field-error', 'data-error-position': err.line ? `${err.line}:${err.column}` : '' }, where + (err.reason || err.message)));
    if (!err.line) return;
    const lines = text.split(/\r?\n/);
    const from = Math.max(1, err.line - 3);
    const to = Math.min(lines.length, err.line + 3);
    const list = el('ol', { class: 'lines source', start: from, 'aria-label': `The template around line ${err.line}` });
    for (let n = from; n <= to; n++) {
      const li = el('li', { class: n === err.line ? 'line error' : 'line' }, el('span', { class: 'ln', 'aria-hidden': 'true' }, String(n)), el('code', { class: 'src' }, lines[n - 1] || ' '));
      if (n === err.line) {
        li.append(el('span', { class: 'caret', 'aria-hidden': 'true' }, ' '.repeat(Math.max(0, err.column - 1)) + '^'));
        li.append(el('span', { class: 'vh' }, ` (error at column ${err.column})`));
      }
      list.append(li);
    }
    container.append(list);
  }

  /** Selects the error's line in the textarea so it can be fixed right there. */
  function selectLine(textarea, line) {
    const lines = textarea.value.split('\n');
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    const end = start + (lines[line - 1] || '').length;
    textarea.setAttribute('aria-invalid', 'true');
    try {
      textarea.setSelectionRange(start, end);
    } catch {
      /* not focusable yet */
    }
  }

  async function checkTemplate(payload) {
    return api('POST', '/console/check/template', payload);
  }

  async function submitApiForm(form) {
    clearErrors(form);
    const body = formToJson(form);
    const method = form.dataset.method || 'POST';
    const action = form.dataset.action;
    if (!action) return;
    setBusy(form, true);
    try {
      if (form.hasAttribute('data-template-check') && typeof body.body === 'string') {
        const box = $('[data-check-result]', form);
        box.replaceChildren();
        const vendor = form._check ? form._check.vendor || null : body.vendor ?? null;
        const model = form._check ? form._check.model || null : body.model ?? null;
        const check = await checkTemplate({ engine: body.engine || 'default', body: body.body, vendor, model });
        if (!check.ok) {
          sourceError(box, body.body, check.error);
          const ta = form.elements.namedItem('body');
          if (ta && check.error.line) selectLine(ta, check.error.line);
          return;
        }
      }
      await api(method, action, body);
      reloadWith(form.dataset.flash || 'Saved.');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      showApiError(form, err);
    } finally {
      setBusy(form, false);
    }
  }

  // ---- menus (menu button pattern) ----------------------------------------------------------

  const menus = [];

  function initMenu(m) {
    const btn = $('.menu-button', m);
    const list = $('[role="menu"]', m);
    const items = () => $$('[role="menuitem"]:not([disabled])', list);
    const close = (refocus) => {
      if (list.hidden) return;
      list.hidden = true;
      btn.setAttribute('aria-expanded', 'false');
      m.classList.remove('open');
      if (refocus) btn.focus();
    };
    const open = (which) => {
      for (const other of menus) if (other.m !== m) other.close(false);
      list.hidden = false;
      btn.setAttribute('aria-expanded', 'true');
      m.classList.add('open');
      const it = items();
      (which === 'last' ? it[it.length - 1] : it[0])?.focus();
    };
    menus.push({ m, close });
    btn.addEventListener('click', () => (list.hidden ? open('first') : close(false)));
    btn.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        open('first');
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        open('last');
      }
    });
    list.addEventListener('keydown', (e) => {
      const it = items();
      const i = it.indexOf(document.activeElement);
      const go = (n) => {
        e.preventDefault();
        it[(n + it.length) % it.length]?.focus();
      };
      if (e.key === 'ArrowDown') go(i + 1);
      else if (e.key === 'ArrowUp') go(i - 1);
      else if (e.key === 'Home') go(0);
      else if (e.key === 'End') go(it.length - 1);
      else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close(true);
      } else if (e.key === 'Tab') close(false);
    });
    list.addEventListener('click', (e) => {
      if (e.target.closest('[role="menuitem"]')) close(true);
    });
  }

  document.addEventListener('click', (e) => {
    for (const { m, close } of menus) if (!m.contains(e.target)) close(false);
  });

  // ---- dialogs --------------------------------------------------------------------------------

  function openDialog(d, opener) {
    d._opener = opener || document.activeElement;
    for (const p of $$('[data-dialog-error]', d)) p.textContent = '';
    d.showModal();
  }

  function initDialog(d) {
    d.addEventListener('close', () => {
      const o = d._opener;
      d._opener = null;
      if (d.dataset.reloadOnClose) {
        const msg = d.dataset.reloadOnClose;
        delete d.dataset.reloadOnClose;
        reloadWith(msg);
        return;
      }
      if (o && document.contains(o)) o.focus();
    });
  }

  function confirmAction({ title, text, ok = 'OK', danger = true }) {
    const d = $('#confirm-dialog');
    $('#confirm-title', d).textContent = title;
    $('#confirm-text', d).textContent = text || '';
    const okBtn = $('#confirm-ok', d);
    okBtn.textContent = ok;
    okBtn.className = danger ? 'danger' : 'primary';
    d.returnValue = '';
    openDialog(d);
    // The safe choice has the focus: Enter does not destroy anything by accident.
    $('button[value="cancel"]', d).focus();
    return new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true }));
  }

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  // ---- commands (buttons and menu items with data-command) ----------------------------------

  const commands = {};

  document.addEventListener('click', async (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    const close = t.closest('[data-close]');
    if (close) {
      close.closest('dialog')?.close();
      return;
    }
    const cmd = t.closest('[data-command]');
    if (cmd && !cmd.disabled && commands[cmd.dataset.command]) {
      e.preventDefault();
      try {
        await commands[cmd.dataset.command](cmd, e);
      } catch (err) {
        if (err instanceof ApiError) showError(cmd, err.message);
        else throw err;
      }
      return;
    }
    const opener = t.closest('[data-open-form]');
    if (opener) {
      openFormDialog(opener);
      return;
    }
    const del = t.closest('[data-api-delete], [data-api-post]');
    if (del) await apiButton(del);
  });

  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (form.hasAttribute('data-no-submit')) e.preventDefault();
    else if (form.hasAttribute('data-api-form')) {
      e.preventDefault();
      submitApiForm(form);
    }
  });

  document.addEventListener('change', (e) => {
    const t = e.target;
    if (t.matches?.('[data-autosubmit]')) t.form?.requestSubmit();
    if (t.matches?.('input[type="file"][data-load-into]') && t.files[0]) {
      t.files[0].text().then((text) => {
        document.getElementById(t.dataset.loadInto).value = text;
      });
    }
  });

  function openFormDialog(btn) {
    const d = document.getElementById(btn.dataset.openForm);
    const form = $('form[data-api-form]', d);
    form.reset();
    clearErrors(d);
    for (const box of $$('[data-check-result]', d)) box.replaceChildren();
    form.dataset.method = btn.dataset.formMethod || 'POST';
    form.dataset.action = btn.dataset.formAction;
    const title = $('[data-dialog-title]', d);
    if (title && btn.dataset.formTitle) title.textContent = btn.dataset.formTitle;
    const values = JSON.parse(btn.dataset.values || '{}');
    for (const f of form.elements) {
      if (!f.name || !(f.name in values)) continue;
      const v = values[f.name];
      if (f.type === 'checkbox') f.checked = !!v;
      else if (f.type === 'radio') f.checked = f.value === String(v);
      else f.value = v === null || v === undefined ? '' : String(v);
    }
    form._check = 'checkVendor' in btn.dataset ? { vendor: btn.dataset.checkVendor, model: btn.dataset.checkModel } : undefined;
    openDialog(d, btn);
  }

  async function apiButton(btn) {
    if (btn.dataset.confirm) {
      const ok = await confirmAction({ title: btn.dataset.confirm, ok: btn.dataset.confirmOk || 'OK' });
      if (!ok) return;
    }
    const del = btn.hasAttribute('data-api-delete');
    const url = del ? btn.dataset.apiDelete : btn.dataset.apiPost;
    btn.disabled = true;
    try {
      await api(del ? 'DELETE' : 'POST', url, del ? undefined : {});
      reloadWith(btn.dataset.flash || 'Done.');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      btn.disabled = false;
      const id = 'err-' + Math.random().toString(36).slice(2);
      btn.parentElement.querySelector('[data-generated-error]')?.remove();
      btn.insertAdjacentElement('afterend', el('p', { class: 'field-error', role: 'alert', id, 'data-generated-error': true }, err.message));
      btn.setAttribute('aria-describedby', id);
    }
  }

  // ---- preview listings (import, bulk provision) ---------------------------------------------

  /** Every line of `text` with its errors and warnings beside it; the summary first. */
  function renderLines(box, text, { errors = [], warnings = [], summary, okNote }) {
    box.replaceChildren();
    const byLine = new Map();
    for (const [kind, list] of [
      ['error', errors],
      ['warning', warnings],
    ]) {
      for (const m of list) {
        if (!byLine.has(m.line)) byLine.set(m.line, []);
        byLine.get(m.line).push({ kind, ...m });
      }
    }
    box.append(el('p', { class: errors.length ? 'summary bad' : 'summary good', 'data-summary': true }, summary));
    for (const m of byLine.get(0) || []) box.append(el('p', { class: 'field-error' }, m.message));
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const showAll = lines.length <= 2000;
    const list = el('ol', { class: 'lines', 'aria-label': 'Lines of the file' });
    lines.forEach((line, i) => {
      const n = i + 1;
      const msgs = byLine.get(n) || [];
      if (!showAll && msgs.length === 0) return;
      if (line.trim() === '' && msgs.length === 0) return;
      let kind = msgs.some((m) => m.kind === 'error') ? 'error' : msgs.length ? 'warning' : 'ok';
      const note = kind === 'ok' && okNote ? okNote(n) : '';
      // A line that carries nothing to apply (a header row) is neither good nor bad.
      if (kind === 'ok' && okNote && !note) kind = 'neutral';
      const li = el('li', { class: `line ${kind}`, id: `${box.id}-line-${n}`, 'data-line': n }, el('span', { class: 'ln' }, `Line ${n}`), el('code', { class: 'src' }, line));
      for (const m of msgs) li.append(el('span', { class: `msg ${m.kind}` }, `${m.kind === 'error' ? 'Error' : 'Warning'}, column ${m.column} (${m.field}): ${m.message}`));
      if (note) li.append(el('span', { class: 'msg ok' }, note));
      list.append(li);
    });
    box.append(list);
    // Bring the first bad line into the middle of the listing.
    const firstBad = $('.line.error', list);
    if (firstBad) requestAnimationFrame(() => (list.scrollTop = Math.max(0, firstBad.offsetTop - list.offsetTop - list.clientHeight / 2)));
  }

  // ---- Device Management ----------------------------------------------------------------------

  function initDevices(root) {
    const total = Number(root.dataset.total);
    const filter = JSON.parse(root.dataset.filter);
    const rows = $$('tbody tr[data-mac]', root);
    const pageBox = $('#select-page', root);
    const state = { all: false, selected: new Set() };
    const device = (mac) => JSON.parse(rows.find((r) => r.dataset.mac === mac).dataset.device);

    const count = () => (state.all ? total : state.selected.size);
    const selection = () => (state.all ? { filter } : { macs: [...state.selected] });

    function update() {
      for (const r of rows) {
        const cb = $('.row-select', r);
        cb.checked = state.all || state.selected.has(cb.value);
        r.classList.toggle('selected', cb.checked);
      }
      const checked = rows.filter((r) => $('.row-select', r).checked).length;
      if (pageBox) {
        pageBox.checked = rows.length > 0 && checked === rows.length;
        pageBox.indeterminate = checked > 0 && checked < rows.length;
      }
      const n = count();
      $('#selection-status').textContent = state.all
        ? `All ${plural(total, 'device')} matching this filter are selected, across all pages.`
        : n === 0
          ? 'No devices selected.'
          : `${plural(n, 'device')} selected.`;
      const allBtn = $('#select-all-pages');
      if (allBtn) allBtn.hidden = state.all;
      $('#clear-selection').hidden = n === 0;
      for (const b of $$('[data-needs-selection]', root)) b.disabled = n === 0;
      root.classList.toggle('has-selection', n > 0);
    }

    for (const r of rows) {
      $('.row-select', r).addEventListener('change', (e) => {
        const mac = e.target.value;
        if (state.all) {
          // Unticking one row while "all" is selected leaves the rest of this page selected.
          state.all = false;
          state.selected = new Set(rows.map((x) => x.dataset.mac));
        }
        if (e.target.checked) state.selected.add(mac);
        else state.selected.delete(mac);
        update();
      });
    }
    pageBox?.addEventListener('change', () => {
      state.all = false;
      state.selected = pageBox.checked ? new Set(rows.map((r) => r.dataset.mac)) : new Set();
      update();
    });
    commands['select-all-pages'] = () => {
      state.all = true;
      update();
      $('#selection-status').focus?.();
    };
    commands['clear-selection'] = () => {
      state.all = false;
      state.selected.clear();
      update();
    };

    async function allMacs() {
      const macs = [];
      for (let page = 1; ; page++) {
        const q = new URLSearchParams({ ...filter, per_page: '500', page: String(page) });
        const res = await api('GET', `/api/v1/devices?${q}`);
        macs.push(...res.items.map((d) => d.mac));
        if (macs.length >= res.total || res.items.length === 0) return macs;
      }
    }

    async function exportCsv(sel, n) {
      const res = await request('POST', '/api/v1/devices/actions/export', sel);
      if (!res.ok) throw errorFrom(res.status, await res.json().catch(() => null));
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '')?.[1] || 'devices.csv';
      download(await res.blob(), name);
      showFlash(`Exported ${plural(n, 'device')} to ${name}.`);
    }

    async function resetCounters(sel, n, what) {
      const ok = await confirmAction({
        title: `Reset the provision counter of ${plural(n, 'device')}?`,
        text: `${what}Each phone may then bootstrap again: fetch its config, with its SIP passwords, without credentials. Do this after a factory reset.`,
        ok: `Reset ${plural(n, 'counter')}`,
      });
      if (!ok) return;
      const res = await api('POST', '/api/v1/devices/actions/reset-counter', sel);
      reloadWith(`Provision counter reset for ${plural(res.count, 'device')}.`);
    }

    async function removePhones(sel, n, what) {
      const ok = await confirmAction({
        title: `Remove ${plural(n, 'IP phone')}?`,
        text: `${what}They are deleted permanently, with their own templates; their edge stops serving them after the next sync.`,
        ok: `Remove ${plural(n, 'phone')}`,
      });
      if (!ok) return;
      const res = await api('POST', '/api/v1/devices/actions/remove', sel);
      reloadWith(`Removed ${plural(res.count, 'IP phone')}.`);
    }

    commands['export-selection'] = () => exportCsv(selection(), count());
    commands.export = () => (count() > 0 ? exportCsv(selection(), count()) : exportCsv({ filter }, total));
    commands['reset-selection'] = () => resetCounters(selection(), count(), '');
    commands['remove-selection'] = () => removePhones(selection(), count(), '');
    commands['reset-one'] = (b) => resetCounters({ macs: [b.dataset.mac] }, 1, `${macColon(b.dataset.mac)}. `);
    commands['remove-one'] = (b) => removePhones({ macs: [b.dataset.mac] }, 1, `${macColon(b.dataset.mac)}. `);

    initImport();
    initBulk();
    initAuto(count, () => (state.all ? allMacs() : Promise.resolve([...state.selected])));
    initFirewall();
    initDeviceSettings(device);
    initBasicSettings(device);
    initManageUsers(device);
    commands['provision-mode'] = (b) => openDialog($('#mode-dialog'), b);
    update();
  }

  function initImport() {
    const d = $('#import-dialog');
    const text = $('#import-text', d);
    const file = $('#import-file', d);
    const result = $('#import-result', d);
    const applyBtn = $('[data-command="import-apply"]', d);
    let kind = 'text';
    const payload = () => {
      const site = $('#import-site', d);
      return { [kind]: text.value, ...(site ? { site_id: Number(site.value) } : {}) };
    };
    const stale = () => {
      applyBtn.disabled = true;
    };
    text.addEventListener('input', stale);
    $('#import-site', d)?.addEventListener('change', stale);
    file.addEventListener('change', async () => {
      const f = file.files[0];
      if (!f) return;
      text.value = await f.text();
      kind = 'csv';
      $('#import-source', d).textContent = `Loaded ${f.name}. You can fix lines in the box above before importing.`;
      stale();
      result.replaceChildren();
    });
    commands.import = (b) => {
      result.replaceChildren();
      applyBtn.disabled = true;
      openDialog(d, b);
    };
    commands['import-preview'] = async () => {
      setBusy(d, true);
      try {
        const { status, result: r } = await api('POST', '/console/check/import', payload());
        if (r && r.error) {
          result.replaceChildren(el('p', { class: 'field-error', role: 'alert' }, r.error.message));
          text.setAttribute('aria-invalid', 'true');
          return;
        }
        const ok = status === 200 && r.errors.length === 0;
        const summary = ok
          ? `${plural(r.created.length, 'device')} ready to import${r.warnings.length ? ` (${plural(r.warnings.length, 'warning')})` : ''}. Nothing has been imported yet.`
          : `${plural(r.errors.length, 'error')} in ${plural(r.total, 'line')}: nothing is imported until every line is valid. Fix the lines marked below and preview again.`;
        renderLines(result, text.value, { errors: r.errors, warnings: r.warnings, summary });
        if (ok) text.removeAttribute('aria-invalid');
        else text.setAttribute('aria-invalid', 'true');
        applyBtn.disabled = !ok;
      } finally {
        setBusy(d, false);
      }
    };
    commands['import-apply'] = async () => {
      const line = $('#import-progress-line', d);
      const bar = $('#import-progress', d);
      const label = $('#import-progress-text', d);
      line.hidden = false;
      bar.value = 0;
      label.textContent = 'Sending…';
      setBusy(d, true);
      const res = await apiWithProgress('POST', '/api/v1/devices/import', payload(), (f) => {
        bar.value = Math.round(f * 90);
        label.textContent = f < 1 ? `Sending… ${Math.round(f * 100)}%` : 'Checking and storing…';
      });
      setBusy(d, false);
      if (res.error) {
        line.hidden = true;
        applyBtn.disabled = true;
        if (res.data && Array.isArray(res.data.errors)) {
          renderLines(result, text.value, { errors: res.data.errors, warnings: res.data.warnings || [], summary: 'Nothing was imported: the inventory changed since the preview.' });
        } else result.replaceChildren(el('p', { class: 'field-error', role: 'alert' }, res.error.message));
        return;
      }
      bar.value = 100;
      label.textContent = `Imported ${plural(res.data.created.length, 'device')}.`;
      reloadWith(`Imported ${plural(res.data.created.length, 'device')}.`);
    };
  }

  function initBulk() {
    const d = $('#bulk-dialog');
    const text = $('#bulk-text', d);
    const result = $('#bulk-result', d);
    const applyBtn = $('[data-command="bulk-apply"]', d);
    text.addEventListener('input', () => (applyBtn.disabled = true));
    $('#bulk-file', d).addEventListener('change', async (e) => {
      const f = e.target.files[0];
      if (!f) return;
      text.value = await f.text();
      applyBtn.disabled = true;
      result.replaceChildren();
    });
    commands['bulk-provision'] = (b) => {
      result.replaceChildren();
      applyBtn.disabled = true;
      openDialog(d, b);
    };
    commands['bulk-preview'] = async () => {
      setBusy(d, true);
      try {
        const { status, result: r } = await api('POST', '/console/check/bulk', { csv: text.value });
        if (r && r.error) {
          result.replaceChildren(el('p', { class: 'field-error', role: 'alert' }, r.error.message));
          return;
        }
        const ok = status === 200 && r.errors.length === 0;
        const rows = new Map(r.rows.map((x) => [x.line, x]));
        renderLines(result, text.value, {
          errors: r.errors,
          summary: ok
            ? `${plural(r.rows.length, 'phone')} ready: each line replaces that phone's users. Nothing has changed yet.`
            : `${plural(r.errors.length, 'error')}: nothing changes until every line is valid. Fix the lines marked below and preview again.`,
          okNote: (n) => (rows.get(n) ? `${macColon(rows.get(n).mac)} → ${rows.get(n).extensions.join(', ')}` : ''),
        });
        applyBtn.disabled = !ok;
      } finally {
        setBusy(d, false);
      }
    };
    commands['bulk-apply'] = async () => {
      setBusy(d, true);
      try {
        const r = await api('POST', '/api/v1/provision/bulk', { csv: text.value });
        reloadWith(`Bulk Provision: ${plural(r.rows.length, 'phone')} provisioned.`);
      } catch (err) {
        setBusy(d, false);
        if (err instanceof ApiError && err.details && Array.isArray(err.details.errors)) {
          renderLines(result, text.value, { errors: err.details.errors, summary: err.message });
        } else throw err;
      }
    };
  }

  function initAuto(count, macs) {
    const d = $('#auto-dialog');
    const go = $('[data-command="auto-apply"]', d);
    commands['auto-provision'] = (b) => {
      const n = count();
      $('#auto-result', d).replaceChildren();
      $('#auto-text', d).textContent =
        n === 0
          ? 'Select the phones to provision first: tick their rows (or select all), then choose Auto Provision again.'
          : `Pair the ${plural(n, 'selected phone')} with licensed users who have no phone yet.`;
      go.disabled = n === 0;
      go.hidden = false;
      openDialog(d, b);
    };
    commands['auto-apply'] = async () => {
      setBusy(d, true);
      let r;
      try {
        r = await api('POST', '/api/v1/provision/auto', { macs: await macs() });
      } finally {
        setBusy(d, false);
      }
      const box = $('#auto-result', d);
      box.replaceChildren(el('p', { class: 'summary good', 'data-summary': true }, `${plural(r.pairs.length, 'phone')} provisioned${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}.`));
      if (r.pairs.length) box.append(el('ul', { class: 'plain' }, r.pairs.map((p) => el('li', {}, `${macColon(p.mac)} → extension ${p.extension}`))));
      if (r.skipped.length) box.append(el('ul', { class: 'plain' }, r.skipped.map((s) => el('li', { class: 'warning-text' }, `${macColon(s.mac)}: ${s.reason}`))));
      go.hidden = true;
      d.dataset.reloadOnClose = `Auto Provision: ${plural(r.pairs.length, 'phone')} provisioned.`;
    };
  }

  function initFirewall() {
    const d = $('#firewall-dialog');
    const pick = $('#firewall-site', d);
    const box = $('#firewall-rules', d);
    async function load() {
      if (!pick) return;
      box.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
      const r = await api('GET', `/api/v1/sites/${pick.value}/firewall`);
      const table = el(
        'table',
        { class: 'responsive firewall' },
        el('caption', {}, 'Firewall rules'),
        el('thead', {}, el('tr', {}, ['Purpose', 'From', 'To', 'Protocol / ports', 'Note'].map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          r.rules.map((x) =>
            el(
              'tr',
              {},
              el('th', { scope: 'row', 'data-label': 'Purpose' }, x.purpose),
              el('td', { 'data-label': 'From' }, x.from),
              el('td', { 'data-label': 'To' }, x.to),
              el('td', { 'data-label': 'Protocol / ports' }, `${x.protocol.toUpperCase()} ${x.ports}`),
              el('td', { 'data-label': 'Note' }, x.note || ''),
            ),
          ),
        ),
      );
      box.replaceChildren(el('div', { class: 'table-wrap' }, table));
    }
    if (pick && pick.tagName === 'SELECT') pick.addEventListener('change', load);
    commands.firewall = async (b) => {
      openDialog(d, b);
      await load();
    };
  }

  function initDeviceSettings(device) {
    const d = $('#settings-dialog');
    const form = $('form', d);
    commands['device-settings'] = (b) => {
      const dev = device(b.dataset.mac);
      form.reset();
      clearErrors(d);
      form.dataset.action = `/api/v1/devices/${dev.mac}`;
      form.dataset.flash = `Device settings of ${macColon(dev.mac)} saved.`;
      $('[data-dialog-title]', d).textContent = `Device settings: ${macColon(dev.mac)}`;
      $('#settings-name', d).value = dev.name;
      $('#settings-vendor', d).value = dev.vendor || '';
      const reveal = $('[data-command="reveal-password"]', d);
      reveal.disabled = false;
      reveal.textContent = 'Show current';
      openDialog(d, b.closest('.menu')?.querySelector('.menu-button') || b);
    };
    commands['reveal-password'] = async (b) => {
      const mac = form.dataset.action.split('/').pop();
      const dev = await api('GET', `/api/v1/devices/${mac}?reveal=true`);
      $('#settings-password', d).value = dev.login_password;
      b.textContent = 'Shown';
      b.disabled = true;
    };
  }

  function initBasicSettings(device) {
    const d = $('#basic-dialog');
    const body = $('#basic-body', d);
    const errBox = $('#basic-error', d);
    const sample = $('#basic-sample', d);
    let dev;
    let fileName;
    const engine = () => $('input[name="engine"]:checked', d)?.value || 'default';
    const engineName = (e) => (e === 'freemarker' ? 'FreeMarker' : 'Default');
    function syncSample() {
      if (!dev.vendor) {
        sample.hidden = true;
        $('#basic-current', d).textContent += ' No sample can be offered: the phone vendor is not known yet.';
        return;
      }
      sample.hidden = false;
      sample.href = `/api/v1/devices/${dev.mac}/template/sample?engine=${engine()}`;
      sample.textContent = `Download the ${engineName(engine())} sample`;
    }
    for (const r of $$('input[name="engine"]', d)) r.addEventListener('change', syncSample);
    $('#basic-file', d).addEventListener('change', async (e) => {
      const f = e.target.files[0];
      if (!f) return;
      fileName = f.name;
      body.value = await f.text();
      errBox.replaceChildren();
      body.removeAttribute('aria-invalid');
      // The file's extension names its engine.
      if (/\.ftl$/i.test(f.name)) $('input[name="engine"][value="freemarker"]', d).checked = true;
      else if (/\.tpl$/i.test(f.name)) $('input[name="engine"][value="default"]', d).checked = true;
      syncSample();
    });
    body.addEventListener('input', () => body.removeAttribute('aria-invalid'));
    commands['basic-settings'] = (b) => {
      dev = device(b.dataset.mac);
      fileName = undefined;
      body.value = '';
      $('#basic-file', d).value = '';
      errBox.replaceChildren();
      body.removeAttribute('aria-invalid');
      $('[data-dialog-title]', d).textContent = `Basic settings: ${macColon(dev.mac)}`;
      for (const r of $$('input[name="engine"]', d)) r.checked = r.value === dev.engine;
      $('#basic-current', d).textContent = dev.template_id
        ? `This phone uses its own uploaded template (${engineName(dev.engine)} engine).`
        : `This phone uses the standard ${engineName(dev.engine)} template for ${dev.vendor || 'its vendor'}${dev.model ? ` ${dev.model}` : ''}.`;
      $('#basic-clear', d).hidden = !dev.template_id;
      syncSample();
      openDialog(d, b.closest('.menu')?.querySelector('.menu-button') || b);
    };
    commands['basic-engine'] = async () => {
      await api('PATCH', `/api/v1/devices/${dev.mac}`, { engine: engine() });
      reloadWith(`${macColon(dev.mac)} now uses the ${engineName(engine())} engine.`);
    };
    commands['basic-upload'] = async () => {
      errBox.replaceChildren();
      if (!body.value.trim()) {
        errBox.append(el('p', { class: 'field-error' }, 'Choose a template file (or paste the template) first.'));
        body.focus();
        return;
      }
      setBusy(d, true);
      try {
        const check = await checkTemplate({ mac: dev.mac, engine: engine(), body: body.value });
        if (!check.ok) {
          sourceError(errBox, body.value, check.error);
          if (check.error.line) selectLine(body, check.error.line);
          return;
        }
        const t = await api('PUT', `/api/v1/devices/${dev.mac}/template`, { engine: engine(), body: body.value, ...(fileName ? { name: fileName.slice(0, 100) } : {}) });
        reloadWith(`Customised ${engineName(engine())} template uploaded for ${macColon(dev.mac)} (version ${t.version}).`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        sourceError(errBox, body.value, { message: err.message, line: err.details?.line, column: err.details?.column, reason: err.details?.reason });
      } finally {
        setBusy(d, false);
      }
    };
    commands['basic-clear'] = async () => {
      const ok = await confirmAction({ title: `Stop using the uploaded template of ${macColon(dev.mac)}?`, text: 'The phone goes back to the standard template for its vendor.', ok: 'Use the standard template' });
      if (!ok) return;
      await api('DELETE', `/api/v1/devices/${dev.mac}/template`);
      reloadWith(`${macColon(dev.mac)} uses the standard template again.`);
    };
  }

  function initManageUsers(device) {
    const d = $('#users-dialog');
    const max = Number(d.dataset.maxUsers || 6);
    const options = $('#users-options', d);
    const order = $('#users-order', d);
    const search = $('#users-search', d);
    const limit = $('#users-limit', d);
    let users = null;
    let chosen = [];
    let dev;
    const byId = () => new Map(users.map((u) => [u.id, u]));

    function render() {
      const map = byId();
      const q = search.value.trim().toLowerCase();
      const full = chosen.length >= max;
      limit.textContent = `${chosen.length} of ${max} users selected.` + (full ? ` A phone carries at most ${max} users (extensions); remove one to add another.` : '');
      limit.classList.toggle('full', full);
      options.replaceChildren(
        ...users
          .filter((u) => !q || u.extension.toLowerCase().includes(q) || u.display_name.toLowerCase().includes(q))
          .map((u) => {
            const on = chosen.includes(u.id);
            const why = !u.ip_phone_license ? 'no IP Phone licence' : !on && full ? `limit of ${max} reached` : u.sip_accounts.length === 0 ? 'no SIP account' : '';
            const box = el('input', {
              type: 'checkbox',
              id: `user-opt-${u.id}`,
              value: u.id,
              checked: on,
              disabled: (!on && full) || (!on && !u.ip_phone_license),
              'aria-describedby': !on && full ? 'users-limit' : undefined,
            });
            box.addEventListener('change', () => {
              if (box.checked && !chosen.includes(u.id) && chosen.length < max) chosen.push(u.id);
              if (!box.checked) chosen = chosen.filter((x) => x !== u.id);
              render();
              document.getElementById(`user-opt-${u.id}`)?.focus();
            });
            return el('li', {}, box, el('label', { for: `user-opt-${u.id}` }, `${u.extension} ${u.display_name}`, why ? el('span', { class: 'muted' }, ` (${why})`) : null));
          }),
      );
      order.replaceChildren(
        ...chosen.map((id, i) => {
          const u = map.get(id) || { extension: String(id), display_name: '' };
          const move = (delta, label) => {
            const b = el('button', { type: 'button', class: 'icon-button', 'aria-label': `${label} ${u.extension}`, disabled: i + delta < 0 || i + delta >= chosen.length }, delta < 0 ? '↑' : '↓');
            b.addEventListener('click', () => {
              const j = i + delta;
              [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
              render();
              order.children[j]?.querySelector(`button[aria-label^="${label}"]`)?.focus();
            });
            return b;
          };
          const remove = el('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${u.extension}` }, '×');
          remove.addEventListener('click', () => {
            chosen = chosen.filter((x) => x !== id);
            render();
            search.focus();
          });
          return el('li', {}, el('span', { class: 'who' }, `Line ${i + 1}: ${u.extension} ${u.display_name}`), el('span', { class: 'button-row' }, move(-1, 'Move up'), move(1, 'Move down'), remove));
        }),
      );
      if (chosen.length === 0) order.append(el('li', { class: 'muted' }, 'No users: the phone is unassigned.'));
    }
    search.addEventListener('input', render);
    commands['manage-users'] = async (b) => {
      dev = device(b.dataset.mac);
      chosen = [...dev.users];
      search.value = '';
      $('#users-error', d).textContent = '';
      $('[data-dialog-title]', d).textContent = `Manage users: ${macColon(dev.mac)}`;
      users = (await api('GET', '/api/v1/users')).items;
      render();
      openDialog(d, b.closest('.menu')?.querySelector('.menu-button') || b);
    };
    commands['users-save'] = async () => {
      $('#users-error', d).textContent = '';
      setBusy(d, true);
      try {
        await api('PUT', `/api/v1/devices/${dev.mac}/users`, { users: chosen });
        reloadWith(`Users of ${macColon(dev.mac)} saved (${plural(chosen.length, 'user')}).`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        $('#users-error', d).textContent = err.message;
      } finally {
        setBusy(d, false);
      }
    };
  }

  // ---- Sites ----------------------------------------------------------------------------------

  commands['create-token'] = async (b) => {
    const out = $(`[data-token-output="${b.dataset.site}"]`);
    const r = await api('POST', `/api/v1/sites/${b.dataset.site}/tokens`);
    const id = `token-${b.dataset.site}`;
    const input = el('input', { id, class: 'token', readonly: true, value: r.token, spellcheck: 'false', 'aria-describedby': `${id}-hint` });
    const copy = el('button', { type: 'button', class: 'secondary' }, 'Copy');
    copy.addEventListener('click', async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(r.token);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Selected: press Ctrl+C';
      }
    });
    out.replaceChildren(
      el(
        'div',
        { class: 'token-box' },
        el('label', { for: id }, `New sync token for ${b.dataset.siteName}`),
        el('div', { class: 'input-row' }, input, copy),
        el('p', { class: 'hint', id: `${id}-hint` }, 'Shown once: the hub keeps only its hash. Give it to the site\'s edge daemon as site_token (EDGEPROV_DAEMON_SITE_TOKEN).'),
      ),
    );
    input.focus();
    input.select();
  };

  // ---- start ----------------------------------------------------------------------------------

  function start() {
    const msg = sessionStorage.getItem(FLASH_KEY);
    if (msg) {
      sessionStorage.removeItem(FLASH_KEY);
      showFlash(msg);
    }
    for (const m of $$('[data-menu]')) initMenu(m);
    for (const d of $$('dialog')) initDialog(d);
    const devices = $('#devices-page');
    if (devices) initDevices(devices);
    document.documentElement.classList.add('js');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
