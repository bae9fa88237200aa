/** Snom D1xx/D3xx/D7xx/D8xx desk phones and M-series DECT (reference/phones.md §5). */
import { CONTENT_TYPE, MAC, type ModelProfile, type VendorProfile } from './types.js';

/**
 * Identities per model: "12 on D7xx" is marked (unverified) in the reference; the D7xx names are
 * Snom's current desk range. Other models are kept as typed, with a warning.
 */
const D7XX = ['D710', 'D712', 'D713', 'D715', 'D717', 'D725', 'D735', 'D745', 'D765', 'D785'];

export const snom: VendorProfile = {
  id: 'snom',
  name: 'Snom',
  ouis: ['000413', '1c7126'],
  modelPrefixes: ['snom'],
  models: D7XX.map((name): ModelProfile => ({ name, lines: 12 })),
  macCase: 'upper',
  files: [
    {
      name: 'snom<model>-<MAC>.htm', pattern: `snom(?<model>[A-Za-z]?[0-9]{3}[A-Za-z0-9]*)-${MAC}\\.htm`, kind: 'boot',
      macCase: 'upper', template: 'boot', contentType: CONTENT_TYPE.xml,
      note: 'per-phone setting-file container; ours lists <MAC>.xml',
    },
    {
      name: 'snom<model>.htm', pattern: 'snom(?<model>[A-Za-z]?[0-9]{3}[A-Za-z0-9]*)\\.htm', kind: 'common',
      template: 'common', contentType: CONTENT_TYPE.xml,
      note: 'general setting-file container of the model; ours lists no file (room for firmware or language files)',
    },
    {
      name: '<MAC>.xml', pattern: `${MAC}\\.xml`, kind: 'device', macCase: 'upper', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device settings (<settings><phone-settings>)',
    },
    {
      name: 'snom<model>-firmware.xml', pattern: 'snom(?<model>[A-Za-z]?[0-9]{3}[A-Za-z0-9]*)-firmware\\.xml', kind: 'firmware',
      optional: true, contentType: CONTENT_TYPE.xml, note: 'firmware_status file; 404 unless firmware is managed',
    },
    {
      name: 'gui_lang.xml', pattern: '(?:gui|web)_lang\\.xml', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'language files; 404 is normal',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'snom-xml', defaultLines: 12, serves: '<MAC>.xml' },
    { name: 'boot', kind: 'boot', format: 'snom-container', defaultLines: 0, serves: 'snom<model>-<MAC>.htm' },
    { name: 'common', kind: 'common', format: 'snom-container', defaultLines: 0, serves: 'snom<model>.htm' },
  ],
  userAgents: [
    {
      // Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-… 000413922D24 SXM:0 UXM:0)
      // Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680)   (DECT: capital S, no -SIP)
      re: /^Mozilla\/[0-9.]+\s+\(compatible;\s*snom\s*(?<model>[A-Z]?[0-9]{2,4}[A-Z0-9]*)(?:-SIP)?\s+(?<fw>[0-9][0-9.]*)(?<rest>[^)]*)\)\s*$/i,
      model: (raw) => raw.toUpperCase(),
      example: 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413922D24 SXM:0 UXM:0)',
    },
  ],
  vendorClass: [
    { re: /^snom(?<model>[A-Z]?[0-9]{3}[A-Z0-9]*)/i, model: (raw) => raw.toUpperCase(), example: 'snomD785' },
  ],
  dhcp: {
    reads: [2, 42, 43, 66, 67, 132, 133],
    offer: [
      { code: 66, value: 'url', path: '', note: '66 + 67 form the setting URL; 43 may encapsulate 66/67/132/133 and then wins' },
      { code: 42, value: 'ntp' },
      { code: 2, value: 'time-offset' },
    ],
    note: 'boot priority: SIP PnP multicast → stored setting_server → DHCP → provisioning.snom.com (SRAPS)',
  },
  resync: { event: 'check-sync;reboot=false' },
};
