/**
 * Import of MACs from a CSV file or a pasted list (`mac[,model][,name][,site][,vendor]`, optional
 * header). The whole file is validated before anything is written; each problem names its line and
 * column. `vendor` is a vendor profile id, for phones whose OUI another family shares (Cisco's
 * enterprise firmware, `cisco-sep`, on Cisco MPP hardware); empty means "from the OUI".
 */
import { parse } from 'csv-parse/sync';
import type { RowError } from '../../shared/errors.js';
import { tryParseMac } from '../../shared/mac.js';
import { VENDOR_IDS, vendorById, type VendorId } from '../../shared/vendors/index.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import { findSite, findSiteByName, listSites } from './sites.js';
import { identify, insertDevice, type NewDevice } from './devices.js';

export const MAX_IMPORT_ROWS = 100_000;
// The export's first five columns in the export's order, so an export imports back unchanged.
const COLUMNS = ['mac', 'model', 'name', 'site', 'vendor'] as const;
type Column = (typeof COLUMNS)[number];

export interface ImportPlan {
  total: number;
  created: Array<NewDevice & { line: number }>;
  errors: RowError[];
  warnings: RowError[];
}

interface Record {
  line: number;
  fields: string[];
}

function splitRecords(input: string, pasted: boolean): { records: Record[]; errors: RowError[] } {
  const text = input.replace(/^\uFEFF/, '');
  // Sniff the separator from the first data line: a leading comment or blank line says nothing about it.
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  // A tab wins: a spreadsheet paste is tab-separated even when a name holds a comma.
  const delimiter = !pasted ? ',' : firstLine.includes('\t') ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  try {
    const rows = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      comment: '#',
      comment_no_infix: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return { records: rows.map((r) => ({ line: r.info.lines, fields: r.record })), errors: [] };
  } catch (err) {
    const e = err as { lines?: number; column?: number; message: string };
    return { records: [], errors: [{ line: e.lines ?? 1, column: typeof e.column === 'number' ? e.column + 1 : 1, field: 'csv', message: e.message }] };
  }
}

/** Maps a header row (`mac,model,name,site,vendor`, any order, extra columns ignored) to column positions. */
function headerMap(fields: string[]): Map<Column, number> | undefined {
  const names = fields.map((f) => f.trim().toLowerCase());
  if (!names.includes('mac')) return undefined;
  const map = new Map<Column, number>();
  for (const c of COLUMNS) if (names.includes(c)) map.set(c, names.indexOf(c));
  return map;
}

export function planImport(db: Db, input: { text?: string | undefined; csv?: string | undefined; site_id?: number | undefined }): ImportPlan {
  const source = input.csv ?? input.text ?? '';
  const { records, errors } = splitRecords(source, input.csv === undefined);
  const warnings: RowError[] = [];
  const created: ImportPlan['created'] = [];
  if (errors.length) return { total: 0, created, errors, warnings };

  let columns = new Map<Column, number>(COLUMNS.map((c, i) => [c, i]));
  const first = records[0];
  const header = first ? headerMap(first.fields) : undefined;
  if (header) {
    columns = header;
    records.shift();
  }
  if (records.length > MAX_IMPORT_ROWS) {
    errors.push({ line: records[MAX_IMPORT_ROWS]!.line, column: 1, field: 'mac', message: `at most ${MAX_IMPORT_ROWS} rows per import` });
    return { total: records.length, created, errors, warnings };
  }

  const defaultSite = input.site_id ?? (() => {
    const sites = listSites(db);
    return sites.length === 1 ? sites[0]!.id : undefined;
  })();
  if (input.site_id !== undefined && !findSite(db, input.site_id)) {
    errors.push({ line: 0, column: 0, field: 'site_id', message: `site ${input.site_id} does not exist` });
  }
  const seen = new Map<string, number>();
  const existing = db.prepare(`SELECT d.site_id, s.name FROM devices d JOIN sites s ON s.id = d.site_id WHERE d.mac = ?`);
  const col = (c: Column) => columns.get(c);

  for (const { line, fields } of records) {
    const at = (c: Column) => {
      const i = col(c);
      return i === undefined ? '' : (fields[i] ?? '').trim();
    };
    const column = (c: Column) => (col(c) ?? 0) + 1;
    const rawMac = at('mac');
    const mac = tryParseMac(rawMac);
    if (mac === null) {
      errors.push({
        line, column: column('mac'), field: 'mac',
        message: rawMac === '' ? 'missing MAC address' : `"${rawMac}" is not a MAC address (12 hex digits, e.g. 00:15:65:AA:BB:CC)`,
      });
      continue;
    }
    const dupLine = seen.get(mac);
    if (dupLine !== undefined) {
      errors.push({ line, column: column('mac'), field: 'mac', message: `duplicate of line ${dupLine} (${mac})` });
      continue;
    }
    seen.set(mac, line);
    const clash = existing.get(mac) as { site_id: number; name: string } | undefined;
    if (clash) {
      errors.push({ line, column: column('mac'), field: 'mac', message: `${mac} already exists (site "${clash.name}")` });
      continue;
    }
    let siteId = defaultSite;
    const siteText = at('site');
    if (siteText !== '') {
      // A name first (an export writes names, and a site may be named "2"), then an id.
      const site = findSiteByName(db, siteText) ?? (/^\d+$/.test(siteText) ? findSite(db, Number(siteText)) : undefined);
      if (!site) {
        errors.push({ line, column: column('site'), field: 'site', message: `no site "${siteText}"` });
        continue;
      }
      siteId = site.id;
    }
    if (siteId === undefined) {
      errors.push({ line, column: column('site'), field: 'site', message: 'no site given: add a site column or choose the site to import into' });
      continue;
    }
    const name = at('name');
    if (name.length > 100) {
      errors.push({ line, column: column('name'), field: 'name', message: 'name is longer than 100 characters' });
      continue;
    }
    const vendorText = at('vendor').toLowerCase();
    if (vendorText !== '' && !vendorById(vendorText)) {
      errors.push({ line, column: column('vendor'), field: 'vendor', message: `"${at('vendor')}" is not a vendor profile id (${VENDOR_IDS.join(', ')})` });
      continue;
    }
    const id = identify(mac, at('model') || null, (vendorText || null) as VendorId | null);
    if (id.vendorWarning) warnings.push({ line, column: column('vendor'), field: 'vendor', message: id.vendorWarning });
    if (id.warning) warnings.push({ line, column: column('model'), field: 'model', message: id.warning });
    created.push({ line, mac, site_id: siteId, vendor: id.vendor, model: id.model, name });
  }
  if (records.length === 0 && errors.length === 0) errors.push({ line: 1, column: 1, field: 'mac', message: 'nothing to import' });
  return { total: records.length, created, errors, warnings };
}

/** Writes a plan that has no errors; all-or-nothing because it runs inside the caller's transaction. */
export function applyImport(w: Writer, plan: ImportPlan): void {
  for (const d of plan.created) insertDevice(w, { mac: d.mac, site_id: d.site_id, vendor: d.vendor, model: d.model, name: d.name });
  w.audit({ action: 'device.import', target_type: 'device', target_id: `${plan.created.length} devices`, after: { count: plan.created.length } });
}
