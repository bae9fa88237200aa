/**
 * The render step (DESIGN §5.3). Device configs use the template the hub would choose
 * (shared/templates/select.ts: device template → org template for vendor+model → org for vendor →
 * shipped sample) and the same data model, so the bytes a phone gets are the bytes the admin
 * previewed. Boot and common files use the family's shipped sample with the site's values and no
 * device secrets. Rendered bodies are cached per (file, device) and config generation, so a boot
 * storm renders each device once, within a byte budget (render-cache.ts: least recently used out);
 * compiled templates are cached per (template, version).
 */
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../shared/domain.js';
import { buildDataModel, chooseTemplate, compileTemplate, provisioningUrl, siteHost, SAMPLE_EXTENSION, type CompiledTemplate, type DataModel } from '../../shared/templates/index.js';
import type { DeviceRecord, SiteRecord, TemplateRecord } from '../../shared/sync/types.js';
import type { Cache } from '../cache/index.js';
import type { Metrics } from './metrics.js';
import { DEFAULT_RENDER_CACHE_BYTES, RenderCache } from './render-cache.js';

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
  /** Bytes of rendered files kept (bodies plus per-entry overhead); least recently used go first. Default 16 MiB. */
  maxBytes?: number;
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
  stats(): { entries: number; bytes: number; evictions: number; compiled: number };
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
  const rendered = new RenderCache<RenderedFile>(options.maxBytes ?? DEFAULT_RENDER_CACHE_BYTES);
  let generation = -1;
  // Keyed by template name; the stored key string is what rendered files point at, one copy per template.
  // Bounded so a stream of template versions cannot grow it without end.
  const compiled = new LRUCache<string, { name: string; template: CompiledTemplate }>({ max: 1000 });
  metrics?.gauge('edgeprov_render_cache_bytes', 'Bytes the render cache holds against its budget (bodies plus per-entry overhead).', () => rendered.stats().bytes);
  metrics?.gauge('edgeprov_render_cache_evictions', 'Rendered files evicted to stay within the budget since start.', () => rendered.stats().evictions);
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

  const compile = (key: string, engine: Engine, body: string): { name: string; template: CompiledTemplate } => {
    let c = compiled.get(key);
    if (!c) {
      c = { name: key, template: compileTemplate(engine, body) };
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
    if (made) rendered.set(key, made);
    return made;
  };

  const render = (c: { name: string; template: CompiledTemplate }, model: DataModel): RenderedFile => {
    const text = c.template.render(model);
    // Its own exact-size memory: Buffer.from would slice a small body out of Node's shared 8 KiB
    // pool, and one cached slice keeps its whole pool alive (a third of the cache's memory was that).
    const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
    body.write(text, 'utf8');
    return { body, hash: configHash(body), template: c.name };
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
          return render(compile(`t:${t.id}@${t.version}`, t.engine, t.body), model);
        }
        // A device imported without a vendor gets the sample of the family its request names.
        const vendor = device.vendor ?? fallbackVendor;
        const body = sample(vendor, 'device', device.engine);
        if (body === undefined) throw new Error(`no ${device.engine} device sample ships for vendor "${vendor}"`);
        return render(compile(`sample:${vendor}/device.${SAMPLE_EXTENSION[device.engine]}`, device.engine, body), model);
      })!;
    },
    shared(g, vendor, template, site, device, model) {
      const engine: Engine = device?.engine ?? 'default';
      return cached(g, `shared|${vendor}|${template}|${engine}|${device?.mac ?? ''}|${device ? '' : (model ?? '')}`, () => {
        const body = sample(vendor, template, engine);
        if (body === undefined) return undefined;
        return render(compile(`sample:${vendor}/${template}.${SAMPLE_EXTENSION[engine]}`, engine, body), sharedModel(site, vendor, device, model));
      });
    },
    stats: () => {
      const s = rendered.stats();
      return { entries: s.entries, bytes: s.bytes, evictions: s.evictions, compiled: compiled.size };
    },
  };
}
