/**
 * Vendor profiles (shared/vendors), table-driven from ../shared/reference/phones.md: the real
 * User-Agent strings, every file of each vendor's boot sequence (both MAC cases), OUIs,
 * DHCP option 60, lenient model names, and what must not resolve (unmatched and hostile paths).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VENDORS, dhcpOfferValue, matchModel, modelLines, normaliseRequestPath, parseUserAgent, resolveRequest, vendorById,
  vendorFromDhcpVendorClass, vendorFromMac, vendorFromText, vendorsFromMac, type FileKind, type ResolveInput,
  type UserAgentInfo, type VendorId, type VendorProfile,
} from '../../shared/vendors/index.js';

// ------------------------------------------------------------------------------------ User-Agent

/** [User-Agent, vendor, model, firmware, MAC] — the reference's strings, verbatim unless noted. */
const USER_AGENTS: Array<[string, VendorId, string | undefined, string | undefined, string | undefined]> = [
  // Yealink [W v83/v87 common.py; F index.php]
  ['Yealink SIP-T46G 28.83.0.120 00:15:65:4a:a9:37', 'yealink', 'T46G', '28.83.0.120', '0015654aa937'],
  ['Yealink SIP-T48G 35.72.0.6 00:15:65:5c:60:82', 'yealink', 'T48G', '35.72.0.6', '0015655c6082'],
  ['yealink SIP-T28P 2.70.0.140 00:15:65:13:ae:0b', 'yealink', 'T28P', '2.70.0.140', '00156513ae0b'], // lower-case brand
  ['Yealink SIP VP-T49G 51.80.0.10', 'yealink', 'VP-T49G', '51.80.0.10', undefined], // the reference elides the MAC ("…")
  ['Yealink W60B 77.81.0.35 80:5e:c0:09:ab:dc', 'yealink', 'W60B', '77.81.0.35', '805ec009abdc'],
  ['Yealink W80B 103.83.0.90 80:5e:c0:71:01:38', 'yealink', 'W80B', '103.83.0.90', '805ec0710138'],
  ['Yealink W70B 146.87.0.15 80:5e:0c:1d:65:4e', 'yealink', 'W70B', '146.87.0.15', '805e0c1d654e'],
  ['Yealink W90DM 130.87.0.10 80:5e:c0:d9:c7:44', 'yealink', 'W90DM', '130.87.0.10', '805ec0d9c744'],
  ['Yealink SIP-T77U 185.87.0.10 44:db:d2:bd:b5:69', 'yealink', 'T77U', '185.87.0.10', '44dbd2bdb569'],
  ['Yealink CP960 73.83.0.30 00:15:65:8a:37:86', 'yealink', 'CP960', '73.83.0.30', '0015658a3786'],
  ['VP530P 23.70.0.40 00:15:65:31:4b:c0', 'yealink', 'VP530P', '23.70.0.40', '001565314bc0'], // no brand
  ['Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0', 'yealink', 'T46G', '28.71.0.81', undefined], // no MAC
  ['Yealink SIP-T56A  58.80.0.25 001565f429a4', 'yealink', 'T56A', '58.80.0.25', '001565f429a4'], // two spaces, no colons
  // Poly [W common.py; PolyUA2; public test code]
  ['FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application', 'poly', 'VVX 400', '4.1.4.7430', undefined],
  ['FileTransport PolycomVVX-VVX_101-UA/5.4.3.1014 Type/Application', 'poly', 'VVX 101', '5.4.3.1014', undefined],
  ['FileTransport PolycomSoundStationIP-SSIP_6000-UA/5.0.3.1667 Type/Updater', 'poly', 'SSIP 6000', '5.0.3.1667', undefined],
  ['FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078', 'poly', 'SPIP 335', '3.2.1.0078', undefined],
  ['FileTransport PolycomSoundStationIP-SSIP_5000-UA/4.0.3.7562 (SN:0004f2e765da) Type/Application', 'poly', 'SSIP 5000', '4.0.3.7562', '0004f2e765da'],
  ['FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 Type/Application', 'poly', 'Edge E450', '8.0.0.15602', undefined],
  ['FileTransport PolyCCX-CCX_500-UA/9.4.1.0508 (SN:64167f9f4c90) Type/Application', 'poly', 'CCX 500', '9.4.1.0508', '64167f9f4c90'],
  // Grandstream [W common.py, common_ata]
  ['Grandstream Model HW GXP1628 SW 1.0.4.138 DevId c074ad2bd859', 'grandstream', 'GXP1628', '1.0.4.138', 'c074ad2bd859'],
  ['Grandstream Model HW GXV3350  V1.3A SW 1.0.1.8 DevId c074ad150b88', 'grandstream', 'GXV3350', '1.0.1.8', 'c074ad150b88'],
  ['Grandstream Model HW GRP2614 SW 1.0.5.15 DevId c074ad0b63ee', 'grandstream', 'GRP2614', '1.0.5.15', 'c074ad0b63ee'],
  ['Grandstream Model HW HT801 V1.1A SW 1.0.17.5 DevId c074ad273a10', 'grandstream', 'HT801', '1.0.17.5', 'c074ad273a10'],
  ['Grandstream Model HW HT802V2 V1.0A SW 1.0.5.4 DevId ec74d763e419', 'grandstream', 'HT802V2', '1.0.5.4', 'ec74d763e419'],
  ['Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8', 'grandstream', 'GXP2000', '1.2.5.3', '000b822726c8'],
  // Cisco [W cisco_spa, cisco_sip common.py]
  ['Cisco/SPA508G-7.4.8a (0002FDFF2103)(CBT141400UK)', 'cisco', 'SPA508G', '7.4.8a', '0002fdff2103'],
  ['Cisco/SPA525G-7.4.7 (CBT141900G7)', 'cisco', 'SPA525G', '7.4.7', undefined], // serial only
  ['Linksys/SPA-942-6.1.5(a) (88019FA42805)', 'cisco', 'SPA-942', '6.1.5(a)', '88019fa42805'],
  ['Cisco-CP-7832-3PCC/11.0.1 (00562b043615)', 'cisco', '7832', '11.0.1', '00562b043615'],
  // Snom [W snom common.py; F index.php]
  ['Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413922D24 SXM:0 UXM:0)', 'snom', 'D785', '10.1.33.33', '000413922d24'],
  ['Mozilla/4.0 (compatible; snom710-SIP 8.7.5.35 1.1.5-IFX-05.01.12 000413741767)', 'snom', '710', '8.7.5.35', '000413741767'],
  ['Mozilla/4.0 (compatible; snom320-SIP 8.4.18 1.1.3-s)', 'snom', '320', '8.4.18', undefined], // no MAC
  ['Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680)', 'snom', 'M900', '05.20.0001', '000413b60680'], // DECT
  // Fanvil [W common.py]
  ['Fanvil X4 2.10.2.6887 0c383e07e16c', 'fanvil', 'X4', '2.10.2.6887', '0c383e07e16c'],
  ['Fanvil X6U Pro 0.0.10 0c383e2cd782', 'fanvil', 'X6U Pro', '0.0.10', '0c383e2cd782'],
  ['Fanvil X5U-V2 2.12.16.17 0c383e557eb1', 'fanvil', 'X5U-V2', '2.12.16.17', '0c383e557eb1'],
  ['Fanvil V65 2.12.2.4 0c383e38e123', 'fanvil', 'V65', '2.12.2.4', '0c383e38e123'],
  ['Fanvil i53W 2.12.9 0c383e10a440', 'fanvil', 'i53W', '2.12.9', '0c383e10a440'],
  ['Fanvil W620W 2.16.10 0c383e7dd216', 'fanvil', 'W620W', '2.16.10', '0c383e7dd216'],
  // Mitel/Aastra [W aastra common.py]
  ['Aastra6731i MAC:00-08-5D-23-74-29 V:3.2.0.70-SIP', 'mitel', '6731i', '3.2.0.70', '00085d237429'],
  ['Aastra6863i MAC:00-08-5D-40-90-5F V:4.1.0.128-SIP', 'mitel', '6863i', '4.1.0.128', '00085d40905f'],
  ['Mitel6940 MAC:14-00-E9-1B-45-24 V:6.4.0.140-SIP', 'mitel', '6940', '6.4.0.140', '1400e91b4524'],
  ['Mitel6920 MAC:14-00-E9-1F-03-EA V:6.4.0.140-SIP', 'mitel', '6920', '6.4.0.140', '1400e91f03ea'],
  // Htek [W, F index.php]
  ['Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9', 'htek', 'UC903', '2.0.4.2', '001fc11c22a9'],
  ['Htek UC926 2.0.4.2 00:1f:c1:2d:33:b0', 'htek', 'UC926', '2.0.4.2', '001fc12d33b0'], // the reference elides this MAC; made up in the Htek OUI
  // Gigaset [W]
  ['N510 IP PRO/42.245.00.000.000;7C2F804DF9A9', 'gigaset', 'N510 IP PRO', '42.245.00.000.000', '7c2f804df9a9'], // no brand
  ['Gigaset N720 DM PRO/70.089.00.000.000;7C2F80CA21E4', 'gigaset', 'N720 DM PRO', '70.089.00.000.000', '7c2f80ca21e4'],
  ['Gigaset N870 IP PRO/83.V2.11.0+build.a546b91;7C2F80E0D605', 'gigaset', 'N870 IP PRO', '83.V2.11.0+build.a546b91', '7c2f80e0d605'],
];

