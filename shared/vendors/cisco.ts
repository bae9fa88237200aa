/**
 * Cisco: SPA3xx/5xx phones and SPA1xx ATAs (and Linksys SPA9xx), 6800/7800/8800 Multiplatform
 * ("3PCC", profile `cisco`), and the enterprise CUCM firmware's SEP<MAC>.cnf.xml (profile
 * `cisco-sep`) (reference/phones.md §4). Both profiles run on the same Cisco hardware, so
 * `cisco-sep` has no OUIs of its own: the OUI says "cisco", and the file name, User-Agent or
 * option 60 tell the enterprise firmware apart.
 */
import { CONTENT_TYPE, MAC, type ModelProfile, type VendorProfile } from './types.js';

/** Line keys per MPP model [W `_NB_FKEY`]: 7811 1, 7821 2, 7841 4, 7861 16, 88x1 10. */
const MPP_LINES: Record<string, number> = {
  '7811': 1, '7821': 2, '7841': 4, '7861': 16, '8811': 10, '8841': 10, '8851': 10, '8861': 10,
};

/** `CP-8851-3PCC` → `8851`; `SPA508G` stays. */
export function ciscoModel(raw: string): string {
  const m = /^CP-([0-9]{4}[A-Z]?)(?:-3PCC)?$/i.exec(raw);
  return m?.[1] ? m[1].toUpperCase() : raw.toUpperCase();
}

export const cisco: VendorProfile = {
  id: 'cisco',
  name: 'Cisco',
  ouis: ['0002fd', '8843e1', '002699', '503de5', '00562b', 'd0ec35', '000e08'],
  modelPrefixes: ['cisco', 'cp-', 'cp'],
  modelSuffixes: ['-3pcc', '3pcc', 'mpp'],
  models: Object.entries(MPP_LINES).map(([name, lines]): ModelProfile => ({ name, lines })),
  macCase: 'lower',
  files: [
    {
      name: 'spa<PSN>.cfg', pattern: 'spa(?<model>[0-9]{3}[A-Za-z0-9]*)\\.cfg', kind: 'boot', template: 'boot',
      model: (g) => (g.model ? `SPA${g.model.toUpperCase()}` : undefined), contentType: CONTENT_TYPE.xml,
      note: 'SPA factory Profile_Rule /spa$PSN.cfg (TFTP sends the leading /; e.g. spa508G.cfg, upper-case G); ours points Profile_Rule_B at the device file',
    },
    {
      name: '<model>-3PCC.xml', pattern: '(?<model>[0-9]{4}[A-Z]?)-3PCC\\.xml', kind: 'boot', template: 'boot',
      contentType: CONTENT_TYPE.xml, note: 'MPP factory Profile_Rule /$PSN.xml, tried first over TFTP, HTTP, HTTPS [CiscoMig]',
    },
    {
      name: 'Cisco/<PN>/<mac>.cfg', pattern: `Cisco/(?<model>[A-Za-z0-9-]{3,24})/${MAC}\\.cfg`, kind: 'device', macCase: 'lower', template: 'device',
      model: (g) => (g.model ? ciscoModel(g.model) : undefined), contentType: CONTENT_TYPE.xml,
      note: 'the MPP\'s own fallback (Cisco/$PN/$MA.cfg, e.g. Cisco/CP-8851-3PCC/001234ab45de.cfg); our boot file points SPA phones at the same name',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'cisco-flat', defaultLines: 16, serves: 'Cisco/<PN>/<mac>.cfg', defaultOmits: ['transport'] },
    { name: 'boot', kind: 'boot', format: 'cisco-flat', defaultLines: 0, serves: 'spa<PSN>.cfg, <model>-3PCC.xml' },
  ],
  userAgents: [
    {
      // Cisco/<model>-<fw> [(<MAC>)](<serial>); Linksys/SPA-942-6.1.5(a) (88019FA42805)
      re: /^(?:Cisco|Linksys)\/(?<model>SPA-?[0-9]+[A-Z0-9]*?)-(?<fw>[0-9][A-Za-z0-9.()]*)(?:\s*\([^)]*\))*\s*$/i,
      model: ciscoModel,
      example: 'Cisco/SPA508G-7.4.8a (0002FDFF2103)(CBT141400UK)',
    },
    {
      // Cisco-CP-<model>-3PCC/<fw> (<mac>)
      re: /^Cisco-(?<model>CP-[0-9]{4}[A-Z]?-3PCC)\/(?<fw>[0-9][A-Za-z0-9.()-]*)(?:\s+\((?<mac>[0-9A-Fa-f]{12})\))?\s*$/,
      model: ciscoModel,
      example: 'Cisco-CP-7832-3PCC/11.0.1 (00562b043615)',
    },
  ],
  vendorClass: [
    {
      re: /^(?:Cisco|Linksys)(?: Systems, Inc\. IP Phone)? (?<model>SPA-?[0-9]+[A-Z0-9]*|ATA[0-9]+(?:-MPP)?)\0?$/i,
      model: ciscoModel,
      example: 'Cisco Systems, Inc. IP Phone SPA508G',
    },
    { re: /^(?<model>CP-[0-9]{4}[A-Z]?-3PCC)\0?$/, model: ciscoModel, example: 'CP-7841-3PCC\0' },
  ],
  dhcp: {
    reads: [43, 60, 66, 125, 150, 159, 160],
    offer: [
      {
        code: 66, value: 'host',
        note: 'bare host: SPA fetches tftp /spa$PSN.cfg; MPP tries $PSN.xml and Cisco/$PN/$MA.cfg over TFTP, HTTP, HTTPS. DHCP-driven provisioning stops once Profile_Rule no longer starts with /',
      },
      { code: 150, value: 'ip-list', note: 'TFTP server list (MPP)' },
    ],
  },
  resync: {
    event: 'check-sync',
    note: 'wazo sends check-sync; Cisco documents NOTIFY Event: resync with Resync_From_SIP enabled',
  },
};

