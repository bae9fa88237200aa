/** Mitel / Aastra 6700i, 6800i and 6900 SIP phones (reference/phones.md §7). */
import { CONTENT_TYPE, MAC, type VendorProfile } from './types.js';

export const mitel: VendorProfile = {
  id: 'mitel',
  name: 'Mitel',
  ouis: ['00085d', '08000f', '1400e9'],
  modelPrefixes: ['mitel', 'aastra'],
  // Line counts per model are not in the reference; models are kept as typed, with a warning.
  models: [],
  macCase: 'upper',
  files: [
    {
      name: 'aastra.cfg', pattern: 'aastra\\.cfg', kind: 'common', template: 'common', contentType: CONTENT_TYPE.text,
      note: 'read by every phone first; later files override it [Aastra]',
    },
    {
      name: '<MAC>.cfg', pattern: `${MAC}\\.cfg`, kind: 'device', macCase: 'upper', template: 'device',
      contentType: CONTENT_TYPE.text, note: 'the device config, read last so its values win',
    },
    {
      name: '<model>.cfg', pattern: '(?<model>[0-9]{2,4}i?)\\.cfg', kind: 'common', template: 'common',
      contentType: CONTENT_TYPE.text, note: 'per-model file (6867i.cfg), read between aastra.cfg and <MAC>.cfg; we serve the site-wide sample again',
    },
    {
      name: '<file>.tuz', pattern: `(?:aastra|[0-9]{2,4}i?|${MAC})\\.tuz`, kind: 'common', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'encrypted variants; we do not encrypt, so 404',
    },
    {
      name: '<model>.st', pattern: '(?<model>[0-9]{2,4}i?)\\.st', kind: 'firmware', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'firmware image',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'mitel-cfg', defaultLines: 12, serves: '<MAC>.cfg', defaultOmits: ['transport'] },
    { name: 'common', kind: 'common', format: 'mitel-cfg', defaultLines: 0, serves: 'aastra.cfg, <model>.cfg' },
  ],
  userAgents: [
    {
      // <Aastra|Mitel><model> MAC:<MAC with dashes> V:<fw>-SIP
      re: /^(?:Aastra|Mitel)(?<model>[0-9]{2,4}[A-Za-z]*)\s+MAC:(?<mac>[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})\s+V:(?<fw>[0-9][0-9.]*)-SIP\s*$/,
      example: 'Aastra6731i MAC:00-08-5D-23-74-29 V:3.2.0.70-SIP',
    },
  ],
  vendorClass: [
    { re: /^(?:Aastra|Mitel)IPPhone(?<model>[0-9]{2,4}[A-Za-z]*)/, example: 'AastraIPPhone6867i' },
  ],
  dhcp: {
    reads: [43, 60, 66],
    offer: [
      {
        code: 43, value: 'vendor-specific',
        note: 'sub-option 2 = configuration server URL as text (http://ip:port/Aastra), sub-option 3 = contact RCS (false)',
      },
      { code: 66, value: 'url', path: '' },
    ],
    note: 'contact rcs: 0 in the config stops Mitel\'s RCS redirection',
  },
  resync: { event: 'check-sync' },
};
