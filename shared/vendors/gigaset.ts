/** Gigaset DECT bases N510/N720/N870 IP PRO (reference/phones.md §9). */
import { CONTENT_TYPE, MAC, type VendorProfile } from './types.js';

/** `N720_DM_PRO`, `N510 IP PRO` → `N720 DM PRO`, `N510 IP PRO`. */
function gigasetModel(raw: string): string {
  return raw.replace(/[_\s]+/g, ' ').toUpperCase();
}

export const gigaset: VendorProfile = {
  id: 'gigaset',
  name: 'Gigaset',
  ouis: ['7c2f80', '002104', '589ec6'],
  modelPrefixes: ['gigaset'],
  // Accounts per base are not in the reference.
  models: [],
  macCase: 'lower',
  files: [
    {
      name: '<mac>.xml', pattern: `${MAC}\\.xml`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.xml,
      note: 'Nx70 device config (<provisioning><nvm>); the reference writes <mac>, the User-Agent carries it upper-case: both served',
    },
    {
      name: '<fw>/<n>/master.bin', pattern: '[0-9]{1,3}/[0-9]{1,3}/master\\.bin', kind: 'firmware', optional: true,
      contentType: CONTENT_TYPE.binary, note: 'N510/N720 firmware-directory paths like /42/2/master.bin',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'gigaset-xml', defaultLines: 6, serves: '<mac>.xml', defaultOmits: ['transport'] },
  ],
  userAgents: [
    {
      // [Gigaset ]<model>/<fw>;<MAC>
      re: /^(?:Gigaset\s+)?(?<model>N[0-9]{3,4}[A-Z]?\s+(?:IP|DM)\s+PRO)\/(?<fw>[^;\s]+);(?<mac>[0-9A-Fa-f]{12})\s*$/,
      model: gigasetModel,
      example: 'Gigaset N720 DM PRO/70.089.00.000.000;7C2F80CA21E4',
    },
  ],
  vendorClass: [
    { re: /^(?:Gigaset_)?(?<model>N[0-9]{3,4}[A-Z]?_(?:IP|DM)_PRO)$/, model: gigasetModel, example: 'Gigaset_N720_DM_PRO' },
  ],
  dhcp: {
    reads: [60, 114],
    offer: [{ code: 114, value: 'url', path: '', note: 'default-url: the provisioning URL [W gigaset.conf]' }],
  },
  resync: {
    event: 'check-sync',
    note: 'reboot=true needs SystemSettings.global.CheckSyncRebootEnabled=1, firmware ≥ 2.52, and a valid account as target',
  },
};