describe('User-Agent parser', () => {
  for (const [ua, vendor, model, firmware, mac] of USER_AGENTS) {
    test(`${JSON.stringify(ua)} → ${vendor} ${model ?? '-'} ${firmware ?? '-'} ${mac ?? 'no MAC'}`, () => {
      const expected: UserAgentInfo = { vendor };
      if (model) expected.model = model;
      if (firmware) expected.firmware = firmware;
      if (mac) expected.mac = mac;
      assert.deepEqual(parseUserAgent(ua), expected);
    });
  }

  test('every vendor with User-Agent rules is covered by the table above, and each rule\'s example parses', () => {
    for (const v of VENDORS) {
      if (v.userAgents.length === 0) continue;
      assert.ok(USER_AGENTS.some(([, id]) => id === v.id), `${v.id} has table rows`);
      for (const rule of v.userAgents) assert.equal(parseUserAgent(rule.example)?.vendor, v.id, rule.example);
    }
  });

  test('a known model gets its canonical name (matching is lenient)', () => {
    assert.equal(parseUserAgent('Fanvil X4U 2.10.2.6887 0c383e07e16c')?.model, 'X4U');
    assert.equal(parseUserAgent('FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 Type/Application')?.model, 'VVX 411');
  });

  for (const ua of [
    'VP530P 23.70.0.40 0c:38:3e:31:4b:c0', // brand-less, but the MAC is Fanvil's: not believed to be Yealink
    'VP530P 23.70.0.40', // brand-less without a MAC
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    'curl/8.5.0',
    'Wget/1.21.4',
    '',
    'Yealink',
  ]) {
    test(`not a phone we know: ${JSON.stringify(ua)}`, () => {
      assert.equal(parseUserAgent(ua), undefined);
    });
  }
});

