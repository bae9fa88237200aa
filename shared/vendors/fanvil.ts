/** Fanvil X, V, i, H and W series (reference/phones.md §6). */
import { CONTENT_TYPE, MAC, type ModelProfile, type VendorProfile } from './types.js';

/** Lines per model, from FusionPBX's templates. */
const LINES: Record<string, number> = { X3U: 6, X4U: 12, X5U: 16, X6U: 20, X7: 20, X210: 20, V64: 1 };

export const fanvil: VendorProfile = {
  id: 'fanvil',
  name: 'Fanvil',
  ouis: ['0c383e'],
  modelPrefixes: ['fanvil'],
  models: Object.entries(LINES).map(([name, lines]): ModelProfile => ({ name, lines })),
  macCase: 'lower',
  files: [
    {
      name: '<mac>.cfg', pattern: `${MAC}\\.cfg`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device config (XML), asked after the common file',
    },
    {
      name: 'f0<model>hw<ver>.cfg', pattern: 'f0(?<model>[0-9a-z]+?)hw[0-9]+\\.[0-9]+\\.cfg', ignoreCase: true, kind: 'common',
      template: 'common', contentType: CONTENT_TYPE.xml,
      note: 'per-hardware common file, e.g. f0X4hw1.100.cfg, f0X3shw1.100.cfg; names are firmware-defined',
    },
    {
      name: 'F0V<hw>.cfg', pattern: 'F0V[0-9A-Z]{9}\\.cfg', ignoreCase: true, kind: 'common', template: 'common',
      contentType: CONTENT_TYPE.xml, note: 'per-hardware common file, e.g. F0V00X300000.cfg, F0V5UV200000.cfg',
    },
    {
      name: 'fanvil_<model>_hwv<n>_<m>.txt', pattern: 'fanvil_(?<model>[a-z0-9_]+?)_hwv[0-9]+_[0-9]+\\.txt', ignoreCase: true,
      kind: 'common', optional: true, contentType: CONTENT_TYPE.text, unverified: true,
      note: 'newer text manifests (fanvil_x5u_v2_hwv2_0.txt); their format is not in the reference, so 404',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'fanvil-xml', defaultLines: 20, serves: '<mac>.cfg', defaultOmits: ['transport'] },
    { name: 'common', kind: 'common', format: 'fanvil-xml', defaultLines: 0, serves: 'f0<model>hw<ver>.cfg, F0V<hw>.cfg' },
  ],
  userAgents: [
    {
      // Fanvil <model> <fw> <mac>; the model may hold a space (X6U Pro) or a dash (X5U-V2)
      re: /^Fanvil\s+(?<model>\S.*?)\s+(?<fw>[0-9]+(?:\.[0-9]+)+)\s+(?<mac>[0-9A-Fa-f]{12})\s*$/,
      example: 'Fanvil X4 2.10.2.6887 0c383e07e16c',
    },
  ],
  vendorClass: [{ re: /^Fanvil\s+(?<model>\S.*)$/i, example: 'Fanvil X4U', unverified: true }],
  dhcp: {
    reads: [43, 60, 66, 120],
    offer: [
      { code: 66, value: 'url', path: '', note: 'wazo sends 66 and 43 as http://ip:port/Fanvil/$mac.cfg' },
      { code: 43, value: 'url', path: '' },
    ],
    note: 'order: DHCP option (66/43/custom, selectable) → PnP (224.0.1.75:5060) → flash',
  },
  resync: { event: 'check-sync' },
};
