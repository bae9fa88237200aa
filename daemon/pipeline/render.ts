/**
 * The render step (DESIGN §5.3). Device configs use the template the hub would choose
 * (shared/templates/select.ts: device template → org template for vendor+model → org for vendor →
 * shipped sample) and the same data model, so the bytes a phone gets are the bytes the admin
 * previewed. Boot and common files use the family's shipped sample with the site's values and no
 * device secrets. Rendered bodies are cached per (file, device) and config generation, so a boot
 * storm renders each device once; compiled templates are cached per (template, version).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../shared/domain.js';
import { buildDataModel, chooseTemplate, compileTemplate, provisioningUrl, siteHost, SAMPLE_EXTENSION, type CompiledTemplate, type DataModel } from '../../shared/templates/index.js';
import type { DeviceRecord, SiteRecord, TemplateRecord } from '../../shared/sync/types.js';
import type { Cache } from '../cache/index.js';
import type { Metrics } from './metrics.js';

/** The repo's templates/ folder (dist/daemon/pipeline → ../../../templates). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface RenderedFile {
  body: Buffer;
  /** sha256 of the body, hex: what the phone now has, and the HTTP ETag. */
  hash: string;
  /** Which template made it: `t:<id>@<version>` or `sample:<vendor>/<file>`. */
  template: string;
}

export interface RenderOptions {
  templatesDir?: string;
  /** Rendered bodies kept at most; the oldest go first. Default 50 000. */
  maxEntries?: number;
}

export interface Renderer {
  /**
   * The device's config file, for the cache's `generation` as the caller read it. Throws
   * (TemplateError, …) when it cannot be rendered.
   */
  device(generation: number, device: DeviceRecord, site: SiteRecord, fallbackVendor: string): RenderedFile;
  /**
   * A boot or common file of `vendor` from its sample `template` (`boot`, `common`), for a known
   * device (per-phone boot files name the phone) or for none (shared files). Undefined when the
   * family ships no such sample.
   */
  shared(generation: number, vendor: string, template: string, site: SiteRecord, device: DeviceRecord | undefined, model: string | undefined): RenderedFile | undefined;
  stats(): { entries: number; compiled: number };
}

export function configHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The data model of a shared file: site values only; device fields are blank unless the file names the phone. */
function sharedModel(site: SiteRecord, vendor: string, device: DeviceRecord | undefined, model: string | undefined): DataModel {
  if (device) {
    const m = buildDataModel({
      device: { ...device, login_password: '', prov_username: '', prov_password: '' },
      site,
      extensions: [],
    });
    return m;
  }
  return {
    device: { mac: '', mac_upper: '', mac_colon: '', name: '', vendor, model: model ?? '', login_password: '' },
    site: { name: site.name, timezone: site.timezone, ntp_server: site.ntp_server },
    server: { host: siteHost(site), sip_port: site.sip_port, sip_transport: site.sip_transport },
    provisioning: { url: provisioningUrl(site), username: '', password: '' },
    lines: [],
  };
}

export function createRenderer(cache: Cache, metrics: Metrics | undefined, options: RenderOptions = {}): Renderer {
  const dir = options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
  const maxEntries = options.maxEntries ?? 50_000;
  const rendered = new Map<string, RenderedFile>();
  let generation = -1;
  const compiled = new Map<string, CompiledTemplate>();
  // Samples ship with the package and do not change while the daemon runs.
  const samples = new Map<string, string | null>();

  const sample = (vendor: string, name: string, engine: Engine): string | undefined => {
    const key = `${vendor}/${name}.${SAMPLE_EXTENSION[engine]}`;
    let body = samples.get(key);
    if (body === undefined) {
      const path = /^[a-z0-9-]+$/.test(vendor) && /^[a-z0-9-]+$/.test(name) ? `${dir}${key}` : undefined;
      body = path && existsSync(path) ? readFileSync(path, 'utf8') : null;
      samples.set(key, body);
    }
    return body ?? undefined;
  };

  const compile = (key: string, engine: Engine, body: string): CompiledTemplate => {
    let c = compiled.get(key);
    if (!c) {
      c = compileTemplate(engine, body);
      // Bounded so a stream of template versions cannot grow it without end.
      if (compiled.size >= 1000) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, c);
    }
    return c;
  };

  /** The render cache, emptied whenever the cache's data changed. */
  const cached = (g: number, key: string, make: () => RenderedFile | undefined): RenderedFile | undefined => {
    if (g !== generation) {
      rendered.clear();
      generation = g;
    }
    const hit = rendered.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    const made = make();
    metrics?.render((performance.now() - t0) / 1000);
    if (made) {
      if (rendered.size >= maxEntries) rendered.delete(rendered.keys().next().value!);
      rendered.set(key, made);
    }
    return made;
  };

  const finish = (text: string, template: string): RenderedFile => {
    const body = Buffer.from(text, 'utf8');
    return { body, hash: configHash(body), template };
  };

  return {
    device(g, device, site, fallbackVendor) {
      return cached(g, `device|${device.mac}`, () => {
        const choice = chooseTemplate<TemplateRecord>(device, {
          byId: (id) => cache.template(id),
          orgTemplates: (vendor, engine) => cache.orgTemplates(vendor, engine),
        });
        const model = buildDataModel({ device, site, extensions: device.extensions });
        if (choice.source !== 'sample') {
          const t = choice.template;
          const key = `t:${t.id}@${t.version}`;
          return finish(compile(key, t.engine, t.body).render(model), key);
        }
        // A device imported without a vendor gets the sample of the family its request names.
        const vendor = device.vendor ?? fallbackVendor;
        const body = sample(vendor, 'device', device.engine);
        if (body === undefined) throw new Error(`no ${device.engine} device sample ships for vendor "${vendor}"`);
        const key = `sample:${vendor}/device.${SAMPLE_EXTENSION[device.engine]}`;
        return finish(compile(key, device.engine, body).render(model), key);
      })!;
    },
    shared(g, vendor, template, site, device, model) {
      const engine: Engine = device?.engine ?? 'default';
      return cached(g, `shared|${vendor}|${template}|${engine}|${device?.mac ?? ''}|${device ? '' : (model ?? '')}`, () => {
        const body = sample(vendor, template, engine);
        if (body === undefined) return undefined;
        const key = `sample:${vendor}/${template}.${SAMPLE_EXTENSION[engine]}`;
        return finish(compile(key, engine, body).render(sharedModel(site, vendor, device, model)), key);
      });
    },
    stats: () => ({ entries: rendered.size, compiled: compiled.size }),
  };
}