export const ciscoSep: VendorProfile = {
  id: 'cisco-sep',
  name: 'Cisco (enterprise)',
  ouis: [],
  ouiFamily: 'cisco',
  modelPrefixes: ['cisco', 'cp-', 'cp'],
  // Line counts of the enterprise models are not in the reference.
  models: [],
  macCase: 'upper',
  files: [
    {
      name: 'SEP<MAC>.cnf.xml', pattern: `SEP${MAC}\\.cnf\\.xml`, kind: 'device', macCase: 'upper', template: 'device',
      contentType: CONTENT_TYPE.xml, note: 'the device config (TFTP without a leading /; HTTP on port 6970 with one)',
    },
    {
      name: 'SEP<MAC>.cnf.xml.sgn', pattern: `SEP${MAC}\\.cnf\\.xml\\.sgn`, kind: 'device', macCase: 'upper', optional: true,
      contentType: CONTENT_TYPE.binary, unverified: true, note: 'signed variant; we sign nothing, so 404 (order of .sgn requests is a listed gap)',
    },
    {
      name: 'CTLSEP<MAC>.tlv', pattern: `(?:CTL|ITL)SEP${MAC}\\.tlv`, kind: 'common', macCase: 'upper', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'certificate/identity trust lists, asked before the config; 404 is normal without CUCM security',
    },
    {
      name: 'ITLFile.tlv', pattern: '(?:ITLFile|CTLFile)\\.tlv', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'trust list; 404 is normal',
    },
    {
      name: 'XmlDefault.cnf.xml', pattern: 'XmlDefault\\.cnf\\.xml', kind: 'common', optional: true,
      contentType: CONTENT_TYPE.xml, note: 'auto-registration default for a never-registered phone; we do not auto-register, so 404',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'cisco-sep-xml', defaultLines: 6, serves: 'SEP<MAC>.cnf.xml' },
  ],
  // The reference has no User-Agent for the enterprise firmware (it fetches over TFTP).
  userAgents: [],
  vendorClass: [
    {
      re: /^Cisco Systems,? Inc\.(?: (?:IP|Wireless) Phone (?<model>(?:CP-)?[0-9]{4}[A-Z]*))?\0?$/i,
      model: ciscoModel,
      example: 'Cisco Systems, Inc. IP Phone CP-7965G\0',
    },
  ],
  dhcp: {
    reads: [60, 66, 150],
    offer: [
      { code: 150, value: 'ip-list', note: 'Cisco\'s TFTP server list' },
      { code: 66, value: 'host' },
    ],
  },
  resync: { event: 'service-control', body: 'action=restart', note: 'Cisco enterprise SIP (89xx)' },
};
