/** Htek UC9xx (reference/phones.md §8). */
import { CONTENT_TYPE, MAC, type VendorProfile } from './types.js';

/** `cfg00NN.xml` per-model common file → model [W v2_0_4_6_41]. */
export const HTEK_COMMON_IDS: Readonly<Record<number, string>> = {
  10: 'UC926', 12: 'UC924', 13: 'UC923', 16: 'UC903', 17: 'UC902', 19: 'UC912',
};

export const htek: VendorProfile = {
  id: 'htek',
  name: 'Htek',
  ouis: ['001fc1'],
  modelPrefixes: ['htek'],
  // Account counts per model are not in the reference.
  models: [],
  macCase: 'lower',
  files: [
    {
      name: 'cfg<mac>.xml', pattern: `cfg${MAC}\\.xml`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device config [W]',
    },
    {
      name: '<mac>.cfg', pattern: `${MAC}\\.cfg`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'FusionPBX\'s name for the same XML (firmware-dependent)',
    },
    {
      name: 'cfg00NN.xml', pattern: 'cfg00(?<hw>[0-9]{2})\\.xml', kind: 'common', template: 'common',
      model: (g) => HTEK_COMMON_IDS[Number(g.hw)], contentType: CONTENT_TYPE.xml, note: 'per-model common file (cfg0010.xml UC926 … cfg0019.xml UC912)',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'htek-xml', defaultLines: 6, serves: 'cfg<mac>.xml, <mac>.cfg', defaultOmits: ['transport'] },
    { name: 'common', kind: 'common', format: 'htek-xml', defaultLines: 0, serves: 'cfg00NN.xml' },
  ],
  userAgents: [
    {
      re: /^Htek\s+(?<model>UC[0-9]+[A-Z]*)\s+(?<fw>[0-9][0-9.]*)\s+(?<mac>[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\s*$/,
      example: 'Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9',
    },
  ],
  // Htek's option 60 string is a listed gap in the reference.
  vendorClass: [],
  dhcp: {
    reads: [66],
    offer: [{ code: 66, value: 'url', path: '', unverified: true, note: 'wazo keys Htek on the OUI only; the DHCP options Htek reads are not in the reference' }],
  },
  resync: { event: 'check-sync' },
};