// ------------------------------------------------------------------------------------ requests

interface Row {
  path: string;
  vendor: VendorId;
  kind: FileKind;
  template?: string;
  mac?: string;
  model?: string;
  optional?: boolean;
  input?: Omit<ResolveInput, 'path'>;
}

const Y = '805ec0a1b2c3';
const P = '0004f2a1b2c3';
const G = 'c074ada1b2c3';
const C = '00562ba1b2c3';
const S = '000413a1b2c3';
const F = '0c383ea1b2c3';
const M = '00085da1b2c3';
const H = '001fc1a1b2c3';
const GI = '7c2f80a1b2c3';

/** Each vendor's boot sequence as the reference gives it, both MAC cases where the name has one. */
const REQUESTS: Row[] = [
  // Yealink [YeaBoot]: <mac>.boot → y000000000000.boot → y0000000000XX.cfg → <mac>.cfg
  { path: `${Y}.boot`, vendor: 'yealink', kind: 'boot', template: 'boot', mac: Y },
  { path: `${Y.toUpperCase()}.boot`, vendor: 'yealink', kind: 'boot', template: 'boot', mac: Y },
  { path: 'y000000000000.boot', vendor: 'yealink', kind: 'boot', optional: true },
  { path: 'y000000000066.cfg', vendor: 'yealink', kind: 'common', template: 'common', model: 'T46S' },
  { path: 'y000000000028.cfg', vendor: 'yealink', kind: 'common', template: 'common', model: 'T46G' },
  { path: 'y000000000150.cfg', vendor: 'yealink', kind: 'common', template: 'common', model: 'T58W' },
  { path: 'y000000000025.cfg', vendor: 'yealink', kind: 'common', template: 'common' }, // W52P/W56P share 25: no model
  { path: `${Y}.cfg`, vendor: 'yealink', kind: 'device', template: 'device', mac: Y },
  { path: `${Y.toUpperCase()}.cfg`, vendor: 'yealink', kind: 'device', template: 'device', mac: Y },
  { path: `/${Y}.cfg`, vendor: 'yealink', kind: 'device', template: 'device', mac: Y },
  { path: `secure/${Y}.cfg`, vendor: 'yealink', kind: 'device', template: 'device', mac: Y },
  { path: `${Y}-local.cfg`, vendor: 'yealink', kind: 'upload', mac: Y, optional: true },
  {
    path: `${Y}.cfg`, vendor: 'yealink', kind: 'device', template: 'device', mac: Y, model: 'T46S',
    input: { userAgent: 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:a1:b2:c3' },
  },
  // Poly [PolyBoot, PolyFAQ]: <mac>.cfg → 000000000000.cfg → sip.ld → CONFIG_FILES → uploads
  { path: `${P}.cfg`, vendor: 'poly', kind: 'boot', template: 'boot', mac: P },
  { path: `${P.toUpperCase()}.cfg`, vendor: 'poly', kind: 'boot', template: 'boot', mac: P }, // Poly accepts either case
  { path: '000000000000.cfg', vendor: 'poly', kind: 'boot', template: 'boot' },
  { path: 'sip.ld', vendor: 'poly', kind: 'firmware', optional: true },
  { path: '2345-12600-001.sip.ld', vendor: 'poly', kind: 'firmware', optional: true },
  { path: `${P}-user.cfg`, vendor: 'poly', kind: 'device', template: 'device', mac: P },
  { path: 'common.cfg', vendor: 'poly', kind: 'common', template: 'common' },
  { path: `${P}-phone.cfg`, vendor: 'poly', kind: 'upload', mac: P, optional: true },
  { path: `${P}-web.cfg`, vendor: 'poly', kind: 'upload', mac: P, optional: true },
  { path: `${P}-boot.log`, vendor: 'poly', kind: 'upload', mac: P, optional: true },
  { path: `${P}-app.log`, vendor: 'poly', kind: 'upload', mac: P, optional: true },
  { path: '000000000000-license.cfg', vendor: 'poly', kind: 'common', optional: true },
  { path: `${P}-license.cfg`, vendor: 'poly', kind: 'common', mac: P, optional: true },
  { path: `${P}-directory.xml`, vendor: 'poly', kind: 'common', mac: P, optional: true },
  { path: '000000000000-directory.xml', vendor: 'poly', kind: 'common', optional: true },
  { path: 'phone1.cfg', vendor: 'poly', kind: 'common', optional: true },
  { path: 'sip.cfg', vendor: 'poly', kind: 'common', optional: true },
  {
    path: `${P}-user.cfg`, vendor: 'poly', kind: 'device', template: 'device', mac: P, model: 'VVX 411',
    input: { userAgent: `FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 (SN:${P}) Type/Application` },
  },
  // Grandstream [GSProv]: cfg<mac> / cfg<mac>.xml → cfg<model>.xml → cfg.xml
  { path: `cfg${G}`, vendor: 'grandstream', kind: 'device', mac: G, optional: true },
  { path: `cfg${G}.bin`, vendor: 'grandstream', kind: 'device', mac: G, optional: true },
  { path: `cfg${G}.xml`, vendor: 'grandstream', kind: 'device', template: 'device', mac: G },
  { path: `cfg${G.toUpperCase()}.xml`, vendor: 'grandstream', kind: 'device', template: 'device', mac: G },
  { path: `Grandstream/cfg${G}.xml`, vendor: 'grandstream', kind: 'device', template: 'device', mac: G },
  { path: 'cfggrp2614.xml', vendor: 'grandstream', kind: 'common', model: 'GRP2614', optional: true },
  { path: 'cfg.xml', vendor: 'grandstream', kind: 'common', optional: true },
  // Cisco SPA/MPP [SPA112, CiscoMig]
  { path: '/spa508G.cfg', vendor: 'cisco', kind: 'boot', template: 'boot', model: 'SPA508G' },
  { path: 'spa112.cfg', vendor: 'cisco', kind: 'boot', template: 'boot', model: 'SPA112' },
  { path: '/8851-3PCC.xml', vendor: 'cisco', kind: 'boot', template: 'boot', model: '8851' },
  { path: `Cisco/CP-8851-3PCC/${C}.cfg`, vendor: 'cisco', kind: 'device', template: 'device', mac: C, model: '8851' },
  { path: `/Cisco/SPA508G/${C.toUpperCase()}.cfg`, vendor: 'cisco', kind: 'device', template: 'device', mac: C, model: 'SPA508G' },
  { path: `secure/Cisco/CP-7861-3PCC/${C}.cfg`, vendor: 'cisco', kind: 'device', template: 'device', mac: C, model: '7861' },
  // Cisco enterprise [W _FILENAME_REGEXES, CUCM]: CTL → ITL → SEP<MAC>.cnf.xml
  { path: `CTLSEP${C.toUpperCase()}.tlv`, vendor: 'cisco-sep', kind: 'common', mac: C, optional: true },
  { path: `ITLSEP${C.toUpperCase()}.tlv`, vendor: 'cisco-sep', kind: 'common', mac: C, optional: true },
  { path: 'ITLFile.tlv', vendor: 'cisco-sep', kind: 'common', optional: true },
  { path: `SEP${C.toUpperCase()}.cnf.xml`, vendor: 'cisco-sep', kind: 'device', template: 'device', mac: C },
  { path: `SEP${C}.cnf.xml`, vendor: 'cisco-sep', kind: 'device', template: 'device', mac: C },
  { path: `/SEP${C.toUpperCase()}.cnf.xml`, vendor: 'cisco-sep', kind: 'device', template: 'device', mac: C }, // HTTP (port 6970)
  { path: `SEP${C.toUpperCase()}.cnf.xml.sgn`, vendor: 'cisco-sep', kind: 'device', mac: C, optional: true },
  { path: 'XmlDefault.cnf.xml', vendor: 'cisco-sep', kind: 'common', optional: true },
  // Snom [SnomFiles]: snom<model>.htm → snom<model>-<MAC>.htm → <MAC>.xml
  { path: 'snomD785.htm', vendor: 'snom', kind: 'common', template: 'common', model: 'D785' },
  { path: 'snom710.htm', vendor: 'snom', kind: 'common', template: 'common', model: '710' },
  { path: `snomD785-${S.toUpperCase()}.htm`, vendor: 'snom', kind: 'boot', template: 'boot', mac: S, model: 'D785' },
  { path: `snomD785-${S}.htm`, vendor: 'snom', kind: 'boot', template: 'boot', mac: S, model: 'D785' },
  { path: `${S.toUpperCase()}.xml`, vendor: 'snom', kind: 'device', template: 'device', mac: S },
  { path: `${S}.xml`, vendor: 'snom', kind: 'device', template: 'device', mac: S },
  { path: 'snomD785-firmware.xml', vendor: 'snom', kind: 'firmware', model: 'D785', optional: true },
  { path: 'gui_lang.xml', vendor: 'snom', kind: 'common', optional: true },
  { path: 'web_lang.xml', vendor: 'snom', kind: 'common', optional: true },
  // Fanvil [W, FanAP]: common file → <mac>.cfg
  { path: 'f0X4hw1.100.cfg', vendor: 'fanvil', kind: 'common', template: 'common', model: 'X4' },
  { path: 'f0X3shw1.100.cfg', vendor: 'fanvil', kind: 'common', template: 'common', model: 'X3s' },
  { path: 'F0V00X300000.cfg', vendor: 'fanvil', kind: 'common', template: 'common' },
  { path: 'F0V5UV200000.cfg', vendor: 'fanvil', kind: 'common', template: 'common' },
  { path: 'F0V0V6500000.cfg', vendor: 'fanvil', kind: 'common', template: 'common' },
  { path: 'fanvil_x5u_v2_hwv2_0.txt', vendor: 'fanvil', kind: 'common', model: 'x5u_v2', optional: true },
  { path: 'fanvil_w620w_hwv1_0.txt', vendor: 'fanvil', kind: 'common', model: 'w620w', optional: true },
  { path: `${F}.cfg`, vendor: 'fanvil', kind: 'device', template: 'device', mac: F },
  { path: `Fanvil/${F.toUpperCase()}.cfg`, vendor: 'fanvil', kind: 'device', template: 'device', mac: F },
  // Mitel/Aastra [Aastra]: aastra.cfg → <model>.cfg → <MAC>.cfg
  { path: 'aastra.cfg', vendor: 'mitel', kind: 'common', template: 'common' },
  { path: '6867i.cfg', vendor: 'mitel', kind: 'common', template: 'common', model: '6867i' },
  { path: '6940.cfg', vendor: 'mitel', kind: 'common', template: 'common', model: '6940' },
  { path: `${M.toUpperCase()}.cfg`, vendor: 'mitel', kind: 'device', template: 'device', mac: M },
  { path: `${M}.cfg`, vendor: 'mitel', kind: 'device', template: 'device', mac: M },
  { path: `Aastra/${M.toUpperCase()}.cfg`, vendor: 'mitel', kind: 'device', template: 'device', mac: M },
  { path: 'aastra.tuz', vendor: 'mitel', kind: 'common', optional: true },
  { path: `${M.toUpperCase()}.tuz`, vendor: 'mitel', kind: 'common', mac: M, optional: true },
  { path: '6867i.st', vendor: 'mitel', kind: 'firmware', model: '6867i', optional: true },
  // Htek [W v2_0_4_6_41, F]: cfg00NN.xml → cfg<mac>.xml (or <mac>.cfg)
  { path: 'cfg0010.xml', vendor: 'htek', kind: 'common', template: 'common', model: 'UC926' },
  { path: 'cfg0016.xml', vendor: 'htek', kind: 'common', template: 'common', model: 'UC903' },
  { path: `cfg${H}.xml`, vendor: 'htek', kind: 'device', template: 'device', mac: H },
  { path: `${H}.cfg`, vendor: 'htek', kind: 'device', template: 'device', mac: H },
  // Gigaset [W]
  { path: `${GI}.xml`, vendor: 'gigaset', kind: 'device', template: 'device', mac: GI },
  { path: `${GI.toUpperCase()}.xml`, vendor: 'gigaset', kind: 'device', template: 'device', mac: GI },
  { path: '/42/2/master.bin', vendor: 'gigaset', kind: 'firmware', optional: true },
];

describe('resolveRequest: each vendor\'s boot sequence', () => {
  for (const row of REQUESTS) {
    const extra = row.input ? ` (${Object.keys(row.input).join(', ')})` : '';
    test(`${row.path}${extra} → ${row.vendor} ${row.kind}${row.template ? ` → ${row.template}` : ' (404)'}`, () => {
      const r = resolveRequest({ path: row.path, ...row.input });
      assert.ok(r, `${row.path} resolves`);
      assert.deepEqual(
        { vendor: r.vendor, kind: r.kind, template: r.template, mac: r.mac, model: r.model, optional: r.optional },
        { vendor: row.vendor, kind: row.kind, template: row.template, mac: row.mac, model: row.model, optional: row.optional ?? false },
      );
      const profile = vendorById(r.vendor)!;
      if (r.template) assert.equal(r.format, profile.templates.find((t) => t.name === r.template)?.format);
      assert.match(r.contentType, /^(?:text\/plain|text\/xml|application\/octet-stream)/);
    });
  }

  test('every file pattern of every profile is exercised by the table', () => {
    for (const v of VENDORS) {
      for (const f of v.files) {
        const hit = REQUESTS.some((row) => {
          const r = resolveRequest({ path: row.path, ...row.input });
          return r?.vendor === v.id && r.file === f.name;
        });
        assert.ok(hit, `${v.id} ${f.name} has a row`);
      }
    }
  });
});

describe('resolveRequest: which vendor, when several families use the name', () => {
  const unknownMac = '001122aabbcc'; // no OUI of ours
  test('only the file name: the first family in VENDORS order, every candidate listed', () => {
    const r = resolveRequest({ path: `${unknownMac}.cfg` })!;
    assert.equal(r.vendor, 'yealink');
    assert.equal(r.via, 'file-name');
    for (const id of ['yealink', 'poly', 'fanvil', 'htek', 'mitel'] as const) assert.ok(r.candidates?.includes(id), id);
  });
  test('only the file name, MAC in upper case: the family that writes MACs upper-case (Mitel)', () => {
    const r = resolveRequest({ path: `${unknownMac.toUpperCase()}.cfg` })!;
    assert.deepEqual([r.vendor, r.kind, r.via], ['mitel', 'device', 'file-name']);
  });
  test('the OUI of the MAC in the name decides', () => {
    assert.deepEqual([resolveRequest({ path: `${P}.cfg` })?.vendor, resolveRequest({ path: `${P}.cfg` })?.via], ['poly', 'path-mac']);
    assert.equal(resolveRequest({ path: `${F}.cfg` })?.vendor, 'fanvil');
    assert.equal(resolveRequest({ path: `${H}.cfg` })?.vendor, 'htek');
    assert.equal(resolveRequest({ path: `${M}.cfg` })?.vendor, 'mitel');
    assert.equal(resolveRequest({ path: `cfg${H}.xml` })?.vendor, 'htek');
    assert.equal(resolveRequest({ path: `${GI.toUpperCase()}.xml` })?.vendor, 'gigaset');
  });
  test('the User-Agent comes before the OUI', () => {
    const r = resolveRequest({ path: `${unknownMac}.cfg`, userAgent: 'FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 Type/Application' })!;
    assert.deepEqual([r.vendor, r.kind, r.template, r.model, r.firmware, r.via], ['poly', 'boot', 'boot', 'VVX 411', '5.9.0.9373', 'user-agent']);
  });
  test('the vendor the caller has stored comes after the User-Agent and before the OUI', () => {
    const known = resolveRequest({ path: `${Y}.cfg`, knownVendor: 'fanvil' })!;
    assert.deepEqual([known.vendor, known.kind, known.via], ['fanvil', 'device', 'known']);
    const poly = resolveRequest({ path: `${unknownMac}.cfg`, knownVendor: 'poly' })!;
    assert.deepEqual([poly.vendor, poly.kind, poly.template], ['poly', 'boot', 'boot']);
    const ua = resolveRequest({ path: `${Y}.cfg`, knownVendor: 'fanvil', userAgent: 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:a1:b2:c3' })!;
    assert.equal(ua.vendor, 'yealink');
    // A stored vendor that does not use this name changes nothing.
    assert.equal(resolveRequest({ path: 'aastra.cfg', knownVendor: 'yealink' })?.vendor, 'mitel');
  });
  test('DHCP option 60 when neither User-Agent nor OUI tells', () => {
    const r = resolveRequest({ path: `${unknownMac}.cfg`, dhcpVendorClass: 'Fanvil X4U' })!;
    assert.deepEqual([r.vendor, r.model, r.via], ['fanvil', 'X4U', 'dhcp']);
  });
  test('the OUI of the client\'s MAC last', () => {
    const r = resolveRequest({ path: `${unknownMac}.cfg`, clientMac: '00:1f:c1:00:00:01' })!;
    assert.deepEqual([r.vendor, r.mac, r.via], ['htek', unknownMac, 'client-mac']);
  });
  test('a User-Agent naming another vendor does not change what a file unique to one vendor is', () => {
    const r = resolveRequest({ path: `SEP${C.toUpperCase()}.cnf.xml`, userAgent: 'Yealink SIP-T46G 28.83.0.120 00:15:65:4a:a9:37' })!;
    assert.equal(r.vendor, 'cisco-sep');
    assert.equal(r.mac, C);
  });
  test('a common file gets the MAC and model from the User-Agent or the lease', () => {
    const ua = resolveRequest({ path: 'y000000000066.cfg', userAgent: 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:a1:b2:c3' })!;
    assert.deepEqual([ua.mac, ua.model], [Y, 'T46S']);
    assert.equal(resolveRequest({ path: 'aastra.cfg', clientMac: '00-08-5D-A1-B2-C3' })?.mac, M);
  });
  test('Cisco\'s own directory makes a name more specific than a bare <mac>.cfg', () => {
    const r = resolveRequest({ path: `Cisco/CP-8851-3PCC/${unknownMac}.cfg` })!;
    assert.equal(r.vendor, 'cisco');
  });
});

describe('resolveRequest: what never resolves (404)', () => {
  const unmatched = [
    'index.html', 'favicon.ico', 'robots.txt', `${Y}.txt`, 'y00000000066.cfg', 'cfg.json', 'spa.cfg', 'SEP.cnf.xml',
    `sep${C.toUpperCase()}.cnf.xml`, 'ffffffffffff.cfg', `${Y.slice(0, 6)}AbCdEf.cfg` /* mixed-case MAC */, `${Y}0.cfg`,
    'snom.htm', 'etc/passwd', 'a/b/c', 'config.xml',
  ];
  for (const path of unmatched) {
    test(`unmatched: ${JSON.stringify(path)}`, () => {
      assert.equal(resolveRequest({ path }), undefined);
    });
  }
  const hostile = [
    `../${Y}.cfg`, `/../${Y}.cfg`, `a/../${Y}.cfg`, `./${Y}.cfg`, `${Y}.cfg\0`, `${Y}.cfg\u0000.txt`, `..\\${Y}.cfg`,
    `C:\\${Y}.cfg`, `%2e%2e/${Y}.cfg`, `${Y}.cfg/`, `a//${Y}.cfg`, `${'a/'.repeat(130)}${Y}.cfg`, `${'x'.repeat(300)}.cfg`, '',
    ` ${Y}.cfg`, `${Y}.cfg?x=1`, `${Y}.cfg\n`, `..`, `/`, `\u202e${Y}.cfg`,
  ];
  for (const path of hostile) {
    test(`hostile: ${JSON.stringify(path.length > 60 ? `${path.slice(0, 30)}…(${path.length})` : path)}`, () => {
      assert.equal(resolveRequest({ path }), undefined);
      assert.equal(normaliseRequestPath(path), undefined);
    });
  }
  test('leading slashes are dropped, not refused', () => {
    assert.equal(normaliseRequestPath(`//${Y}.cfg`), `${Y}.cfg`);
    assert.equal(resolveRequest({ path: `//${Y}.cfg` })?.kind, 'device');
  });
});

// ------------------------------------------------------------------------------------ OUIs

describe('OUIs', () => {
  const table: Array<[string, VendorId]> = [
    ['001565', 'yealink'], ['805ec0', 'yealink'], ['805e0c', 'yealink'], ['249ad8', 'yealink'], ['44dbd2', 'yealink'],
    ['3497d7', 'yealink'], ['644f56', 'yealink'], ['b061a9', 'yealink'], ['c4fc22', 'yealink'], ['ec1da9', 'yealink'], ['f01653', 'yealink'],
    ['0004f2', 'poly'], ['64167f', 'poly'], ['482567', 'poly'],
    ['000b82', 'grandstream'], ['c074ad', 'grandstream'], ['ec74d7', 'grandstream'], ['144cff', 'grandstream'],
    ['0002fd', 'cisco'], ['8843e1', 'cisco'], ['002699', 'cisco'], ['503de5', 'cisco'], ['00562b', 'cisco'], ['d0ec35', 'cisco'], ['000e08', 'cisco'],
    ['000413', 'snom'], ['1c7126', 'snom'],
    ['0c383e', 'fanvil'],
    ['00085d', 'mitel'], ['08000f', 'mitel'], ['1400e9', 'mitel'],
    ['001fc1', 'htek'],
    ['7c2f80', 'gigaset'], ['002104', 'gigaset'], ['589ec6', 'gigaset'],
  ];
  for (const [oui, vendor] of table) {
    test(`${oui} → ${vendor}`, () => {
      assert.equal(vendorFromMac(`${oui}123456`)?.id, vendor);
    });
  }
  test('the table covers every OUI of every profile', () => {
    const all = VENDORS.flatMap((v) => v.ouis.map((o) => `${o}:${v.id}`)).sort();
    assert.deepEqual(all, table.map(([o, v]) => `${o}:${v}`).sort());
  });
  test('Cisco hardware may run either Cisco firmware: the OUI names both profiles', () => {
    assert.deepEqual(vendorsFromMac(`00562b123456`).map((v) => v.id), ['cisco', 'cisco-sep']);
    assert.deepEqual(vendorsFromMac(`001565123456`).map((v) => v.id), ['yealink']);
    assert.deepEqual(vendorsFromMac('00087b123456'), []); // RTX Telecom (wazo lists it for Snom M-series; not Snom's)
    assert.equal(vendorFromMac('00a859123456'), undefined); // listed by wazo for Fanvil, not in the IEEE registry
  });
});

// ------------------------------------------------------------------------------------ DHCP option 60

/** Poly's binary vendor class [PolyVCI]: enterprise 13885, length, sub-options, 0xff. */
function polyVci(model: string): Uint8Array {
  const sub = (code: number, text: string) => [code, text.length, ...Buffer.from(text, 'latin1')];
  const body = [...sub(1, 'Polycom'), ...sub(2, model), ...sub(3, '2345-11605-001,2'), ...sub(4, 'SIP/Tip.XXXX/08-Jun-07 10:44'), ...sub(5, 'BR/3.1.0.XXXX/28-Apr-05 13:30'), 0xff];
  return Uint8Array.from([0x00, 0x00, 0x36, 0x3d, body.length, ...body]);
}

describe('DHCP option 60', () => {
  const table: Array<[string | Uint8Array, VendorId, string | undefined, string]> = [
    ['yealink', 'yealink', undefined, 'unverified [TechDNS]'],
    [polyVci('SoundPointIP-SPIP_601'), 'poly', 'SPIP 601', 'binary'],
    [polyVci('VVX-VVX_411'), 'poly', 'VVX 411', 'binary'],
    [Buffer.from(polyVci('SoundPointIP-SPIP_601')).toString('latin1'), 'poly', 'SPIP 601', 'binary as a latin1 string'],
    ['Grandstream GXP2110', 'grandstream', 'GXP2110', 'P148 default'],
    ['Cisco SPA508G', 'cisco', 'SPA508G', ''],
    ['Cisco Systems, Inc. IP Phone SPA508G', 'cisco', 'SPA508G', ''],
    ['Cisco SPA525G2', 'cisco', 'SPA525G2', ''],
    ['CISCO SPA112', 'cisco', 'SPA112', ''],
    ['CISCO SPA122', 'cisco', 'SPA122', ''],
    ['CISCO ATA190', 'cisco', 'ATA190', ''],
    ['CISCO ATA191-MPP', 'cisco', 'ATA191-MPP', ''],
    ['LINKSYS SPA-942', 'cisco', 'SPA-942', ''],
    ['CP-7841-3PCC\0', 'cisco', '7841', 'NUL-terminated'],
    ['CP-8851-3PCC', 'cisco', '8851', ''],
    ['Cisco Systems, Inc. IP Phone CP-7965G\0', 'cisco-sep', '7965G', ''],
    ['Cisco Systems, Inc. IP Phone CP-8961\0', 'cisco-sep', '8961', ''],
    ['Cisco Systems, Inc. IP Phone CP-9951\0', 'cisco-sep', '9951', ''],
    ['Cisco Systems, Inc. IP Phone 7912', 'cisco-sep', '7912', ''],
    ['Cisco Systems Inc. Wireless Phone 7921', 'cisco-sep', '7921', ''],
    ['Cisco Systems, Inc.', 'cisco-sep', undefined, '6901'],
    ['snomD785', 'snom', 'D785', ''],
    ['snomD735', 'snom', 'D735', ''],
    ['snom710', 'snom', '710', ''],
    ['snom760', 'snom', '760', ''],
    ['snomD120', 'snom', 'D120', ''],
    ['snomM900', 'snom', 'M900', 'M-series prefix'],
    ['Fanvil X4U', 'fanvil', 'X4U', 'unverified [TechDNS]'],
    ['AastraIPPhone6867i', 'mitel', '6867i', ''],
    ['AastraIPPhone6731i', 'mitel', '6731i', ''],
    ['AastraIPPhone57i', 'mitel', '57i', ''],
    ['AastraIPPhone6757i', 'mitel', '6757i', ''],
    ['MitelIPPhone6940', 'mitel', '6940', '6900 series'],
    ['Gigaset_N720_DM_PRO', 'gigaset', 'N720 DM PRO', ''],
    ['N510_IP_PRO', 'gigaset', 'N510 IP PRO', ''],
  ];
  for (const [vc, vendor, model, note] of table) {
    const name = typeof vc === 'string' ? JSON.stringify(vc) : `<${vc.length} bytes>`;
    test(`${name} → ${vendor}${model ? ` ${model}` : ''}${note ? ` (${note})` : ''}`, () => {
      const r = vendorFromDhcpVendorClass(vc);
      assert.deepEqual(r, model ? { vendor, model } : { vendor });
    });
  }
  for (const vc of ['MSFT 5.0', 'udhcp 1.30.1', 'android-dhcp-13', 'dhcpcd-9.4.1:Linux-6.1:x86_64:GenuineIntel', '', 'Polycom', Uint8Array.from([0, 0, 0x36])]) {
    test(`not a phone: ${typeof vc === 'string' ? JSON.stringify(vc) : `<${vc.length} bytes>`}`, () => {
      const r = vendorFromDhcpVendorClass(vc);
      // A bare "Polycom" text class is believed (Poly's own rule); the rest are not phones.
      if (vc === 'Polycom') assert.equal(r?.vendor, 'poly');
      else assert.equal(r, undefined);
    });
  }
  test('every vendorClass rule\'s example parses to its vendor', () => {
    for (const v of VENDORS) for (const rule of v.vendorClass) assert.equal(vendorFromDhcpVendorClass(rule.example)?.vendor, v.id, rule.example);
  });
});

describe('DHCP options offered per family', () => {
  test('option 66 is a URL or a bare host, as each family reads it', () => {
    const base = { scheme: 'http' as const, host: '10.1.2.3', port: 8080 };
    const value = (id: string, code: number) => {
      const offer = vendorById(id)!.dhcp.offer.find((o) => o.code === code)!;
      return dhcpOfferValue(offer, base);
    };
    assert.equal(value('yealink', 66), 'http://10.1.2.3:8080/');
    assert.equal(value('poly', 160), 'http://10.1.2.3:8080/');
    assert.equal(value('cisco', 66), '10.1.2.3'); // TFTP: SPA Profile_Rule /spa$PSN.cfg, MPP $PSN.xml
    assert.equal(value('cisco-sep', 66), '10.1.2.3');
    assert.equal(value('cisco-sep', 150), undefined); // an IP list the DHCP server encodes itself
    assert.equal(value('gigaset', 114), 'http://10.1.2.3:8080/');
    assert.equal(dhcpOfferValue({ code: 66, value: 'url', path: 'x/' }, { scheme: 'https', host: 'h', port: 443 }), 'https://h/x/');
  });
  test('every profile offers a provisioning-server option and names the options it reads', () => {
    for (const v of VENDORS) {
      assert.ok(v.dhcp.offer.some((o) => o.value === 'url' || o.value === 'host' || o.value === 'ip-list' || o.value === 'vendor-specific'), v.id);
      for (const o of v.dhcp.offer) assert.ok(v.dhcp.reads.includes(o.code), `${v.id} offers ${o.code}, which it reads`);
    }
  });
});

// ------------------------------------------------------------------------------------ models

describe('model names at import', () => {
  const v = (id: string) => vendorById(id) as VendorProfile;
  const table: Array<[string, string, string, number]> = [
    ['yealink', 'SIP-T46S', 'T46S', 16], ['yealink', 'T46S', 'T46S', 16], ['yealink', 'Yealink T46S', 'T46S', 16],
    ['yealink', 'sip t31g', 'T31G', 2], ['yealink', 'W90DM', 'W90DM', 250], ['yealink', 'Yealink W70B', 'W70B', 10],
    ['poly', 'VVX 411', 'VVX 411', 12], ['poly', 'VVX_411', 'VVX 411', 12], ['poly', 'Polycom VVX601', 'VVX 601', 16],
    ['cisco', 'CP-8851-3PCC', '8851', 10], ['cisco', '8851', '8851', 10], ['cisco', 'Cisco 7861', '7861', 16],
    ['cisco', 'CP-7811-3PCC', '7811', 1], ['cisco', '7841 MPP', '7841', 4],
    ['snom', 'snomD785', 'D785', 12], ['snom', 'Snom D735', 'D735', 12],
    ['fanvil', 'Fanvil X4U', 'X4U', 12], ['fanvil', 'x6u', 'X6U', 20], ['fanvil', 'V64', 'V64', 1],
  ];
  for (const [id, input, name, lines] of table) {
    test(`${id}: ${JSON.stringify(input)} → ${name} (${lines} lines)`, () => {
      assert.deepEqual(matchModel(v(id), input), { name, lines });
      assert.equal(modelLines(id as VendorId, input), lines);
    });
  }
  const unknown: Array<[string, string]> = [
    ['yealink', 'T46'], ['yealink', 'T99X'], ['poly', 'VVX 999'], ['cisco', 'SPA508G'], ['cisco', '88'],
    ['grandstream', 'GXP2170'], ['mitel', '6867i'], ['htek', 'UC926'], ['gigaset', 'N870'], ['snom', 'D785X'], ['fanvil', ''],
  ];
  for (const [id, input] of unknown) {
    test(`${id}: ${JSON.stringify(input)} is not a model we know (kept as typed, with a warning)`, () => {
      assert.equal(matchModel(v(id), input), undefined);
      assert.equal(modelLines(id as VendorId, input), undefined);
    });
  }
  test('vendor names in free text', () => {
    assert.equal(vendorFromText('Polycom')?.id, 'poly');
    assert.equal(vendorFromText('cisco-sep')?.id, 'cisco-sep');
    assert.equal(vendorFromText('Aastra')?.id, 'mitel');
    assert.equal(vendorFromText('Gigaset')?.id, 'gigaset');
    assert.equal(vendorFromText('Avaya'), undefined);
  });
});
