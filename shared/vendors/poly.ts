/** Poly / Polycom: VVX on UC Software, SoundPoint/SoundStation, Edge E, CCX (reference/phones.md §2). */
import { CONTENT_TYPE, MAC, type ModelProfile, type VendorProfile } from './types.js';

/** Line keys per model [W `_NB_FKEY`]. */
const LINES: Record<string, number> = {
  'VVX 101': 2, 'VVX 150': 2, 'VVX 200': 2, 'VVX 201': 2, 'VVX 250': 4,
  'VVX 300': 6, 'VVX 301': 6, 'VVX 310': 6, 'VVX 311': 6, 'VVX 350': 6,
  'VVX 400': 12, 'VVX 401': 12, 'VVX 410': 12, 'VVX 411': 12, 'VVX 450': 12, 'VVX 500': 12, 'VVX 501': 12,
  'VVX 600': 16, 'VVX 601': 16,
};

/** `VVX_400` → `VVX 400`, `SSIP_6000` → `SSIP 6000`, `Edge_E450` → `Edge E450`. */
export function polyModel(raw: string): string {
  return raw.replace(/_/g, ' ').replace(/^([A-Za-z]+)\s*(\d)/, '$1 $2');
}

/** Poly's IANA enterprise number, the first 4 bytes of its binary option 60 (RFC 3925 style) [PolyVCI]. */
export const POLY_ENTERPRISE = 13885;

export const poly: VendorProfile = {
  id: 'poly',
  name: 'Poly',
  ouis: ['0004f2', '64167f', '482567'],
  modelPrefixes: ['polycom', 'poly'],
  models: Object.entries(LINES).map(([name, lines]): ModelProfile => ({ name, lines })),
  macCase: 'lower',
  files: [
    {
      name: '000000000000.cfg', pattern: '000000000000\\.cfg', kind: 'boot', template: 'boot',
      contentType: CONTENT_TYPE.xml,
      note: 'default master config; ours names [PHONE_MAC_ADDRESS]-user.cfg, which the phone expands itself, so it is the same file for every phone',
    },
    {
      name: '<mac>.cfg', pattern: `${MAC}\\.cfg`, kind: 'boot', macCase: 'lower', template: 'boot',
      contentType: CONTENT_TYPE.xml, note: 'master config for this phone; lists CONFIG_FILES [PolyBoot]',
    },
    {
      name: '<mac>-user.cfg', pattern: `${MAC}-user\\.cfg`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device config; the name is ours (first in CONFIG_FILES, so its values win)',
    },
    {
      name: 'common.cfg', pattern: 'common\\.cfg', kind: 'common', template: 'common',
      contentType: CONTENT_TYPE.xml, note: 'site-wide settings, second in CONFIG_FILES',
    },
    {
      name: 'sip.ld', pattern: '(?:[0-9]{4}-[0-9]{5}-[0-9]{3}\\.)?sip\\.ld', kind: 'firmware', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'application image, split form <partnumber>.sip.ld; asked only if it differs from flash',
    },
    {
      name: '<mac>-phone.cfg', pattern: `${MAC}-(?:phone|web)\\.cfg`, kind: 'upload', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'local overrides: GET may 404; the phone PUTs them when settings change on the phone (UCS ≥ 3.3)',
    },
    {
      name: '<mac>-boot.log', pattern: `${MAC}-(?:boot|app)\\.log`, kind: 'upload', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.text, note: 'bootROM/updater and application logs, uploaded with PUT',
    },
    {
      name: '<mac>-license.cfg', pattern: `${MAC}-license\\.cfg`, kind: 'common', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'feature licences; 404 is normal',
    },
    {
      name: '000000000000-license.cfg', pattern: '000000000000-license\\.cfg', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'feature licences; 404 is normal',
    },
    {
      name: '<mac>-directory.xml', pattern: `${MAC}-directory\\.xml`, kind: 'common', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'local contact directory; 404 is normal',
    },
    {
      name: '000000000000-directory.xml', pattern: '000000000000-directory\\.xml', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'shared contact directory; 404 is normal',
    },
    {
      name: 'phone1.cfg', pattern: '(?:phone1|sip)\\.cfg', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'legacy SIP-application files; asked only when listed in CONFIG_FILES',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'poly-cfg', defaultLines: 16, serves: '<mac>-user.cfg', defaultOmits: ['transport'] },
    { name: 'common', kind: 'common', format: 'poly-cfg', defaultLines: 0, serves: 'common.cfg' },
    { name: 'boot', kind: 'boot', format: 'poly-master', defaultLines: 0, serves: '<mac>.cfg, 000000000000.cfg' },
  ],
  userAgents: [
    {
      // FileTransport Polycom<Family>-<MODEL_TOKEN>-UA/<version>[ (SN:<mac>)] [Type/…]
      re: /^FileTransport\s+Poly(?:com)?[A-Za-z]*-(?<model>[A-Za-z]+_[A-Za-z0-9]+)-UA\/(?<fw>[0-9][0-9.]*)(?:\s+\(SN:(?<mac>[0-9A-Fa-f]{12})\))?(?:\s+Type\/\w+)?\s*$/,
      model: polyModel,
      example: 'FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application',
    },
  ],
  // Binary option 60 is decoded in index.ts (enterprise 13885, sub-option 2 = model); these
  // rules see the decoded model or a text rendering of it.
  vendorClass: [{ re: /^Polycom/i, example: 'Polycom' }],
  dhcp: {
    reads: [60, 66, 160],
    offer: [
      { code: 160, value: 'url', path: '', unverified: true, note: 'custom boot-server option; "160 with fallback to 66" as the default is from memory' },
      { code: 66, value: 'url', path: '', note: '[scheme://][user:pwd@]host[/dir][/file.cfg]; a value ending in .cfg names the master file' },
    ],
    note: 'option 60 is binary: enterprise 13885, sub-options 1 company, 2 model, 3 part number, 4 app version, 5 BootROM',
  },
  resync: {
    event: 'check-sync',
    note: 'reboots only with voIpProt.SIP.specialEvent.checkSync.alwaysReboot="1"',
  },
};
