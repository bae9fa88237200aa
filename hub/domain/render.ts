/**
 * What config a device gets: template chosen device override → org template for vendor+model →
 * org template for vendor → shipped sample (the choice is shared/templates/select.ts, which the
 * edge uses too); compiled once per (template, version).
 */
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProvError } from '../../shared/errors.js';
import type { Engine, Site } from '../../shared/domain.js';
import { buildDataModel, chooseTemplate, compileTemplate, SAMPLE_EXTENSION, type CompiledTemplate, type DataModel } from '../../shared/templates/index.js';
import type { Db } from '../db/open.js';
import { assignedExtensions, type DeviceRow } from './devices-sync.js';

/** The repo's templates/ folder (dist/hub/domain → ../../../templates). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface ResolvedTemplate {
  /** `t:<id>` for stored templates, `sample:<vendor>/<file>` for shipped ones. */
  key: string;
  version: number;
  engine: Engine;
  body: string;
  source: 'device' | 'org' | 'sample';
}

export function samplePath(vendor: string, engine: Engine): string | undefined {
  if (!/^[a-z0-9-]+$/.test(vendor)) return undefined;
  const path = `${TEMPLATES_DIR}${vendor}/device.${SAMPLE_EXTENSION[engine]}`;
  return existsSync(path) ? path : undefined;
}

// Samples ship with the package and never change while the hub runs: read each once.
const samples = new Map<string, { file: string; body: string }>();

export function readSample(vendor: string | null, engine: Engine): { file: string; body: string } {
  const key = `${vendor}/${engine}`;
  const cached = samples.get(key);
  if (cached) return cached;
  const path = vendor ? samplePath(vendor, engine) : undefined;
  if (!path) {
    throw new ProvError('NOT_FOUND', `no ${engine} sample template ships for vendor "${vendor ?? 'unknown'}"`, { vendor, engine });
  }
  const sample = { file: path.slice(TEMPLATES_DIR.length), body: readFileSync(path, 'utf8') };
  samples.set(key, sample);
  return sample;
}

interface TemplateRow {
  id: number;
  engine: Engine;
  body: string;
  version: number;
  vendor: string | null;
  model: string | null;
}

export function resolveTemplate(db: Db, device: Pick<DeviceRow, 'template_id' | 'vendor' | 'model' | 'engine'>): ResolvedTemplate {
  // The choice itself is shared with the edge (shared/templates/select.ts), so both render alike.
  const choice = chooseTemplate<TemplateRow>(device, {
    byId: (id) => db.prepare(`SELECT * FROM templates WHERE id = ?`).get(id) as TemplateRow | undefined,
    orgTemplates: (vendor, engine) =>
      db.prepare(`SELECT * FROM templates WHERE scope = 'org' AND vendor = ? AND engine = ?`).all(vendor, engine) as TemplateRow[],
  });
  if (choice.source !== 'sample') {
    const t = choice.template;
    return { key: `t:${t.id}`, version: t.version, engine: t.engine, body: t.body, source: choice.source };
  }
  const sample = readSample(device.vendor, device.engine);
  return { key: `sample:${sample.file}`, version: 0, engine: device.engine, body: sample.body, source: 'sample' };
}

/** Compiled templates by key and version; a new version simply misses. Bounded so uploads cannot grow it without end. */
export class TemplateCache {
  readonly #map: LRUCache<string, CompiledTemplate>;

  constructor(max = 500) {
    this.#map = new LRUCache({ max });
  }

  get(t: ResolvedTemplate): CompiledTemplate {
    const k = `${t.key}@${t.version}`;
    let c = this.#map.get(k);
    if (!c) {
      c = compileTemplate(t.engine, t.body);
      this.#map.set(k, c);
    }
    return c;
  }
}

export function deviceDataModel(db: Db, row: DeviceRow, site: Site): DataModel {
  return buildDataModel({ device: row, site, extensions: assignedExtensions(db, row.mac) });
}

export function configHash(config: string): string {
  return createHash('sha256').update(config).digest('hex');
}

export interface RenderedConfig {
  template: ResolvedTemplate;
  config: string;
  hash: string;
  model: DataModel;
}

export function renderDeviceConfig(db: Db, cache: TemplateCache, row: DeviceRow, site: Site): RenderedConfig {
  const template = resolveTemplate(db, row);
  const model = deviceDataModel(db, row, site);
  const config = cache.get(template).render(model);
  return { template, config, hash: configHash(config), model };
}

/** Replaces every secret of the model that appears in the config with `***`, for previews. */
export function maskConfig(config: string, model: DataModel): string {
  const secrets = [model.device.login_password, model.provisioning.password, ...model.lines.map((l) => l.password)]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  let out = config;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
