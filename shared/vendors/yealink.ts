/** Yealink T2x/T3x/T4x/T5x, CP and W-series DECT (reference/phones.md §1). */
import { CONTENT_TYPE, MAC, type ModelProfile, type VendorProfile } from './types.js';

/** SIP accounts per model [W v87 `_NB_SIP_ACCOUNTS`]. */
const LINES: Record<string, number> = {
  T30: 1, T30P: 1, CP920: 1, T31: 2, T31P: 2, T31G: 2, T33: 4, T33G: 4, T34W: 4,
  T27G: 6, T41S: 6, T41U: 6, T42S: 12, T42U: 12, T43U: 12, T44W: 12, T53: 12, T53W: 12, T73U: 12,
  T46S: 16, T46U: 16, T48S: 16, T48U: 16, T54S: 16, T54W: 16, T57W: 16, T58: 16, T58A: 16, T58W: 16,
  T74U: 16, T77U: 16, T85W: 16, T87W: 16, T88W: 16, AX83H: 4, AX86R: 4,
  W70B: 10, W75DM: 20, W80DM: 30, W90DM: 250,
};

/**
 * Hardware family id `XX` of the common file `y0000000000XX.cfg` → model, where one model owns
 * the id [F file names; YeaW52]. Shared ids (T58A/T58V 58, W52P/W56P 25) name no model.
 */
export const YEALINK_HW_IDS: Readonly<Record<number, string>> = {
  28: 'T46G', 66: 'T46S', 65: 'T48S', 67: 'T42S', 68: 'T41S', 69: 'T27G', 70: 'T54S', 74: 'T52S',
  96: 'T54W', 97: 'T57W', 150: 'T58W', 123: 'T31G', 124: 'T33G', 116: 'T42U', 107: 'T43U',
  108: 'T46U', 109: 'T48U', 174: 'T44W', 186: 'T73U', 187: 'T74U', 188: 'T77U', 78: 'CP920',
  73: 'CP960', 143: 'CP965', 77: 'W60B', 146: 'W70B',
};

/** `SIP-T46S`, `SIP VP-T49G`, `T46G` → `T46S`, `VP-T49G`, `T46G`. */
function yealinkModel(raw: string): string {
  return raw.replace(/^SIP[-\s]+/i, '').toUpperCase();
}

export const yealink: VendorProfile = {
  id: 'yealink',
  name: 'Yealink',
  ouis: ['001565', '805ec0', '805e0c', '249ad8', '44dbd2', '3497d7', '644f56', 'b061a9', 'c4fc22', 'ec1da9', 'f01653'],
  modelPrefixes: ['yealink', 'sip-', 'sip'],
  models: Object.entries(LINES).map(([name, lines]): ModelProfile => ({ name, lines })),
  macCase: 'lower',
  files: [
    {
      name: '<mac>.boot', pattern: `${MAC}\\.boot`, kind: 'boot', macCase: 'lower', template: 'boot',
      contentType: CONTENT_TYPE.text, note: 'MAC-oriented boot file, asked first (firmware ≥ 81) [YeaBoot]',
    },
    {
      name: 'y000000000000.boot', pattern: 'y000000000000\\.boot', kind: 'boot', optional: true,
      contentType: CONTENT_TYPE.text,
      note: 'common boot file; only asked when <mac>.boot is missing. It cannot name the phone\'s own file, so we answer 404 and the phone goes on with the CFG files',
    },
    {
      name: 'y0000000000XX.cfg', pattern: 'y0{9}(?<hw>[0-9]{3})\\.cfg', kind: 'common', template: 'common',
      model: (g) => YEALINK_HW_IDS[Number(g.hw)], contentType: CONTENT_TYPE.text, note: 'common CFG; XX is the hardware family id, the first field of the firmware version',
    },
    {
      name: '<mac>.cfg', pattern: `${MAC}\\.cfg`, kind: 'device', macCase: 'lower', template: 'device',
      contentType: CONTENT_TYPE.text, note: 'MAC-oriented CFG (the device config)',
    },
    {
      name: '<mac>-local.cfg', pattern: `${MAC}-local\\.cfg`, kind: 'upload', macCase: 'lower', optional: true,
      contentType: CONTENT_TYPE.text, unverified: true, note: 'settings changed on the phone, uploaded back (details unverified)',
    },
  ],
  templates: [
    { name: 'device', kind: 'device', format: 'yealink-cfg', defaultLines: 16, serves: '<mac>.cfg', defaultOmits: ['transport'] },
    { name: 'common', kind: 'common', format: 'yealink-cfg', defaultLines: 0, serves: 'y0000000000XX.cfg' },
    { name: 'boot', kind: 'boot', format: 'yealink-boot', defaultLines: 0, serves: '<mac>.boot' },
  ],
  userAgents: [
    {
      // Branded, any case, `-` or space after the brand, optional `SIP-`/`SIP ` before the model,
      // any run of spaces between fields, MAC with or without colons, or another token (no MAC).
      re: /^yealink[-\s]+(?<model>(?:SIP[-\s]+)?[A-Z]{0,3}-?[A-Z]*\d+[A-Z0-9]*)\s+(?<fw>\d+(?:\.\d+){3})(?:\s+(?<rest>\S+))?\s*$/i,
      model: yealinkModel,
      example: 'Yealink SIP-T46G 28.83.0.120 00:15:65:4a:a9:37',
    },
    {
      // No brand at all (old VP530P): only believed with a Yealink OUI.
      re: /^(?<model>[A-Z]{1,3}-?\d+[A-Z0-9]*)\s+(?<fw>\d+(?:\.\d+){3})\s+(?<mac>[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{12})\s*$/i,
      requireOui: true,
      model: yealinkModel,
      example: 'VP530P 23.70.0.40 00:15:65:31:4b:c0',
    },
  ],
  vendorClass: [{ re: /^yealink/i, example: 'yealink', unverified: true }],
  dhcp: {
    reads: [2, 42, 43, 60, 66, 160, 161],
    offer: [
      { code: 66, value: 'url', path: '', note: 'a bare host means TFTP (Yealink\'s default); wazo gives http://ip:port' },
      { code: 160, value: 'url', path: '', note: 'custom option (128–254, commonly 160/161), preferred over 66 when configured' },
      { code: 42, value: 'ntp' },
      { code: 2, value: 'time-offset' },
    ],
    note: 'priority: zero-touch/PnP → DHCP custom → 66 → 43 → flash; RPS on a factory phone',
  },
  resync: {
    event: 'check-sync',
    note: 'sip.notify_reboot_enable: 0 reboots only with reboot=true, 1 always (T5 default), 2 ignores',
  },
};
