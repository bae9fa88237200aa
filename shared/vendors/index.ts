/**
 * Vendor profiles as data. This first cut carries what the hub needs to accept an import:
 * the OUIs that name a vendor and the SIP accounts each model can hold. Request patterns,
 * User-Agent parsing and DHCP options join these records in the templates/daemon issues.
 * Facts come from ../shared/reference/phones.md (IEEE registry, wazo-provd, FusionPBX).
 */
import { macOui } from '../mac.js';

export type VendorId =
  | 'yealink' | 'poly' | 'grandstream' | 'cisco' | 'cisco-sep' | 'snom' | 'fanvil' | 'mitel' | 'htek' | 'gigaset';

export interface ModelProfile {
  /** Canonical model name, as the vendor prints it (e.g. `T46S`, `VVX 411`). */
  name: string;
  /** SIP accounts (lines) the model can register. */
  lines: number;
}

export interface VendorProfile {
  id: VendorId;
  name: string;
  /** OUIs as 6 lower-case hex digits. */
  ouis: readonly string[];
  /** Words that may precede a model name in an import (`Yealink T46S`, `SIP-T46S`). */
  modelPrefixes: readonly string[];
  models: readonly ModelProfile[];
}

function models(spec: Record<string, number>): ModelProfile[] {
  return Object.entries(spec).map(([name, lines]) => ({ name, lines }));
}

export const VENDORS: readonly VendorProfile[] = [
  {
    id: 'yealink',
    name: 'Yealink',
    ouis: ['001565', '805ec0', '805e0c', '249ad8', '44dbd2', '3497d7', '644f56', 'b061a9', 'c4fc22', 'ec1da9', 'f01653'],
    modelPrefixes: ['yealink', 'sip-', 'sip'],
    models: models({
      T30: 1, T30P: 1, CP920: 1, T31: 2, T31P: 2, T31G: 2, T33: 4, T33G: 4, T34W: 4,
      T27G: 6, T41S: 6, T41U: 6, T42S: 12, T42U: 12, T43U: 12, T44W: 12, T53: 12, T53W: 12, T73U: 12,
      T46S: 16, T46U: 16, T48S: 16, T48U: 16, T54S: 16, T54W: 16, T57W: 16, T58: 16, T58A: 16, T58W: 16,
      T74U: 16, T77U: 16, T85W: 16, T87W: 16, T88W: 16, W70B: 10, W75DM: 20, W80DM: 30, W90DM: 250,
    }),
  },
  {
    id: 'poly',
    name: 'Poly',
    ouis: ['0004f2', '64167f', '482567'],
    modelPrefixes: ['polycom', 'poly'],
    models: models({
      'VVX 101': 2, 'VVX 150': 2, 'VVX 200': 2, 'VVX 201': 2, 'VVX 250': 4,
      'VVX 300': 6, 'VVX 301': 6, 'VVX 310': 6, 'VVX 311': 6, 'VVX 350': 6,
      'VVX 400': 12, 'VVX 401': 12, 'VVX 410': 12, 'VVX 411': 12, 'VVX 450': 12, 'VVX 500': 12, 'VVX 501': 12,
      'VVX 600': 16, 'VVX 601': 16,
    }),
  },
  { id: 'grandstream', name: 'Grandstream', ouis: ['000b82', 'c074ad', 'ec74d7', '144cff'], modelPrefixes: ['grandstream'], models: [] },
  { id: 'cisco', name: 'Cisco', ouis: ['0002fd', '8843e1', '002699', '503de5', '00562b', 'd0ec35'], modelPrefixes: ['cisco'], models: [] },
  { id: 'snom', name: 'Snom', ouis: ['000413', '1c7126'], modelPrefixes: ['snom'], models: [] },
  {
    id: 'fanvil',
    name: 'Fanvil',
    ouis: ['0c383e'],
    modelPrefixes: ['fanvil'],
    models: models({ X3U: 6, X4U: 12, X5U: 16, X6U: 20, X7: 20, X210: 20, V64: 1 }),
  },
  { id: 'mitel', name: 'Mitel', ouis: ['00085d', '08000f', '1400e9'], modelPrefixes: ['mitel', 'aastra'], models: [] },
  { id: 'htek', name: 'Htek', ouis: ['001fc1'], modelPrefixes: ['htek'], models: [] },
  { id: 'gigaset', name: 'Gigaset', ouis: ['7c2f80', '002104', '589ec6'], modelPrefixes: ['gigaset'], models: [] },
];

const byOui = new Map<string, VendorProfile>();
for (const v of VENDORS) for (const oui of v.ouis) byOui.set(oui, v);

export function vendorById(id: string): VendorProfile | undefined {
  return VENDORS.find((v) => v.id === id);
}

/** The vendor whose OUI the MAC carries (canonical MAC in). */
export function vendorFromMac(mac: string): VendorProfile | undefined {
  return byOui.get(macOui(mac));
}

function squash(s: string): string {
  return s.toLowerCase().replace(/[\s_\-]+/g, '');
}

/**
 * The model an admin meant by `input`, matched leniently: case, spaces, `-` and `_` are
 * ignored and the vendor's prefixes may lead (`SIP-T46S`, `Yealink T46S`, `VVX_411`).
 * Undefined when the vendor has no model of that name: callers keep the text and warn.
 */
export function matchModel(vendor: VendorProfile, input: string): ModelProfile | undefined {
  let s = squash(input);
  for (const prefix of vendor.modelPrefixes) {
    const p = squash(prefix);
    if (s.startsWith(p) && s.length > p.length) s = s.slice(p.length);
  }
  return vendor.models.find((m) => squash(m.name) === s);
}

/** A vendor named in free text (`Yealink`, `polycom`), if any. */
export function vendorFromText(input: string): VendorProfile | undefined {
  const s = squash(input);
  return VENDORS.find((v) => v.id === s || v.modelPrefixes.some((p) => s.startsWith(squash(p)) && p.length > 3));
}
