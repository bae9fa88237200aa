/** Grandstream GXP, GRP, GXV, WP and HT ATAs (reference/phones.md §3). */
import { CONTENT_TYPE, MAC, type VendorProfile } from './types.js';

export const grandstream: VendorProfile = {
  id: 'grandstream',
  name: 'Grandstream',
  ouis: ['000b82', 'c074ad', 'ec74d7', '144cff'],
  modelPrefixes: ['grandstream'],
  // The reference has no per-model account counts for Grandstream (a listed gap); models are kept
  // as typed, with a warning, until captures give them.
  models: [],
  macCase: 'lower',
  files: [
    {
      name: 'cfg<mac>.xml', pattern: `cfg${MAC}\\.xml`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device config (XML P-values)',
    },
    {
      name: 'cfg<mac>', pattern: `cfg${MAC}(?:\\.bin)?`, kind: 'device', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.binary,
      note: 'legacy binary config (cfg<mac>.bin in current guides); we only write XML, so 404 and the phone asks cfg<mac>.xml',
    },
    {
      name: 'cfg<model>.xml', pattern: 'cfg(?<model>[a-z]{2,4}[0-9]{3,4}[a-z0-9]*)\\.xml', kind: 'common', optional: true,
      model: (g) => g.model?.toUpperCase(), contentType: CONTENT_TYPE.xml, note: 'asked only when the MAC file is missing; we serve the MAC file, so 404',
    },
    {
      name: 'cfg.xml', pattern: 'cfg\\.xml', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'generic fallback after cfg<model>.xml; 404',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'grandstream-xml', defaultLines: 6, serves: 'cfg<mac>.xml', defaultOmits: ['transport'] },
  ],
  userAgents: [
    {
      // Grandstream Model HW <MODEL>[ V<hwrev>] SW <firmware> DevId <mac>  (spaces may double)
      re: /^Grandstream\s+Model\s+HW\s+(?<model>[A-Z]+[0-9]+[A-Z0-9]*)(?:\s+V[0-9][0-9.A-Z]*)?\s+SW\s+(?<fw>[0-9][0-9.]*)\s+DevId\s+(?<mac>[0-9a-fA-F]{12})\s*$/i,
      example: 'Grandstream Model HW GXP1628 SW 1.0.4.138 DevId c074ad2bd859',
    },
    {
      // Old GXP2000: Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8
      re: /^Grandstream\s+(?<model>[A-Z]+[0-9]+[A-Z0-9]*)\s+\([^:)]*:(?<fw>[0-9][0-9.]*)[^)]*\)\s+DevId\s+(?<mac>[0-9a-fA-F]{12})\s*$/i,
      example: 'Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8',
    },
  ],
  vendorClass: [
    { re: /^Grandstream\s+(?<model>[A-Z]+[0-9]+[A-Z0-9]*)/i, example: 'Grandstream GXP2110' },
  ],
  dhcp: {
    reads: [2, 42, 43, 60, 66, 120, 150, 160],
    offer: [
      { code: 66, value: 'url', path: '', note: 'an http:// URL makes the phone use HTTP instead of TFTP; wazo adds the path /Grandstream' },
      { code: 42, value: 'ntp' },
      { code: 2, value: 'time-offset' },
    ],
    note: 'P145 lets options 43/66 override the configured server (default on)',
  },
  resync: { event: 'check-sync', note: 'honoured when "Allow SIP Reset" is on (P26015 for account 1)' },
};
