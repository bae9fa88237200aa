/**
 * Templates: the stored org and per-device templates, adding and editing org templates, and a
 * preview of what a chosen phone gets — from its own template choice, or from a chosen stored
 * template — with every secret masked.
 */
import { TemplateError, ProvError } from '../../../shared/errors.js';
import { compileTemplate } from '../../../shared/templates/index.js';
import { VENDORS } from '../../../shared/vendors/index.js';
import { getDeviceRow } from '../../domain/devices.js';
import { getSite } from '../../domain/sites.js';
import { deviceDataModel, maskConfig } from '../../domain/render.js';
import { ApiCallError } from '../api.js';
import { Field, Select, macColon, DialogActions } from '../layout.js';
import type { Template } from '../types.js';
import type { PageContext } from './context.js';

const ENGINES = [
  ['default', 'Default'],
  ['freemarker', 'FreeMarker'],
] as const;

interface Preview {
  mac: string;
  source: string;
  config?: string;
  error?: string;
}

export async function templatesPage(ctx: PageContext) {
  const templates = (await ctx.api.get<{ items: Template[] }>('/templates')).items;
  const macInput = (ctx.url.searchParams.get('mac') ?? '').trim().slice(0, 40);
  const choice = ctx.url.searchParams.get('template') ?? 'current';
  let preview: Preview | undefined;
  if (macInput) preview = await renderPreview(ctx, macInput, choice, templates);

  return (
    <div id="templates-page">
      <section class="card" aria-labelledby="preview-title">
        <h2 id="preview-title">Preview a phone's config</h2>
        <form method="get" action="/console/templates" class="search" id="preview-form">
          <div class="field">
            <label for="preview-mac">MAC address</label>
            <input
              id="preview-mac"
              name="mac"
              value={macInput}
              required
              placeholder="00:15:65:AA:BB:CC"
              autocomplete="off"
              aria-invalid={preview?.error ? 'true' : undefined}
              aria-describedby={preview?.error ? 'preview-error' : undefined}
            />
          </div>
          <div class="field">
            <label for="preview-template">Template</label>
            <select id="preview-template" name="template">
              <option value="current" selected={choice === 'current'}>
                What this phone gets now
              </option>
              {templates.map((t) => (
                <option value={String(t.id)} selected={choice === String(t.id)}>
                  {t.name} ({t.engine}, v{t.version})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary">
            Preview
          </button>
        </form>
        {preview?.error ? (
          <p class="field-error" id="preview-error" role="alert">
            {preview.error}
          </p>
        ) : null}
        {preview?.config !== undefined ? (
          <figure class="preview">
            <figcaption>
              <code>{macColon(preview.mac)}</code> rendered with {preview.source}. Secrets are shown as <code>***</code>.
            </figcaption>
            <pre tabindex={0} aria-label="Rendered config">
              <code>{preview.config}</code>
            </pre>
          </figure>
        ) : null}
      </section>

      <details class="card">
        <summary>Add an org template</summary>
        <p class="hint">Serves every phone of the vendor (and model, if given) that has no template of its own, instead of the shipped sample.</p>
        <form data-api-form data-method="POST" data-action="/api/v1/templates" data-flash="Template added." data-template-check id="template-new">
          <div class="grid3">
            <Field id="tpl-name" label="Name" name="name" required />
            <Select id="tpl-engine" label="Engine" name="engine" options={ENGINES} />
            <Select id="tpl-vendor" label="Vendor" name="vendor" options={VENDORS.map((v) => [v.id, v.name] as const)} />
            <Field id="tpl-model" label="Model" name="model" empty="null" hint="Empty: every model of the vendor" />
          </div>
          <div class="field">
            <label for="tpl-file">Load from a file</label>
            <input id="tpl-file" type="file" data-load-into="tpl-body" accept=".tpl,.ftl,.cfg,.txt,.xml,text/plain" />
          </div>
          <div class="field">
            <label for="tpl-body">Template text</label>
            <textarea id="tpl-body" name="body" rows={12} class="code" spellcheck={false} required></textarea>
          </div>
          <div class="check-result" data-check-result role="alert"></div>
          <p class="form-error" data-form-error role="alert"></p>
          <button type="submit" class="primary">
            Add template
          </button>
        </form>
      </details>

      {templates.length === 0 ? (
        <p class="empty">No stored templates: every phone uses the shipped sample of its vendor (see templates/README.md).</p>
      ) : (
        <div class="table-wrap">
          <table class="responsive">
            <caption class="vh">Stored templates</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Engine</th>
                <th scope="col">Serves</th>
                <th scope="col">Version</th>
                <th scope="col">
                  <span class="vh">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr>
                  <th scope="row" data-label="Name">
                    {t.name}
                  </th>
                  <td data-label="Engine">{t.engine === 'freemarker' ? 'FreeMarker' : 'Default'}</td>
                  <td data-label="Serves">
                    {t.devices.length > 0
                      ? `its own phone${t.devices.length === 1 ? '' : 's'}: ${t.devices.map(macColon).join(', ')}`
                      : `${t.vendor ?? 'any vendor'}${t.model ? ` ${t.model}` : ' (all models)'}`}
                  </td>
                  <td data-label="Version">{t.version}</td>
                  <td class="row-actions">
                    <div class="button-row">
                      <button
                        type="button"
                        class="secondary"
                        data-open-form="template-dialog"
                        data-form-method="PATCH"
                        data-form-action={`/api/v1/templates/${t.id}`}
                        data-form-title={`Edit ${t.name}`}
                        data-values={JSON.stringify({ name: t.name, engine: t.engine, body: t.body })}
                        data-check-vendor={t.vendor ?? ''}
                        data-check-model={t.model ?? ''}
                        aria-label={`Edit ${t.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="quiet-danger"
                        data-api-delete={`/api/v1/templates/${t.id}`}
                        data-confirm={`Delete the template "${t.name}"? Phones it serves fall back to the next template in line.`}
                        data-confirm-ok="Delete template"
                        data-flash={`Template ${t.name} deleted.`}
                        aria-label={`Delete ${t.name}`}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <dialog id="template-dialog" aria-labelledby="template-dialog-title" class="wide">
        <form data-api-form data-method="PATCH" data-flash="Template saved." data-template-check>
          <div class="dialog-head">
            <h2 id="template-dialog-title" data-dialog-title>
              Edit template
            </h2>
            <button type="button" class="icon-button" data-close aria-label="Close">
              ×
            </button>
          </div>
          <div class="grid2">
            <Field id="edit-tpl-name" label="Name" name="name" />
            <Select id="edit-tpl-engine" label="Engine" name="engine" options={ENGINES} />
          </div>
          <div class="field">
            <label for="edit-tpl-body">Template text</label>
            <textarea id="edit-tpl-body" name="body" rows={16} class="code" spellcheck={false}></textarea>
          </div>
          <div class="check-result" data-check-result role="alert"></div>
          <DialogActions />
        </form>
      </dialog>
    </div>
  );
}

async function renderPreview(ctx: PageContext, macInput: string, choice: string, templates: Template[]): Promise<Preview> {
  let mac = macInput;
  try {
    // The API's own preview for what the phone gets now (template choice, masking).
    if (choice === 'current') {
      const res = await ctx.api.text(`/devices/${encodeURIComponent(macInput)}/config`);
      const row = getDeviceRow(ctx.hub.store.db, macInput);
      mac = row.mac;
      const key = res.headers.get('x-template') ?? '';
      const source = key.startsWith('sample:') ? `the shipped sample ${key.slice(7)}` : `stored template ${templates.find((t) => `t:${t.id}` === key)?.name ?? key}`;
      return { mac, source: `${source} (its current choice)`, config: res.body };
    }
    // A chosen stored template rendered for this phone's data, masked the way the API masks previews.
    const t = templates.find((x) => String(x.id) === choice);
    if (!t) return { mac, source: '', error: `Template ${choice} does not exist.` };
    const row = getDeviceRow(ctx.hub.store.db, macInput);
    mac = row.mac;
    const model = deviceDataModel(ctx.hub.store.db, row, getSite(ctx.hub.store.db, row.site_id));
    const config = compileTemplate(t.engine, t.body).render(model);
    return { mac, source: `template "${t.name}" (v${t.version})`, config: maskConfig(config, model) };
  } catch (err) {
    if (err instanceof TemplateError) return { mac, source: '', error: `The template does not render for this phone: line ${err.line}, column ${err.column}: ${(err.details as { reason: string }).reason}` };
    if (err instanceof ApiCallError || err instanceof ProvError) return { mac, source: '', error: err.message };
    throw err;
  }
}
