/**
 * Which template renders a device's config (DESIGN §5 step 3), in one place for both roles: the
 * hub's preview and the edge's delivery call this same function, so a phone gets exactly what the
 * admin previewed. Order: the device's own template → an org template for its vendor and model →
 * an org template for its vendor → the shipped sample `templates/<vendor>/device.{tpl|ftl}`.
 * Pure: the caller supplies the stored templates and reads the sample file itself.
 */
import type { Engine } from '../domain.js';

/** A stored template as both the hub's table and the edge's cache hold it. */
export interface StoredTemplate {
  id: number;
  engine: Engine;
  body: string;
  version: number;
  vendor: string | null;
  model: string | null;
}

export interface TemplateLookup<T extends StoredTemplate> {
  /** The template with this id, whatever its scope. */
  byId(id: number): T | undefined;
  /** Org templates for a vendor and engine, in any order. */
  orgTemplates(vendor: string, engine: Engine): readonly T[];
}

export interface TemplateSubject {
  template_id: number | null;
  vendor: string | null;
  model: string | null;
  engine: Engine;
}

export type TemplateChoice<T extends StoredTemplate> =
  | { source: 'device' | 'org'; template: T }
  | { source: 'sample'; vendor: string | null; engine: Engine };

/** File extension of each engine's samples. */
export const SAMPLE_EXTENSION: Readonly<Record<Engine, string>> = { default: 'tpl', freemarker: 'ftl' };

export function chooseTemplate<T extends StoredTemplate>(device: TemplateSubject, lookup: TemplateLookup<T>): TemplateChoice<T> {
  if (device.template_id !== null) {
    const own = lookup.byId(device.template_id);
    if (own) return { source: 'device', template: own };
  }
  if (device.vendor) {
    let best: T | undefined;
    for (const t of lookup.orgTemplates(device.vendor, device.engine)) {
      // A model-specific template beats a vendor-wide one; among equals the newest (highest id) wins.
      if (t.model !== null && t.model !== device.model) continue;
      if (
        best === undefined ||
        (best.model === null && t.model !== null) ||
        ((best.model === null) === (t.model === null) && t.id > best.id)
      ) {
        best = t;
      }
    }
    if (best) return { source: 'org', template: best };
  }
  return { source: 'sample', vendor: device.vendor, engine: device.engine };
}
